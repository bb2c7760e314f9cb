"""A block volume hot-plugged into a real QEMU guest through the libvirt
driver: a raw file connected by os-brick's LOCAL connector (the
``connection_info`` the volume service's file driver hands out), plugged
in while the guest runs, seen in the live domain XML and by the guest's
kernel, then unplugged (run as root: pytest -m e2e tests/e2e/compute)."""

import os
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from services.compute.compute import volumes
from tests.e2e.compute.conftest import record_figure
from tests.e2e.compute.test_libvirt_driver import (kernel_image, new_instance, wait_booted,
                                                   wait_for)

pytestmark = pytest.mark.e2e

FLAVOR = {'name': 'e2e.tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
          'swap': 0}
VOLUME_ID = '0d6c4c36-8a7e-4a3e-9f4e-5a0f6f0e2e01'


def _live_disk(drv, instance, target):
    dom = drv.conn.lookupByName(drv.e2e_prefix + instance.uuid)
    for disk in ET.fromstring(dom.XMLDesc(0)).findall('./devices/disk'):
        if disk.find('target').get('dev') == target:
            return disk
    return None


@pytest.mark.e2e_light
def test_hot_plug_and_unplug_a_local_volume(libvirt_driver, workdir):
    drv = libvirt_driver
    instance = new_instance()
    drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), [], FLAVOR)
    wait_booted(drv, instance, 1)

    path = workdir / 'volumes' / ('volume-%s' % VOLUME_ID)
    path.parent.mkdir()
    path.parent.chmod(0o755)
    with open(path, 'wb') as f:
        f.truncate(16 * 1024 * 1024)
    info = {'driver_volume_type': 'local',
            'data': {'device_path': str(path), 'format': 'raw'}}
    connected = dict(volumes.connect(info), serial=VOLUME_ID)
    assert connected['data']['device_path'] == str(path)

    start = time.monotonic()
    drv.attach_volume(None, instance, connected, '/dev/vdb')
    record_figure('volume hot-plug', time.monotonic() - start)
    disk = _live_disk(drv, instance, 'vdb')
    assert disk is not None, 'vdb is not in the live domain XML'
    assert disk.find('source').get('file') == str(path)
    assert disk.findtext('serial') == VOLUME_ID
    assert disk.find('driver').get('type') == 'raw'
    assert disk.find('driver').get('cache') == 'none'
    # The guest's kernel found the new virtio disk (16 MiB = 32768 sectors).
    wait_for(lambda: '[vdb] 32768 512-byte logical blocks' in
             drv.get_console_output(None, instance), 60, 'the guest to see vdb')

    start = time.monotonic()
    drv.detach_volume(None, instance, connected, '/dev/vdb')
    record_figure('volume unplug', time.monotonic() - start)
    assert _live_disk(drv, instance, 'vdb') is None
    dom = drv.conn.lookupByName(drv.e2e_prefix + instance.uuid)
    assert 'vdb' not in dom.XMLDesc(2)  # nor in the persistent definition
    volumes.disconnect(connected)
    assert os.path.exists(path)  # the volume's data is the volume service's
    drv.destroy(None, instance, [])


def test_boot_from_a_local_volume(libvirt_driver, workdir):
    """The guest's root disk is a volume: a raw file made of the image, as
    the volume service makes a volume from an image."""
    drv = libvirt_driver
    instance = new_instance()
    path = workdir / 'volumes' / 'root-volume'
    path.parent.mkdir()
    path.parent.chmod(0o755)
    subprocess.run(['qemu-img', 'convert', '-O', 'raw', str(drv.e2e_base / 'disk'),
                    str(path)], check=True, timeout=120)
    info = dict(volumes.connect({'driver_volume_type': 'local',
                                 'data': {'device_path': str(path), 'format': 'raw'}}),
                serial=VOLUME_ID)
    drv.spawn(None, instance, kernel_image(drv), None, [], FLAVOR, block_device_info=[
        {'connection_info': info, 'device_name': '/dev/vda', 'boot_index': 0,
         'volume_id': VOLUME_ID}])
    wait_booted(drv, instance, 1)
    assert 'alto-guest: root disk /dev/vda mounted on /data' in \
        drv.get_console_output(None, instance)
    root = _live_disk(drv, instance, 'vda')
    assert root.find('source').get('file') == str(path)
    assert root.findtext('serial') == VOLUME_ID
    assert not os.path.exists(os.path.join(drv.e2e_base.parent, instance.uuid, 'disk'))
    drv.destroy(None, instance, [])
    assert path.exists()  # the volume outlives the guest
