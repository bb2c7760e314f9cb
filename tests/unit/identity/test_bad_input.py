"""Wrong methods and oversized values get a 4xx with keystone's body, never a 500."""

import pytest

COLLECTIONS = ('/v3/credentials', '/v3/users', '/v3/projects', '/v3/domains', '/v3/groups',
               '/v3/roles', '/v3/regions', '/v3/services', '/v3/endpoints')


@pytest.mark.parametrize('method', ['PUT', 'PATCH', 'DELETE'])
@pytest.mark.parametrize('path', COLLECTIONS)
def test_write_on_a_collection_is_405(cloud, method, path):
    before = cloud.call('GET', path).json
    resp = cloud.call(method, path, {} if method != 'DELETE' else None)
    assert resp.status_int == 405
    assert resp.json == {'error': {'code': 405, 'title': 'Method Not Allowed',
                                   'message': 'The method is not allowed for the '
                                              'requested URL.'}}
    assert 'POST' in resp.headers['Allow']
    assert cloud.call('GET', path).json == before


@pytest.mark.parametrize('method,path', [
    ('PATCH', '/v3/auth/projects'), ('DELETE', '/v3/auth/catalog'),
    ('POST', '/v3/auth/domains'), ('PUT', '/v3/auth/system'), ('PUT', '/v3/auth/tokens'),
    ('POST', '/v3'), ('DELETE', '/'), ('POST', '/v3/role_assignments'),
    ('DELETE', '/v3/role_inferences'), ('PUT', '/v3/users/admin-id'),
    ('PATCH', '/v3/users/some-user/application_credentials'),
    ('DELETE', '/v3/users/some-user/application_credentials'),
])
def test_wrong_method_is_405(cloud, method, path):
    path = path.replace('admin-id', cloud.boot['user']['id'])
    resp = cloud.call(method, path)
    assert resp.status_int == 405, resp.body
    assert resp.json['error']['code'] == 405


def test_long_names_and_passwords_are_400(cloud):
    long = 'n' * 5000
    for path, body in [('/v3/users', {'user': {'name': long}}),
                       ('/v3/users', {'user': {'name': 'ok', 'password': long}}),
                       ('/v3/projects', {'project': {'name': long}}),
                       ('/v3/groups', {'group': {'name': long}})]:
        resp = cloud.call('POST', path, body)
        assert resp.status_int == 400, (path, resp.body)
        assert resp.json['error']['code'] == 400
    user = cloud.boot['user']['id']
    resp = cloud.call('POST', '/v3/users/%s/password' % user, {'user': {
        'original_password': 'x', 'password': long}})
    assert resp.status_int == 400


def test_long_credentials_at_login_are_refused_not_crashed(cloud):
    long = 'u' * 20000
    for user in ({'name': long, 'domain': {'id': 'default'}, 'password': long},
                 {'id': long, 'password': 'x'},
                 {'name': 'admin', 'domain': {'name': long}, 'password': 'x'}):
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': user}}}}
        resp = cloud.app.post_json('/v3/auth/tokens', body, status='*')
        assert resp.status_int in (400, 401), resp.body
        assert resp.json['error']['code'] == resp.status_int
