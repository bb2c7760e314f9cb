"""Interface hot-plug and unplug in the libvirt driver."""

import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt.libvirt import driver as libvirt_driver
from services.compute.virt.libvirt import vifs as vif_plug
from tests.unit.compute.virt.test_libvirt_driver import spawn

FIRST = {'port_id': 'port-1', 'mac_address': 'fa:16:3e:00:00:01'}
SECOND = {'port_id': 'port-2', 'mac_address': 'fa:16:3e:00:00:02'}


@pytest.fixture
def ovs_bridge(conf, monkeypatch):
    conf.config(group='libvirt', vif_bridge='br-test')
    monkeypatch.setattr(libvirt_driver.LibvirtDriver, '_bridge_kind',
                        staticmethod(lambda name: 'ovs' if name == 'br-test' else None))
    unplugged = []
    monkeypatch.setattr(vif_plug, 'unplug_ovs',
                        lambda uuid, ports: unplugged.append((uuid, ports)))
    return unplugged


def _nics(dom):
    return [(i.find('mac').get('address'), i.find('model').get('type'),
             i.find('virtualport/parameters').get('interfaceid'))
            for i in ET.fromstring(dom.XMLDesc()).findall('devices/interface')]


def test_attach_plugs_live_and_persistent_with_the_guests_model(drv, instance, base_image,
                                                                ovs_bridge):
    dom = spawn(drv, instance, base_image, network_info=[FIRST], hw_vif_model='e1000')
    drv.attach_interface(None, instance, {'id': 'image-1'}, SECOND)
    assert dom.calls[-1] == 'attachDevice'
    assert _nics(dom) == [('fa:16:3e:00:00:01', 'e1000', 'port-1'),
                          ('fa:16:3e:00:00:02', 'e1000', 'port-2')]
    # A retried attach of the same port adds nothing.
    drv.attach_interface(None, instance, {'id': 'image-1'}, SECOND)
    assert len(_nics(dom)) == 2


def test_attach_to_a_stopped_guest_changes_only_its_definition(drv, instance, base_image,
                                                               ovs_bridge, monkeypatch):
    dom = spawn(drv, instance, base_image)
    drv.power_off(instance)
    flags = []
    real = dom.attachDeviceFlags
    monkeypatch.setattr(dom, 'attachDeviceFlags',
                        lambda xml, f: flags.append(f) or real(xml, f))
    drv.attach_interface(None, instance, {}, SECOND)
    assert flags == [2]  # VIR_DOMAIN_AFFECT_CONFIG only
    assert _nics(dom) == [('fa:16:3e:00:00:02', 'virtio', 'port-2')]


def test_attach_without_the_bridge_fails(drv, instance, base_image):
    spawn(drv, instance, base_image)
    with pytest.raises(exception.ComputeError):
        drv.attach_interface(None, instance, {}, SECOND)


def test_detach_unplugs_the_nic_with_the_ports_mac(drv, instance, base_image, ovs_bridge):
    dom = spawn(drv, instance, base_image, network_info=[FIRST, SECOND])
    drv.detach_interface(None, instance, FIRST)
    assert _nics(dom) == [('fa:16:3e:00:00:02', 'virtio', 'port-2')]
    assert ovs_bridge == [(instance.uuid, ['port-1'])]
    # One the guest lacks (or a guest that is gone) is not an error.
    drv.detach_interface(None, instance, FIRST)
    drv.destroy(None, instance, [])
    drv.detach_interface(None, instance, SECOND)


def _csum(dom):
    return [(i.find('mac').get('address'), i.find('driver/host').get('csum')
             if i.find('driver/host') is not None else None)
            for i in ET.fromstring(dom.XMLDesc()).findall('devices/interface')]


NETDEV = {'vif_details': {'datapath_type': 'netdev', 'bridge_name': 'br-test'}}


def test_virtio_nics_on_a_userspace_datapath_compute_their_own_checksums(
        drv, instance, base_image, ovs_bridge):
    dom = spawn(drv, instance, base_image, network_info=[dict(FIRST, **NETDEV)])
    drv.attach_interface(None, instance, {}, dict(SECOND, **NETDEV))
    assert _csum(dom) == [('fa:16:3e:00:00:01', 'off'), ('fa:16:3e:00:00:02', 'off')]


def test_nics_on_a_kernel_datapath_or_without_details_keep_the_offload(
        drv, instance, base_image, ovs_bridge):
    system = {'vif_details': {'datapath_type': 'system'}}
    dom = spawn(drv, instance, base_image, network_info=[dict(FIRST, **system)])
    drv.attach_interface(None, instance, {}, SECOND)
    assert _csum(dom) == [('fa:16:3e:00:00:01', None), ('fa:16:3e:00:00:02', None)]


def test_an_e1000_nic_has_no_virtio_offload_to_turn_off(drv, instance, base_image, ovs_bridge):
    dom = spawn(drv, instance, base_image, network_info=[dict(FIRST, **NETDEV)],
                hw_vif_model='e1000')
    assert _csum(dom) == [('fa:16:3e:00:00:01', None)]
