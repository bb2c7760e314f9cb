"""Assisted snapshots of attached file volumes in the libvirt driver: the
overlay, the external disk-only snapshot, the merges of a delete, and the
offline paths of a stopped guest and of a guest without a domain."""

import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt.driver import OVERLAY_BASE
from services.compute.virt.libvirt import volume_snapshots
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

VOLUME = '5b2d4a0e-3a48-4d5e-9a0b-6c1f1f0f0a01'
QCOW2 = b'QFI\xfb'


def _info(path):
    return {'driver_volume_type': 'local', 'serial': VOLUME,
            'data': {'device_path': str(path), 'format': 'raw'}}


def _disk(dom, target='vdb'):
    for disk in ET.fromstring(dom.XMLDesc(0)).findall('./devices/disk'):
        if disk.find('target').get('dev') == target:
            return disk
    return None


def _file(path, backing=''):
    path.write_bytes(QCOW2 + backing.encode())
    return path


@pytest.fixture
def volume_dir(tmp_path):
    path = tmp_path / 'volumes'
    path.mkdir()
    return path


@pytest.fixture
def guest(drv, conn, instance, base_image, volume_dir):
    """A running guest with the file volume ``volume-1`` on vdb."""
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    volume = _file(volume_dir / 'volume-1')
    drv.attach_volume(None, instance, _info(volume), '/dev/vdb')
    return conn.lookupByName('alto-test-' + instance.uuid)


def _create(drv, instance, info, new_file='volume-1.snap1'):
    return drv.volume_snapshot_create(None, instance, info, '/dev/vdb',
                                      {'snapshot_id': 'snap-1', 'type': 'qcow2',
                                       'new_file': new_file})


def test_snapshot_of_a_running_guest_is_an_external_disk_only_snapshot_onto_an_overlay(
        drv, instance, guest, volume_dir, qemu_img):
    info = _create(drv, instance, _info(volume_dir / 'volume-1'))
    new = str(volume_dir / 'volume-1.snap1')
    # The overlay sits on the volume's file, named relative to it, not opened.
    create = [c for c in qemu_img.calls if c[0] == 'create'][-1]
    assert create[:9] == ('create', '-q', '-f', 'qcow2', '-u', '-b', 'volume-1', '-F',
                          'qcow2')
    assert create[9] == new
    assert guest.calls[-1] == 'snapshotCreateXML'
    flags = guest.snapshot_flags
    assert flags == (volume_snapshots.SNAPSHOT_DISK_ONLY | volume_snapshots.SNAPSHOT_REUSE_EXT |
                     volume_snapshots.SNAPSHOT_NO_METADATA)
    disk = _disk(guest)
    assert disk.find('source').get('file') == new
    assert disk.find('driver').get('type') == 'qcow2'
    # The root disk was left alone.
    assert _disk(guest, 'vda').find('source').get('file').endswith('/disk')
    assert info['data'] == {'device_path': new, 'format': 'qcow2'}
    assert info['serial'] == VOLUME


def test_snapshot_xml_snapshots_only_the_volume_disk():
    xml = ('<domain><devices><disk type="file"><source file="/i/disk"/>'
           '<target dev="vda"/></disk><disk type="file"><source file="/v/volume-1"/>'
           '<target dev="vdb"/></disk></devices></domain>')
    snap = ET.fromstring(volume_snapshots._snapshot_xml(xml, 'vdb', '/v/volume-1.s'))
    entries = {d.get('name'): d for d in snap.findall('./disks/disk')}
    assert entries['vda'].attrib == {'name': 'vda', 'snapshot': 'no'}
    assert entries['vdb'].get('snapshot') == 'external'
    assert entries['vdb'].find('source').get('file') == '/v/volume-1.s'
    assert entries['vdb'].find('driver').get('type') == 'qcow2'


def test_an_overlay_the_volume_service_made_is_reused(drv, instance, guest, volume_dir,
                                                      qemu_img):
    _file(volume_dir / 'volume-1.snap1', 'volume-1')
    _create(drv, instance, _info(volume_dir / 'volume-1'))
    assert not [c for c in qemu_img.calls if c[0] == 'create' and '-u' in c]
    assert _disk(guest).find('source').get('file') == str(volume_dir / 'volume-1.snap1')


def test_an_existing_file_that_is_not_an_overlay_of_the_volume_is_refused(
        drv, instance, guest, volume_dir):
    _file(volume_dir / 'volume-1.snap1', 'elsewhere')
    with pytest.raises(exception.VolumeSnapshotFailed):
        _create(drv, instance, _info(volume_dir / 'volume-1'))
    assert _disk(guest).find('source').get('file') == str(volume_dir / 'volume-1')


@pytest.mark.parametrize('name', ['../escape', 'sub/file', '..', ''])
def test_new_file_must_be_a_plain_name_beside_the_volume(drv, instance, guest, volume_dir,
                                                         name):
    with pytest.raises(exception.VolumeSnapshotFailed):
        _create(drv, instance, _info(volume_dir / 'volume-1'), new_file=name)


def test_a_refused_snapshot_removes_the_overlay_it_made(drv, instance, guest, volume_dir,
                                                        monkeypatch):
    def refuse(xml, flags):
        raise RuntimeError('unsupported configuration')
    monkeypatch.setattr(guest, 'snapshotCreateXML', refuse)
    with pytest.raises(RuntimeError):
        _create(drv, instance, _info(volume_dir / 'volume-1'))
    assert not (volume_dir / 'volume-1.snap1').exists()
    assert _disk(guest).find('source').get('file') == str(volume_dir / 'volume-1')


def test_a_disk_that_is_not_a_file_is_refused(drv, instance, guest, volume_dir, tmp_path):
    with pytest.raises(exception.VolumeSnapshotFailed):
        drv.volume_snapshot_create(None, instance, _info(volume_dir / 'volume-1'), '/dev/vdc',
                                   {'snapshot_id': 's', 'type': 'qcow2', 'new_file': 'x'})


def test_a_stopped_guest_is_snapshotted_offline_and_its_definition_repointed(
        drv, conn, instance, guest, volume_dir):
    drv.power_off(instance)
    info = _create(drv, instance, _info(volume_dir / 'volume-1'))
    assert 'snapshotCreateXML' not in guest.calls
    assert (volume_dir / 'volume-1.snap1').read_bytes() == QCOW2 + b'volume-1'
    disk = _disk(conn.lookupByName('alto-test-' + instance.uuid))
    assert disk.find('source').get('file') == str(volume_dir / 'volume-1.snap1')
    assert disk.find('driver').get('type') == 'qcow2'
    assert info['data']['device_path'] == str(volume_dir / 'volume-1.snap1')


def test_a_guest_without_a_domain_gets_only_the_overlay(drv, instance, volume_dir, qemu_img):
    volume = _file(volume_dir / 'volume-1')
    info = _create(drv, instance, _info(volume))
    assert (volume_dir / 'volume-1.snap1').read_bytes() == QCOW2 + b'volume-1'
    assert info['data'] == {'device_path': str(volume_dir / 'volume-1.snap1'),
                            'format': 'qcow2'}


# -- delete: the merges ------------------------------------------------------------------

@pytest.fixture
def chain(drv, instance, guest, volume_dir):
    """volume-1 <- snap1 <- snap2 (active): two snapshots taken."""
    info = _create(drv, instance, _info(volume_dir / 'volume-1'))
    info = _create(drv, instance, info, new_file='volume-1.snap2')
    return info


def _delete(drv, instance, info, **delete_info):
    return drv.volume_snapshot_delete(None, instance, info, '/dev/vdb',
                                      dict({'volume_id': VOLUME, 'type': 'qcow2'},
                                           **delete_info))


def test_delete_commits_a_file_under_the_active_one_into_its_base(
        drv, instance, guest, chain, volume_dir):
    guest.block_job_polls = 2
    info = _delete(drv, instance, chain, file_to_merge='volume-1.snap1',
                   merge_target_file='volume-1')
    assert guest.block_job == ('commit', 'vdb', str(volume_dir / 'volume-1'),
                               str(volume_dir / 'volume-1.snap1'))
    assert guest.calls[-1] == 'blockCommit'
    # The active file now sits on the volume's first file; it stays active.
    assert (volume_dir / 'volume-1.snap2').read_bytes() == QCOW2 + b'volume-1'
    assert info == chain


def test_delete_without_a_target_pulls_the_chain_into_the_active_file(
        drv, instance, guest, chain, volume_dir):
    _delete(drv, instance, chain, file_to_merge='volume-1', merge_target_file=None)
    assert guest.block_job == ('rebase', 'vdb', str(volume_dir / 'volume-1'), None)
    assert (volume_dir / 'volume-1.snap2').read_bytes() == QCOW2 + b'volume-1'
    # Without file_to_merge: the whole chain, no backing left.
    _delete(drv, instance, chain, file_to_merge=None, merge_target_file=None)
    assert guest.block_job == ('rebase', 'vdb', None, None)
    assert (volume_dir / 'volume-1.snap2').read_bytes() == QCOW2


@pytest.mark.parametrize('delete_info', [
    {'type': 'raw', 'file_to_merge': None, 'merge_target_file': None},
    {'file_to_merge': 'not-in-chain', 'merge_target_file': None},
    {'file_to_merge': 'volume-1.snap2', 'merge_target_file': 'volume-1'},  # the active one
    {'file_to_merge': 'volume-1', 'merge_target_file': 'volume-1.snap1'},  # upside down
    {'file_to_merge': '../volume-1', 'merge_target_file': None},
])
def test_delete_refuses_what_is_not_a_merge_of_the_chain(drv, instance, guest, chain,
                                                         delete_info):
    with pytest.raises(exception.VolumeSnapshotFailed):
        _delete(drv, instance, chain, **delete_info)
    assert 'blockCommit' not in guest.calls and 'blockRebase' not in guest.calls


def test_a_block_job_that_does_not_end_is_aborted(drv, instance, guest, chain, monkeypatch):
    monkeypatch.setattr(volume_snapshots, 'BLOCK_JOB_TIMEOUT', 0)
    monkeypatch.setattr(volume_snapshots, 'POLL', 0)
    guest.block_job_hangs = True
    with pytest.raises(exception.VolumeSnapshotFailed):
        _delete(drv, instance, chain, file_to_merge='volume-1.snap1',
                merge_target_file='volume-1')
    assert guest.calls[-1] == 'blockJobAbort'


def test_a_stopped_guest_is_merged_with_qemu_img(drv, instance, guest, chain, volume_dir,
                                                 qemu_img):
    drv.power_off(instance)
    _delete(drv, instance, chain, file_to_merge='volume-1.snap1',
            merge_target_file='volume-1')
    assert ('commit', '-q', '-b', str(volume_dir / 'volume-1'),
            str(volume_dir / 'volume-1.snap1')) in qemu_img.calls
    rebase = [c for c in qemu_img.calls if c[0] == 'rebase'][-1]
    assert rebase[:5] == ('rebase', '-q', '-u', '-b', 'volume-1')
    assert rebase[-1] == str(volume_dir / 'volume-1.snap2')
    assert 'blockCommit' not in guest.calls
    _delete(drv, instance, chain, file_to_merge=None, merge_target_file=None)
    assert qemu_img.calls[-2][:4] == ('rebase', '-q', '-b', '')


# -- merge back before the volume leaves the guest (detach, server delete) -----------------

def _snapshotted(drv, instance, volume_dir, count):
    """``count`` snapshots of volume-1, the connection_info as the host
    keeps it (the volume's own file recorded under OVERLAY_BASE)."""
    info = _info(volume_dir / 'volume-1')
    for n in range(1, count + 1):
        info = _create(drv, instance, info, new_file='volume-1.snap%d' % n)
    made = [str(volume_dir / ('volume-1.snap%d' % n)) for n in range(1, count + 1)]
    return dict(info, **{OVERLAY_BASE: {'device_path': str(volume_dir / 'volume-1'),
                                        'format': 'raw', 'overlays': made}})


def _merge(drv, instance, info):
    return drv.volume_snapshot_merge(None, instance, info, '/dev/vdb')


def _overlays(volume_dir):
    return sorted(p.name for p in volume_dir.iterdir() if p.name != 'volume-1')


@pytest.mark.parametrize('count', [1, 2])
def test_a_running_guest_is_committed_into_the_volume_file_and_pivoted(
        drv, instance, guest, volume_dir, count):
    info = _snapshotted(drv, instance, volume_dir, count)
    guest.block_job_polls = 2
    merged = _merge(drv, instance, info)
    volume = str(volume_dir / 'volume-1')
    assert guest.block_job == ('active-commit', 'vdb', volume, None)
    assert guest.block_job_abort_flags == volume_snapshots.BLOCK_JOB_ABORT_PIVOT
    disk = _disk(guest)
    assert disk.find('source').get('file') == volume
    assert disk.find('driver').get('type') == 'raw'
    # Every overlay merged is gone (a later snapshot may reuse the names).
    assert _overlays(volume_dir) == []
    assert merged['data'] == {'device_path': volume, 'format': 'raw'}
    assert OVERLAY_BASE not in merged and merged['serial'] == VOLUME


@pytest.mark.parametrize('count', [1, 2])
def test_a_stopped_guest_is_committed_with_qemu_img_and_repointed(
        drv, conn, instance, guest, volume_dir, qemu_img, count):
    drv.power_off(instance)
    info = _snapshotted(drv, instance, volume_dir, count)
    merged = _merge(drv, instance, info)
    volume = str(volume_dir / 'volume-1')
    assert ('commit', '-q', '-b', volume,
            str(volume_dir / ('volume-1.snap%d' % count))) in qemu_img.calls
    assert 'blockCommit' not in guest.calls
    disk = _disk(conn.lookupByName('alto-test-' + instance.uuid))
    assert disk.find('source').get('file') == volume
    assert disk.find('driver').get('type') == 'raw'
    assert _overlays(volume_dir) == []
    assert merged['data'] == {'device_path': volume, 'format': 'raw'}


def test_a_guest_without_a_domain_gets_its_files_committed(drv, instance, volume_dir,
                                                           qemu_img):
    _file(volume_dir / 'volume-1')
    info = _snapshotted(drv, instance, volume_dir, 2)
    merged = _merge(drv, instance, info)
    assert ('commit', '-q', '-b', str(volume_dir / 'volume-1'),
            str(volume_dir / 'volume-1.snap2')) in qemu_img.calls
    assert _overlays(volume_dir) == []
    assert merged['data']['device_path'] == str(volume_dir / 'volume-1')


def test_a_volume_never_snapshotted_is_left_alone(drv, instance, guest, volume_dir):
    info = _info(volume_dir / 'volume-1')
    assert _merge(drv, instance, info) == info
    assert 'blockCommit' not in guest.calls


def test_a_failed_commit_keeps_the_overlays_and_the_guest_on_them(
        drv, instance, guest, volume_dir, monkeypatch):
    info = _snapshotted(drv, instance, volume_dir, 2)

    def refuse(*args):
        raise RuntimeError('block commit refused')
    monkeypatch.setattr(guest, 'blockCommit', refuse)
    with pytest.raises(RuntimeError):
        _merge(drv, instance, info)
    assert _overlays(volume_dir) == ['volume-1.snap1', 'volume-1.snap2']
    assert _disk(guest).find('source').get('file') == str(volume_dir / 'volume-1.snap2')


def test_a_commit_never_ready_is_aborted_without_the_pivot(drv, instance, guest, volume_dir,
                                                           monkeypatch):
    info = _snapshotted(drv, instance, volume_dir, 1)
    monkeypatch.setattr(volume_snapshots, 'BLOCK_JOB_TIMEOUT', 0)
    monkeypatch.setattr(volume_snapshots, 'POLL', 0)
    guest.block_job_hangs = True
    with pytest.raises(exception.VolumeSnapshotFailed):
        _merge(drv, instance, info)
    assert guest.calls[-1] == 'blockJobAbort'
    assert _disk(guest).find('source').get('file') == str(volume_dir / 'volume-1.snap1')
    assert _overlays(volume_dir) == ['volume-1.snap1']


def test_a_volume_file_pulled_out_of_the_chain_is_refused_not_lost(
        drv, instance, guest, volume_dir):
    info = _snapshotted(drv, instance, volume_dir, 1)
    _delete(drv, instance, info, file_to_merge=None, merge_target_file=None)
    with pytest.raises(exception.VolumeSnapshotFailed):
        _merge(drv, instance, info)
    assert 'blockCommit' not in guest.calls
    assert _overlays(volume_dir) == ['volume-1.snap1']


def test_a_pulled_out_volume_file_of_a_stopped_guest_gets_the_content_copied_back(
        drv, conn, instance, guest, volume_dir, qemu_img):
    info = _snapshotted(drv, instance, volume_dir, 2)
    drv.power_off(instance)
    _delete(drv, instance, info, file_to_merge=None, merge_target_file=None)
    merged = _merge(drv, instance, info)
    volume = str(volume_dir / 'volume-1')
    assert ('convert', '-q', '-n', '-O', 'raw', str(volume_dir / 'volume-1.snap2'),
            volume) in qemu_img.calls
    assert not [c for c in qemu_img.calls if c[0] == 'commit']
    assert _overlays(volume_dir) == []  # snap1 too, out of the chain but made for it
    disk = _disk(conn.lookupByName('alto-test-' + instance.uuid))
    assert disk.find('source').get('file') == volume
    assert merged['data']['device_path'] == volume


def test_an_overlay_a_snapshot_delete_merged_away_is_removed_too(drv, instance, guest,
                                                                 volume_dir):
    info = _snapshotted(drv, instance, volume_dir, 2)
    _delete(drv, instance, info, file_to_merge='volume-1.snap1', merge_target_file='volume-1')
    assert _overlays(volume_dir) == ['volume-1.snap1', 'volume-1.snap2']
    (volume_dir / 'other-volume').write_bytes(QCOW2)
    _merge(drv, instance, dict(info, **{OVERLAY_BASE: dict(
        info[OVERLAY_BASE], overlays=info[OVERLAY_BASE]['overlays'] + ['/elsewhere/x'])}))
    assert _overlays(volume_dir) == ['other-volume']
