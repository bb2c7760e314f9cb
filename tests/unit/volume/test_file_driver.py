"""The file driver on a scratch directory: sparse files, copies that keep
their holes and their data, and no file left by a failed create."""

import os
import shutil
import subprocess
import types

import pytest

from services.volume import exception
from services.volume.drivers import file as file_driver

GiB = 1 << 30


@pytest.fixture
def driver(tmp_path):
    conf = types.SimpleNamespace(volume=types.SimpleNamespace(
        volumes_dir=str(tmp_path / 'volumes'), qemu_img='qemu-img'))
    drv = file_driver.FileDriver(conf)
    drv.do_setup()
    return drv


def _write(path, offset, data):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(data)


def _read(path, offset, size):
    with open(path, 'rb') as f:
        f.seek(offset)
        return f.read(size)


def test_blank_volume_is_sparse(driver):
    driver.create_volume({'id': 'v1', 'size': 1})
    path = driver.volume_path('v1')
    assert os.path.getsize(path) == GiB
    assert os.stat(path).st_blocks * 512 < GiB
    assert driver.initialize_connection({'id': 'v1'}, {'host': 'h'}) == {
        'driver_volume_type': 'local', 'data': {'device_path': path, 'format': 'raw'}}


def test_snapshot_clone_extend_delete(driver):
    driver.create_volume({'id': 'v1', 'size': 1})
    _write(driver.volume_path('v1'), 512 << 20, b'payload')
    driver.create_snapshot({'id': 's1', 'volume_id': 'v1', 'size': 1})
    driver.create_volume_from_snapshot({'id': 'v2', 'size': 2}, {'id': 's1'})
    driver.create_cloned_volume({'id': 'v3', 'size': 1}, {'id': 'v1'})
    for name in ('v2', 'v3'):
        path = driver.volume_path(name)
        assert _read(path, 512 << 20, 7) == b'payload'
        assert os.stat(path).st_blocks * 512 < 16 << 20     # holes kept
    assert os.path.getsize(driver.volume_path('v2')) == 2 * GiB
    driver.extend_volume({'id': 'v1', 'size': 1}, 3)
    assert os.path.getsize(driver.volume_path('v1')) == 3 * GiB
    caps = driver.capacity()
    assert caps['provisioned_capacity_gb'] == 7.0 and caps['total_capacity_gb'] > 0
    for name in ('v1', 'v2', 'v3'):
        driver.delete_volume({'id': name})
    # A backup reads the snapshot's own file, read-only, not the volume's.
    info = driver.initialize_connection_snapshot({'id': 's1'}, {'host': 'h'})
    assert info == {'driver_volume_type': 'local',
                    'data': {'device_path': driver.snapshot_path('s1'), 'format': 'raw',
                             'access_mode': 'ro'}}
    assert _read(info['data']['device_path'], 512 << 20, 7) == b'payload'
    driver.delete_snapshot({'id': 's1'})
    with pytest.raises(exception.DriverError):
        driver.initialize_connection_snapshot({'id': 's1'}, {'host': 'h'})
    driver.delete_volume({'id': 'never-made'})
    assert os.listdir(driver.directory) == []


def test_failed_create_leaves_nothing(driver, monkeypatch):
    def broken(source, target, size):
        with open(target, 'wb') as f:
            f.write(b'partial')
        raise OSError('disk on fire')
    monkeypatch.setattr(file_driver, 'sparse_copy', broken)
    driver.create_volume({'id': 'v1', 'size': 1})
    with pytest.raises(exception.DriverError):
        driver.create_cloned_volume({'id': 'v2', 'size': 1}, {'id': 'v1'})
    assert sorted(os.listdir(driver.directory)) == ['volume-v1']


def test_setup_removes_parts(driver):
    open(os.path.join(driver.directory, 'volume-x.part'), 'wb').close()
    driver.do_setup()
    assert os.listdir(driver.directory) == []


@pytest.mark.skipif(not shutil.which('qemu-img'), reason='qemu-img is not installed')
def test_from_image_converts_to_raw(driver, tmp_path):
    raw, qcow = tmp_path / 'disk.raw', tmp_path / 'disk.qcow2'
    with open(raw, 'wb') as f:
        f.truncate(4 << 20)
    _write(raw, 1 << 20, b'bootloader')
    subprocess.run(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', str(raw), str(qcow)],
                   check=True, capture_output=True)
    driver.create_volume_from_image({'id': 'v1', 'size': 1}, str(qcow), 'qcow2')
    assert _read(driver.volume_path('v1'), 1 << 20, 10) == b'bootloader'
    assert os.path.getsize(driver.volume_path('v1')) == GiB
    # an image larger than the volume, or not what it claims: an error, no file
    with pytest.raises(exception.DriverError):
        driver.create_volume_from_image({'id': 'v2', 'size': 1}, str(raw), 'qcow2')
    assert not os.path.exists(driver.volume_path('v2'))


@pytest.mark.skipif(shutil.which('qemu-img') is None, reason='needs qemu-img')
def test_reimage_replaces_the_data_whole(driver, tmp_path):
    """os-reimage: the volume's file replaced by the image's data (nothing
    of the old data left); a failed conversion keeps the old file."""
    raw = tmp_path / 'disk.raw'
    with open(raw, 'wb') as f:
        f.truncate(4 << 20)
    _write(raw, 0, b'new image')
    driver.create_volume({'id': 'v1', 'size': 1})
    _write(driver.volume_path('v1'), 8 << 20, b'old user file')
    driver.reimage_volume({'id': 'v1', 'size': 1}, str(raw), 'raw')
    path = driver.volume_path('v1')
    assert _read(path, 0, 9) == b'new image'
    assert _read(path, 8 << 20, 13) == bytes(13)
    assert os.path.getsize(path) == GiB
    with pytest.raises(exception.DriverError):
        driver.reimage_volume({'id': 'v1', 'size': 1}, str(raw), 'qcow2')
    assert _read(path, 0, 9) == b'new image'


@pytest.mark.skipif(shutil.which('qemu-img') is None, reason='needs qemu-img')
def test_copy_to_image_file_in_each_format(driver, tmp_path):
    driver.create_volume({'id': 'v1', 'size': 1})
    _write(driver.volume_path('v1'), 5 << 20, b'payload')
    for disk_format in ('raw', 'qcow2'):
        out = tmp_path / ('image.%s' % disk_format)
        driver.copy_volume_to_image_file({'id': 'v1', 'size': 1}, disk_format, str(out))
        info = subprocess.run(['qemu-img', 'info', '--output=json', str(out)],
                              capture_output=True, text=True, check=True).stdout
        assert '"format": "%s"' % disk_format in info
        assert '"virtual-size": %d' % GiB in info
        back = tmp_path / ('back-%s.raw' % disk_format)
        subprocess.run(['qemu-img', 'convert', '-O', 'raw', str(out), str(back)], check=True)
        assert _read(back, 5 << 20, 7) == b'payload'
    with pytest.raises(exception.DriverError):
        driver.copy_volume_to_image_file({'id': 'v1', 'size': 1}, 'ami', str(tmp_path / 'x'))


def test_import_volume_copies_or_recognises_shared_storage(driver, tmp_path):
    source = tmp_path / 'elsewhere'
    with open(source, 'wb') as f:
        f.truncate(GiB)
    _write(source, 1 << 20, b'moved')
    assert driver.import_volume({'id': 'v1', 'size': 1}, str(source)) is True
    assert _read(driver.volume_path('v1'), 1 << 20, 5) == b'moved'
    # the other backend exports this very file (one directory for both): no copy
    assert driver.import_volume({'id': 'v1', 'size': 1}, driver.volume_path('v1')) is False
    assert _read(driver.volume_path('v1'), 1 << 20, 5) == b'moved'
