"""The volume service as users drive it: the real ``openstack`` CLI and
openstacksdk against the real daemons (conductor, scheduler, API, one
alto-volume with the file backend) behind the real identity and image
services; the attachments API compute uses, by plain HTTP.  One set of
daemons for the module."""

import concurrent.futures
import os
import time

import openstack
import pytest

from tests.functional.identity.cli import CLI
from tests.functional.image import fixtures as image_fixtures
from tests.functional.volume import fixtures

pytestmark = pytest.mark.functional
GiB = 1 << 30


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, identity_server, image_server):
    workdir = tmp_path_factory.mktemp('volume')
    c = fixtures.VolumeCloud(workdir, 'sqlite:///%s/volume.sqlite' % workdir, identity_server)
    c.register()
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture(scope='module')
def clis(cloud, identity_server, image_server):
    path = identity_server.write_clouds_yaml(cloud.workdir / 'clouds.yaml',
                                             image_server.clouds())
    return {'admin': CLI(identity_server, 'altostratus-admin', path),
            'demo': CLI(identity_server, 'alto-demo', path),
            'other': CLI(identity_server, 'alto-other', path)}


@pytest.fixture(scope='module')
def demo_sdk(identity_server, image_server, cloud):
    conn = openstack.connect(**identity_server.cloud_config(
        'demo-user', image_fixtures.USER_PASSWORD, 'demo'))
    yield conn
    conn.close()


@pytest.fixture(scope='module')
def tokens(cloud, identity_server, image_server):
    admin = openstack.connect(**identity_server.cloud_config())
    reader = admin.identity.find_role('reader') or admin.identity.create_role(name='reader')
    user = admin.identity.create_user(name='demo-reader', password=image_fixtures.USER_PASSWORD,
                                      domain_id='default')
    admin.identity.assign_project_role_to_user(image_server.projects['demo'], user, reader)
    admin.close()
    out = {'admin': cloud.token()}
    for name in ('demo', 'other'):
        out[name] = cloud.token('%s-user' % name, image_fixtures.USER_PASSWORD, name)
    out['reader'] = cloud.token('demo-reader', image_fixtures.USER_PASSWORD, 'demo')
    return out


def wait_status(sdk, volume_id, status, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        volume = sdk.block_storage.get_volume(volume_id)
        if volume.status == status:
            return volume
        time.sleep(0.2)
    raise AssertionError('volume %s stayed %s' % (volume_id, volume.status))


def wait_gone(sdk, volume_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sdk.block_storage.find_volume(volume_id) is None:
            return
        time.sleep(0.2)
    raise AssertionError('volume %s was not deleted' % volume_id)


def cli_together(*commands):
    """Run independent ``(cli, args)`` commands at once (each costs seconds of
    CPU, and the machine has two cores); their JSON outputs, in order."""
    with concurrent.futures.ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda command: command[0].json(*command[1]), commands))


def wait_snapshot(sdk, snapshot_id, status, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        snapshot = sdk.block_storage.get_snapshot(snapshot_id)
        if snapshot.status == status:
            return snapshot
        time.sleep(0.2)
    raise AssertionError('snapshot %s stayed %s' % (snapshot_id, snapshot.status))


# The CLI costs seconds of CPU per command: each CLI test runs the commands a
# user would, and the SDK or plain HTTP does the waiting and the checking.

def test_cli_volume_lifecycle(cloud, clis, demo_sdk, tokens):
    demo = clis['demo']
    created = demo.json('volume', 'create', '--size', '1', '--property', 'tier=gold', 'vol-a')
    assert created['size'] == 1 and created['name'] == 'vol-a'
    volume = wait_status(demo_sdk, created['id'], 'available')
    path = cloud.volumes_dir / ('volume-%s' % volume.id)
    assert path.stat().st_size == GiB
    assert path.stat().st_blocks * 512 < GiB      # sparse
    listed, shown = cli_together((demo, ('volume', 'list')), (demo, ('volume', 'show', 'vol-a')))
    assert [v['Name'] for v in listed] == ['vol-a']
    assert shown['status'] == 'available' and shown['type'] == '__DEFAULT__'
    assert shown['properties'] == {'tier': 'gold'}
    demo.run('volume', 'set', '--name', 'vol-b', '--description', 'renamed',
             '--property', 'color=blue', '--size', '2', '--bootable', 'vol-a')
    volume = wait_status(demo_sdk, volume.id, 'available')
    assert (volume.name, volume.description, volume.size) == ('vol-b', 'renamed', 2)
    assert volume.metadata == {'tier': 'gold', 'color': 'blue'}
    assert volume.is_bootable
    assert path.stat().st_size == 2 * GiB
    # another project sees nothing of it
    other, other_project = tokens['other']
    assert cloud.request('GET', '/%s/volumes' % other_project, token=other,
                         expect=200) == {'volumes': []}
    status, fault = cloud.request('GET', '/%s/volumes/%s' % (other_project, volume.id),
                                  token=other)
    assert status == 404 and fault['itemNotFound']['code'] == 404
    demo.run('volume', 'delete', 'vol-b')
    wait_gone(demo_sdk, volume.id)
    assert not path.exists()


def test_cli_snapshots_and_clones(cloud, clis, demo_sdk):
    demo, bs = clis['demo'], demo_sdk.block_storage
    source = bs.create_volume(size=1, name='snap-src')
    wait_status(demo_sdk, source.id, 'available')
    with open(cloud.volumes_dir / ('volume-%s' % source.id), 'r+b') as f:
        f.seek(4096)
        f.write(b'altostratus data')
    snap = demo.json('volume', 'snapshot', 'create', '--volume', 'snap-src', 'snap-1')
    wait_snapshot(demo_sdk, snap['id'], 'available')
    listed, shown = cli_together((demo, ('volume', 'snapshot', 'list')),
                                 (demo, ('volume', 'snapshot', 'show', 'snap-1')))
    assert [s['Name'] for s in listed] == ['snap-1']
    assert shown['status'] == 'available' and shown['volume_id'] == source.id
    from_snap = bs.create_volume(snapshot_id=snap['id'], size=2, name='from-snap')
    clone = bs.create_volume(source_volume_id=source.id, size=1, name='clone')
    for vol in (from_snap, clone):
        wait_status(demo_sdk, vol.id, 'available')
        with open(cloud.volumes_dir / ('volume-%s' % vol.id), 'rb') as f:
            f.seek(4096)
            assert f.read(16) == b'altostratus data'
    assert os.path.getsize(cloud.volumes_dir / ('volume-%s' % from_snap.id)) == 2 * GiB
    # a volume with snapshots cannot go
    with pytest.raises(openstack.exceptions.BadRequestException):
        bs.delete_volume(source)
    demo.run('volume', 'snapshot', 'delete', 'snap-1')
    deadline = time.time() + 30
    while bs.find_snapshot(snap['id']) is not None:
        assert time.time() < deadline, 'snapshot %s was not deleted' % snap['id']
        time.sleep(0.2)
    assert not (cloud.volumes_dir / ('snapshot-%s' % snap['id'])).exists()
    for vol in (source, from_snap, clone):
        bs.delete_volume(vol)
    for vol in (source, from_snap, clone):
        wait_gone(demo_sdk, vol.id)


def test_cli_types_services_zones(cloud, clis, demo_sdk, tokens):
    admin, demo = clis['admin'], clis['demo']
    created = admin.json('volume', 'type', 'create', '--property', 'volume_backend_name=file',
                         'fast')
    assert created['name'] == 'fast'
    admin.run('volume', 'type', 'set', '--property', 'tier=1', 'fast')
    fast = demo_sdk.block_storage.find_type('fast')
    assert fast.extra_specs == {'volume_backend_name': 'file', 'tier': '1'}
    types, services, zones = cli_together(
        (demo, ('volume', 'type', 'list')), (admin, ('volume', 'service', 'list')),
        (demo, ('availability', 'zone', 'list', '--volume')))
    names = [t['Name'] for t in types]
    assert '__DEFAULT__' in names and 'fast' in names
    vol = demo_sdk.block_storage.create_volume(size=1, volume_type='fast', name='typed')
    assert wait_status(demo_sdk, vol.id, 'available').volume_type == 'fast'
    # in use: the type stays
    admin_token, admin_project = tokens['admin']
    status, _ = cloud.request('DELETE', '/%s/types/%s' % (admin_project, fast.id),
                              token=admin_token)
    assert status == 400
    demo_sdk.block_storage.delete_volume(vol)
    wait_gone(demo_sdk, vol.id)
    admin.run('volume', 'type', 'delete', 'fast')
    assert sorted((s['Binary'], s['State']) for s in services) == [
        ('cinder-backup', 'up'), ('cinder-scheduler', 'up'), ('cinder-volume', 'up')]
    assert [s['Host'] for s in services if s['Binary'] == 'cinder-volume'] == ['stor1@file']
    assert [(z['Zone Name'], z['Zone Status']) for z in zones] == [('nova', 'available')]


def test_private_types(cloud, tokens, demo_sdk):
    admin, admin_project = tokens['admin']
    token, project = tokens['demo']
    body = cloud.request('POST', '/%s/types' % admin_project, {'volume_type': {
        'name': 'secret', 'os-volume-type-access:is_public': False}}, token=admin,
        expect=200)['volume_type']
    assert 'secret' not in [t.name for t in demo_sdk.block_storage.types()]
    cloud.request('POST', '/%s/types/%s/action' % (admin_project, body['id']),
                  {'addProjectAccess': {'project': project}}, token=admin, expect=202)
    assert 'secret' in [t.name for t in demo_sdk.block_storage.types()]
    status, _ = cloud.request('POST', '/%s/types' % project, {'volume_type': {'name': 'x'}},
                              token=token)
    assert status == 403
    cloud.request('DELETE', '/%s/types/%s' % (admin_project, body['id']), token=admin,
                  expect=202)


def test_create_from_image(cloud, demo_sdk, tmp_path):
    import subprocess
    qcow = tmp_path / 'disk.qcow2'
    raw = tmp_path / 'disk.raw'
    with open(raw, 'wb') as f:
        f.truncate(8 << 20)
        f.seek(1 << 20)
        f.write(b'guest image bytes')
    subprocess.run(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', str(raw), str(qcow)],
                   check=True, capture_output=True)
    image = demo_sdk.image.create_image(name='tiny', filename=str(qcow), disk_format='qcow2',
                                        container_format='bare', wait=True)
    vol = demo_sdk.block_storage.create_volume(size=1, image_id=image.id, name='boot')
    volume = wait_status(demo_sdk, vol.id, 'available')
    assert volume.is_bootable
    assert volume.volume_image_metadata['image_id'] == image.id
    with open(cloud.volumes_dir / ('volume-%s' % vol.id), 'rb') as f:
        f.seek(1 << 20)
        assert f.read(17) == b'guest image bytes'
    demo_sdk.block_storage.delete_volume(vol.id)
    wait_gone(demo_sdk, vol.id)
    # an image that does not exist is the caller's error
    with pytest.raises(openstack.exceptions.BadRequestException):
        demo_sdk.block_storage.create_volume(size=1, image_id=
                                             '6f1d9ce9-0000-4000-8000-000000000000')


def test_upload_to_image_and_purge(cloud, clis, demo_sdk, tokens, tmp_path):
    """``openstack image create --volume`` (os-volume_upload_image): the volume
    host converts the file and streams it to the image service; ``volume
    delete --purge`` takes the volume's snapshots with it (cascade)."""
    import subprocess
    bs = demo_sdk.block_storage
    vol = bs.create_volume(size=1, name='to-upload')
    wait_status(demo_sdk, vol.id, 'available')
    with open(cloud.volumes_dir / ('volume-%s' % vol.id), 'r+b') as f:
        f.seek(3 << 20)
        f.write(b'uploaded volume bytes')
    answer = clis['demo'].json('image', 'create', '--volume', vol.id, '--disk-format', 'qcow2',
                               'from-volume')
    assert answer['status'] == 'uploading' and answer['volume_type'] == '__DEFAULT__'
    deadline = time.time() + 60
    while demo_sdk.image.get_image(answer['image_id']).status != 'active':
        assert time.time() < deadline, 'the image did not become active'
        time.sleep(0.3)
    wait_status(demo_sdk, vol.id, 'available')
    image = demo_sdk.image.get_image(answer['image_id'])
    assert (image.name, image.disk_format) == ('from-volume', 'qcow2')
    qcow = tmp_path / 'uploaded.qcow2'
    with open(qcow, 'wb') as f:
        demo_sdk.image.download_image(image, output=f)
    raw = tmp_path / 'uploaded.raw'
    subprocess.run(['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', str(qcow), str(raw)],
                   check=True, capture_output=True)
    with open(raw, 'rb') as f:
        f.seek(3 << 20)
        assert f.read(21) == b'uploaded volume bytes'
    demo_sdk.image.delete_image(image)
    # the extension list (reader) names what cinder clients look for
    reader, project = tokens['reader']
    names = [e['name'] for e in cloud.request('GET', '/%s/extensions' % project, token=reader,
                                              expect=200)['extensions']]
    assert 'Hosts' in names and 'VolumeActions' in names
    snap = bs.create_snapshot(volume_id=vol.id, name='purged-with-it')
    wait_snapshot(demo_sdk, snap.id, 'available')
    clis['demo'].run('volume', 'delete', '--purge', vol.id)
    wait_gone(demo_sdk, vol.id)
    assert bs.find_snapshot(snap.id) is None
    assert list(cloud.volumes_dir.glob('*%s*' % snap.id)) == []


def test_sdk_block_storage(cloud, demo_sdk):
    bs = demo_sdk.block_storage
    volume = bs.create_volume(size=1, name='sdk-vol', metadata={'a': '1'})
    volume = bs.wait_for_status(volume, 'available', wait=30, interval=0.2)
    assert volume.metadata == {'a': '1'}
    assert 'sdk-vol' in [v.name for v in bs.volumes()]
    snap = bs.create_snapshot(volume_id=volume.id, name='sdk-snap')
    snap = bs.wait_for_status(snap, 'available', wait=30, interval=0.2)
    assert [s.name for s in bs.snapshots(details=True)] == ['sdk-snap']
    bs.delete_snapshot(snap)
    bs.wait_for_delete(snap, wait=30, interval=0.2)
    bs.extend_volume(volume, 3)
    assert wait_status(demo_sdk, volume.id, 'available').size == 3
    types = list(bs.types())
    assert '__DEFAULT__' in [t.name for t in types]
    bs.delete_volume(volume)
    bs.wait_for_delete(volume, wait=30, interval=0.2)


def test_attachments_api(cloud, tokens, demo_sdk):
    token, project = tokens['demo']
    other, _ = tokens['other']
    vol = demo_sdk.block_storage.create_volume(size=1, name='attach-me')
    wait_status(demo_sdk, vol.id, 'available')
    server = '2f7ae3a5-7fd0-4f6e-9c0f-2f9cfd0b6a11'
    body = cloud.request('POST', '/%s/attachments' % project, {'attachment': {
        'volume_uuid': vol.id, 'instance_uuid': server}}, token=token, expect=200)
    attachment = body['attachment']
    assert attachment['status'] == 'reserved' and attachment['instance'] == server
    assert demo_sdk.block_storage.get_volume(vol.id).status == 'reserved'
    # a non-multiattach volume is refused to a second server (its own server may
    # hold a second attachment, as cinder: compute's reimage and swap make one)
    status, fault = cloud.request('POST', '/%s/attachments' % project, {'attachment': {
        'volume_uuid': vol.id, 'instance_uuid': '5c1d0a6e-3b9f-4c2d-8e7a-1f2b3c4d5e6f'}},
        token=token)
    assert status == 400 and 'badRequest' in fault
    connector = {'host': 'cmp1', 'initiator': None, 'platform': 'x86_64', 'os_type': 'linux',
                 'multipath': False, 'mountpoint': '/dev/vdb'}
    body = cloud.request('PUT', '/%s/attachments/%s' % (project, attachment['id']),
                         {'attachment': {'connector': connector}}, token=token, expect=200)
    info = body['attachment']['connection_info']
    assert info == {'driver_volume_type': 'local', 'data': {
        'device_path': str(cloud.volumes_dir / ('volume-%s' % vol.id)), 'format': 'raw'}}
    assert demo_sdk.block_storage.get_volume(vol.id).status == 'attaching'
    # another project cannot see or touch it
    status, fault = cloud.request('GET', '/attachments/%s' % attachment['id'], token=other)
    assert status == 404 and 'itemNotFound' in fault
    cloud.request('POST', '/%s/attachments/%s/action' % (project, attachment['id']),
                  {'os-complete': None}, token=token, expect=204)
    volume = demo_sdk.block_storage.get_volume(vol.id)
    assert volume.status == 'in-use'
    assert [a['server_id'] for a in volume.attachments] == [server]
    assert volume.attachments[0]['attachment_id'] == attachment['id']
    listed = cloud.request('GET', '/%s/attachments?volume_id=%s' % (project, vol.id),
                           token=token, expect=200)
    assert [a['status'] for a in listed['attachments']] == ['attached']
    # an attached volume cannot be deleted
    status, fault = cloud.request('DELETE', '/%s/volumes/%s' % (project, vol.id), token=token)
    assert status == 400 and 'badRequest' in fault
    # attachments need 3.27
    status, _ = cloud.request('GET', '/%s/attachments' % project, token=token, version='3.0')
    assert status == 404
    body = cloud.request('DELETE', '/%s/attachments/%s' % (project, attachment['id']),
                         token=token, expect=200)
    assert body == {'attachments': []}
    assert demo_sdk.block_storage.get_volume(vol.id).status == 'available'
    # with the connector at once the attachment is connected on create
    body = cloud.request('POST', '/%s/attachments' % project, {'attachment': {
        'volume_uuid': vol.id, 'instance_uuid': server, 'connector': connector}},
        token=token, expect=200)
    assert body['attachment']['connection_info']['driver_volume_type'] == 'local'
    cloud.request('DELETE', '/%s/attachments/%s' % (project, body['attachment']['id']),
                  token=token, expect=200)
    demo_sdk.block_storage.delete_volume(vol.id)
    wait_gone(demo_sdk, vol.id)


def test_refusals_and_bad_input(cloud, tokens, clis):
    token, project = tokens['demo']
    other, other_project = tokens['other']
    admin, _ = tokens['admin']
    vol = cloud.request('POST', '/%s/volumes' % project, {'volume': {'size': 1}},
                        token=token, expect=202)['volume']
    # cross-project: 404; a project id in the URL that is not the token's: 400
    status, fault = cloud.request('GET', '/%s/volumes/%s' % (other_project, vol['id']),
                                  token=other)
    assert status == 404 and fault['itemNotFound']['code'] == 404
    status, _ = cloud.request('GET', '/%s/volumes' % project, token=other)
    assert status == 400
    # a reader of the project reads, and may change nothing
    reader, _ = tokens['reader']
    cloud.request('GET', '/%s/volumes/%s' % (project, vol['id']), token=reader, expect=200)
    for method, path, body in (('DELETE', '/volumes/%s' % vol['id'], None),
                               ('PUT', '/volumes/%s' % vol['id'], {'volume': {'name': 'r'}}),
                               ('POST', '/volumes', {'volume': {'size': 1}}),
                               ('POST', '/snapshots', {'snapshot': {'volume_id': vol['id']}}),
                               ('POST', '/attachments', {'attachment': {
                                   'volume_uuid': vol['id'], 'instance_uuid': 'x'}})):
        status, fault = cloud.request(method, '/%s%s' % (project, path), body, token=reader)
        assert status == 403 and fault['forbidden']['code'] == 403, (method, path, status)
    # admin-only operations are 403 for a member
    status, fault = cloud.request('POST', '/%s/volumes/%s/action' % (project, vol['id']),
                                  {'os-reset_status': {'status': 'error'}}, token=token)
    assert status == 403 and 'forbidden' in fault
    status, _ = cloud.request('PUT', '/%s/os-quota-sets/%s' % (project, project),
                              {'quota_set': {'volumes': 1}}, token=token)
    assert status == 403
    bad = [
        ('POST', '/volumes', {'volume': {'size': 'big'}}),
        ('POST', '/volumes', {'volume': {'size': -1}}),
        ('POST', '/volumes', {'volume': {'size': 1, 'volume_type': 'nope'}}),
        ('POST', '/volumes', {'volume': {'size': 1, 'availability_zone': 'mars'}}),
        ('POST', '/volumes', {'volume': None}),
        ('POST', '/volumes', [1, 2]),
        ('POST', '/volumes/%s/action' % vol['id'], {'os-extend': {'new_size': 0}}),
        ('POST', '/volumes/%s/action' % vol['id'], {'os-extend': {'new_size': 'x'}}),
        ('POST', '/volumes/%s/action' % vol['id'], {'os-frobnicate': {}}),
        ('POST', '/volumes/%s/action' % vol['id'], {'os-set_bootable': {'bootable': 'maybe'}}),
        ('GET', '/volumes?limit=-1', None),
        ('GET', '/volumes?sort=size:sideways', None),
        ('GET', '/volumes?marker=nope', None),
        ('PUT', '/volumes/%s' % vol['id'], {'volume': {'name': 'x' * 300}}),
        ('POST', '/snapshots', {'snapshot': {'volume_id': 'nope'}}),
        ('POST', '/attachments', {'attachment': {'instance_uuid': 'x'}}),
        ('GET', '/volumes/%s' % ('z' * 40), None),
    ]
    for method, path, body in bad:
        status, fault = cloud.request(method, '/%s%s' % (project, path), body, token=token)
        assert 400 <= status < 500, (method, path, status, fault)
    status, _ = cloud.request('POST', '/%s/volumes' % project, token=token,
                              raw_body=b'{"volume": ')
    assert status == 400
    status, _ = cloud.request('GET', '/%s/volumes' % project, token=token, version='3.999')
    assert status == 406
    status, _ = cloud.request('GET', '/%s/volumes' % project, token=token, version='banana')
    assert status == 400
    # quota: an admin lowers it to what is used, the next create is over it (413)
    in_use = cloud.request('GET', '/%s/limits' % project, token=token,
                           expect=200)['limits']['absolute']['totalVolumesUsed']
    cloud.request('PUT', '/%s/os-quota-sets/%s' % (project, project),
                  {'quota_set': {'volumes': in_use}}, token=admin, expect=200)
    status, fault = cloud.request('POST', '/%s/volumes' % project, {'volume': {'size': 1}},
                                  token=token)
    assert status == 413 and 'overLimit' in fault
    quota = cloud.request('GET', '/%s/os-quota-sets/%s?usage=true' % (project, project),
                          token=token, expect=200)['quota_set']
    assert quota['volumes'] == {'limit': in_use, 'in_use': in_use, 'reserved': 0,
                                'allocated': 0}
    cloud.request('DELETE', '/%s/os-quota-sets/%s' % (project, project), token=admin,
                  expect=200)
    # admins reset and force-delete; all_tenants lists every project's
    listed = cloud.request('GET', '/volumes/detail?all_tenants=1', token=admin, expect=200)
    assert vol['id'] in [v['id'] for v in listed['volumes']]
    cloud.request('POST', '/volumes/%s/action' % vol['id'],
                  {'os-reset_status': {'status': 'error'}}, token=admin, expect=202)
    cloud.request('POST', '/volumes/%s/action' % vol['id'], {'os-force_delete': {}},
                  token=admin, expect=202)
    deadline = time.time() + 30
    while cloud.request('GET', '/volumes/%s' % vol['id'], token=token)[0] != 404:
        assert time.time() < deadline
        time.sleep(0.2)


def test_version_discovery(cloud):
    status, body = cloud.request('GET', '/', version=None)
    assert status == 200 and body['versions'][0]['version'] == '3.68'
    assert body['versions'][0]['min_version'] == '3.0'


def _wait_backup(bs, backup_id, status='available'):
    deadline = time.time() + 60
    while bs.get_backup(backup_id).status != status:
        assert time.time() < deadline, 'backup %s did not become %s' % (backup_id, status)
        time.sleep(0.3)
    return bs.get_backup(backup_id)


def test_cli_backup_and_restore(cloud, clis, demo_sdk):
    """``volume backup create`` copies the volume's data (chunks, zeros
    skipped) on alto-volume-backup; ``--incremental`` only the chunks that
    changed since; ``volume backup restore`` of the incremental one into a
    new volume brings the whole volume back."""
    demo, bs = clis['demo'], demo_sdk.block_storage
    vol = bs.create_volume(size=1, name='to-back-up')
    wait_status(demo_sdk, vol.id, 'available')
    with open(cloud.volumes_dir / ('volume-%s' % vol.id), 'r+b') as f:
        f.seek(9 << 20)
        f.write(b'kept in a backup')
    backup = demo.json('volume', 'backup', 'create', '--name', 'nightly', vol.id)
    deadline = time.time() + 60
    while bs.get_backup(backup['id']).status != 'available':
        assert time.time() < deadline, 'the backup did not finish'
        time.sleep(0.3)
    chunks = sorted(p.name for p in (cloud.workdir / 'backup').rglob('chunk-*'))
    assert chunks == ['chunk-00002']          # 4 MiB chunks: only the third holds data
    wait_status(demo_sdk, vol.id, 'available')
    with open(cloud.volumes_dir / ('volume-%s' % vol.id), 'r+b') as f:
        f.seek(21 << 20)
        f.write(b'written later')
    demo.run('volume', 'backup', 'create', '--incremental', '--name', 'later', vol.id)
    later = _wait_backup(bs, demo.json('volume', 'backup', 'show', 'later')['id'])
    assert later.is_incremental and bs.get_backup(backup['id']).has_dependent_backups
    # the incremental one stored the new chunk only
    assert sorted(p.name for p in (cloud.workdir / 'backup' / 'volumebackups' /
                                   later.id).iterdir()) == ['chunk-00005', 'metadata.json']
    assert 'Incremental backups exist' in demo.run('volume', 'backup', 'delete', 'nightly',
                                                   expect_fail=True)
    restored = demo.json('volume', 'backup', 'restore', 'later', 'restored')
    new_id = restored['volume_id']
    # the new volume goes restoring-backup before the answer, available once restored
    assert bs.get_volume(new_id).status in ('restoring-backup', 'available')
    wait_status(demo_sdk, new_id, 'available', timeout=60)
    _wait_backup(bs, later.id)
    with open(cloud.volumes_dir / ('volume-%s' % new_id), 'rb') as f:
        f.seek(9 << 20)
        assert f.read(16) == b'kept in a backup'
        f.seek(21 << 20)
        assert f.read(13) == b'written later'
    for backup_id in (later.id, backup['id']):      # the incremental one first
        bs.delete_backup(backup_id)
        deadline = time.time() + 60
        while bs.find_backup(backup_id) is not None:
            assert time.time() < deadline, 'the backup was not deleted'
            time.sleep(0.3)
    for volume_id in (vol.id, new_id):
        bs.delete_volume(volume_id)
    assert list((cloud.workdir / 'backup').rglob('chunk-*')) == []


def test_cli_backup_of_a_snapshot(cloud, clis, demo_sdk):
    """``volume backup create --snapshot``: the backup holds the volume's
    data as the snapshot froze it, not what was written afterwards; the
    snapshot is ``backing-up`` meanwhile and ``available`` again after."""
    demo, bs = clis['demo'], demo_sdk.block_storage
    vol = bs.create_volume(size=1, name='snapped')
    wait_status(demo_sdk, vol.id, 'available')
    path = cloud.volumes_dir / ('volume-%s' % vol.id)
    with open(path, 'r+b') as f:
        f.seek(5 << 20)
        f.write(b'frozen in the snapshot')
    snap = demo.json('volume', 'snapshot', 'create', '--volume', vol.id, 'snap-1')
    wait_snapshot(demo_sdk, snap['id'], 'available')
    with open(path, 'r+b') as f:
        f.seek(5 << 20)
        f.write(b'written after snapshot')
    backup = demo.json('volume', 'backup', 'create', '--snapshot', 'snap-1', '--name',
                       'of-snap', vol.id)
    done = _wait_backup(bs, backup['id'])
    assert (done.snapshot_id, done.volume_id) == (snap['id'], vol.id)
    shown = demo.json('volume', 'backup', 'show', 'of-snap')
    assert shown['snapshot_id'] == snap['id']
    wait_snapshot(demo_sdk, snap['id'], 'available')
    assert bs.get_volume(vol.id).status == 'available'
    restored = demo.json('volume', 'backup', 'restore', 'of-snap', 'from-snap')
    wait_status(demo_sdk, restored['volume_id'], 'available', timeout=60)
    _wait_backup(bs, backup['id'])
    with open(cloud.volumes_dir / ('volume-%s' % restored['volume_id']), 'rb') as f:
        f.seek(5 << 20)
        assert f.read(22) == b'frozen in the snapshot'
    # A snapshot of another volume is refused.
    other = bs.create_volume(size=1, name='not-snapped')
    wait_status(demo_sdk, other.id, 'available')
    assert 'not a snapshot of volume' in demo.run(
        'volume', 'backup', 'create', '--snapshot', 'snap-1', other.id, expect_fail=True)
    bs.delete_backup(backup['id'])
    deadline = time.time() + 60
    while bs.find_backup(backup['id']) is not None:
        assert time.time() < deadline, 'the backup was not deleted'
        time.sleep(0.3)
    bs.delete_snapshot(snap['id'])
    deadline = time.time() + 60
    while bs.find_snapshot(snap['id']) is not None:
        assert time.time() < deadline, 'the snapshot was not deleted'
        time.sleep(0.3)
    for volume_id in (vol.id, other.id, restored['volume_id']):
        bs.delete_volume(volume_id)


def test_cli_qos_transfer_messages_retype(cloud, clis, demo_sdk, tokens):
    """QoS specs, a user message, a retype to another backend (its own
    directory: the file is copied) and a transfer to another project, the
    CLI for the user's steps.  Last in the module: it starts a second backend."""
    admin, demo, other = clis['admin'], clis['demo'], clis['other']
    bs = demo_sdk.block_storage
    admin_token, admin_project = tokens['admin']
    other_token, other_project = tokens['other']

    def as_admin(method, path, body=None, expect=200):
        return cloud.request(method, '/%s/%s' % (admin_project, path), body,
                             token=admin_token, expect=expect)

    # made before the second backend exists: its file is in the first one's directory
    vol = bs.create_volume(size=1, name='to-give')
    wait_status(demo_sdk, vol.id, 'available')
    cloud.start_volume('stor2', backend_name='fast')
    fast = as_admin('POST', 'types', {'volume_type': {
        'name': 'on-fast', 'extra_specs': {'volume_backend_name': 'fast'}}})['volume_type']
    as_admin('POST', 'types', {'volume_type': {
        'name': 'on-nothing', 'extra_specs': {'volume_backend_name': 'nowhere'}}})
    qos = admin.json('volume', 'qos', 'create', '--consumer', 'front-end', '--property',
                     'read_iops_sec=100', 'gold')
    assert qos['name'] == 'gold' and qos['consumer'] == 'front-end'
    as_admin('GET', 'qos-specs/%s/associate?vol_type_id=%s' % (qos['id'], fast['id']),
             expect=202)
    # a volume that no backend takes: a user message tells the project why
    lost = bs.create_volume(size=1, name='lost', volume_type='on-nothing')
    wait_status(demo_sdk, lost.id, 'error')
    shown, found = cli_together(
        (admin, ('volume', 'qos', 'show', 'gold')),
        (demo, ('--os-volume-api-version', '3.3', 'volume', 'message', 'list')))
    assert shown['properties'] == {'read_iops_sec': '100'}
    assert 'on-fast' in str(shown['associations'])
    assert [m['Resource UUID'] for m in found] == [lost.id]
    assert 'Could not find any available weighted backend' in found[0]['User Message']
    bs.delete_volume(lost.id)
    with open(cloud.volumes_dir / ('volume-%s' % vol.id), 'r+b') as f:
        f.seek(8192)
        f.write(b'moved between backends')
    # retype to the other backend (on-demand): the file is copied there
    demo.run('volume', 'set', '--type', 'on-fast', '--retype-policy', 'on-demand', vol.id)
    deadline = time.time() + 30
    while as_admin('GET', 'volumes/%s' % vol.id)['volume']['os-vol-host-attr:host'] != \
            'stor2@fast#fast':
        assert time.time() < deadline, 'the volume did not move'
        time.sleep(0.3)
    moved = wait_status(demo_sdk, vol.id, 'available')
    assert moved.volume_type == 'on-fast'
    with open(cloud.workdir / 'volumes-fast' / ('volume-%s' % vol.id), 'rb') as f:
        f.seek(8192)
        assert f.read(22) == b'moved between backends'
    deadline = time.time() + 30
    while (cloud.volumes_dir / ('volume-%s' % vol.id)).exists():
        assert time.time() < deadline, 'the source copy stayed'
        time.sleep(0.3)
    # hand it to the other project
    request = demo.json('volume', 'transfer', 'request', 'create', '--name', 'gift', vol.id)
    assert request['auth_key'] and request['volume_id'] == vol.id
    other.run('volume', 'transfer', 'request', 'accept', '--auth-key', request['auth_key'],
              request['id'])
    taken = cloud.request('GET', '/%s/volumes/%s' % (other_project, vol.id), token=other_token,
                          expect=200)['volume']
    assert taken['status'] == 'available' and taken['name'] == 'to-give'
    assert bs.find_volume(vol.id) is None
    cloud.request('DELETE', '/%s/volumes/%s' % (other_project, vol.id), token=other_token,
                  expect=202)
    as_admin('DELETE', 'qos-specs/%s?force=True' % qos['id'], expect=202)
