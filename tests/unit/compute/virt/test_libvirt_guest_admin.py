"""The libvirt driver's diagnostics and admin password (QEMU guest agent)
against the stand-in libvirt connection."""

import os
import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt.libvirt import diagnostics
from services.compute.virt.libvirt import domain
from services.compute.virt.libvirt import driver as libvirt_driver
from tests.unit.compute.virt.test_libvirt_driver import NETWORK_INFO, spawn


def _with_nic_target(dom, dev='vnet7'):
    """libvirt names the tap in the live XML (``<target dev=...>``)."""
    tree = ET.fromstring(dom.XMLDesc())
    ET.SubElement(tree.find('devices/interface'), 'target', dev=dev)
    dom.xml = ET.tostring(tree, encoding='unicode')


@pytest.fixture
def nic_bridge(conf, monkeypatch):
    conf.config(group='libvirt', vif_bridge='br-test')
    monkeypatch.setattr(libvirt_driver.LibvirtDriver, '_bridge_kind',
                        staticmethod(lambda name: 'linux' if name == 'br-test' else None))


def test_diagnostics_read_the_domains_counters(drv, instance, base_image, nic_bridge,
                                               monkeypatch):
    monkeypatch.setattr(diagnostics, 'process_uptime', lambda name: 42)
    dom = spawn(drv, instance, base_image, network_info=NETWORK_INFO)
    _with_nic_target(dom)
    figures = drv.get_diagnostics(instance)
    assert figures['state'] == 'running' and figures['driver'] == 'libvirt'
    assert figures['hypervisor'] == 'qemu' and figures['uptime'] == 42
    assert figures['num_cpus'] == 1 and figures['cpu_details'] == [
        {'id': 0, 'time': 10 ** 9, 'utilisation': None}]
    assert figures['memory_details'] == {'maximum': 128, 'used': 64}
    assert figures['memory_stats'] == {'actual': 131072, 'rss': 65536}
    assert figures['disk_details'] == [{'device': 'vda', 'read_bytes': 4096,
                                        'read_requests': 12, 'write_bytes': 1536,
                                        'write_requests': 3, 'errors_count': -1}]
    assert figures['nic_details'] == [{
        'device': 'vnet7', 'mac_address': 'fa:16:3e:00:00:01', 'rx_octets': 1000,
        'rx_errors': 0, 'rx_drop': 1, 'rx_packets': 10, 'rx_rate': None,
        'tx_octets': 2000, 'tx_errors': 0, 'tx_drop': 0, 'tx_packets': 20, 'tx_rate': None}]
    assert (figures['num_disks'], figures['num_nics']) == (1, 1)
    assert figures['config_drive'] is False
    assert 'blockStats(vda)' in dom.calls and 'interfaceStats(vnet7)' in dom.calls


def test_diagnostics_of_a_missing_guest(drv, instance):
    with pytest.raises(exception.InstanceNotFound):
        drv.get_diagnostics(instance)


def test_process_uptime_from_the_pid_file(tmp_path):
    pid_dir, proc = tmp_path / 'run', tmp_path / 'proc'
    (proc / '321').mkdir(parents=True)
    pid_dir.mkdir()
    (pid_dir / 'alto-x.pid').write_text('321\n')
    ticks = os.sysconf('SC_CLK_TCK')
    # starttime is field 22; the command name holds a space and a ')'.
    fields = ['S'] + ['0'] * 18 + [str(100 * ticks)] + ['0'] * 10
    (proc / '321' / 'stat').write_text('321 (qemu sys) x) ' + ' '.join(fields))
    (proc / 'uptime').write_text('250.5 1000.0\n')
    assert diagnostics.process_uptime('alto-x', str(pid_dir), str(proc)) == 150
    assert diagnostics.process_uptime('alto-y', str(pid_dir), str(proc)) is None


def test_guest_agent_channel_only_with_the_image_property(drv, instance, base_image):
    dom = spawn(drv, instance, base_image, hw_qemu_guest_agent='yes')
    channel = ET.fromstring(dom.XMLDesc()).find('devices/channel')
    assert channel.get('type') == 'unix'
    assert channel.find('target').attrib == {'type': 'virtio',
                                             'name': 'org.qemu.guest_agent.0'}
    assert domain.has_guest_agent(dom.XMLDesc())


def test_set_admin_password_through_the_agent(drv, instance, base_image):
    dom = spawn(drv, instance, base_image, hw_qemu_guest_agent='yes')
    drv.set_admin_password(instance, 's3cret', 'root')
    assert dom.passwords == {'root': 's3cret'}


def test_set_admin_password_without_the_agent_is_a_409(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    assert ET.fromstring(dom.XMLDesc()).find('devices/channel') is None
    with pytest.raises(exception.InstanceAgentNotEnabled) as caught:
        drv.set_admin_password(instance, 's3cret', 'root')
    assert caught.value.code == 409
    assert not any(c.startswith('setUserPassword') for c in dom.calls)


def test_agent_that_does_not_answer(drv, instance, base_image):
    dom = spawn(drv, instance, base_image, hw_qemu_guest_agent='yes')
    dom.agent_error = 'Guest agent is not responding: QEMU guest agent is not connected'
    with pytest.raises(exception.InstancePasswordSetFailed) as caught:
        drv.set_admin_password(instance, 's3cret', 'root')
    assert caught.value.code == 409 and 'not connected' in caught.value.message
    assert 's3cret' not in caught.value.message
