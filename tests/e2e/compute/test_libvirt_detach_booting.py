"""A volume detached from a real QEMU guest that is still booting, as
Tempest's ``AttachVolumeShelveTestJSON`` does two seconds after an unshelve
that started the guest with the volume as ``vdb``.  The first unplug
request reaches the guest before its kernel handles ACPI hot-plug events;
the driver must ask again until the booted guest lets the disk go (run as
root: pytest -m e2e tests/e2e/compute/test_libvirt_detach_booting.py)."""

import time
import xml.etree.ElementTree as ET

import pytest

from services.compute.compute import volumes
from tests.e2e.compute.conftest import record_figure
from tests.e2e.compute.test_libvirt_driver import kernel_image, new_instance, wait_booted

pytestmark = pytest.mark.e2e

FLAVOR = {'name': 'e2e.tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
          'swap': 0}
VOLUME_ID = '5b0e8f7e-3c1d-4b8e-9a53-7d7f2a1c9e17'


def _targets(drv, instance, flags=0):
    dom = drv.conn.lookupByName(drv.e2e_prefix + instance.uuid)
    return [t.get('dev') for t in ET.fromstring(dom.XMLDesc(flags)).findall(
        './devices/disk/target')]


def _blank_volume(workdir):
    """A 16 MiB raw volume file, connected as the volume service's file backend does."""
    path = workdir / 'volumes' / ('volume-%s' % VOLUME_ID)
    path.parent.mkdir()
    path.parent.chmod(0o755)
    with open(path, 'wb') as f:
        f.truncate(16 * 1024 * 1024)
    return dict(volumes.connect({'driver_volume_type': 'local',
                                 'data': {'device_path': str(path), 'format': 'raw'}}),
                serial=VOLUME_ID)


def test_detach_a_volume_the_guest_booted_with_while_it_boots(libvirt_driver, workdir):
    drv = libvirt_driver
    info = _blank_volume(workdir)
    instance = new_instance()
    # The unshelve: the guest starts with the volume already in its definition.
    drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), [], FLAVOR,
              block_device_info=[{'connection_info': info, 'device_name': '/dev/vdb',
                                  'boot_index': None, 'volume_id': VOLUME_ID}])
    started = time.monotonic()
    assert 'vdb' in _targets(drv, instance)
    time.sleep(2)  # Tempest's detach comes about this long after the unshelve

    drv.detach_volume(None, instance, info, '/dev/vdb')
    record_figure('unplug from a booting guest', time.monotonic() - started)
    assert 'vdb' not in _targets(drv, instance)
    assert 'vdb' not in _targets(drv, instance, 2)  # nor in the persistent definition
    # The guest went on booting and runs without the disk.
    wait_booted(drv, instance, 1, started)
    volumes.disconnect(info)
    drv.destroy(None, instance, [])


def test_a_guest_that_runs_no_os_keeps_the_volume_and_the_detach_fails(libvirt_driver,
                                                                       workdir):
    """What an unshelved kernel-boot guest did before its snapshot kept the
    kernel: the firmware found no boot loader and waited, so nothing ever
    answered the unplug.  The detach gives up after its attempts and
    leaves the disk attached (the volume stays in use)."""
    from oslo_config import cfg

    from services.compute import exception
    drv = libvirt_driver
    cfg.CONF.set_override('device_detach_attempts', 2, 'libvirt')
    cfg.CONF.set_override('device_detach_timeout', 3, 'libvirt')
    info = _blank_volume(workdir)
    instance = new_instance()
    no_kernel = {'id': 'disk', 'name': 'alto-guest', 'disk_format': 'qcow2',
                 'properties': {'hw_disk_bus': 'virtio'}}
    drv.spawn(None, instance, no_kernel, str(drv.e2e_base / 'disk'), [], FLAVOR,
              block_device_info=[{'connection_info': info, 'device_name': '/dev/vdb',
                                  'boot_index': None, 'volume_id': VOLUME_ID}])
    started = time.monotonic()
    with pytest.raises(exception.VolumeDetachFailed) as failed:
        drv.detach_volume(None, instance, info, '/dev/vdb')
    assert 5 <= time.monotonic() - started < 30
    assert 'after 2 requests' in str(failed.value)
    assert 'vdb' in _targets(drv, instance)  # still the guest's: nothing half-done
    assert 'vdb' in _targets(drv, instance, 2)  # and its definition's
    drv.destroy(None, instance, [])
