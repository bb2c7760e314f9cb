"""Compute and the volume service together, on real daemons: identity,
image, network, the volume daemons (file backend) and compute on the fake
hypervisor, each finding the other in the keystone catalog.

A user attaches a volume with the real ``openstack`` CLI (``server add
volume``): compute reserves it with the volume service (v3 attachments),
the compute host sends its connector, gets the file backend's ``local``
connection and connects it with os-brick, then completes the attachment.
Detach, the refusals (in use, attached, another project's) and boot from a
volume made from an image (``block_device_mapping_v2``) follow.  One world
for the module.
"""

import concurrent.futures
import time

import openstack
import pytest

from tests.functional.compute import fixtures
from tests.functional.identity.cli import CLI
from tests.functional.image import fixtures as image_fixtures
from tests.functional.volume import fixtures as volume_fixtures

pytestmark = pytest.mark.functional

VERSION = '2.53'
IMAGE_DATA = b'bootable guest disk\n' * 512


def _register_network(identity, network_url):
    admin = openstack.connect(**identity.cloud_config())
    svc = admin.identity.create_service(name='neutron', type='network')
    for iface in ('public', 'internal', 'admin'):
        admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=network_url,
                                       region_id='RegionOne')
    admin.close()


def _until(what, check, timeout=30):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError('timed out waiting for %s' % what)
        time.sleep(0.3)


def _server(sdk, server_id, status):
    def check():
        server = sdk.compute.get_server(server_id)
        if server.status == 'ERROR' and status != 'ERROR':
            raise AssertionError('server %s failed: %s' % (server_id, server.fault))
        return server if server.status == status and not server.task_state else None
    return _until('server %s %s' % (server_id, status), check)


def _volume(sdk, volume_id, status):
    def check():
        volume = sdk.block_storage.get_volume(volume_id)
        if volume.status == 'error':
            raise AssertionError('volume %s went to error' % volume_id)
        return volume if volume.status == status else None
    return _until('volume %s %s' % (volume_id, status), check)


def _volume_gone(sdk, volume_id):
    _until('volume %s deleted' % volume_id,
           lambda: sdk.block_storage.find_volume(volume_id) is None)


def _call(conn, method, path, body=None):
    return conn.compute.request(path, method, json=body, microversion=VERSION,
                                raise_exc=False)


class World:
    pass


@pytest.fixture(scope='module')
def world(tmp_path_factory, identity_server, image_server, network_server):
    _register_network(identity_server, network_server.url)
    workdir = tmp_path_factory.mktemp('compute-volumes')
    volume = volume_fixtures.VolumeCloud(workdir / 'volume',
                                         'sqlite:///%s/volume.sqlite' % workdir,
                                         identity_server, hosts=('stor-v',))
    volume.workdir.mkdir()
    compute = fixtures.ComputeCloud(
        workdir, 'sqlite:///%s/compute.sqlite' % workdir, identity=identity_server,
        hosts=('cmp-v',),
        extra={'volume': {'region_name': 'RegionOne', 'volume_poll_interval': 0.3}})
    volume.register()
    compute.register()
    w = World()
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(volume.start), pool.submit(compute.start)]:
                started.result()
        admin = openstack.connect(**identity_server.cloud_config())
        image = admin.image.create_image(name='cirros', data=IMAGE_DATA, disk_format='raw',
                                         container_format='bare', visibility='public')
        net = admin.network.create_network(name='shared', shared=True)
        admin.network.create_subnet(network_id=net.id, cidr='192.0.2.0/24', ip_version=4)
        admin.compute.create_flavor(name='m1.nano', ram=64, vcpus=1, disk=1, id='nano')
        w.admin, w.image_id, w.net_id = admin, image.id, net.id
        w.volume, w.compute = volume, compute
        w.demo = openstack.connect(**identity_server.cloud_config(
            'demo-user', image_fixtures.USER_PASSWORD, 'demo'))
        w.other = openstack.connect(**identity_server.cloud_config(
            'other-user', image_fixtures.USER_PASSWORD, 'other'))
        path = identity_server.write_clouds_yaml(workdir / 'clouds.yaml',
                                                 image_server.clouds())
        w.cli = CLI(identity_server, 'alto-demo', path)
        w.servers = {}
        for conn, name in ((w.demo, 'srv-a'), (w.demo, 'srv-b'), (w.other, 'srv-o')):
            w.servers[name] = conn.compute.create_server(
                name=name, image_id=image.id, flavor_id='nano',
                networks=[{'uuid': net.id}]).id
        for name, server_id in w.servers.items():
            _server(w.other if name == 'srv-o' else w.demo, server_id, 'ACTIVE')
        yield w
    finally:
        for name in ('demo', 'other', 'admin'):
            if hasattr(w, name):
                getattr(w, name).close()
        compute.stop()
        volume.stop()


def _attached_ids(sdk, server_id):
    body = _call(sdk, 'GET', '/servers/%s' % server_id).json()['server']
    return [v['id'] for v in body['os-extended-volumes:volumes_attached']]


def test_attach_and_detach_with_the_cli(world):
    w = world
    server = w.servers['srv-a']
    vol = w.demo.block_storage.create_volume(size=1, name='data-1')
    _volume(w.demo, vol.id, 'available')
    w.cli.run('server', 'add', 'volume', 'srv-a', 'data-1')
    vol = _volume(w.demo, vol.id, 'in-use')
    assert [(a['server_id'], a['volume_id']) for a in vol.attachments] == [(server, vol.id)]
    assert _attached_ids(w.demo, server) == [vol.id]
    [attachment] = w.cli.json('server', 'volume', 'list', 'srv-a')
    assert (attachment['Volume ID'], attachment['Server ID']) == (vol.id, server)
    assert attachment['Device'] == vol.attachments[0]['device'] == '/dev/vdb'
    assert vol.attachments[0]['host_name'] == 'cmp-v'
    # The volume service's own record: completed, for this server and host.
    [record] = w.demo.block_storage.get(
        '/attachments/detail?volume_id=%s' % vol.id,
        headers={'OpenStack-API-Version': 'volume 3.44'}).json()['attachments']
    assert (record['status'], record['instance'], record['attach_mode']) == (
        'attached', server, 'rw')
    assert record['connection_info']['driver_volume_type'] == 'local'
    # The hypervisor was handed the volume service's file, via os-brick.
    assert w.volume.volumes_dir.joinpath('volume-%s' % vol.id).exists()

    # In use: a second server cannot have it, and it cannot be deleted.
    resp = _call(w.demo, 'POST', '/servers/%s/os-volume_attachments' % w.servers['srv-b'],
                 {'volumeAttachment': {'volumeId': vol.id}})
    assert resp.status_code == 400 and 'badRequest' in resp.json(), resp.text
    resp = w.demo.block_storage.delete(
        '/volumes/%s' % vol.id, headers={'OpenStack-API-Version': 'volume 3.44'})
    assert resp.status_code == 400, resp.text
    assert w.demo.block_storage.get_volume(vol.id).status == 'in-use'

    w.cli.run('server', 'remove', 'volume', 'srv-a', 'data-1')
    vol = _volume(w.demo, vol.id, 'available')
    assert vol.attachments == []
    _until('detach on the server', lambda: _attached_ids(w.demo, server) == [])
    w.demo.block_storage.delete_volume(vol.id)
    _volume_gone(w.demo, vol.id)


def test_another_project_cannot_attach_my_volume(world):
    w = world
    vol = w.demo.block_storage.create_volume(size=1, name='mine')
    _volume(w.demo, vol.id, 'available')
    resp = _call(w.other, 'POST', '/servers/%s/os-volume_attachments' % w.servers['srv-o'],
                 {'volumeAttachment': {'volumeId': vol.id}})
    assert resp.status_code == 404 and 'itemNotFound' in resp.json(), resp.text
    vol = w.demo.block_storage.get_volume(vol.id)
    assert (vol.status, vol.attachments) == ('available', [])
    # Nor detach it from my server, nor see it there.
    w.demo.compute.create_volume_attachment(w.servers['srv-b'], volume_id=vol.id)
    _volume(w.demo, vol.id, 'in-use')
    resp = _call(w.other, 'DELETE', '/servers/%s/os-volume_attachments/%s' % (
        w.servers['srv-b'], vol.id))
    assert resp.status_code == 404, resp.text
    # A deleted server leaves its (not delete_on_termination) volume available.
    w.demo.compute.delete_server(w.servers['srv-b'])
    vol = _volume(w.demo, vol.id, 'available')
    assert vol.attachments == []
    w.demo.block_storage.delete_volume(vol.id)


def test_boot_from_a_volume_made_of_an_image(world):
    w = world
    # The volume goes with the server (SDK, delete_on_termination true), or
    # stays (the CLI's --boot-from-volume, which leaves it false).
    gone = w.demo.compute.create_server(
        name='bfv-gone', flavor_id='nano', networks=[{'uuid': w.net_id}],
        block_device_mapping=[{'boot_index': 0, 'uuid': w.image_id, 'source_type': 'image',
                               'destination_type': 'volume', 'volume_size': 1,
                               'delete_on_termination': True}]).id
    kept = w.cli.json('server', 'create', '--flavor', 'nano', '--image', w.image_id,
                      '--boot-from-volume', '1', '--network', w.net_id, 'bfv-kept')['id']
    servers = {False: gone, True: kept}
    volumes = {}
    for keep, server_id in servers.items():
        _server(w.demo, server_id, 'ACTIVE')
        [volume_id] = _attached_ids(w.demo, server_id)
        vol = _volume(w.demo, volume_id, 'in-use')
        assert vol.is_bootable and vol.size == 1
        assert [a['server_id'] for a in vol.attachments] == [server_id]
        with open(w.volume.volumes_dir / ('volume-%s' % volume_id), 'rb') as disk:
            assert disk.read(len(IMAGE_DATA)) == IMAGE_DATA
        volumes[keep] = volume_id
        # The root volume is no volume to detach.
        resp = _call(w.demo, 'DELETE', '/servers/%s/os-volume_attachments/%s' % (
            server_id, volume_id))
        assert resp.status_code == 400, resp.text
    for server_id in servers.values():
        w.demo.compute.delete_server(server_id)
    _volume_gone(w.demo, volumes[False])
    vol = _volume(w.demo, volumes[True], 'available')
    assert vol.attachments == []
    w.demo.block_storage.delete_volume(vol.id)
