"""The LVM and NFS drivers with their tools faked: the commands they send,
thick and thin logical volumes, clean-up of a failed create, the share
mounted once, and the connections they hand out."""

import json
import os
import types

import pytest

from services.volume import exception
from services.volume.drivers import lvm
from services.volume.drivers import nfs

GiB = 1 << 30


class FakeLVM:
    """A volume group ``vg0`` of 100 GiB as lvs/vgs/lvcreate would see it."""

    def __init__(self):
        self.lvs = {}          # name -> {'size', 'origin', 'pool'}
        self.calls = []
        self.fail_convert = False

    def __call__(self, argv, secrets=(), timeout=None, **kwargs):
        self.calls.append(list(argv))
        tool, args = (argv[1], argv[2:]) if argv[0] == 'sudo' else (argv[0], argv[1:])
        if tool == 'vgs':
            used = sum(lv['size'] for lv in self.lvs.values() if not lv.get('thin'))
            vg = {'vg_name': 'vg0', 'vg_size': str(100 * GiB),
                  'vg_free': str(100 * GiB - used)}
            rows = [vg] if args[-1] == 'vg0' else []
            return json.dumps({'report': [{'vg': rows}]})
        if tool == 'lvs':
            rows = [{'lv_name': n, 'lv_size': str(lv['size']),
                     'data_percent': '10.00' if lv.get('pool') else ''}
                    for n, lv in self.lvs.items()]
            return json.dumps({'report': [{'lv': rows}]})
        if tool == 'lvcreate':
            name = args[args.index('-n') + 1]
            assert name not in self.lvs
            if '--type' in args:
                self.lvs[name] = {'size': 90 * GiB, 'pool': True}
            elif '-V' in args:
                self.lvs[name] = {'size': int(args[args.index('-V') + 1][:-1]) * GiB,
                                  'thin': True}
            elif '-s' in args and '-L' not in args:
                origin = args[-1].split('/')[1]
                self.lvs[name] = dict(self.lvs[origin], origin=origin)
            else:
                self.lvs[name] = {'size': int(args[args.index('-L') + 1][:-1]) * GiB}
            return ''
        if tool == 'lvremove':
            del self.lvs[args[-1].split('/')[1]]
            return ''
        if tool == 'lvextend':
            self.lvs[args[-1].split('/')[1]]['size'] = int(args[1][:-1]) * GiB
            return ''
        if tool == 'qemu-img':
            if args[0] == 'info':
                return json.dumps({'virtual-size': 512 << 20})
            if self.fail_convert:
                raise exception.DriverError(reason='qemu-img convert: no space')
            return ''
        raise AssertionError('unexpected %s' % argv)


def _lvm_driver(run, kind='thick'):
    conf = types.SimpleNamespace(
        volume=types.SimpleNamespace(qemu_img='qemu-img'),
        lvm=types.SimpleNamespace(volume_group='vg0', type=kind, thin_pool='pool',
                                  thin_pool_percent=90, lvm_command_prefix=''))
    drv = lvm.LVMDriver(conf, run=run)
    drv.do_setup()
    return drv


def test_thick_volumes_snapshots_and_clones():
    fake = FakeLVM()
    drv = _lvm_driver(fake)
    drv.create_volume({'id': 'v1', 'size': 2})
    assert fake.calls[-1] == ['lvcreate', '--yes', '-n', 'volume-v1', '-L', '2g', 'vg0']
    drv.create_snapshot({'id': 's1', 'volume_id': 'v1', 'size': 2})
    assert fake.calls[-1] == ['lvcreate', '--yes', '-s', '-L', '2g', '-n', 'snapshot-s1',
                              'vg0/volume-v1']
    drv.create_volume_from_snapshot({'id': 'v2', 'size': 3}, {'id': 's1'})
    assert fake.calls[-1] == ['qemu-img', 'convert', '-n', '-f', 'raw', '-O', 'raw',
                              '/dev/vg0/snapshot-s1', '/dev/vg0/volume-v2']
    drv.extend_volume({'id': 'v1', 'size': 2}, 4)
    assert fake.lvs['volume-v1']['size'] == 4 * GiB
    caps = drv.capacity()
    assert caps['provisioned_capacity_gb'] == 4 + 2 + 3
    assert caps['free_capacity_gb'] == 100 - 9
    assert caps['thin_provisioning_support'] is False
    assert drv.initialize_connection({'id': 'v1'}, {'host': 'h'}) == {
        'driver_volume_type': 'local',
        'data': {'device_path': '/dev/vg0/volume-v1', 'format': 'raw'}}
    drv.delete_snapshot({'id': 's1'})
    drv.delete_volume({'id': 'v1'})
    drv.delete_volume({'id': 'v1'})          # gone already: no error
    assert set(fake.lvs) == {'volume-v2'}


def test_thin_pool_made_at_setup_and_thin_volumes():
    fake = FakeLVM()
    drv = _lvm_driver(fake, 'thin')
    assert fake.calls[2] == ['lvcreate', '--yes', '--type', 'thin-pool', '-l', '90%FREE',
                             '-n', 'pool', 'vg0']
    drv.create_volume({'id': 'v1', 'size': 10})
    assert fake.calls[-1] == ['lvcreate', '--yes', '-n', 'volume-v1', '-V', '10g',
                              '--thinpool', 'pool', 'vg0']
    drv.create_snapshot({'id': 's1', 'volume_id': 'v1', 'size': 10})
    assert fake.calls[-1] == ['lvcreate', '--yes', '-s', '-kn', '-n', 'snapshot-s1',
                              'vg0/volume-v1']
    caps = drv.capacity()
    assert caps['total_capacity_gb'] == 90 and caps['free_capacity_gb'] == 81
    assert caps['thin_provisioning_support'] is True
    _lvm_driver(fake, 'thin')                # the pool exists: not made again
    assert [c for c in fake.calls if '--type' in c and c[0] == 'lvcreate'].__len__() == 1


def test_missing_volume_group_stops_setup():
    fake = FakeLVM()
    conf = types.SimpleNamespace(
        volume=types.SimpleNamespace(qemu_img='qemu-img'),
        lvm=types.SimpleNamespace(volume_group='nope', type='thick', thin_pool='pool',
                                  thin_pool_percent=90, lvm_command_prefix='sudo'))
    with pytest.raises(exception.DriverError):
        lvm.LVMDriver(conf, run=fake).do_setup()
    assert fake.calls[0][:2] == ['sudo', 'vgs']


def test_failed_copy_removes_the_new_volume():
    fake = FakeLVM()
    drv = _lvm_driver(fake)
    drv.create_volume({'id': 'v1', 'size': 1})
    fake.fail_convert = True
    with pytest.raises(exception.DriverError):
        drv.create_cloned_volume({'id': 'v2', 'size': 1}, {'id': 'v1'})
    assert set(fake.lvs) == {'volume-v1'}
    fake.fail_convert = False
    with pytest.raises(exception.DriverError):     # 512 MiB image, 0 GiB volume
        drv.create_volume_from_image({'id': 'v3', 'size': 0}, '/tmp/img', 'qcow2')
    assert 'volume-v3' not in fake.lvs


def test_reimage_writes_into_the_existing_volume():
    """os-reimage: the image converted into the logical volume the volume
    has (no new one); an image too big for it is refused, and a failed
    copy keeps the volume (its data is not whole: the volume service
    marks it error)."""
    fake = FakeLVM()
    drv = _lvm_driver(fake)
    drv.create_volume({'id': 'v1', 'size': 1})
    creates = len([c for c in fake.calls if c[0] == 'lvcreate'])
    drv.reimage_volume({'id': 'v1', 'size': 1}, '/tmp/img', 'qcow2')
    assert fake.calls[-1] == ['qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'raw',
                              '/tmp/img', '/dev/vg0/volume-v1']
    assert len([c for c in fake.calls if c[0] == 'lvcreate']) == creates
    with pytest.raises(exception.DriverError):     # 512 MiB image, 0 GiB volume
        drv.reimage_volume({'id': 'v1', 'size': 0}, '/tmp/img', 'qcow2')
    fake.fail_convert = True
    with pytest.raises(exception.DriverError):
        drv.reimage_volume({'id': 'v1', 'size': 1}, '/tmp/img', 'raw')
    assert 'volume-v1' in fake.lvs


def _nfs_driver(tmp_path, calls, mounted_now=False, options=''):
    conf = types.SimpleNamespace(
        volume=types.SimpleNamespace(qemu_img='qemu-img', volumes_dir='unused'),
        nfs=types.SimpleNamespace(share='nfs1:/export/volumes',
                                  mount_point_base=str(tmp_path / 'mnt'),
                                  mount_options=options, mount_command_prefix='sudo'))
    state = {'mounted': mounted_now}

    def run(argv, **kwargs):
        calls.append(argv)
        state['mounted'] = True
        return ''
    drv = nfs.NFSDriver(conf, run=run, is_mounted=lambda path: state['mounted'])
    drv.do_setup()
    return drv


def test_nfs_mounts_the_share_and_keeps_files_on_it(tmp_path):
    calls = []
    drv = _nfs_driver(tmp_path, calls, options='vers=4.2')
    assert calls == [['sudo', 'mount', '-t', 'nfs', '-o', 'vers=4.2',
                      'nfs1:/export/volumes', drv.directory]]
    assert drv.directory.startswith(str(tmp_path / 'mnt'))
    drv.create_volume({'id': 'v1', 'size': 1})
    assert os.path.getsize(os.path.join(drv.directory, 'volume-v1')) == GiB
    info = drv.initialize_connection({'id': 'v1'}, {'host': 'c1', 'ip': '10.0.0.5',
                                                    'attachment_id': 'a1'})
    assert info == {'driver_volume_type': 'nfs',
                    'data': {'export': 'nfs1:/export/volumes', 'name': 'volume-v1',
                             'format': 'raw', 'options': '-o vers=4.2'}}
    local = drv.initialize_connection({'id': 'v1'}, {'host': 'h@nfs', 'initiator': None})
    assert local['driver_volume_type'] == 'local'
    assert local['data']['device_path'] == os.path.join(drv.directory, 'volume-v1')
    calls.clear()
    _nfs_driver(tmp_path, calls, mounted_now=True)
    assert calls == []                       # mounted already


def test_nfs_without_share_is_a_driver_error(tmp_path):
    conf = types.SimpleNamespace(volume=types.SimpleNamespace(qemu_img='qemu-img'),
                                 nfs=types.SimpleNamespace(share=None,
                                                           mount_point_base=str(tmp_path),
                                                           mount_options='',
                                                           mount_command_prefix=''))
    with pytest.raises(exception.DriverError):
        nfs.NFSDriver(conf, run=None).do_setup()


def test_mounted_reads_the_mount_table(tmp_path):
    table = tmp_path / 'mounts'
    point = tmp_path / 'm'
    point.mkdir()
    table.write_text('nfs1:/x %s nfs4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\n' % point)
    assert nfs.mounted(str(point), str(table))
    assert not nfs.mounted(str(tmp_path), str(table))
