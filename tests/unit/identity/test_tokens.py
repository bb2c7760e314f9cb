"""Token issue, validation and revocation through the API."""

from tests.unit.identity.conftest import ADMIN_PASSWORD


def _validate(cloud, subject, status=200, **params):
    query = '?nocatalog' if params.get('nocatalog') else ''
    return cloud.call('GET', '/v3/auth/tokens' + query,
                      headers={'X-Subject-Token': subject}, status=status)


def test_password_token_body(cloud):
    resp = cloud.app.post_json('/v3/auth/tokens', {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'admin', 'domain': {'name': 'Default'}, 'password': ADMIN_PASSWORD}}},
        'scope': {'project': {'name': 'admin', 'domain': {'name': 'Default'}}}}}, status=201)
    token = resp.json['token']
    assert resp.headers['X-Subject-Token']
    assert token['methods'] == ['password']
    assert token['user']['name'] == 'admin'
    assert token['user']['domain'] == {'id': 'default', 'name': 'Default'}
    assert token['project']['name'] == 'admin'
    assert {r['name'] for r in token['roles']} == {'admin', 'manager', 'member', 'reader'}
    assert token['expires_at'].endswith('Z')
    assert len(token['audit_ids']) == 1
    identity = [s for s in token['catalog'] if s['type'] == 'identity'][0]
    assert identity['endpoints'][0]['url'] == 'http://127.0.0.1:5000/v3'
    assert identity['endpoints'][0]['region'] == 'RegionOne'


def test_user_by_id_and_nocatalog(cloud):
    user_id = cloud.boot['user']['id']
    resp = cloud.app.post_json('/v3/auth/tokens?nocatalog', {'auth': {'identity': {
        'methods': ['password'], 'password': {'user': {'id': user_id,
                                                       'password': ADMIN_PASSWORD}}}}},
        status=201)
    assert 'catalog' not in resp.json['token']
    assert 'project' not in resp.json['token']    # unscoped


def test_wrong_password_same_answer_as_unknown_user(cloud):
    def attempt(name):
        return cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
            'methods': ['password'], 'password': {'user': {
                'name': name, 'domain': {'id': 'default'}, 'password': 'wrong'}}}}},
            status=401).json
    assert attempt('admin') == attempt('nobody')
    assert attempt('admin')['error']['code'] == 401


def test_validate_check_and_revoke(cloud):
    token = cloud.password_token('admin', ADMIN_PASSWORD, project='admin')
    body = _validate(cloud, token).json
    assert body['token']['project']['name'] == 'admin'
    assert 'catalog' not in _validate(cloud, token, nocatalog=True).json['token']
    head = cloud.call('HEAD', '/v3/auth/tokens', headers={'X-Subject-Token': token})
    assert head.status_int == 200 and head.body == b''
    cloud.call('DELETE', '/v3/auth/tokens', headers={'X-Subject-Token': token}, status=204)
    resp = _validate(cloud, token, status=404)
    assert resp.json['error']['code'] == 404
    # the revoked token cannot authenticate either
    cloud.call('GET', '/v3/users', token=token, status=401)


def test_rescope_with_token_method(cloud):
    unscoped = cloud.password_token('admin', ADMIN_PASSWORD)
    resp = cloud.app.post_json('/v3/auth/tokens', {'auth': {
        'identity': {'methods': ['token'], 'token': {'id': unscoped}},
        'scope': {'project': {'name': 'admin', 'domain': {'id': 'default'}}}}}, status=201)
    token = resp.json['token']
    first = _validate(cloud, unscoped).json['token']
    assert token['audit_ids'][1] == first['audit_ids'][0]
    assert token['expires_at'] <= first['expires_at']
    # revoking the chain's first token revokes the rescoped one too
    cloud.call('DELETE', '/v3/auth/tokens', headers={'X-Subject-Token': unscoped},
               status=204)
    cloud.managers.revoke.revoke(audit_chain_id=first['audit_ids'][0])
    _validate(cloud, resp.headers['X-Subject-Token'], status=404)


def test_domain_and_system_scope(cloud):
    m = cloud.managers
    admin = m.assignment.get_role_by_name('admin')
    m.assignment.create_grant(admin['id'], 'user', cloud.boot['user']['id'], 'domain',
                              'default')
    token = cloud.password_token('admin', ADMIN_PASSWORD, domain='default')
    body = _validate(cloud, token).json['token']
    assert body['domain'] == {'id': 'default', 'name': 'Default'}
    token = cloud.password_token('admin', ADMIN_PASSWORD, system=True)
    assert _validate(cloud, token).json['token']['system'] == {'all': True}


def test_no_role_on_project_is_401(cloud):
    m = cloud.managers
    m.resource.create_project({'name': 'other', 'domain_id': 'default'})
    cloud.make_member('bob', 'demo', 'pw-bob')
    cloud.password_token('bob', 'pw-bob', project='other', status=401)


def test_disabled_user_project_and_removed_role_stop_at_once(cloud):
    m = cloud.managers
    user, project = cloud.make_member('carol', 'demo', 'pw-carol')
    token = cloud.password_token('carol', 'pw-carol', project='demo')
    _validate(cloud, token)
    member = m.assignment.get_role_by_name('member')
    cloud.call('DELETE', '/v3/projects/%s/users/%s/roles/%s' % (
        project['id'], user['id'], member['id']), status=204)
    _validate(cloud, token, status=404)

    cloud.call('PUT', '/v3/projects/%s/users/%s/roles/%s' % (
        project['id'], user['id'], member['id']), status=204)
    token = cloud.password_token('carol', 'pw-carol', project='demo')
    cloud.call('PATCH', '/v3/projects/%s' % project['id'],
               {'project': {'enabled': False}}, status=200)
    _validate(cloud, token, status=404)
    cloud.call('PATCH', '/v3/projects/%s' % project['id'],
               {'project': {'enabled': True}}, status=200)

    token = cloud.password_token('carol', 'pw-carol', project='demo')
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {'enabled': False}},
               status=200)
    _validate(cloud, token, status=404)
    cloud.password_token('carol', 'pw-carol', project='demo', status=401)


def test_deleted_user_token_invalid(cloud):
    user, _ = cloud.make_member('dave', 'demo', 'pw-dave')
    token = cloud.password_token('dave', 'pw-dave', project='demo')
    cloud.call('DELETE', '/v3/users/%s' % user['id'], status=204)
    _validate(cloud, token, status=404)


def test_group_role_and_inherited_role_give_access(cloud):
    m = cloud.managers
    parent = m.resource.create_project({'name': 'parent', 'domain_id': 'default'})
    m.resource.create_project({'name': 'child', 'parent_id': parent['id']})
    user = m.identity.create_user({'name': 'erin', 'password': 'pw-erin'})
    group = m.identity.create_group({'name': 'devs'})
    m.identity.add_user_to_group(user['id'], group['id'])
    reader = m.assignment.get_role_by_name('reader')
    member = m.assignment.get_role_by_name('member')
    m.assignment.create_grant(member['id'], 'group', group['id'], 'project', parent['id'])
    token = cloud.password_token('erin', 'pw-erin', project='parent')
    names = {r['name'] for r in _validate(cloud, token).json['token']['roles']}
    assert names == {'member', 'reader'}   # member implies reader
    cloud.password_token('erin', 'pw-erin', project='child', status=401)
    cloud.call('PUT', '/v3/OS-INHERIT/projects/%s/users/%s/roles/%s/inherited_to_projects'
               % (parent['id'], user['id'], reader['id']), status=204)
    token = cloud.password_token('erin', 'pw-erin', project='child')
    names = {r['name'] for r in _validate(cloud, token).json['token']['roles']}
    assert names == {'reader'}
    # leaving the group removes the group's role at once
    parent_token = cloud.password_token('erin', 'pw-erin', project='parent')
    cloud.call('DELETE', '/v3/groups/%s/users/%s' % (group['id'], user['id']), status=204)
    _validate(cloud, parent_token, status=404)


def test_password_change_revokes_and_new_password_works(cloud):
    user, _ = cloud.make_member('fay', 'demo', 'pw-fay')
    token = cloud.password_token('fay', 'pw-fay', project='demo')
    cloud.call('POST', '/v3/users/%s/password' % user['id'],
               {'user': {'original_password': 'wrong', 'password': 'new'}}, token=token,
               status=401)
    cloud.call('POST', '/v3/users/%s/password' % user['id'],
               {'user': {'original_password': 'pw-fay', 'password': 'pw-new'}}, token=token,
               status=204)
    _validate(cloud, token, status=404)
    cloud.password_token('fay', 'pw-fay', project='demo', status=401)
    new = cloud.password_token('fay', 'pw-new', project='demo')
    _validate(cloud, new)


def test_expired_token_is_invalid(cloud, monkeypatch):
    import time as time_mod
    token = cloud.password_token('admin', ADMIN_PASSWORD, project='admin')
    real = time_mod.time
    monkeypatch.setattr(time_mod, 'time', lambda: real() + 7200)
    cloud.call('GET', '/v3/users', token=token, status=401)


def test_auth_projects_domains_system_catalog(cloud):
    user, project = cloud.make_member('gus', 'demo', 'pw-gus')
    token = cloud.password_token('gus', 'pw-gus', project='demo')
    names = [p['name'] for p in cloud.call('GET', '/v3/auth/projects', token=token).json[
        'projects']]
    assert names == ['demo']
    assert cloud.call('GET', '/v3/auth/domains', token=token).json['domains'] == []
    assert cloud.call('GET', '/v3/auth/system', token=token).json['system'] == []
    assert cloud.call('GET', '/v3/auth/system').json['system'] == [{'all': True}]
    catalog = cloud.call('GET', '/v3/auth/catalog', token=token).json['catalog']
    assert catalog[0]['type'] == 'identity'


def test_catalog_url_substitution(cloud):
    m = cloud.managers
    svc = m.catalog.create_service({'type': 'object-store', 'name': 'swift'})
    m.catalog.create_endpoint({'service_id': svc['id'], 'interface': 'public',
                               'region_id': 'RegionOne',
                               'url': 'http://127.0.0.1:8080/v1/AUTH_$(project_id)s'})
    token = cloud.password_token('admin', ADMIN_PASSWORD, project='admin')
    body = _validate(cloud, token).json['token']
    store = [s for s in body['catalog'] if s['type'] == 'object-store'][0]
    assert store['endpoints'][0]['url'] == (
        'http://127.0.0.1:8080/v1/AUTH_%s' % body['project']['id'])


def test_application_credential_auth(cloud):
    user, project = cloud.make_member('hal', 'demo', 'pw-hal')
    token = cloud.password_token('hal', 'pw-hal', project='demo')
    resp = cloud.call('POST', '/v3/users/%s/application_credentials' % user['id'],
                      {'application_credential': {'name': 'ci'}}, token=token, status=201)
    cred = resp.json['application_credential']
    assert cred['secret'] and cred['project_id'] == project['id']
    listed = cloud.call('GET', '/v3/users/%s/application_credentials' % user['id'],
                        token=token).json['application_credentials']
    assert [c['name'] for c in listed] == ['ci'] and 'secret' not in listed[0]
    for identity in ({'id': cred['id'], 'secret': cred['secret']},
                     {'name': 'ci', 'secret': cred['secret'],
                      'user': {'name': 'hal', 'domain': {'id': 'default'}}}):
        resp = cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
            'methods': ['application_credential'], 'application_credential': identity}}},
            status=201)
        body = resp.json['token']
        assert body['project']['id'] == project['id']
        assert body['application_credential']['id'] == cred['id']
    app_token = resp.headers['X-Subject-Token']
    cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
        'methods': ['application_credential'], 'application_credential': {
            'id': cred['id'], 'secret': 'wrong'}}}}, status=401)
    cloud.call('DELETE', '/v3/users/%s/application_credentials/%s' % (user['id'], cred['id']),
               token=token, status=204)
    _validate(cloud, app_token, status=404)


def _cached(token_id, cached_until):
    from services.identity.token import provider
    token = provider.ValidatedToken()
    token.token_id, token.cached_until = token_id, cached_until
    return token


def test_the_validation_cache_drops_entries_past_their_time():
    import time as time_mod

    from services.identity.token import provider
    tokens = object.__new__(provider.TokenProvider)
    tokens._cache = {}
    now = time_mod.monotonic()
    for i in range(100):
        tokens._remember(_cached('old-%d' % i, now - 1))
    for i in range(3):
        tokens._remember(_cached('fresh-%d' % i, now + 30))
    assert list(tokens._cache) == ['fresh-0', 'fresh-1', 'fresh-2']
    # made again (validated after its time): at the end, so the front stays oldest
    tokens._remember(_cached('fresh-0', now + 60))
    assert list(tokens._cache) == ['fresh-1', 'fresh-2', 'fresh-0']
