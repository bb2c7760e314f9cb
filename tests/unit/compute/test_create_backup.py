"""createBackup through API and compute manager, in-process over the fake
RPC transport: the answer per microversion, the backup image's properties,
the rotation of a server's backups, state and policy checks."""

import pytest
from oslo_config import cfg

from common import context as alto_context
from services.compute import clients
from services.compute import exception
from services.compute.clients import fake as fake_clients
from services.compute.compute import backups
from services.compute.compute import volumes as compute_volumes
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers

CONF = cfg.CONF
READER = {'X-User-Id': 'reader', 'X-Project-Id': 'demo', 'X-Roles': 'reader'}
ALT = {'X-User-Id': 'alt', 'X-Project-Id': 'alt', 'X-Roles': 'member,reader'}
VOL = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a01'


@pytest.fixture
def server(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


def _backup(cloud, server_id, name, rotation=2, backup_type='daily', version='2.45',
            who=DEMO, status=202, **extra):
    body = {'createBackup': dict({'name': name, 'backup_type': backup_type,
                                  'rotation': rotation}, **extra)}
    return cloud.app.post_json('/v2.1/servers/%s/action' % server_id, body,
                               headers=headers(who, version), status=status,
                               expect_errors=status >= 400)


def _names(server_id, backup_type='daily'):
    """The server's backups of a type, oldest first."""
    context = alto_context.get_admin_context()
    return [i['name'] for i in reversed(backups.backups_of(context, server_id, backup_type))]


def _all_images():
    return clients.image_client().images.read()


def test_answer_per_microversion(cloud, server):
    resp = _backup(cloud, server, 'b1', version='2.44')
    assert resp.body == b''
    image_id = resp.headers['Location'].rsplit('/', 1)[1]
    assert resp.headers['Location'].endswith('/images/%s' % image_id)
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _all_images()[image_id]['status'] == 'active'
    # Rotation 0 before 2.45: no Location (nothing to name once rotated).
    resp = _backup(cloud, server, 'b0', rotation=0, version='2.44')
    assert 'Location' not in resp.headers and resp.body == b''
    cloud.wait(server, 'ACTIVE', who=DEMO)
    resp = _backup(cloud, server, 'b2', version='2.45')
    assert 'Location' not in resp.headers
    assert set(resp.json) == {'image_id'} and resp.json['image_id'] in _all_images()
    cloud.wait(server, 'ACTIVE', who=DEMO)


def test_backup_image_properties(cloud, server):
    image_id = _backup(cloud, server, 'nightly', backup_type='weekly', metadata={
        'purpose': 'audit', 'instance_uuid': 'someone-else', 'image_type': 'snapshot'}
    ).json['image_id']
    cloud.wait(server, 'ACTIVE', who=DEMO)
    image = _all_images()[image_id]
    assert image['name'] == 'nightly' and image['owner'] == 'demo'
    props = image['properties']
    # The identity its rotation finds it by cannot be overridden.
    assert props['image_type'] == 'backup' and props['backup_type'] == 'weekly'
    assert props['instance_uuid'] == server and props['purpose'] == 'audit'
    assert props['base_image_ref'] == fixtures.IMAGE_ID
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server,
                            headers=headers(DEMO)).json['instanceActions']
    assert 'createBackup' in {a['action'] for a in actions}


def test_rotation_deletes_the_oldest_of_the_server_and_type(cloud, server):
    """Tempest's test_create_backup: rotation 2 keeps the two newest."""
    other = cloud.boot(name='other')['server']['id']
    cloud.wait(other, 'ACTIVE', who=DEMO)
    _backup(cloud, other, 'other-1', rotation=1)
    cloud.wait(other, 'ACTIVE', who=DEMO)
    snapshot = cloud.action(server, {'createImage': {'name': 'snap'}}).json['image_id']
    cloud.wait(server, 'ACTIVE', who=DEMO)
    _backup(cloud, server, 'weekly-1', rotation=1, backup_type='weekly')
    cloud.wait(server, 'ACTIVE', who=DEMO)
    first = _backup(cloud, server, 'b1').json['image_id']
    cloud.wait(server, 'ACTIVE', who=DEMO)
    _backup(cloud, server, 'b2')
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _names(server) == ['b1', 'b2']
    _backup(cloud, server, 'b3')
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _names(server) == ['b2', 'b3']
    assert first not in _all_images()
    # Rotation 1: only the newest is kept.
    _backup(cloud, server, 'b4', rotation='1')
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _names(server) == ['b4']
    # Other types, other servers and snapshots are left alone.
    assert _names(server, 'weekly') == ['weekly-1']
    assert _names(other) == ['other-1']
    assert snapshot in _all_images()


def test_rotation_zero_keeps_none(cloud, server):
    _backup(cloud, server, 'b1')
    cloud.wait(server, 'ACTIVE', who=DEMO)
    image_id = _backup(cloud, server, 'b0', rotation=0).json['image_id']
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _names(server) == [] and image_id not in _all_images()


def test_a_failed_delete_does_not_fail_the_backup(cloud, server, monkeypatch):
    _backup(cloud, server, 'b1', rotation=1)
    cloud.wait(server, 'ACTIVE', who=DEMO)
    store = clients.image_client()

    def refuse(context, image_id, strict=False):
        raise exception.ImageNotAuthorized(image_id=image_id)
    monkeypatch.setattr(store, 'delete', refuse)
    _backup(cloud, server, 'b2', rotation=1)
    view = cloud.wait(server, 'ACTIVE', who=DEMO)
    assert view['status'] == 'ACTIVE'
    assert _names(server) == ['b1', 'b2']


@pytest.mark.parametrize('extra', [
    {'rotation': -1}, {'rotation': 'two'}, {'rotation': None}, {'backup_type': 1},
    {'name': ''}, {'unknown': 'x'}, {'metadata': {'k': 1}}])
def test_bad_input_is_400(cloud, server, extra):
    body = dict({'name': 'b', 'backup_type': 'daily', 'rotation': 1}, **extra)
    resp = cloud.app.post_json('/v2.1/servers/%s/action' % server, {'createBackup': body},
                               headers=headers(DEMO), status=400)
    assert resp.json['badRequest']['code'] == 400


@pytest.mark.parametrize('missing', ['name', 'backup_type', 'rotation'])
def test_every_field_but_metadata_is_required(cloud, server, missing):
    body = {k: v for k, v in {'name': 'b', 'backup_type': 'daily', 'rotation': 1}.items()
            if k != missing}
    cloud.app.post_json('/v2.1/servers/%s/action' % server, {'createBackup': body},
                        headers=headers(DEMO), status=400)


def test_policy_and_project(cloud, server):
    count = len(_all_images())
    resp = _backup(cloud, server, 'b', who=READER, status=403)
    assert 'os_compute_api:os-create-backup' in resp.json['forbidden']['message']
    _backup(cloud, server, 'b', who=ALT, status=404)
    assert len(_all_images()) == count
    # An admin backs up another project's server.
    _backup(cloud, server, 'by-admin', who=ADMIN)
    cloud.wait(server, 'ACTIVE', who=DEMO)


def test_refused_in_the_states_create_image_is(cloud, server):
    cloud.action(server, {'rescue': None}, status=200)
    cloud.wait(server, 'RESCUE', who=DEMO)
    count = len(_all_images())
    resp = _backup(cloud, server, 'b', status=409)
    assert 'createBackup' in resp.json['conflictingRequest']['message']
    cloud.action(server, {'unrescue': None})
    cloud.wait(server, 'ACTIVE', who=DEMO)
    cloud.action(server, {'os-resetState': {'state': 'error'}}, who=ADMIN)
    _backup(cloud, server, 'b', status=409)
    assert len(_all_images()) == count
    cloud.action(server, {'os-resetState': {'state': 'active'}}, who=ADMIN)
    # Stopped and paused servers are backed up.
    cloud.action(server, {'os-stop': None})
    cloud.wait(server, 'SHUTOFF', who=DEMO)
    _backup(cloud, server, 'stopped')
    cloud.wait(server, 'SHUTOFF', who=DEMO)
    assert _names(server) == ['stopped']


def test_needs_compute_1_12(cloud, server):
    count = len(_all_images())
    CONF.set_override('compute', '1.11', group='upgrade_levels')
    try:
        resp = _backup(cloud, server, 'b', status=409)
    finally:
        CONF.clear_override('compute', group='upgrade_levels')
    assert '1.12' in resp.json['conflictingRequest']['message']
    assert len(_all_images()) == count
    assert cloud.show(server, DEMO)['OS-EXT-STS:task_state'] is None


def test_a_volume_backed_server_is_not_backed_up(cloud, monkeypatch):
    monkeypatch.setattr(compute_volumes, 'connector_properties',
                        lambda host: {'host': host, 'platform': 'x86_64', 'os_type': 'linux',
                                      'multipath': False, 'ip': '127.0.0.1'})
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo', 'bootable': 'true'}])
    body = {'server': {'name': 'bfv', 'flavorRef': 'm1.nano', 'networks': 'none',
                       'block_device_mapping_v2': [{'source_type': 'volume',
                                                    'destination_type': 'volume',
                                                    'uuid': VOL, 'boot_index': 0}]}}
    server_id = cloud.app.post_json('/v2.1/servers', body,
                                    headers=headers(DEMO)).json['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    resp = _backup(cloud, server_id, 'b', status=400)
    assert 'not supported for volume-backed' in resp.json['badRequest']['message']


@pytest.mark.parametrize('action', [
    {'createImage': {'name': 'snap'}},
    {'createBackup': {'name': 'b1', 'backup_type': 'daily', 'rotation': 2}}])
def test_a_failed_upload_deletes_its_image(cloud, server, monkeypatch, action):
    store = clients.image_client()

    def fail(context, image_id, path):
        raise exception.ExternalServiceError(service='image', reason='disk full')
    monkeypatch.setattr(store, 'upload', fail)
    before = set(_all_images())
    resp = cloud.app.post_json('/v2.1/servers/%s/action' % server, action,
                               headers=headers(DEMO, '2.45'), status=202)
    assert resp.json['image_id'] not in before
    view = cloud.wait(server, 'ACTIVE', who=DEMO)
    assert view['OS-EXT-STS:task_state'] is None
    assert set(_all_images()) == before
