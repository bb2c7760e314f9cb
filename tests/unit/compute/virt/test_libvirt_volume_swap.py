"""Swap volume in the libvirt driver: a running guest's disk copied onto the
new volume by a block copy and pivoted, a stopped guest's copied with
qemu-img; the persistent definition on the new volume either way."""

import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt.libvirt import volume_swap
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

OLD = '5b2d4a0e-3a48-4d5e-9a0b-6c1f1f0f0a01'
NEW = '5b2d4a0e-3a48-4d5e-9a0b-6c1f1f0f0a02'


def _info(path, volume_id, fmt='raw'):
    return {'driver_volume_type': 'local', 'serial': volume_id,
            'data': {'device_path': str(path), 'format': fmt}}


def _disks(dom):
    return {d.find('target').get('dev'): d for d in
            ET.fromstring(dom.XMLDesc(0)).findall('./devices/disk')}


@pytest.fixture
def guest(drv, conn, instance, base_image, tmp_path):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    old = tmp_path / 'volume-old'
    old.write_bytes(b'old data')
    (tmp_path / 'volume-new').write_bytes(b'')
    drv.attach_volume(None, instance, _info(old, OLD), '/dev/vdb')
    return conn.lookupByName('alto-test-' + instance.uuid)


def test_a_running_guest_is_copied_pivoted_and_grown(drv, instance, guest, tmp_path):
    new = tmp_path / 'volume-new'
    drv.swap_volume(None, instance, _info(tmp_path / 'volume-old', OLD),
                    _info(new, NEW, 'qcow2'), '/dev/vdb', resize_to=2)
    disk, dest, flags = guest.block_copy
    assert disk == 'vdb'
    assert flags == volume_swap.BLOCK_COPY_REUSE_EXT | volume_swap.BLOCK_COPY_TRANSIENT_JOB
    # The destination is the new volume's source and format, nothing else.
    dest = ET.fromstring(dest)
    assert [el.tag for el in dest] == ['driver', 'source']
    assert dest.find('source').attrib == {'file': str(new)}
    assert guest.block_job_abort_flags == volume_swap.BLOCK_JOB_ABORT_PIVOT
    assert guest.block_resize == ('vdb', 2 << 30, volume_swap.BLOCK_RESIZE_BYTES)
    # grown first: QEMU mirrors only into a target of the source's size
    assert guest.calls[-3:] == ['blockResize', 'blockCopy', 'blockJobAbort']
    vdb = _disks(guest)['vdb']  # the definition too, with the same target
    assert vdb.find('source').get('file') == str(new)
    assert vdb.find('driver').get('type') == 'qcow2'
    assert vdb.findtext('serial') == NEW
    assert vdb.find('target').attrib == {'dev': 'vdb', 'bus': 'virtio'}
    assert len(_disks(guest)) == 2


def test_a_copy_that_does_not_mirror_is_aborted_and_the_guest_stays(drv, instance, guest,
                                                                    tmp_path, monkeypatch):
    monkeypatch.setattr(volume_swap, 'COPY_TIMEOUT', 0)
    monkeypatch.setattr(volume_swap, 'POLL', 0)
    guest.block_job_hangs = True
    with pytest.raises(exception.VolumeSwapFailed) as caught:
        drv.swap_volume(None, instance, _info(tmp_path / 'volume-old', OLD),
                        _info(tmp_path / 'volume-new', NEW), '/dev/vdb')
    assert 'did not mirror' in str(caught.value)
    assert guest.calls[-2:] == ['blockCopy', 'blockJobAbort']
    assert not getattr(guest, 'block_job_abort_flags', 0)  # aborted, not pivoted
    vdb = _disks(guest)['vdb']
    assert vdb.find('source').get('file') == str(tmp_path / 'volume-old')
    assert vdb.findtext('serial') == OLD


def test_a_stopped_guest_is_copied_with_qemu_img(drv, instance, guest, tmp_path, qemu_img):
    drv.power_off(instance)
    old, new = tmp_path / 'volume-old', tmp_path / 'volume-new'
    drv.swap_volume(None, instance, _info(old, OLD), _info(new, NEW), '/dev/vdb',
                    resize_to=2)
    assert ('convert', '-q', '-n', '-O', 'raw', str(old), str(new)) in qemu_img.calls
    assert 'blockCopy' not in guest.calls and 'blockResize' not in guest.calls
    vdb = _disks(guest)['vdb']
    assert vdb.find('source').get('file') == str(new)
    assert vdb.findtext('serial') == NEW


def test_a_disk_the_guest_lacks_is_not_swapped(drv, instance, guest, tmp_path):
    with pytest.raises(exception.VolumeSwapFailed) as caught:
        drv.swap_volume(None, instance, _info(tmp_path / 'volume-old', OLD),
                        _info(tmp_path / 'volume-new', NEW), '/dev/vdc')
    assert 'has no disk vdc' in str(caught.value)
    assert 'blockCopy' not in guest.calls
