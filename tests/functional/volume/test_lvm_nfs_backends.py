"""The LVM and NFS drivers against their real tools, where the host has them.

LVM needs device-mapper (``/dev/mapper/control``) and the LVM tools: a
volume group on a loop device of this test is made, used thick and thin,
and removed.  NFS needs an export: ``ALTO_TEST_NFS_SHARE=server:/path``.
Elsewhere each test skips with the reason (this workplace's machines have
neither)."""

import os
import shutil
import subprocess
import types
import uuid

import pytest

from services.volume.drivers import lvm
from services.volume.drivers import nfs

pytestmark = pytest.mark.functional
MiB = 1 << 20


def _run(*argv):
    return subprocess.run(list(argv), check=True, capture_output=True, text=True,
                          timeout=120).stdout


@pytest.fixture
def volume_group(tmp_path):
    if os.geteuid() != 0:
        pytest.skip('LVM needs root')
    if not os.path.exists('/dev/mapper/control'):
        pytest.skip('no device-mapper on this host (/dev/mapper/control is missing)')
    for tool in ('lvcreate', 'vgcreate', 'pvcreate', 'losetup'):
        if shutil.which(tool) is None:
            pytest.skip('%s is not installed (apt-get install lvm2)' % tool)
    backing = tmp_path / 'pv.img'
    with open(backing, 'wb') as f:
        f.truncate(3 << 30)
    loop = _run('losetup', '--find', '--show', str(backing)).strip()
    name = 'alto-test-%s' % uuid.uuid4().hex[:8]
    try:
        _run('pvcreate', '-q', loop)
        _run('vgcreate', '-q', name, loop)
        yield name
    finally:
        subprocess.run(['vgremove', '-f', '-q', name], capture_output=True, check=False)
        subprocess.run(['pvremove', '-q', loop], capture_output=True, check=False)
        subprocess.run(['losetup', '-d', loop], capture_output=True, check=False)


def _lvm(vg, kind):
    conf = types.SimpleNamespace(
        volume=types.SimpleNamespace(qemu_img='qemu-img'),
        lvm=types.SimpleNamespace(volume_group=vg, type=kind, thin_pool='pool',
                                  thin_pool_percent=90, lvm_command_prefix=''))
    drv = lvm.LVMDriver(conf)
    drv.do_setup()
    return drv


def _write(path, offset, data):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _read(path, offset, size):
    with open(path, 'rb') as f:
        f.seek(offset)
        return f.read(size)


@pytest.mark.parametrize('kind', ['thick', 'thin'])
def test_lvm_volumes_snapshots_clones_extend(volume_group, kind):
    drv = _lvm(volume_group, kind)
    drv.create_volume({'id': 'v1', 'size': 1})
    device = drv.initialize_connection({'id': 'v1'}, {'host': 'h'})['data']['device_path']
    _write(device, 100 * MiB, b'lvm payload')
    drv.create_snapshot({'id': 's1', 'volume_id': 'v1', 'size': 1})
    drv.create_volume_from_snapshot({'id': 'v2', 'size': 1}, {'id': 's1'})
    drv.create_cloned_volume({'id': 'v3', 'size': 1}, {'id': 'v1'})
    for volume_id in ('v2', 'v3'):
        assert _read(drv.device('volume-%s' % volume_id), 100 * MiB, 11) == b'lvm payload'
    drv.extend_volume({'id': 'v2', 'size': 1}, 2)
    assert int(_run('blockdev', '--getsize64', drv.device('volume-v2'))) == 2 << 30
    assert drv.capacity()['provisioned_capacity_gb'] >= 4
    drv.delete_snapshot({'id': 's1'})
    for volume_id in ('v1', 'v2', 'v3'):
        drv.delete_volume({'id': volume_id})
    assert not any(n.startswith(('volume-', 'snapshot-')) for n in drv._lv_names())


def test_nfs_share_holds_the_volumes(tmp_path):
    share = os.environ.get('ALTO_TEST_NFS_SHARE')
    if not share:
        pytest.skip('no NFS export to test against (set ALTO_TEST_NFS_SHARE=server:/path)')
    if os.geteuid() != 0:
        pytest.skip('mounting NFS needs root')
    conf = types.SimpleNamespace(
        volume=types.SimpleNamespace(qemu_img='qemu-img'),
        nfs=types.SimpleNamespace(share=share, mount_point_base=str(tmp_path / 'mnt'),
                                  mount_options='', mount_command_prefix=''))
    drv = nfs.NFSDriver(conf)
    drv.do_setup()
    try:
        assert nfs.mounted(drv.directory)
        volume_id = str(uuid.uuid4())
        drv.create_volume({'id': volume_id, 'size': 1})
        assert os.path.getsize(drv.volume_path(volume_id)) == 1 << 30
        info = drv.initialize_connection({'id': volume_id}, {'host': 'c', 'ip': '127.0.0.1',
                                                             'attachment_id': 'a'})
        assert info['data']['export'] == share
        drv.delete_volume({'id': volume_id})
        assert not os.path.exists(drv.volume_path(volume_id))
    finally:
        subprocess.run(['umount', drv.directory], capture_output=True, check=False)
