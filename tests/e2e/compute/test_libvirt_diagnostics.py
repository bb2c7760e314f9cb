"""Diagnostics of a real QEMU guest through the libvirt driver: the figures
move as the guest runs (CPU time, disk reads of its root disk mounted on
/data, the DHCP requests it sends on its NIC), and changePassword reaches
the QEMU guest agent's channel, which nothing in this guest answers (run as
root: pytest -m e2e tests/e2e/compute)."""

import time
import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from tests.e2e.compute.conftest import record_figure
from tests.e2e.compute.test_libvirt_driver import (kernel_image, new_instance, wait_booted,
                                                   wait_for)
from tests.e2e.compute.test_libvirt_interfaces import FIRST, bridge  # noqa: F401

pytestmark = pytest.mark.e2e

FLAVOR = {'name': 'e2e.tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
          'swap': 0}


def test_diagnostics_of_a_running_guest(libvirt_driver, bridge):  # noqa: F811
    from oslo_config import cfg
    cfg.CONF.set_override('vif_bridge', bridge, group='libvirt')
    drv = libvirt_driver
    instance = new_instance()
    image = kernel_image(drv)
    image['properties']['hw_qemu_guest_agent'] = 'yes'
    start = time.monotonic()
    try:
        drv.spawn(None, instance, image, str(drv.e2e_base / 'disk'), [FIRST], FLAVOR)
        wait_booted(drv, instance, 1)
        # The guest's DHCP requests (no server on this bridge) leave through its NIC.
        wait_for(lambda: drv.get_diagnostics(instance)['nic_details'][0]['tx_packets'] > 0,
                 60, 'packets from the guest')
        started = time.monotonic()
        figures = drv.get_diagnostics(instance)
        record_figure('get_diagnostics of a running guest', time.monotonic() - started)
        elapsed = time.monotonic() - start
        assert figures['state'] == 'running' and figures['driver'] == 'libvirt'
        assert figures['hypervisor'] == drv.virt_type
        assert 0 < figures['uptime'] <= elapsed + 2
        assert figures['num_cpus'] == 1 and figures['cpu_details'][0]['time'] > 10 ** 8
        assert figures['memory_details']['maximum'] == 128
        assert 0 < figures['memory_details']['used']
        disks = {d['device']: d for d in figures['disk_details']}
        assert disks['vda']['read_bytes'] > 0 and disks['vda']['read_requests'] > 0
        nic = figures['nic_details'][0]
        assert nic['mac_address'] == FIRST['mac_address'] and nic['device'].startswith('vnet')
        assert nic['tx_octets'] > 0
        assert (figures['num_disks'], figures['num_nics']) == (1, 1)

        # CPU time and uptime only grow.
        time.sleep(2)
        later = drv.get_diagnostics(instance)
        assert later['cpu_details'][0]['time'] > figures['cpu_details'][0]['time']
        assert later['uptime'] >= figures['uptime']

        # The agent's channel is there; no agent answers in this guest.
        dom = drv.conn.lookupByName(drv.e2e_prefix + instance.uuid)
        targets = [t.get('name') for t in
                   ET.fromstring(dom.XMLDesc(0)).findall('./devices/channel/target')]
        assert 'org.qemu.guest_agent.0' in targets
        with pytest.raises(exception.InstancePasswordSetFailed):
            drv.set_admin_password(instance, 'e2e-secret', 'root')

        drv.pause(instance)
        assert drv.get_diagnostics(instance)['state'] == 'paused'
        drv.unpause(instance)
    finally:
        drv.destroy(None, instance, [FIRST])
