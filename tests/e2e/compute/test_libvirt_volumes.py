"""Block volumes hot-plugged into real QEMU guests through the libvirt
driver, with the volume service's own storage drivers making them: a raw
file connected by os-brick's LOCAL connector (the file driver), and the
iSCSI driver's per-attachment tgt target that QEMU logs in to with CHAP
(a tgtd of the test's own on 127.0.0.1).  The guests run a user-data
script that makes a file system on each disk that appears, writes a file
or reads it back, and prints what it found on the console (run as root:
pytest -m e2e tests/e2e/compute/test_libvirt_volumes.py).

``test_hot_plug_and_unplug_a_local_volume`` is the short one of the light
form (marker ``e2e_light``)."""

import base64
import os
import re
import subprocess
import time
import types
import uuid
import xml.etree.ElementTree as ET

import pytest

from services.compute.compute import volumes
from tests.e2e.compute.conftest import record_figure
from tests.functional.volume import tgt
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


# -- guests that use their volumes ----------------------------------------------------
GiB = 1 << 30
#: Each time a vdb appears: its size, then the file system's file (made when
#: the disk is blank), one console line per round; then wait for it to go.
GUEST_SCRIPT = '''#!/bin/sh
n=0
while true; do
  while [ ! -b /dev/vdb ]; do sleep 0.3; done
  n=$((n + 1))
  mkdir -p /mnt/v
  if ! mount /dev/vdb /mnt/v 2>/dev/null; then
    mke2fs -L altovol /dev/vdb >/dev/null 2>&1 && mount /dev/vdb /mnt/v
  fi
  if [ -f /mnt/v/hello ]; then what="read=$(cat /mnt/v/hello)"; else
    echo "%(payload)s" > /mnt/v/hello; sync; what="wrote=$(cat /mnt/v/hello)"; fi
  umount /mnt/v
  echo "alto-e2e: round $n sectors=$(cat /sys/block/vdb/size) $what"
  while [ -b /dev/vdb ]; do sleep 0.3; done
done
'''
ROUND = re.compile(r'alto-e2e: round (\d+) sectors=(\d+) (read|wrote)=(\S*)')


def _guest(drv, payload):
    """A booted guest (config drive) running GUEST_SCRIPT."""
    instance = types.SimpleNamespace(
        uuid=str(uuid.uuid4()), id=21, display_name='vol-guest', hostname='vol-guest',
        project_id='e2e-project', key_name=None, key_data=None, config_drive='True',
        metadata={}, launch_index=0, availability_zone='nova',
        user_data=base64.b64encode((GUEST_SCRIPT % {'payload': payload}).encode()).decode())
    drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), [], FLAVOR)
    return instance


def _round(drv, instance, number):
    """(sectors, 'read'|'wrote', payload) of the guest's round ``number``."""
    found = {}

    def seen():
        for match in ROUND.finditer(drv.get_console_output(None, instance)):
            found[int(match.group(1))] = (int(match.group(2)), match.group(3),
                                          match.group(4))
        return number in found
    wait_for(seen, 180, 'round %d of the guest\'s volume script' % number)
    return found[number]


def _file_driver(workdir):
    from services.volume.drivers import file as file_driver
    conf = types.SimpleNamespace(volume=types.SimpleNamespace(
        volumes_dir=str(workdir / 'volumes'), qemu_img='qemu-img'))
    storage = file_driver.FileDriver(conf)
    storage.do_setup()
    os.chmod(storage.directory, 0o755)     # QEMU runs as its own user
    return storage


def _plug(drv, instance, storage, volume_id, connector, mountpoint='/dev/vdb'):
    info = storage.initialize_connection({'id': volume_id}, connector)
    connected = dict(volumes.connect(info), serial=volume_id)
    drv.attach_volume(None, instance, connected, mountpoint)
    return connected


def _unplug(drv, instance, storage, volume_id, connector, connected, mountpoint='/dev/vdb'):
    drv.detach_volume(None, instance, connected, mountpoint)
    volumes.disconnect(connected)
    storage.terminate_connection({'id': volume_id}, connector)


@pytest.fixture
def tgtd(workdir):
    with tgt.running(workdir) as daemon:
        yield daemon


def _iscsi_driver(workdir, tgtd):
    from services.volume.drivers import iscsi
    conf = types.SimpleNamespace(
        volume=types.SimpleNamespace(volumes_dir=str(workdir / 'volumes'),
                                     qemu_img='qemu-img'),
        iscsi=types.SimpleNamespace(target_ip_address='127.0.0.1', target_port=tgtd.port,
                                    target_prefix='iqn.2010-10.org.altostratus.e2e:',
                                    tgt_control_port=tgtd.control, tgtadm='tgtadm',
                                    targets_dir=str(workdir / 'iscsi-targets')))
    storage = iscsi.ISCSIDriver(conf)
    storage.do_setup()
    return storage


def test_iscsi_volume_written_by_one_guest_is_read_by_another(libvirt_driver, workdir,
                                                              tgtd):
    """1 GiB on the iSCSI backend: guest A makes a file system and a file
    through its own CHAP login, the volume is detached (target and secret
    gone) and attached to guest B through a new target: the file is there."""
    drv = libvirt_driver
    storage = _iscsi_driver(workdir, tgtd)
    volume_id = str(uuid.uuid4())
    storage.create_volume({'id': volume_id, 'size': 1})
    payload = 'iscsi-%s' % uuid.uuid4().hex[:12]
    first, second = _guest(drv, payload), _guest(drv, 'not-' + payload)
    wait_booted(drv, first, 1)
    wait_booted(drv, second, 1)

    connector = {'host': 'e2e', 'ip': '127.0.0.1', 'attachment_id': str(uuid.uuid4())}
    start = time.monotonic()
    connected = _plug(drv, first, storage, volume_id, connector)
    record_figure('iscsi volume: export + hot-plug', time.monotonic() - start)
    disk = _live_disk(drv, first, 'vdb')
    assert disk.get('type') == 'network'
    assert disk.find('source').get('protocol') == 'iscsi'
    assert connected['data']['auth_password'] not in drv.conn.lookupByName(
        drv.e2e_prefix + first.uuid).XMLDesc(0)
    assert _round(drv, first, 1) == (GiB // 512, 'wrote', payload)
    _unplug(drv, first, storage, volume_id, connector, connected)
    assert storage.targets() == {}
    with pytest.raises(Exception):
        drv.conn.secretLookupByUsage(3, connected['data']['target_iqn'])

    connector = dict(connector, attachment_id=str(uuid.uuid4()))
    connected = _plug(drv, second, storage, volume_id, connector)
    assert _round(drv, second, 1) == (GiB // 512, 'read', payload)
    _unplug(drv, second, storage, volume_id, connector, connected)
    drv.destroy(None, first, [])
    drv.destroy(None, second, [])
    storage.delete_volume({'id': volume_id})
    assert not os.path.exists(storage.volume_path(volume_id))


def test_snapshot_clone_backup_and_extend_keep_the_guests_data(libvirt_driver, workdir):
    """A 1 GiB file volume written by a guest: a volume made from its
    snapshot and one restored from its backup (the original deleted) hold
    the same file; the restored volume, extended while detached, shows its
    new size in the guest after the attach."""
    from services.volume.backup import posix
    drv = libvirt_driver
    storage = _file_driver(workdir)
    payload = 'file-%s' % uuid.uuid4().hex[:12]
    guest = _guest(drv, payload)
    wait_booted(drv, guest, 1)
    original, cloned, restored = (str(uuid.uuid4()) for _ in range(3))
    storage.create_volume({'id': original, 'size': 1})
    connector = {'host': 'e2e', 'ip': '127.0.0.1'}
    connected = _plug(drv, guest, storage, original, connector)
    assert _round(drv, guest, 1) == (GiB // 512, 'wrote', payload)
    _unplug(drv, guest, storage, original, connector, connected)

    snapshot = {'id': str(uuid.uuid4()), 'volume_id': original, 'size': 1}
    storage.create_snapshot(snapshot)
    storage.create_volume_from_snapshot({'id': cloned, 'size': 1}, snapshot)
    connected = _plug(drv, guest, storage, cloned, connector)
    assert _round(drv, guest, 2) == (GiB // 512, 'read', payload)
    _unplug(drv, guest, storage, cloned, connector, connected)

    backups = posix.PosixBackupDriver(types.SimpleNamespace(backup=types.SimpleNamespace(
        backup_posix_path=str(workdir / 'backups'), backup_chunk_size=32)))
    backup = {'id': str(uuid.uuid4()), 'container': None}
    backups.backup(backup, storage.volume_path(original))
    storage.delete_snapshot(snapshot)
    storage.delete_volume({'id': original})
    storage.create_volume({'id': restored, 'size': 1})
    backups.restore(backup, storage.volume_path(restored))
    storage.extend_volume({'id': restored, 'size': 1}, 2)
    connected = _plug(drv, guest, storage, restored, connector)
    assert _round(drv, guest, 3) == (2 * GiB // 512, 'read', payload)
    _unplug(drv, guest, storage, restored, connector, connected)
    drv.destroy(None, guest, [])


def test_swap_a_running_guests_volume_onto_a_bigger_one(libvirt_driver, workdir):
    """Swap volume: the guest's 1 GiB file volume, written by the guest, is
    block-copied onto a 2 GiB one while the guest runs and pivoted; the
    guest's disk (live and persistent) is the new volume, grown to 2 GiB,
    and the file is there when the new volume is plugged in again."""
    drv = libvirt_driver
    storage = _file_driver(workdir)
    payload = 'swap-%s' % uuid.uuid4().hex[:12]
    guest = _guest(drv, payload)
    wait_booted(drv, guest, 1)
    old, new = str(uuid.uuid4()), str(uuid.uuid4())
    storage.create_volume({'id': old, 'size': 1})
    storage.create_volume({'id': new, 'size': 2})
    connector = {'host': 'e2e', 'ip': '127.0.0.1'}
    old_info = _plug(drv, guest, storage, old, connector)
    assert _round(drv, guest, 1) == (GiB // 512, 'wrote', payload)

    new_info = dict(volumes.connect(storage.initialize_connection({'id': new}, connector)),
                    serial=new)
    start = time.monotonic()
    drv.swap_volume(None, guest, old_info, new_info, '/dev/vdb', resize_to=2)
    record_figure('volume swap (1 GiB, running guest)', time.monotonic() - start)
    disk = _live_disk(drv, guest, 'vdb')
    assert disk.find('source').get('file') == storage.volume_path(new)
    dom = drv.conn.lookupByName(drv.e2e_prefix + guest.uuid)
    persistent = ET.fromstring(dom.XMLDesc(2))
    sources = [d.find('source').get('file') for d in persistent.findall('./devices/disk')
               if d.find('target').get('dev') == 'vdb']
    assert sources == [storage.volume_path(new)]
    assert os.path.getsize(storage.volume_path(new)) == 2 * GiB
    assert dom.isActive()
    volumes.disconnect(old_info)
    storage.terminate_connection({'id': old}, connector)

    _unplug(drv, guest, storage, new, connector, new_info)
    again = _plug(drv, guest, storage, new, connector)
    assert _round(drv, guest, 2) == (2 * GiB // 512, 'read', payload)
    _unplug(drv, guest, storage, new, connector, again)
    drv.destroy(None, guest, [])
    for volume_id in (old, new):
        storage.delete_volume({'id': volume_id})
