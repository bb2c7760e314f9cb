"""Servers that boot from a volume, through the real APIs with real guests:
identity, image, network, the volume daemons (file backend) and compute with
``compute_driver = libvirt``, each finding the others in the keystone
catalog (run as root: pytest -m e2e
tests/e2e/compute/test_libvirt_boot_from_volume.py).

The built guest is registered as three images (kernel, ramdisk and the
qcow2 disk naming them), as deploy/images/register.sh does.  A server
created with ``block_device_mapping_v2`` image -> volume makes the volume
service convert the disk into a new volume; the compute host connects it
(the attachment's ``local`` connection, os-brick) as the guest's vda, with
no local disk, and boots the kernel and ramdisk the image names.  The
guest finds its disk (label ``alto-root``) on vda and says so on its
console, which the test reads through ``os-getConsoleOutput``.  Deleting
the server deletes the volume (``delete_on_termination``) or leaves it
``available``; such a volume boots a second server as its boot index 0,
which takes the kernel and ramdisk from its ``volume_image_metadata``.
"""

import concurrent.futures
import os
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import openstack
import pytest

from tests.e2e.compute.conftest import BOOT_TIMEOUT, BOOTED, record_figure
from tests.e2e.libvirt_guests import remove_domains, wait_for
from tests.functional.compute import fixtures
from tests.functional.identity.fixtures import identity_server  # noqa: F401
from tests.functional.image import fixtures as image_fixtures
from tests.functional.image.fixtures import image_server  # noqa: F401
from tests.functional.network.fixtures import network_server  # noqa: F401
from tests.functional.volume import fixtures as volume_fixtures

pytestmark = pytest.mark.e2e

ROOT_MOUNTED = 'alto-guest: root disk /dev/vda mounted on /data'
VERSION = '2.53'


def _register_network(identity, network_url):
    admin = openstack.connect(**identity.cloud_config())
    svc = admin.identity.create_service(name='neutron', type='network')
    for iface in ('public', 'internal', 'admin'):
        admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=network_url,
                                       region_id='RegionOne')
    admin.close()


def _upload(admin, name, path, disk_format, **properties):
    """An image of ``path`` through the image API (properties at the top
    level, as glance v2 takes them)."""
    body = dict({'name': name, 'disk_format': disk_format, 'visibility': 'public',
                 'container_format': disk_format if disk_format in ('aki', 'ari') else 'bare'},
                **properties)
    resp = admin.image.post('/images', json=body)
    assert resp.status_code == 201, resp.text
    image_id = resp.json()['id']
    with open(path, 'rb') as data:
        resp = admin.image.put('/images/%s/file' % image_id, data=data,
                               headers={'Content-Type': 'application/octet-stream'})
    assert resp.status_code == 204, resp.text
    return image_id


class World:
    pass


@pytest.fixture(scope='module')
def world(libvirtd, guest_image, identity_server, image_server,  # noqa: F811
          network_server):  # noqa: F811
    _register_network(identity_server, network_server.url)
    # Not pytest's 0700 tmp_path: QEMU (its own user) opens the volume files.
    workdir = Path(tempfile.mkdtemp(prefix='alto-e2e-bfv-', dir='/var/tmp'))
    workdir.chmod(0o755)
    volume = volume_fixtures.VolumeCloud(workdir / 'volume',
                                         'sqlite:///%s/volume.sqlite' % workdir,
                                         identity_server, hosts=('stor-bfv',))
    volume.volumes_dir.mkdir(parents=True, mode=0o755)
    volume.workdir.chmod(0o755)
    prefix = 'alto-e2e-bfv-%s-' % os.urandom(4).hex()
    compute = fixtures.ComputeCloud(
        workdir, 'sqlite:///%s/compute.sqlite' % workdir, identity=identity_server,
        hosts=('lv-bfv',), extra={
            'compute': {'compute_driver': 'libvirt', 'sync_power_state_interval': 5},
            'libvirt': {'connection_uri': libvirtd, 'domain_prefix': prefix, 'vif_bridge': '',
                        'shutdown_timeout': 30, 'soft_reboot_timeout': 30,
                        'console_log_max_bytes': 1024 * 1024},
            'volume': {'region_name': 'RegionOne', 'volume_poll_interval': 0.5}})
    volume.register()
    compute.register()
    w = World()
    w.prefix, w.libvirtd, w.volume, w.compute = prefix, libvirtd, volume, compute
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(volume.start), pool.submit(compute.start)]:
                started.result()
        admin = openstack.connect(**identity_server.cloud_config())
        w.admin = admin
        kernel = _upload(admin, 'alto-guest-kernel', guest_image['kernel'], 'aki')
        ramdisk = _upload(admin, 'alto-guest-ramdisk', guest_image['ramdisk'], 'ari')
        w.image_id = _upload(admin, 'alto-guest', guest_image['disk'], 'qcow2',
                             kernel_id=kernel, ramdisk_id=ramdisk,
                             os_command_line='console=tty0 console=ttyS0',
                             hw_disk_bus='virtio')
        admin.compute.create_flavor(name='m1.guest', ram=128, vcpus=1, disk=1, id='guest')
        w.demo = openstack.connect(**identity_server.cloud_config(
            'demo-user', image_fixtures.USER_PASSWORD, 'demo'))
        yield w
    finally:
        for name in ('demo', 'admin'):
            if hasattr(w, name):
                getattr(w, name).close()
        compute.stop()
        volume.stop()
        remove_domains(libvirtd, prefix)
        shutil.rmtree(workdir, ignore_errors=True)


def _call(conn, method, path, body=None):
    resp = conn.compute.request(path, method, json=body, microversion=VERSION,
                                raise_exc=False)
    return resp.json() if resp.content else {}


def _server(w, server_id, status):
    def check():
        server = _call(w.demo, 'GET', '/servers/%s' % server_id)['server']
        if server['status'] == 'ERROR':
            print(w.compute.log_tail('compute-lv-bfv', 120))
            raise AssertionError('server %s failed: %s' % (server_id, server.get('fault')))
        ready = server['status'] == status and not server['OS-EXT-STS:task_state']
        return server if ready else None
    return wait_for(check, BOOT_TIMEOUT, 'server %s %s' % (server_id, status))


def _console(w, server_id):
    return _call(w.demo, 'POST', '/servers/%s/action' % server_id,
                 {'os-getConsoleOutput': {}}).get('output', '')


def _volume(w, volume_id, status):
    def check():
        volume = w.demo.block_storage.get_volume(volume_id)
        assert volume.status != 'error', 'volume %s went to error' % volume_id
        return volume if volume.status == status else None
    return wait_for(check, 120, 'volume %s %s' % (volume_id, status))


def _gone(w, server_id):
    wait_for(lambda: 'itemNotFound' in _call(w.demo, 'GET', '/servers/%s' % server_id),
             120, 'server %s deleted' % server_id)


def _domain_disks(w, server_id):
    import libvirt
    conn = libvirt.open(w.libvirtd)
    try:
        xml = conn.lookupByName(w.prefix + server_id).XMLDesc(0)
    finally:
        conn.close()
    return {d.find('target').get('dev'): d for d in ET.fromstring(xml).findall(
        './devices/disk')}


def _boot(w, name, mapping):
    """Create a server booting from ``mapping``, wait for the guest's
    "booted" line and check it runs from the volume; (server id, volume id,
    seconds to the booted line)."""
    start = time.monotonic()
    server_id = _call(w.demo, 'POST', '/servers', {'server': {
        'name': name, 'flavorRef': 'guest', 'networks': 'none', 'config_drive': True,
        'block_device_mapping_v2': [mapping]}})['server']['id']
    server = _server(w, server_id, 'ACTIVE')
    wait_for(lambda: BOOTED in _console(w, server_id), BOOT_TIMEOUT, 'the booted line')
    took = time.monotonic() - start
    console = _console(w, server_id)
    assert ROOT_MOUNTED in console, console[-2000:]
    assert 'hostname=%s source=config-drive' % name in console
    assert server['image'] == ''
    [attached] = server['os-extended-volumes:volumes_attached']
    volume_id = attached['id']
    assert attached['delete_on_termination'] is bool(mapping.get('delete_on_termination'))
    volume = _volume(w, volume_id, 'in-use')
    assert volume.is_bootable
    assert [a['server_id'] for a in volume.attachments] == [server_id]
    assert volume.attachments[0]['device'] == '/dev/vda'
    # vda is the volume service's own file, the attachment's connection;
    # the instance directory holds no disk of its own.
    disks = _domain_disks(w, server_id)
    path = w.volume.volumes_dir / ('volume-%s' % volume_id)
    assert disks['vda'].find('source').get('file') == str(path)
    assert disks['vda'].findtext('serial') == volume_id
    assert disks['vda'].find('driver').get('type') == 'raw'
    assert not (w.compute.workdir / 'instances' / server_id / 'disk').exists()
    return server_id, volume_id, took


def test_boot_from_volume_made_of_the_image_and_reuse_it(world):
    w = world
    # delete_on_termination true: the volume goes with the server.
    server_id, volume_id, took = _boot(w, 'bfv-gone', {
        'boot_index': 0, 'uuid': w.image_id, 'source_type': 'image',
        'destination_type': 'volume', 'volume_size': 1, 'delete_on_termination': True})
    record_figure('boot from a new volume of the image -> "booted"', took)
    _call(w.demo, 'DELETE', '/servers/%s' % server_id)
    _gone(w, server_id)
    wait_for(lambda: w.demo.block_storage.find_volume(volume_id) is None, 120,
             'volume %s deleted' % volume_id)
    assert not (w.volume.volumes_dir / ('volume-%s' % volume_id)).exists()

    # delete_on_termination false: the volume stays, available, and boots
    # the next server as an existing volume.
    server_id, volume_id, _ = _boot(w, 'bfv-kept', {
        'boot_index': 0, 'uuid': w.image_id, 'source_type': 'image',
        'destination_type': 'volume', 'volume_size': 1, 'delete_on_termination': False})
    _call(w.demo, 'DELETE', '/servers/%s' % server_id)
    _gone(w, server_id)
    volume = _volume(w, volume_id, 'available')
    assert volume.attachments == []
    assert volume.volume_image_metadata['kernel_id']

    again, reused, took = _boot(w, 'bfv-again', {
        'boot_index': 0, 'uuid': volume_id, 'source_type': 'volume',
        'destination_type': 'volume'})
    record_figure('boot from an existing volume -> "booted"', took)
    assert reused == volume_id
    _call(w.demo, 'DELETE', '/servers/%s' % again)
    _gone(w, again)
    _volume(w, volume_id, 'available')
    w.demo.block_storage.delete_volume(volume_id)
    wait_for(lambda: w.demo.block_storage.find_volume(volume_id) is None, 120,
             'volume %s deleted' % volume_id)
