"""Assisted snapshots (os-assisted-volume-snapshots) of a file volume
attached to a running QEMU guest, through the libvirt driver: two external
disk-only snapshots onto qcow2 overlays, the file under them left as it was
while the guest writes, then the merges a delete asks (a commit under the
active file, a pull of the rest into it) as libvirt block jobs; the guest
reads its data back through the merged file.  A stopped guest gets the
same through qemu-img and its definition.  Before a detach, the overlays
are merged back into the volume's own file (active commit and pivot, or
qemu-img commit offline): what the guest wrote after the snapshots is then
read from that file without a guest.  Run as root:
pytest -m e2e tests/e2e/compute/test_libvirt_volume_snapshots.py"""

import base64
import hashlib
import os
import subprocess
import time
import types
import uuid

import pytest

from tests.e2e.compute.conftest import record_figure
from tests.e2e.compute.test_libvirt_driver import wait_booted, wait_for
from services.compute.virt.driver import OVERLAY_BASE
from tests.e2e.compute.test_libvirt_driver import kernel_image
from tests.e2e.compute.test_libvirt_volumes import (FLAVOR, GiB, ROUND, _file_driver, _guest,
                                                    _live_disk, _plug, _round)

pytestmark = pytest.mark.e2e


def _digest(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def _chain(path):
    out = subprocess.run(['qemu-img', 'info', '-U', '--backing-chain', '--output=json',
                          str(path)], capture_output=True, text=True, check=True, timeout=60)
    import json
    return [os.path.basename(image['filename']) for image in json.loads(out.stdout)]


def _replug(drv, instance, connected):
    """Unplug and plug the volume again as it is now: the guest's script
    runs another round on it."""
    drv.detach_volume(None, instance, connected, '/dev/vdb')
    drv.attach_volume(None, instance, connected, '/dev/vdb')


def test_assisted_snapshots_of_a_running_guest_and_their_merges(libvirt_driver, workdir):
    drv = libvirt_driver
    storage = _file_driver(workdir)
    payload = 'snap-%s' % uuid.uuid4().hex[:12]
    guest = _guest(drv, payload)
    wait_booted(drv, guest, 1)
    volume_id = str(uuid.uuid4())
    storage.create_volume({'id': volume_id, 'size': 1})
    base = storage.volume_path(volume_id)
    name = os.path.basename(base)
    connected = _plug(drv, guest, storage, volume_id, {'host': 'e2e', 'ip': '127.0.0.1'})
    assert _round(drv, guest, 1) == (GiB // 512, 'wrote', payload)

    # Snapshot 1: the guest moves onto an overlay; the volume's file stops changing.
    before = _digest(base)
    start = time.monotonic()
    connected = drv.volume_snapshot_create(None, guest, connected, '/dev/vdb', {
        'snapshot_id': str(uuid.uuid4()), 'type': 'qcow2', 'new_file': name + '.s1'})
    record_figure('assisted snapshot (external, disk-only)', time.monotonic() - start)
    disk = _live_disk(drv, guest, 'vdb')
    assert disk.find('source').get('file') == base + '.s1'
    assert disk.find('driver').get('type') == 'qcow2'
    assert connected['data'] == dict(connected['data'], device_path=base + '.s1',
                                     format='qcow2')
    _replug(drv, guest, connected)  # the guest mounts it (a write) and reads its file
    assert _round(drv, guest, 2) == (GiB // 512, 'read', payload)
    assert _digest(base) == before

    # Snapshot 2, then delete snapshot 1's overlay: commit it into the base.
    connected = drv.volume_snapshot_create(None, guest, connected, '/dev/vdb', {
        'snapshot_id': str(uuid.uuid4()), 'type': 'qcow2', 'new_file': name + '.s2'})
    assert _chain(base + '.s2') == [name + '.s2', name + '.s1', name]
    start = time.monotonic()
    drv.volume_snapshot_delete(None, guest, connected, '/dev/vdb', {
        'volume_id': volume_id, 'type': 'qcow2', 'file_to_merge': name + '.s1',
        'merge_target_file': name})
    record_figure('assisted snapshot delete (blockCommit)', time.monotonic() - start)
    assert _chain(base + '.s2') == [name + '.s2', name]

    # Delete the last one: the active file pulls the base in and stands alone.
    start = time.monotonic()
    drv.volume_snapshot_delete(None, guest, connected, '/dev/vdb', {
        'volume_id': volume_id, 'type': 'qcow2', 'file_to_merge': None,
        'merge_target_file': None})
    record_figure('assisted snapshot delete (blockRebase)', time.monotonic() - start)
    assert _chain(base + '.s2') == [name + '.s2']
    _replug(drv, guest, connected)
    assert _round(drv, guest, 3) == (GiB // 512, 'read', payload)
    drv.detach_volume(None, guest, connected, '/dev/vdb')
    drv.destroy(None, guest, [])


def test_assisted_snapshot_of_a_stopped_guest_is_done_offline(libvirt_driver, workdir):
    drv = libvirt_driver
    storage = _file_driver(workdir)
    payload = 'off-%s' % uuid.uuid4().hex[:12]
    guest = _guest(drv, payload)
    wait_booted(drv, guest, 1)
    volume_id = str(uuid.uuid4())
    storage.create_volume({'id': volume_id, 'size': 1})
    base = storage.volume_path(volume_id)
    name = os.path.basename(base)
    connected = _plug(drv, guest, storage, volume_id, {'host': 'e2e', 'ip': '127.0.0.1'})
    assert _round(drv, guest, 1) == (GiB // 512, 'wrote', payload)
    drv.power_off(guest)

    connected = drv.volume_snapshot_create(None, guest, connected, '/dev/vdb', {
        'snapshot_id': str(uuid.uuid4()), 'type': 'qcow2', 'new_file': name + '.s1'})
    assert _chain(base + '.s1') == [name + '.s1', name]
    dom = drv.conn.lookupByName(drv.e2e_prefix + guest.uuid)
    assert (base + '.s1') in dom.XMLDesc(2)
    before = _digest(base)
    drv.power_on(None, guest)
    wait_booted(drv, guest, 2)
    # The second boot's first round reads the file through the overlay.
    wait_for(lambda: len(ROUND.findall(drv.get_console_output(None, guest))) >= 2, 180,
             'the second boot\'s round')
    assert ROUND.findall(drv.get_console_output(None, guest))[-1] == (
        '1', str(GiB // 512), 'read', payload)
    assert _digest(base) == before
    drv.power_off(guest)

    drv.volume_snapshot_delete(None, guest, connected, '/dev/vdb', {
        'volume_id': volume_id, 'type': 'qcow2', 'file_to_merge': None,
        'merge_target_file': None})
    assert _chain(base + '.s1') == [name + '.s1']
    drv.destroy(None, guest, [])


# -- detach after snapshots: the merge back into the volume's own file ------------------
#: As test_libvirt_volumes' script, but every round writes a file of its own,
#: so rounds after a snapshot write into the overlays.
WRITER_SCRIPT = '''#!/bin/sh
n=0
while true; do
  while [ ! -b /dev/vdb ]; do sleep 0.3; done
  n=$((n + 1))
  mkdir -p /mnt/v
  if ! mount /dev/vdb /mnt/v 2>/dev/null; then
    mke2fs -L altovol /dev/vdb >/dev/null 2>&1 && mount /dev/vdb /mnt/v
  fi
  echo "%(payload)s-round-$n" > /mnt/v/round$n; sync
  umount /mnt/v
  echo "alto-e2e: round $n sectors=$(cat /sys/block/vdb/size) wrote=%(payload)s-round-$n"
  while [ -b /dev/vdb ]; do sleep 0.3; done
done
'''


def _writer(drv, payload):
    instance = types.SimpleNamespace(
        uuid=str(uuid.uuid4()), id=22, display_name='snap-writer', hostname='snap-writer',
        project_id='e2e-project', key_name=None, key_data=None, config_drive='True',
        metadata={}, launch_index=0, availability_zone='nova',
        user_data=base64.b64encode((WRITER_SCRIPT % {'payload': payload}).encode()).decode())
    drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), [], FLAVOR)
    return instance


def _holds(path, text):
    """Whether the raw file ``path`` holds ``text`` (read on the host, no guest)."""
    needle, tail = text.encode(), b''
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(8 << 20), b''):
            if needle in tail + block:
                return True
            tail = block[-len(needle):]
    return False


def _snapshot_and_write(drv, guest, connected, name, payload):
    """Two snapshots, the guest writing a round into each overlay."""
    for n, suffix in ((2, '.s1'), (3, '.s2')):
        connected = drv.volume_snapshot_create(None, guest, connected, '/dev/vdb', {
            'snapshot_id': str(uuid.uuid4()), 'type': 'qcow2', 'new_file': name + suffix})
        _replug(drv, guest, connected)
        assert _round(drv, guest, n) == (GiB // 512, 'wrote', '%s-round-%d' % (payload, n))
    return connected


@pytest.mark.parametrize('running', [True, False], ids=['running', 'stopped'])
def test_detach_after_snapshots_merges_the_writes_into_the_volume_file(
        libvirt_driver, workdir, running):
    drv = libvirt_driver
    storage = _file_driver(workdir)
    payload = 'merge-%s' % uuid.uuid4().hex[:12]
    guest = _writer(drv, payload)
    wait_booted(drv, guest, 1)
    volume_id = str(uuid.uuid4())
    storage.create_volume({'id': volume_id, 'size': 1})
    base = storage.volume_path(volume_id)
    name = os.path.basename(base)
    connected = _plug(drv, guest, storage, volume_id, {'host': 'e2e', 'ip': '127.0.0.1'})
    assert _round(drv, guest, 1) == (GiB // 512, 'wrote', payload + '-round-1')
    own = {'device_path': base, 'format': connected['data'].get('format') or 'raw'}
    connected = _snapshot_and_write(drv, guest, connected, name, payload)
    # The writes after the snapshots are in the overlays, not in the volume's file.
    assert _holds(base, payload + '-round-1')
    assert not _holds(base, payload + '-round-2') and not _holds(base, payload + '-round-3')
    if not running:
        drv.power_off(guest)

    start = time.monotonic()
    merged = drv.volume_snapshot_merge(None, guest, dict(connected, **{OVERLAY_BASE: own}),
                                       '/dev/vdb')
    record_figure('merge back of two overlays before detach (%s)'
                  % ('active commit + pivot' if running else 'qemu-img commit'),
                  time.monotonic() - start)
    assert merged['data']['device_path'] == base and OVERLAY_BASE not in merged
    assert not os.path.exists(base + '.s1') and not os.path.exists(base + '.s2')
    dom = drv.conn.lookupByName(drv.e2e_prefix + guest.uuid)
    assert (base + '.s2') not in dom.XMLDesc(2) and base in dom.XMLDesc(2)
    if running:
        disk = _live_disk(drv, guest, 'vdb')
        assert disk.find('source').get('file') == base
        drv.detach_volume(None, guest, merged, '/dev/vdb')
    else:
        drv.power_on(None, guest)  # it boots with the volume's own file again
        wait_booted(drv, guest, 2)
        drv.detach_volume(None, guest, merged, '/dev/vdb')
    # Without any guest: the volume's own file holds every round, alone.
    assert _chain(base) == [name]
    for n in (1, 2, 3):
        assert _holds(base, '%s-round-%d' % (payload, n)), n
    drv.destroy(None, guest, [])
