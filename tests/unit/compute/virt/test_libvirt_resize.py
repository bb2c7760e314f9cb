"""Resize and cold migration in the libvirt driver: two hosts, each with its
own instances directory, domain prefix and (stand-in) libvirt connection."""

import contextlib
import os
import types
import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt.libvirt import driver as libvirt_driver
from services.compute.virt.libvirt import migration
from tests.unit.compute.virt import fakelibvirt
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

BIGGER = dict(FLAVOR, name='m1.bigger', memory_mb=256, vcpus=2, root_gb=2, swap=16)


class Host:
    """One compute host's driver and the configuration it runs with."""

    def __init__(self, conf, tmp_path, name, monkeypatch):
        self.conf, self.name = conf, name
        self.instances = tmp_path / name / 'instances'
        self.prefix = 'alto-%s-' % name
        self.conn = fakelibvirt.FakeConnection()
        monkeypatch.setattr(libvirt_driver, '_cpu_virtualises', lambda: False)
        with self.active():
            self.drv = libvirt_driver.LibvirtDriver(connect=lambda uri: self.conn)
            self.drv.init_host(name)

    @contextlib.contextmanager
    def active(self):
        self.conf.config(group='libvirt', instances_path=str(self.instances),
                         domain_prefix=self.prefix)
        yield self.drv if hasattr(self, 'drv') else None

    def dir(self, instance, suffix=''):
        return self.instances / (instance.uuid + suffix)

    def domain(self, instance):
        return self.conn.domains.get(self.prefix + instance.uuid)

    def base(self):
        path = self.instances / '_base'
        path.mkdir(exist_ok=True)
        for name in ('image-1', 'kernel-1', 'ramdisk-1'):
            (path / name).write_bytes(b'QFI\xfb')
        return path / 'image-1'


@pytest.fixture
def hosts(conf, tmp_path, qemu_img, monkeypatch):
    return (Host(conf, tmp_path, 'h1', monkeypatch), Host(conf, tmp_path, 'h2', monkeypatch))


def _spawn(host, instance, flavor=FLAVOR):
    base = host.base()
    with host.active() as drv:
        drv.spawn(None, instance, kernel_image(base), str(base), [], flavor)
    (host.dir(instance) / 'console.log').write_text('alto-guest: booted\n')
    return base


def _move(src, dst, instance, flavor=BIGGER):
    with dst.active() as drv:
        target = drv.migration_target(instance)
    with src.active() as drv:
        drv.migrate_disk_and_power_off(None, instance, target, flavor)
    return target


def _finish(dst, instance, flavor=BIGGER, same_host=False):
    base = dst.base()
    with dst.active() as drv:
        drv.finish_migration(None, instance, kernel_image(base), str(base), [], flavor,
                             same_host=same_host)


def test_move_to_another_host_and_confirm(hosts, instance, qemu_img):
    src, dst = hosts
    _spawn(src, instance, FLAVOR)
    target = _move(src, dst, instance)
    assert target['path'] == str(dst.dir(instance))
    # The source stopped its guest, undefined it and kept its files for a revert.
    assert src.domain(instance) is None
    assert not src.dir(instance).exists()
    assert (src.dir(instance, '_resize') / 'libvirt.xml').is_file()
    assert sorted(os.listdir(dst.dir(instance))) == ['console.log', 'disk']

    qemu_img.calls.clear()
    _finish(dst, instance)
    dom = dst.domain(instance)
    assert dom.isActive()
    tree = ET.fromstring(dom.XMLDesc())
    assert tree.findtext('memory') == '256' and tree.findtext('vcpu') == '2'
    assert tree.find('os/kernel').text == str(dst.dir(instance) / 'kernel.kernel-1')
    sources = [d.find('source').get('file') for d in tree.findall('devices/disk')]
    assert sources == [str(dst.dir(instance) / 'disk'), str(dst.dir(instance) / 'disk.swap')]
    commands = [c[0] for c in qemu_img.calls]
    # Rebased on this host's copy of the image, grown to 2 GiB, swap made.
    rebase = next(c for c in qemu_img.calls if c[0] == 'rebase')
    assert rebase[-1] == str(dst.dir(instance) / 'disk')
    assert rebase[rebase.index('-b') + 1] == str(dst.instances / '_base' / 'image-1')
    assert ('resize', '-q', str(dst.dir(instance) / 'disk'), str(2 * 1024 ** 3)) in \
        qemu_img.calls
    assert 'create' in commands
    # The console log kept the guest's earlier boots.
    assert 'booted' in (dst.dir(instance) / 'console.log').read_text()

    with src.active() as drv:
        drv.confirm_migration(None, instance, same_host=False)
    assert not src.dir(instance, '_resize').exists()
    assert dst.domain(instance).isActive()


def test_revert_restores_the_source_guest(hosts, instance):
    src, dst = hosts
    _spawn(src, instance, FLAVOR)
    before = src.domain(instance).XMLDesc()
    _move(src, dst, instance)
    _finish(dst, instance)
    with dst.active() as drv:
        drv.destroy(None, instance, [])
    assert dst.domain(instance) is None and not dst.dir(instance).exists()
    with src.active() as drv:
        drv.finish_revert_migration(None, instance, [], FLAVOR)
    dom = src.domain(instance)
    assert dom.isActive() and dom.XMLDesc() == before
    assert (src.dir(instance) / 'disk').exists()
    assert not src.dir(instance, '_resize').exists()
    assert not (src.dir(instance) / 'libvirt.xml').exists()


def test_resize_on_the_same_host_then_revert(hosts, instance):
    host = hosts[0]
    _spawn(host, instance, FLAVOR)
    before = host.domain(instance).XMLDesc()
    _move(host, host, instance)
    assert host.dir(instance).is_dir() and host.dir(instance, '_resize').is_dir()
    _finish(host, instance, same_host=True)
    assert ET.fromstring(host.domain(instance).XMLDesc()).findtext('memory') == '256'
    with host.active() as drv:
        drv.finish_revert_migration(None, instance, [], FLAVOR)
    assert host.domain(instance).XMLDesc() == before and host.domain(instance).isActive()
    assert not host.dir(instance, '_resize').exists()


def test_a_revert_of_a_stopped_server_defines_its_guest_without_starting_it(hosts, instance):
    host = hosts[0]
    _spawn(host, instance, FLAVOR)
    _move(host, host, instance)
    _finish(host, instance, same_host=True)
    with host.active() as drv:
        drv.finish_revert_migration(None, instance, [], FLAVOR, power_on=False)
    dom = host.domain(instance)
    assert dom is not None and not dom.isActive()
    assert not host.dir(instance, '_resize').exists()


def test_deleting_a_resized_server_drops_what_was_kept(hosts, instance):
    host = hosts[0]
    _spawn(host, instance, FLAVOR)
    _move(host, host, instance)
    _finish(host, instance, same_host=True)
    with host.active() as drv:
        drv.destroy(None, instance, [])
    assert not host.dir(instance).exists() and not host.dir(instance, '_resize').exists()


def test_deleting_on_the_destination_then_the_source_drops_what_it_kept(hosts, instance):
    """The destination destroys the resized guest; the source, told by the
    destination's cleanup_resize_source, drops ``<uuid>_resize`` and its guest."""
    src, dst = hosts
    _spawn(src, instance, FLAVOR)
    _move(src, dst, instance)
    _finish(dst, instance)
    assert src.dir(instance, '_resize').exists()
    with dst.active() as drv:
        drv.destroy(None, instance, [])
    assert not dst.dir(instance).exists() and src.dir(instance, '_resize').exists()
    gone = types.SimpleNamespace(uuid=instance.uuid)  # the server row is gone by then
    with src.active() as drv:
        drv.confirm_migration(None, gone, same_host=False)
    assert not src.dir(instance, '_resize').exists() and not src.dir(instance).exists()
    assert src.domain(instance) is None and dst.domain(instance) is None


def test_failed_copy_puts_the_guest_back(hosts, instance, monkeypatch):
    src, dst = hosts
    _spawn(src, instance, FLAVOR)

    def broken(files, dest, run=None):
        os.makedirs(dest['path'])
        raise exception.ComputeError('disk full')

    monkeypatch.setattr(migration, 'copy_files', broken)
    with pytest.raises(exception.ComputeError):
        _move(src, dst, instance)
    assert src.domain(instance).isActive()
    assert (src.dir(instance) / 'disk').exists()
    assert not (src.dir(instance) / 'libvirt.xml').exists()
    assert not src.dir(instance, '_resize').exists() and not dst.dir(instance).exists()


def test_root_disk_cannot_shrink(hosts, instance, qemu_img):
    src, dst = hosts
    _spawn(src, instance, FLAVOR)
    qemu_img.virtual_size = 2 * 1024 ** 3
    with pytest.raises(exception.ComputeError, match='resize disk down'):
        _move(src, dst, instance, dict(FLAVOR, root_gb=1))
    assert src.domain(instance).isActive() and not dst.dir(instance).exists()


def _vol(path, volume_id, device, boot_index=None):
    """One ``block_device_info`` entry of a file volume connected at ``path``."""
    return {'connection_info': {'driver_volume_type': 'local', 'serial': volume_id,
                                'data': {'device_path': str(path), 'format': 'raw'}},
            'device_name': device, 'boot_index': boot_index, 'volume_id': volume_id}


def _disks(dom):
    return {d.find('target').get('dev'): d for d in
            ET.fromstring(dom.XMLDesc()).findall('devices/disk')}


def _source(disk):
    return disk.find('source').get('file')


def test_a_guest_with_a_volume_moves_without_it_and_gets_it_back(hosts, instance,
                                                                  tmp_path):
    """Only the guest's own files move; the destination defines the volume
    as connected there, at its device; a revert gives the source's saved
    guest the volume as the source connects it again."""
    src, dst = hosts
    _spawn(src, instance, FLAVOR)
    volume = tmp_path / 'vol'
    volume.write_bytes(b'')
    with src.active() as drv:
        drv.attach_volume(None, instance, _vol(volume, 'vol-1', '/dev/vdb')[
            'connection_info'], '/dev/vdb')
    _move(src, dst, instance)
    assert sorted(os.listdir(dst.dir(instance))) == ['console.log', 'disk']
    assert volume.exists()  # never copied nor moved
    there = tmp_path / 'vol-on-h2'  # the destination's connection of the volume
    with dst.active() as drv:
        drv.finish_migration(None, instance, kernel_image(dst.base()), str(dst.base()), [],
                             BIGGER, same_host=False,
                             block_device_info=[_vol(there, 'vol-1', '/dev/vdb')])
    disks = _disks(dst.domain(instance))
    assert _source(disks['vda']) == str(dst.dir(instance) / 'disk')
    assert _source(disks['vdb']) == str(there) and disks['vdb'].findtext('serial') == 'vol-1'
    assert disks['vdb'].find('driver').get('cache') == 'none'

    with dst.active() as drv:
        drv.destroy(None, instance, [])
    back = tmp_path / 'vol-on-h1-again'
    with src.active() as drv:
        drv.finish_revert_migration(None, instance, [], FLAVOR,
                                    block_device_info=[_vol(back, 'vol-1', '/dev/vdb')])
    dom = src.domain(instance)
    disks = _disks(dom)
    assert dom.isActive() and sorted(disks) == ['vda', 'vdb']
    assert _source(disks['vda']) == str(src.dir(instance) / 'disk')
    assert _source(disks['vdb']) == str(back) and disks['vdb'].findtext('serial') == 'vol-1'
    assert ET.fromstring(dom.XMLDesc()).findtext('memory') == '128'


def test_an_iscsi_volume_s_chap_secret_goes_with_the_guest(hosts, instance):
    """The secret of a network volume's CHAP login leaves the source with
    the domain and is defined where the guest runs next (the destination,
    then the source again on a revert)."""
    iqn = 'iqn.2010-10.org.altostratus:att-1'
    info = {'driver_volume_type': 'iscsi', 'serial': 'vol-1',
            'data': {'target_iqn': iqn, 'target_portal': '127.0.0.1:3260', 'target_lun': 1,
                     'auth_method': 'CHAP', 'auth_username': 'u', 'auth_password': 'pw'}}
    device = {'connection_info': info, 'device_name': '/dev/vdb', 'boot_index': None,
              'volume_id': 'vol-1'}
    src, dst = hosts
    _spawn(src, instance, FLAVOR)
    with src.active() as drv:
        drv.attach_volume(None, instance, info, '/dev/vdb')
    assert (3, iqn) in src.conn.secrets
    _move(src, dst, instance)
    assert (3, iqn) not in src.conn.secrets
    with dst.active() as drv:
        drv.finish_migration(None, instance, kernel_image(dst.base()), str(dst.base()), [],
                             BIGGER, same_host=False, block_device_info=[device])
    assert dst.conn.secrets[(3, iqn)].value == b'pw'
    assert _disks(dst.domain(instance))['vdb'].get('type') == 'network'
    with dst.active() as drv:
        drv.destroy(None, instance, [])
    with src.active() as drv:
        drv.finish_revert_migration(None, instance, [], FLAVOR, block_device_info=[device])
    assert src.conn.secrets[(3, iqn)].value == b'pw'
    disk = _disks(src.domain(instance))['vdb']
    assert disk.get('type') == 'network' and disk.find('auth/secret').get('usage') == iqn


def _spawn_from_volume(host, instance, root, flavor=FLAVOR):
    base = host.base()
    with host.active() as drv:
        drv.spawn(None, instance, kernel_image(base), None, [], flavor,
                  block_device_info=[_vol(root, 'root-id', '/dev/vda', 0)])
    (host.dir(instance) / 'console.log').write_text('alto-guest: booted\n')


def test_a_volume_backed_guest_moves_only_its_own_files(hosts, instance, tmp_path,
                                                        qemu_img):
    """No local root disk: the console log moves, the ephemeral disk too
    when there is one; the destination's domain has the root volume as its
    first disk (connected there) and makes no root disk of an image."""
    src, dst = hosts
    root = tmp_path / 'root-volume'
    _spawn_from_volume(src, instance, root, dict(FLAVOR, ephemeral_gb=1))
    _move(src, dst, instance, dict(BIGGER, ephemeral_gb=1))
    assert sorted(os.listdir(dst.dir(instance))) == ['console.log', 'disk.eph0']
    assert (src.dir(instance, '_resize') / 'libvirt.xml').is_file()

    qemu_img.calls.clear()
    there = tmp_path / 'root-volume-on-h2'
    base = dst.base()
    with dst.active() as drv:
        drv.finish_migration(None, instance, kernel_image(base), None, [],
                             dict(BIGGER, ephemeral_gb=1), same_host=False,
                             block_device_info=[_vol(there, 'root-id', '/dev/vda', 0)])
    dom = dst.domain(instance)
    tree = ET.fromstring(dom.XMLDesc())
    assert dom.isActive() and tree.findtext('memory') == '256'
    disks = _disks(dom)
    assert _source(disks['vda']) == str(there) and disks['vda'].findtext('serial') == 'root-id'
    assert _source(disks['vdb']) == str(dst.dir(instance) / 'disk.eph0')
    assert _source(disks['vdc']) == str(dst.dir(instance) / 'disk.swap')
    assert tree.find('os/kernel').text == str(dst.dir(instance) / 'kernel.kernel-1')
    assert not [c for c in qemu_img.calls if c[0] == 'rebase']
    assert not (dst.dir(instance) / 'disk').exists()
    assert 'booted' in (dst.dir(instance) / 'console.log').read_text()

    with src.active() as drv:
        drv.confirm_migration(None, instance, same_host=False)
    assert not src.dir(instance, '_resize').exists()


def test_a_volume_backed_guest_resized_on_one_host_then_reverted(hosts, instance, tmp_path,
                                                                 qemu_img):
    host = hosts[0]
    root = tmp_path / 'root-volume'
    _spawn_from_volume(host, instance, root)
    _move(host, host, instance)
    with host.active() as drv:
        drv.finish_migration(None, instance, kernel_image(host.base()), None, [], BIGGER,
                             same_host=True,
                             block_device_info=[_vol(root, 'root-id', '/dev/vda', 0)])
    assert ET.fromstring(host.domain(instance).XMLDesc()).findtext('memory') == '256'
    assert _source(_disks(host.domain(instance))['vda']) == str(root)
    with host.active() as drv:
        drv.finish_revert_migration(None, instance, [], FLAVOR,
                                    block_device_info=[_vol(root, 'root-id', '/dev/vda', 0)])
    dom = host.domain(instance)
    disks = _disks(dom)
    assert dom.isActive() and ET.fromstring(dom.XMLDesc()).findtext('memory') == '128'
    assert _source(disks['vda']) == str(root) and disks['vda'].findtext('serial') == 'root-id'
    assert not host.dir(instance, '_resize').exists()


def test_a_volume_backed_guest_without_its_directory_is_not_finished(hosts, instance,
                                                                     tmp_path):
    with hosts[1].active() as drv, pytest.raises(exception.ComputeError,
                                                 match='did not arrive'):
        drv.finish_migration(None, instance, {}, None, [], BIGGER, same_host=False,
                             block_device_info=[_vol(tmp_path / 'r', 'root-id', '/dev/vda',
                                                     0)])


def test_finish_without_the_disks_fails(hosts, instance):
    with pytest.raises(exception.ComputeError, match='did not arrive'):
        _finish(hosts[1], instance)


def test_copy_to_another_machine_goes_over_ssh(tmp_path, monkeypatch):
    monkeypatch.setattr(migration, 'machine_id', lambda: 'here')
    ran = []
    dest = {'path': '/srv/instances/u', 'machine_id': 'there', 'address': 'cmp2'}
    migration.copy_files(['/a/disk', '/a/console.log'], dest, run=ran.append)
    assert ran == [['ssh', '-o', 'BatchMode=yes', 'cmp2', 'mkdir', '/srv/instances/u'],
                   ['rsync', '--sparse', '--times', '--', '/a/disk', '/a/console.log',
                    'cmp2:/srv/instances/u/']]
    migration.remove(dest, run=ran.append)
    assert ran[-1] == ['ssh', '-o', 'BatchMode=yes', 'cmp2', 'rm', '-rf', '--',
                       '/srv/instances/u']
