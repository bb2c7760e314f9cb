"""/v3/credentials through the WSGI app: CRUD, ec2 ids, faults, policy,
cascades and blobs encrypted at rest with the credential keys."""

import hashlib
import json
import os

import pytest

from services.identity.core import credential_keys
from services.identity.token import keys
from tests.unit.identity.conftest import Cloud
from tests.unit.identity.conftest import make_conf


def _ec2_blob(access, secret='s3cr3t'):
    return json.dumps({'access': access, 'secret': secret})


def _create(cloud, user_id, blob='cert-data', type_='cert', project_id=None, token=None,
            status=201, **extra):
    body = {'credential': dict({'user_id': user_id, 'type': type_, 'blob': blob}, **extra)}
    if project_id is not None:
        body['credential']['project_id'] = project_id
    return cloud.call('POST', '/v3/credentials', body, token=token, status=status)


@pytest.fixture
def member(cloud):
    user, project = cloud.make_member('alice', 'demo', 'pw-alice')
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    return user, project, token


def test_crud_as_admin(cloud, member):
    user, project, _ = member
    resp = _create(cloud, user['id'], blob='-----BEGIN CERTIFICATE-----', note='kept')
    cred = resp.json['credential']
    assert set(cred) == {'id', 'user_id', 'project_id', 'type', 'blob', 'links', 'note'}
    assert cred['user_id'] == user['id'] and cred['project_id'] is None
    assert cred['type'] == 'cert' and cred['blob'] == '-----BEGIN CERTIFICATE-----'
    assert cred['note'] == 'kept'
    assert cred['links']['self'].endswith('/v3/credentials/%s' % cred['id'])
    assert len(cred['id']) == 32

    shown = cloud.call('GET', '/v3/credentials/%s' % cred['id'], status=200).json
    assert shown == {'credential': cred}
    assert cloud.call('HEAD', '/v3/credentials/%s' % cred['id'], status=200).body == b''
    listed = cloud.call('GET', '/v3/credentials', status=200).json
    assert listed['credentials'] == [cred]
    assert listed['links']['self'].endswith('/v3/credentials')

    patched = cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {
        'blob': 'new-data', 'type': 'totp', 'project_id': project['id'], 'id': cred['id']}},
        status=200).json['credential']
    assert (patched['blob'], patched['type'], patched['project_id']) == (
        'new-data', 'totp', project['id'])
    assert patched['note'] == 'kept'
    assert cloud.call('GET', '/v3/credentials/%s' % cred['id']).json['credential'] == patched

    cloud.call('DELETE', '/v3/credentials/%s' % cred['id'], status=204)
    cloud.call('GET', '/v3/credentials/%s' % cred['id'], status=404)
    cloud.call('DELETE', '/v3/credentials/%s' % cred['id'], status=404)
    assert cloud.call('GET', '/v3/credentials').json['credentials'] == []


def test_filters(cloud, member):
    user, project, _ = member
    admin_id = cloud.boot['user']['id']
    a = _create(cloud, user['id'], type_='cert').json['credential']
    b = _create(cloud, user['id'], type_='ec2', blob=_ec2_blob('AK1'),
                project_id=project['id']).json['credential']
    c = _create(cloud, admin_id, type_='totp', blob='JBSWY3DPEHPK3PXP').json['credential']
    ids = lambda q: sorted(x['id'] for x in cloud.call('GET', '/v3/credentials' + q).json[
        'credentials'])
    assert ids('') == sorted([a['id'], b['id'], c['id']])
    assert ids('?user_id=%s' % user['id']) == sorted([a['id'], b['id']])
    assert ids('?type=ec2') == [b['id']]
    assert ids('?user_id=%s&type=totp' % admin_id) == [c['id']]
    assert ids('?type=nope') == []


def test_ec2_id_is_the_sha256_of_the_access_key(cloud, member):
    user, project, _ = member
    cred = _create(cloud, user['id'], type_='ec2', blob=_ec2_blob('AKIAEXAMPLE'),
                   project_id=project['id']).json['credential']
    assert cred['id'] == hashlib.sha256(b'AKIAEXAMPLE').hexdigest()
    assert json.loads(cred['blob']) == {'access': 'AKIAEXAMPLE', 'secret': 's3cr3t'}
    # the same access key again is a duplicate
    resp = _create(cloud, user['id'], type_='ec2', blob=_ec2_blob('AKIAEXAMPLE', 'other'),
                   project_id=project['id'], status=409)
    assert resp.json == {'error': {
        'code': 409, 'title': 'Conflict',
        'message': 'Conflict occurred attempting to store credential - Duplicate entry '
                   'found with ID %s.' % cred['id']}}
    # the secret and the access key may change (as keystone); the id stays
    cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {
        'blob': _ec2_blob('AKIAEXAMPLE', 'rotated')}}, status=200)
    resp = cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {
        'blob': _ec2_blob('AKIAOTHER')}}, status=200)
    assert resp.json['credential']['id'] == cred['id']
    assert json.loads(resp.json['credential']['blob'])['access'] == 'AKIAOTHER'
    cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {
        'blob': json.dumps({'access': 'AKIAEXAMPLE', 'app_cred_id': 'x'})}}, status=400)
    cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {
        'project_id': None}}, status=400)
    # a uuid-named credential cannot turn into an ec2 one
    cert = _create(cloud, user['id']).json['credential']
    cloud.call('PATCH', '/v3/credentials/%s' % cert['id'], {'credential': {
        'type': 'ec2', 'blob': _ec2_blob('AKX'), 'project_id': project['id']}}, status=400)


@pytest.mark.parametrize('blob,project,message', [
    ('not json', True, 'Invalid blob in credential'),
    ('[' * 50000, True, 'Invalid blob in credential'),
    ('{"access": "AK", "x": "\\ud800"}', True, 'Invalid blob in credential'),
    ('[1, 2]', True, 'Expecting to find blob in credential'),
    ('{}', True, 'Expecting to find blob in credential'),
    ('{"secret": "x"}', True, 'Expecting to find access in credential'),
    ('{"access": 7}', True, "'access'"),
    (json.dumps({'access': 'AK'}), False, 'project_id'),
])
def test_ec2_blob_must_be_json_with_access_and_a_project(cloud, member, blob, project,
                                                         message):
    user, proj, _ = member
    resp = _create(cloud, user['id'], type_='ec2', blob=blob,
                   project_id=proj['id'] if project else None, status=400)
    assert resp.json['error']['code'] == 400
    assert resp.json['error']['title'] == 'Bad Request'
    assert message in resp.json['error']['message']
    assert cloud.managers.credential.list_stored() == []


def test_bad_requests(cloud, member):
    user, _, _ = member
    for body in ({'credential': {'type': 'cert', 'blob': 'x'}},
                 {'credential': {'user_id': user['id'], 'blob': 'x'}},
                 {'credential': {'user_id': user['id'], 'type': 'cert'}},
                 {'credential': {'user_id': user['id'], 'type': 'cert', 'blob': 5}},
                 {'credential': {'user_id': user['id'], 'type': '', 'blob': 'x'}},
                 {'nope': {}}):
        resp = cloud.call('POST', '/v3/credentials', body, status=400)
        assert resp.json['error']['code'] == 400
    resp = cloud.app.post('/v3/credentials', '{"credential": {"user_id": "%s", "type": '
                          '"cert", "blob": "\\ud800"}}' % user['id'],
                          headers={'X-Auth-Token': cloud.admin_token,
                                   'Content-Type': 'application/json'}, status=400)
    assert 'blob is not valid Unicode text' in resp.json['error']['message']
    resp = _create(cloud, 'ghost', status=400)
    assert 'user ghost does not exist' in resp.json['error']['message']
    _create(cloud, user['id'], project_id='ghost', status=400)
    cred = _create(cloud, user['id']).json['credential']
    resp = cloud.call('PATCH', '/v3/credentials/%s' % cred['id'],
                      {'credential': {'id': 'other'}}, status=400)
    assert resp.json['error']['message'] == 'Cannot change ID'
    cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {}}, status=400)
    cloud.call('PATCH', '/v3/credentials/%s' % cred['id'],
               {'credential': {'user_id': 'ghost'}}, status=400)


def test_fault_bodies(cloud, member):
    user, _, token = member
    resp = cloud.call('GET', '/v3/credentials/nope', status=404)
    assert resp.json == {'error': {'code': 404, 'title': 'Not Found',
                                   'message': 'Could not find credential: nope.'}}
    resp = _create(cloud, cloud.boot['user']['id'], token=token, status=403)
    assert resp.json['error']['code'] == 403
    assert resp.json['error']['title'] == 'Forbidden'
    assert 'identity:create_credential' in resp.json['error']['message']
    cloud.app.get('/v3/credentials', status=401)


def test_member_manages_only_their_own(cloud, member):
    user, project, token = member
    admin_id = cloud.boot['user']['id']
    theirs = _create(cloud, admin_id, blob='admin-secret').json['credential']
    mine = _create(cloud, user['id'], token=token, type_='ec2', blob=_ec2_blob('AKME'),
                   project_id=project['id']).json['credential']
    other_mine = _create(cloud, user['id'], token=token, blob='x').json['credential']

    listed = cloud.call('GET', '/v3/credentials', token=token, status=200).json['credentials']
    assert sorted(c['id'] for c in listed) == sorted([mine['id'], other_mine['id']])
    assert cloud.call('GET', '/v3/credentials?user_id=%s' % admin_id,
                      token=token).json['credentials'] == []
    assert len(cloud.call('GET', '/v3/credentials').json['credentials']) == 3

    cloud.call('GET', '/v3/credentials/%s' % mine['id'], token=token, status=200)
    # someone else's and a missing one look the same to a member
    for cred_id in (theirs['id'], 'missing'):
        for method in ('GET', 'DELETE'):
            resp = cloud.call(method, '/v3/credentials/%s' % cred_id, token=token, status=403)
            assert resp.json['error']['code'] == 403
        cloud.call('PATCH', '/v3/credentials/%s' % cred_id,
                   {'credential': {'blob': 'stolen'}}, token=token, status=403)
    assert cloud.call('GET', '/v3/credentials/%s' % theirs['id']).json['credential'][
        'blob'] == 'admin-secret'

    cloud.call('PATCH', '/v3/credentials/%s' % other_mine['id'],
               {'credential': {'blob': 'y'}}, token=token, status=200)
    # no handing a credential to someone else
    cloud.call('PATCH', '/v3/credentials/%s' % other_mine['id'],
               {'credential': {'user_id': admin_id}}, token=token, status=403)
    cloud.call('DELETE', '/v3/credentials/%s' % other_mine['id'], token=token, status=204)
    assert [c['id'] for c in cloud.call('GET', '/v3/credentials', token=token).json[
        'credentials']] == [mine['id']]


def test_blobs_are_encrypted_at_rest(cloud, member):
    user, _, _ = member
    cred = _create(cloud, user['id'], blob='plain secret').json['credential']
    stored = cloud.managers.credential.driver.get_credential(cred['id'])
    assert 'blob' not in stored
    assert 'plain secret' not in json.dumps(stored)
    primary = keys.load(cloud.conf.credential.key_repository)[0]
    assert stored['key_hash'] == hashlib.sha256(primary).hexdigest()
    # a fernet token of the primary credential key, not of the token keys
    from cryptography import fernet
    assert fernet.Fernet(primary).decrypt(stored['encrypted_blob'].encode()) == b'plain secret'
    token_key = keys.load(cloud.conf.fernet_tokens.key_repository)[0]
    with pytest.raises(fernet.InvalidToken):
        fernet.Fernet(token_key).decrypt(stored['encrypted_blob'].encode())


def test_rotation_keeps_credentials_readable(cloud, member):
    user, _, _ = member
    m = cloud.managers.credential
    m.cipher.ring.check_interval = 0
    old = _create(cloud, user['id'], blob='before').json['credential']
    credential_keys.rotate(cloud.conf, m.driver)
    new = _create(cloud, user['id'], blob='after').json['credential']
    hashes = {c['id']: c['key_hash'] for c in m.list_stored()}
    assert hashes[old['id']] != hashes[new['id']]
    assert cloud.call('GET', '/v3/credentials/%s' % old['id']).json['credential'][
        'blob'] == 'before'
    # the next rotation would drop the key of `old`: refused until migrated
    with pytest.raises(credential_keys.RotationRefused, match='credential_migrate'):
        credential_keys.rotate(cloud.conf, m.driver)
    assert m.migrate() == (1, [])
    assert m.migrate() == (0, [])
    assert {c['key_hash'] for c in m.list_stored()} == {m.cipher.primary_hash()}
    credential_keys.rotate(cloud.conf, m.driver)
    assert sorted(c['blob'] for c in cloud.call('GET', '/v3/credentials').json[
        'credentials']) == ['after', 'before']


def test_migrate_does_not_undo_a_concurrent_update(cloud, member, monkeypatch):
    user, _, _ = member
    m = cloud.managers.credential
    m.cipher.ring.check_interval = 0
    cred = _create(cloud, user['id'], blob='v1').json['credential']
    credential_keys.rotate(cloud.conf, m.driver)
    stale = m.list_stored()
    # the API rewrites the blob after migrate listed the credentials
    cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {'blob': 'v2'}})
    monkeypatch.setattr(m.driver, 'list_credentials', lambda hints=None: stale)
    assert m.migrate() == (0, [])
    assert m.get(cred['id'])['blob'] == 'v2'


def test_a_missing_key_is_a_clear_error(cloud, member):
    user, _, _ = member
    m = cloud.managers.credential
    m.cipher.ring.check_interval = 0
    cred = _create(cloud, user['id'], blob='kept').json['credential']
    repo = cloud.conf.credential.key_repository
    for name in os.listdir(repo):
        os.remove(os.path.join(repo, name))
    keys.setup(repo, credential_keys.MAX_ACTIVE_KEYS)     # a new, different key set
    for path in ('/v3/credentials/%s' % cred['id'], '/v3/credentials'):
        resp = cloud.call('GET', path, status=500)
        assert resp.json['error']['code'] == 500
        assert ('credential %s was encrypted with a key that is no longer in the credential '
                'key repository' % cred['id']) in resp.json['error']['message']
        assert 'kept' not in resp.text
    assert m.migrate() == (0, [cred['id']])
    # the credential can still be deleted, and then listing works again
    cloud.call('DELETE', '/v3/credentials/%s' % cred['id'], status=204)
    assert cloud.call('GET', '/v3/credentials').json['credentials'] == []


def test_a_damaged_blob_is_a_clear_error(cloud, member):
    user, _, _ = member
    m = cloud.managers.credential
    cred = _create(cloud, user['id']).json['credential']
    m.driver.update_credential(cred['id'], {'encrypted_blob': 'gAAAAAgarbage'})
    resp = cloud.call('GET', '/v3/credentials/%s' % cred['id'], status=500)
    assert 'damaged' in resp.json['error']['message']


def test_without_a_key_repository(tmp_path):
    cloud = Cloud(make_conf(tmp_path, credential_keys_setup=False))
    admin_id = cloud.boot['user']['id']
    assert cloud.call('GET', '/v3/credentials', status=200).json['credentials'] == []
    resp = _create(cloud, admin_id, status=500)
    assert 'credential_setup' in resp.json['error']['message']
    assert str(tmp_path) not in resp.text
    assert cloud.managers.credential.list_stored() == []
    # token issue does not depend on it
    assert cloud.password_token('admin', 'secret-admin', project='admin')
    credential_keys.setup(cloud.conf)
    cloud.managers.credential.cipher.ring.check_interval = 0
    _create(cloud, admin_id, status=201)


def test_deleting_a_user_or_project_deletes_their_credentials(cloud, member):
    user, project, _ = member
    m = cloud.managers
    other = m.resource.create_project({'name': 'other', 'domain_id': 'default'})
    admin_id = cloud.boot['user']['id']
    _create(cloud, user['id'], blob='u1')
    _create(cloud, user['id'], type_='ec2', blob=_ec2_blob('AK-U'), project_id=other['id'])
    on_other = _create(cloud, admin_id, type_='ec2', blob=_ec2_blob('AK-A'),
                       project_id=other['id']).json['credential']
    keep = _create(cloud, admin_id, blob='a1').json['credential']
    cloud.call('DELETE', '/v3/users/%s' % user['id'], status=204)
    assert {c['id'] for c in m.credential.list_stored()} == {on_other['id'], keep['id']}
    cloud.call('DELETE', '/v3/projects/%s' % other['id'], status=204)
    assert [c['id'] for c in m.credential.list_stored()] == [keep['id']]


def test_deleting_a_domain_deletes_its_users_credentials(cloud):
    m = cloud.managers
    dom = cloud.call('POST', '/v3/domains', {'domain': {'name': 'acme'}}).json['domain']
    user = cloud.call('POST', '/v3/users', {'user': {'name': 'u', 'domain_id': dom['id']}}
                      ).json['user']
    proj = cloud.call('POST', '/v3/projects', {'project': {'name': 'p',
                                                           'domain_id': dom['id']}}
                      ).json['project']
    _create(cloud, user['id'])
    _create(cloud, cloud.boot['user']['id'], type_='ec2', blob=_ec2_blob('AK-D'),
            project_id=proj['id'])
    cloud.call('PATCH', '/v3/domains/%s' % dom['id'], {'domain': {'enabled': False}})
    cloud.call('DELETE', '/v3/domains/%s' % dom['id'], status=204)
    assert m.credential.list_stored() == []


def test_user_limit(tmp_path):
    conf = make_conf(tmp_path)
    conf.set_override('user_limit', 2, group='credential')
    cloud = Cloud(conf)
    admin_id = cloud.boot['user']['id']
    _create(cloud, admin_id)
    _create(cloud, admin_id)
    resp = _create(cloud, admin_id, status=403)
    assert resp.json['error']['message'] == (
        'Unable to create additional credentials, maximum of 2 already exceeded for user.')


def test_ec2_credential_made_with_an_app_cred_token_is_scoped_to_it(cloud, member):
    user, project, token = member
    ac = cloud.call('POST', '/v3/users/%s/application_credentials' % user['id'],
                    {'application_credential': {'name': 'ci'}}, token=token,
                    status=201).json['application_credential']
    resp = cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
        'methods': ['application_credential'], 'application_credential': {
            'id': ac['id'], 'secret': ac['secret']}}}}, status=201)
    ac_token = resp.headers['X-Subject-Token']
    cred = _create(cloud, user['id'], token=ac_token, type_='ec2', blob=_ec2_blob('AK-AC'),
                   project_id=project['id']).json['credential']
    assert json.loads(cred['blob'])['app_cred_id'] == ac['id']
    # and that scope cannot be taken off
    cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {
        'blob': _ec2_blob('AK-AC')}}, token=token, status=400)
