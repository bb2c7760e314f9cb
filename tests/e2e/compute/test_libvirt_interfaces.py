"""A NIC hot-plugged into a running QEMU guest and unplugged again through
the libvirt driver, on a Linux bridge this test creates (run as root:
pytest -m e2e tests/e2e/compute)."""

import subprocess
import time
import uuid
import xml.etree.ElementTree as ET

import pytest

from tests.e2e.compute.conftest import record_figure
from tests.e2e.compute.test_libvirt_driver import (kernel_image, new_instance, wait_booted,
                                                   wait_for)

pytestmark = pytest.mark.e2e

FLAVOR = {'name': 'e2e.tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
          'swap': 0}
FIRST = {'port_id': str(uuid.uuid4()), 'mac_address': 'fa:16:3e:5e:00:01'}
SECOND = {'port_id': str(uuid.uuid4()), 'mac_address': 'fa:16:3e:5e:00:02'}


@pytest.fixture
def bridge():
    """A Linux bridge of this test only (no address, no uplink)."""
    name = 'brif%s' % uuid.uuid4().hex[:8]
    subprocess.run(['ip', 'link', 'add', name, 'type', 'bridge'], check=True)
    subprocess.run(['ip', 'link', 'set', name, 'up'], check=True)
    try:
        yield name
    finally:
        subprocess.run(['ip', 'link', 'del', name], check=False)


def _nics(drv, instance, flags=0):
    dom = drv.conn.lookupByName(drv.e2e_prefix + instance.uuid)
    return [(i.find('mac').get('address'), i.find('source').get('bridge'))
            for i in ET.fromstring(dom.XMLDesc(flags)).findall('./devices/interface')]


def _bridge_ports(bridge):
    out = subprocess.run(['ip', '-o', 'link', 'show', 'master', bridge], capture_output=True,
                         text=True, check=True).stdout
    return len(out.splitlines())


def test_hot_plug_and_unplug_a_nic(libvirt_driver, bridge):
    from oslo_config import cfg
    cfg.CONF.set_override('vif_bridge', bridge, group='libvirt')
    drv = libvirt_driver
    instance = new_instance()
    try:
        drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), [FIRST],
                  FLAVOR)
        wait_booted(drv, instance, 1)
        assert _nics(drv, instance) == [(FIRST['mac_address'], bridge)]
        assert _bridge_ports(bridge) == 1

        start = time.monotonic()
        drv.attach_interface(None, instance, {}, SECOND)
        record_figure('NIC hot-plug', time.monotonic() - start)
        # In the running guest (QEMU has the device: libvirt's live XML) and
        # in the definition it starts from next time; its tap is on the bridge.
        assert _nics(drv, instance) == [(FIRST['mac_address'], bridge),
                                        (SECOND['mac_address'], bridge)]
        assert _nics(drv, instance, flags=2) == _nics(drv, instance)
        assert _bridge_ports(bridge) == 2

        start = time.monotonic()
        drv.detach_interface(None, instance, SECOND)
        wait_for(lambda: len(_nics(drv, instance)) == 1, 60, 'the guest to let the NIC go')
        record_figure('NIC unplug', time.monotonic() - start)
        assert _nics(drv, instance) == [(FIRST['mac_address'], bridge)]
        assert _nics(drv, instance, flags=2) == [(FIRST['mac_address'], bridge)]
        wait_for(lambda: _bridge_ports(bridge) == 1, 30, 'the tap to leave the bridge')
    finally:
        drv.destroy(None, instance, [])
        cfg.CONF.clear_override('vif_bridge', group='libvirt')
