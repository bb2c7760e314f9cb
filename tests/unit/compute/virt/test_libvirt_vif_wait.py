"""The libvirt driver waiting for the network: the guest starts paused and is
resumed once the ports are reported wired; nothing is left when the wait
fails; only NICs on an Open vSwitch bridge are waited for."""

import pytest

from services.compute import exception
from services.compute.virt.libvirt import driver as libvirt_driver
from tests.unit.compute.virt import fakelibvirt
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

VIFS = [{'port_id': 'p-down', 'mac_address': 'fa:16:3e:00:00:01', 'active': False},
        {'port_id': 'p-up', 'mac_address': 'fa:16:3e:00:00:02', 'active': True},
        {'port_id': 'p-old', 'mac_address': 'fa:16:3e:00:00:03'}]


def _spawn(drv, instance, base_image, wait):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR,
              wait_for_network=wait)
    return drv.conn.lookupByName('alto-test-' + instance.uuid)


def test_paused_until_the_network_reported(drv, instance, base_image, conn):
    seen = []

    def wait():
        dom = conn.lookupByName('alto-test-' + instance.uuid)
        seen.append((list(dom.calls), dom.state()[0]))
    dom = _spawn(drv, instance, base_image, wait)
    assert seen == [(['create(paused)'], fakelibvirt.PAUSED)]
    assert dom.calls == ['create(paused)', 'resume']
    assert dom.state()[0] == fakelibvirt.RUNNING


def test_a_failed_wait_leaves_nothing(drv, instance, base_image, conn, tmp_path):
    def wait():
        raise exception.BuildAbortException(instance_uuid=instance.uuid, reason='timed out')
    with pytest.raises(exception.BuildAbortException):
        _spawn(drv, instance, base_image, wait)
    assert conn.domains == {}
    assert not (tmp_path / 'instances' / instance.uuid).exists()


def test_without_a_wait_the_guest_starts_at_once(drv, instance, base_image):
    assert _spawn(drv, instance, base_image, None).calls == ['create']


def test_only_ports_on_an_ovs_bridge_not_yet_active(drv, monkeypatch):
    kinds = {'br-none-here': None}
    monkeypatch.setattr(libvirt_driver.LibvirtDriver, '_bridge_kind',
                        staticmethod(lambda name: kinds[name]))
    assert drv.vif_plugged_events(VIFS) == []
    kinds['br-none-here'] = 'linux'
    assert drv.vif_plugged_events(VIFS) == []
    kinds['br-none-here'] = 'ovs'
    assert drv.vif_plugged_events(VIFS) == ['p-down']
