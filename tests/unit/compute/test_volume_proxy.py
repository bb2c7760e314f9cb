"""os-volumes and os-snapshots: nova's deprecated volume proxies (below
2.36), as the Compute API reference and Tempest's compute volume tests use
them, over the fake volume service."""

import pytest

from services.compute import clients
from services.compute.clients import fake as fake_clients
from tests.unit.compute.conftest import ADMIN, DEMO, headers

OWN = '7d1e0c55-3b44-4d0b-9d8e-0c5a0a5e7b01'
ATTACHED = '7d1e0c55-3b44-4d0b-9d8e-0c5a0a5e7b02'
OTHER = '7d1e0c55-3b44-4d0b-9d8e-0c5a0a5e7b03'  # another project's
SERVER = '5b1e8b1d-2a55-4c52-9ef8-6c2b4d7c0a11'
MISSING = '7d1e0c55-3b44-4d0b-9d8e-0c5a0a5e7bff'
READER = {'X-User-Id': 'reader', 'X-Project-Id': 'demo', 'X-Roles': 'reader'}
ALT = {'X-User-Id': 'alt', 'X-Project-Id': 'alt', 'X-Roles': 'member,reader'}
VOLUME_KEYS = {'id', 'status', 'size', 'availabilityZone', 'createdAt', 'displayName',
               'displayDescription', 'volumeType', 'snapshotId', 'metadata', 'attachments'}
SNAPSHOT_KEYS = {'id', 'volumeId', 'status', 'size', 'createdAt', 'displayName',
                 'displayDescription'}


@pytest.fixture
def volumes(env):
    fake_clients.seed(str(env.tmp_path / 'fake'), volumes=[
        {'id': OWN, 'name': 'own', 'description': 'mine', 'size': 1, 'project_id': 'demo',
         'availability_zone': 'nova', 'created_at': '2026-11-20T10:00:00.000000',
         'volume_type': '__DEFAULT__', 'snapshot_id': None, 'metadata': {'a': 'b'}},
        {'id': ATTACHED, 'name': 'attached', 'size': 2, 'project_id': 'demo',
         'status': 'in-use', 'availability_zone': 'nova',
         'created_at': '2026-11-21T10:00:00.000000',
         'attachments': [{'attachment_id': 'att-1', 'server_id': SERVER,
                          'volume_id': ATTACHED, 'device': '/dev/vdb'}]},
        {'id': OTHER, 'name': 'theirs', 'size': 1, 'project_id': 'alt'}])


def _call(app, method, path, who=DEMO, version='2.1', status=200, body=None):
    kwargs = {'headers': headers(who, version), 'status': status,
              'expect_errors': status >= 400}
    if body is not None:
        return getattr(app, method + '_json')('/v2.1' + path, body, **kwargs)
    return getattr(app, method)('/v2.1' + path, **kwargs)


def test_list_detail_and_show_in_nova_shapes(app, volumes):
    listed = _call(app, 'get', '/os-volumes').json['volumes']
    assert [v['id'] for v in listed] == [OWN, ATTACHED]  # not another project's
    own, attached = listed
    assert set(own) == VOLUME_KEYS
    assert own == {'id': OWN, 'status': 'available', 'size': 1, 'availabilityZone': 'nova',
                   'createdAt': '2026-11-20T10:00:00.000000', 'displayName': 'own',
                   'displayDescription': 'mine', 'volumeType': '__DEFAULT__',
                   'snapshotId': None, 'metadata': {'a': 'b'}, 'attachments': [{}]}
    assert attached['attachments'] == [{'id': ATTACHED, 'volumeId': ATTACHED,
                                        'serverId': SERVER, 'device': '/dev/vdb'}]
    # Tempest compares the listings with show: the same dicts.
    assert _call(app, 'get', '/os-volumes/detail').json['volumes'] == listed
    assert _call(app, 'get', '/os-volumes/%s' % OWN, READER).json == {'volume': own}
    assert OTHER in {v['id'] for v in _call(app, 'get', '/os-volumes', ADMIN).json['volumes']}


def test_offset_and_limit(app, volumes):
    assert [v['id'] for v in _call(app, 'get', '/os-volumes?limit=1').json['volumes']] == [OWN]
    assert [v['id'] for v in _call(app, 'get', '/os-volumes/detail?offset=1&limit=1')
            .json['volumes']] == [ATTACHED]
    for query in ('limit=x', 'offset=-1', 'limit=-1'):
        _call(app, 'get', '/os-volumes?' + query, status=400)


def test_create_and_delete(app, volumes):
    body = {'volume': {'size': '1', 'display_name': 'new', 'display_description': 'd',
                       'metadata': {'Type': 'work'}, 'availability_zone': 'nova'}}
    resp = _call(app, 'post', '/os-volumes', body=body)
    made = resp.json['volume']
    assert set(made) == VOLUME_KEYS
    assert (made['displayName'], made['displayDescription'], made['size'],
            made['metadata'], made['attachments']) == ('new', 'd', 1, {'Type': 'work'}, [{}])
    assert resp.headers['Location'].endswith('/v2.1/os-volumes/%s' % made['id'])
    stored = clients.volume_client().volumes.read()[made['id']]
    assert stored['project_id'] == 'demo' and stored['availability_zone'] == 'nova'
    shown = _call(app, 'get', '/os-volumes/%s' % made['id']).json['volume']
    assert shown['status'] == 'available' and shown['displayName'] == 'new'
    resp = _call(app, 'delete', '/os-volumes/%s' % made['id'], status=202)
    assert resp.body == b''
    _call(app, 'get', '/os-volumes/%s' % made['id'], status=404)


@pytest.mark.parametrize('body', [
    {'volume': {'size': '#$%', 'display_name': 'x'}},
    {'volume': {'size': '', 'display_name': 'x'}},
    {'volume': {'size': '0'}},
    {'volume': {'size': 0}},
    {'volume': {'display_name': 'no size'}},
    {'volume': {'size': 1, 'name': 'cinder-style'}},
    {'volume': {'size': 1, 'metadata': 'x'}},
    {'volume': 'x'},
    {},
])
def test_bad_volume_bodies_are_400(app, volumes, body):
    resp = _call(app, 'post', '/os-volumes', body=body, status=400)
    assert set(resp.json) == {'badRequest'}
    assert [v['id'] for v in _call(app, 'get', '/os-volumes').json['volumes']] == [OWN,
                                                                                    ATTACHED]


def test_refusals_of_the_volume_service_are_400(app, volumes):
    body = {'volume': {'size': 1, 'volume_type': 'no-such-type'}}
    assert 'no-such-type' in _call(app, 'post', '/os-volumes', body=body,
                                   status=400).json['badRequest']['message']
    body = {'volume': {'size': 1, 'snapshot_id': MISSING}}
    _call(app, 'post', '/os-volumes', body=body, status=404)
    # in use: the volume service refuses, and nova answers 400
    _call(app, 'delete', '/os-volumes/%s' % ATTACHED, status=400)


def test_unknown_blank_and_hidden_ids_are_404(app, volumes):
    for path in ('/os-volumes/%s' % MISSING, '/os-volumes/', '/os-volumes/%s' % OTHER,
                 '/os-snapshots/%s' % MISSING, '/os-snapshots/'):
        resp = _call(app, 'get', path, status=404)
        assert set(resp.json) == {'itemNotFound'}, path
    for path in ('/os-volumes/%s' % MISSING, '/os-volumes/invalid-name', '/os-volumes/',
                 '/os-volumes/%s' % OTHER, '/os-snapshots/%s' % MISSING):
        resp = _call(app, 'delete', path, status=404)
        assert set(resp.json) == {'itemNotFound'}, path
    assert clients.volume_client().volumes.read()[OTHER]['name'] == 'theirs'


def test_gone_from_2_36(app, volumes):
    for path in ('/os-volumes', '/os-volumes/detail', '/os-volumes/%s' % OWN,
                 '/os-snapshots', '/os-snapshots/detail'):
        _call(app, 'get', path, version='2.36', status=404)
    _call(app, 'post', '/os-volumes', version='2.36', status=404, body={'volume': {'size': 1}})
    _call(app, 'get', '/os-volumes', version='2.35')


def test_policy(app, volumes):
    _call(app, 'get', '/os-volumes', READER)
    _call(app, 'get', '/os-snapshots/detail', READER)
    _call(app, 'post', '/os-volumes', READER, body={'volume': {'size': 1}}, status=403)
    _call(app, 'delete', '/os-volumes/%s' % OWN, READER, status=403)
    _call(app, 'post', '/os-snapshots', READER, body={'snapshot': {'volume_id': OWN}},
          status=403)
    # another project's member sees and changes nothing of demo's
    assert [v['id'] for v in _call(app, 'get', '/os-volumes', ALT).json['volumes']] == [OTHER]
    _call(app, 'delete', '/os-volumes/%s' % OWN, ALT, status=404)
    _call(app, 'post', '/os-snapshots', ALT, body={'snapshot': {'volume_id': OWN}},
          status=404)
    assert OWN in clients.volume_client().volumes.read()


def test_snapshot_create_show_list_delete(app, volumes):
    body = {'snapshot': {'volume_id': OWN, 'display_name': 'snap',
                         'display_description': 'first'}}
    made = _call(app, 'post', '/os-snapshots', body=body).json['snapshot']
    assert set(made) == SNAPSHOT_KEYS
    assert (made['volumeId'], made['displayName'], made['displayDescription'],
            made['size']) == (OWN, 'snap', 'first', 1)
    shown = _call(app, 'get', '/os-snapshots/%s' % made['id'], READER).json['snapshot']
    assert shown['status'] == 'available' and shown['displayName'] == 'snap'
    assert _call(app, 'get', '/os-snapshots').json['snapshots'] == [shown]
    assert _call(app, 'get', '/os-snapshots/detail?limit=1').json['snapshots'] == [shown]
    assert _call(app, 'get', '/os-snapshots?offset=1').json['snapshots'] == []
    assert _call(app, 'get', '/os-snapshots', ALT).json['snapshots'] == []
    # a volume with snapshots stays
    _call(app, 'delete', '/os-volumes/%s' % OWN, status=400)
    _call(app, 'delete', '/os-snapshots/%s' % made['id'], ALT, status=404)
    _call(app, 'delete', '/os-snapshots/%s' % made['id'], status=202)
    _call(app, 'get', '/os-snapshots/%s' % made['id'], status=404)
    _call(app, 'delete', '/os-volumes/%s' % OWN, status=202)


def test_snapshot_of_a_volume_in_use_needs_force(app, volumes):
    body = {'snapshot': {'volume_id': ATTACHED}}
    _call(app, 'post', '/os-snapshots', body=body, status=400)
    body['snapshot']['force'] = 'true'
    assert _call(app, 'post', '/os-snapshots', body=body).json['snapshot']['volumeId'] == \
        ATTACHED


@pytest.mark.parametrize('body', [
    {'snapshot': {}},
    {'snapshot': {'volume_id': OWN, 'force': 'maybe'}},
    {'snapshot': {'volume_id': OWN, 'name': 'cinder-style'}},
    {'snapshot': {'volume_id': 1}},
    {},
])
def test_bad_snapshot_bodies_are_400(app, volumes, body):
    assert set(_call(app, 'post', '/os-snapshots', body=body, status=400).json) == \
        {'badRequest'}


def test_snapshot_of_an_unknown_volume_is_404(app, volumes):
    resp = _call(app, 'post', '/os-snapshots', body={'snapshot': {'volume_id': MISSING}},
                 status=404)
    assert set(resp.json) == {'itemNotFound'}
