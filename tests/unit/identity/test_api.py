"""CRUD, filters, faults and policy of the identity API on the memory backend."""

import pytest

from services.identity import bootstrap


def test_version_discovery(cloud):
    resp = cloud.app.get('/', status=300)
    assert resp.json['versions']['values'][0]['id'].startswith('v3')
    assert cloud.app.get('/v3').json['version']['links'][0]['href'].endswith('/v3/')
    cloud.app.get('/v3/users', status=401)


def test_fault_bodies(cloud):
    resp = cloud.call('GET', '/v3/users/nope', status=404)
    assert resp.json == {'error': {'code': 404, 'title': 'Not Found',
                                   'message': 'Could not find user: nope.'}}
    resp = cloud.app.post('/v3/projects', '{bad json',
                          headers={'X-Auth-Token': cloud.admin_token,
                                   'Content-Type': 'application/json'}, status=400)
    assert resp.json['error']['code'] == 400
    resp = cloud.call('POST', '/v3/projects', {'project': {'name': 7}}, status=400)
    assert 'name' in resp.json['error']['message']
    cloud.call('POST', '/v3/projects', {'nope': {}}, status=400)
    cloud.call('POST', '/v3/auth/tokens', {'auth': {}}, status=400)
    resp = cloud.call('GET', '/v3/no-such-collection', status=404)
    assert resp.json['error']['code'] == 404


def test_oversized_body_refused(cloud):
    big = {'project': {'name': 'x', 'description': 'y' * (200 * 1024)}}
    resp = cloud.call('POST', '/v3/projects', big, status='*')
    assert resp.status_int == 413
    assert cloud.managers.resource.list_projects({'name': 'x'}) == []


@pytest.mark.parametrize('path,body', [
    ('/v3/domains', {'domain': {'name': 'dup'}}),
    ('/v3/projects', {'project': {'name': 'dup'}}),
    ('/v3/users', {'user': {'name': 'dup'}}),
    ('/v3/groups', {'group': {'name': 'dup'}}),
    ('/v3/roles', {'role': {'name': 'dup'}}),
])
def test_duplicates_conflict(cloud, path, body):
    cloud.call('POST', path, body, status=201)
    resp = cloud.call('POST', path, body, status=409)
    assert resp.json['error']['code'] == 409


def test_project_hierarchy_tags_and_filters(cloud):
    top = cloud.call('POST', '/v3/projects', {'project': {
        'name': 'top', 'tags': ['a', 'b']}}, status=201).json['project']
    assert top['parent_id'] == 'default'
    child = cloud.call('POST', '/v3/projects', {'project': {
        'name': 'kid', 'parent_id': top['id'], 'enabled': False}}, status=201).json['project']
    assert child['parent_id'] == top['id']
    names = lambda q: sorted(p['name'] for p in cloud.call(
        'GET', '/v3/projects' + q).json['projects'])
    assert names('?parent_id=%s' % top['id']) == ['kid']
    assert names('?enabled=false') == ['kid']
    assert names('?tags=a,b') == ['top']
    assert names('?name=kid') == ['kid']
    cloud.call('PUT', '/v3/projects/%s/tags/c' % top['id'], status=201)
    cloud.call('GET', '/v3/projects/%s/tags/c' % top['id'], status=204)
    assert cloud.call('GET', '/v3/projects/%s/tags' % top['id']).json['tags'] == [
        'a', 'b', 'c']
    cloud.call('DELETE', '/v3/projects/%s/tags/a' % top['id'], status=204)
    shown = cloud.call('GET', '/v3/projects/%s?parents_as_ids&subtree_as_ids' % child['id'])
    assert cloud.call('GET', '/v3/projects/%s?subtree_as_ids=true' % top['id']).json[
        'project']['subtree'] == {child['id']: None}
    assert shown.status_int == 200
    cloud.call('DELETE', '/v3/projects/%s' % top['id'], status=403)   # has a child
    cloud.call('DELETE', '/v3/projects/%s' % child['id'], status=204)
    cloud.call('DELETE', '/v3/projects/%s' % top['id'], status=204)
    cloud.call('POST', '/v3/projects', {'project': {'name': 'x', 'parent_id': 'nope'}},
               status=400)


def test_user_crud_hides_password(cloud):
    resp = cloud.call('POST', '/v3/users', {'user': {
        'name': 'ivy', 'password': 'pw', 'email': 'ivy@example.com', 'team': 'blue'}},
        status=201)
    user = resp.json['user']
    assert 'password' not in user and 'password_hash' not in user
    assert user['email'] == 'ivy@example.com' and user['team'] == 'blue'
    resp = cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {'enabled': False}})
    assert resp.json['user']['enabled'] is False
    assert [u['name'] for u in cloud.call('GET', '/v3/users?enabled=false').json[
        'users']] == ['ivy']
    cloud.call('POST', '/v3/users', {'user': {'name': 'z', 'domain_id': 'nope'}}, status=404)
    cloud.call('DELETE', '/v3/users/%s' % user['id'], status=204)
    cloud.call('GET', '/v3/users/%s' % user['id'], status=404)


def test_domain_delete_requires_disable_and_cascades(cloud):
    domain = cloud.call('POST', '/v3/domains', {'domain': {'name': 'd1'}},
                        status=201).json['domain']
    project = cloud.call('POST', '/v3/projects', {'project': {
        'name': 'p', 'domain_id': domain['id']}}, status=201).json['project']
    cloud.call('POST', '/v3/users', {'user': {'name': 'u', 'domain_id': domain['id']}},
               status=201)
    cloud.call('DELETE', '/v3/domains/%s' % domain['id'], status=403)
    cloud.call('PATCH', '/v3/domains/%s' % domain['id'], {'domain': {'enabled': False}})
    cloud.call('DELETE', '/v3/domains/%s' % domain['id'], status=204)
    cloud.call('GET', '/v3/projects/%s' % project['id'], status=404)
    assert cloud.call('GET', '/v3/users?domain_id=%s' % domain['id']).json['users'] == []


def test_roles_implied_and_inferences(cloud):
    roles = {r['name']: r for r in cloud.call('GET', '/v3/roles').json['roles']}
    assert {'admin', 'member', 'reader'} <= set(roles)
    resp = cloud.call('GET', '/v3/roles/%s/implies' % roles['admin']['id'])
    assert [r['name'] for r in resp.json['role_inference']['implies']] == ['manager']
    inferences = cloud.call('GET', '/v3/role_inferences').json['role_inferences']
    assert len(inferences) == 3
    cloud.call('PUT', '/v3/roles/%s/implies/%s' % (roles['reader']['id'],
                                                   roles['admin']['id']), status=403)
    extra = cloud.call('POST', '/v3/roles', {'role': {'name': 'extra'}},
                       status=201).json['role']
    cloud.call('PUT', '/v3/roles/%s/implies/%s' % (extra['id'], roles['reader']['id']),
               status=201)
    cloud.call('HEAD', '/v3/roles/%s/implies/%s' % (extra['id'], roles['reader']['id']),
               status=204)
    cloud.call('DELETE', '/v3/roles/%s/implies/%s' % (extra['id'], roles['reader']['id']),
               status=204)
    cloud.call('GET', '/v3/roles/%s/implies/%s' % (extra['id'], roles['reader']['id']),
               status=404)


def test_role_assignments_listing(cloud):
    m = cloud.managers
    user, project = cloud.make_member('jay', 'demo', 'pw')
    group = m.identity.create_group({'name': 'g'})
    m.identity.add_user_to_group(user['id'], group['id'])
    reader = m.assignment.get_role_by_name('reader')
    cloud.call('PUT', '/v3/domains/default/groups/%s/roles/%s' % (group['id'], reader['id']),
               status=204)
    cloud.call('HEAD', '/v3/domains/default/groups/%s/roles/%s' % (group['id'],
                                                                   reader['id']), status=204)
    direct = cloud.call('GET', '/v3/role_assignments?user.id=%s' % user['id']).json[
        'role_assignments']
    assert [(a['role']['id'], a['scope']['project']['id']) for a in direct] == [
        (m.assignment.get_role_by_name('member')['id'], project['id'])]
    eff = cloud.call('GET', '/v3/role_assignments?effective&include_names&user.id=%s'
                     % user['id']).json['role_assignments']
    shaped = sorted((a['role']['name'], list(a['scope'])[0]) for a in eff)
    assert shaped == [('member', 'project'), ('reader', 'domain'), ('reader', 'project')]
    via_group = [a for a in eff if 'membership' in a['links']]
    assert via_group and via_group[0]['user']['name'] == 'jay'
    assert via_group[0]['scope']['domain']['name'] == 'Default'
    by_project = cloud.call('GET', '/v3/role_assignments?scope.project.id=%s'
                            % project['id']).json['role_assignments']
    assert len(by_project) == 1
    cloud.call('GET', '/v3/role_assignments?effective&group.id=%s' % group['id'], status=400)
    listed = cloud.call('GET', '/v3/projects/%s/users/%s/roles' % (
        project['id'], user['id'])).json['roles']
    assert [r['name'] for r in listed] == ['member']
    cloud.call('DELETE', '/v3/projects/%s/users/%s/roles/%s' % (
        project['id'], user['id'], reader['id']), status=404)


def test_system_grants(cloud):
    user, _ = cloud.make_member('kim', 'demo', 'pw-kim')
    reader = cloud.managers.assignment.get_role_by_name('reader')
    cloud.password_token('kim', 'pw-kim', system=True, status=401)
    cloud.call('PUT', '/v3/system/users/%s/roles/%s' % (user['id'], reader['id']),
               status=204)
    assert [r['name'] for r in cloud.call('GET', '/v3/system/users/%s/roles'
                                          % user['id']).json['roles']] == ['reader']
    cloud.password_token('kim', 'pw-kim', system=True)


def test_catalog_crud(cloud):
    cloud.call('POST', '/v3/regions', {'region': {'id': 'R2', 'description': 'two'}},
               status=201)
    cloud.call('POST', '/v3/regions', {'region': {'id': 'R2'}}, status=409)
    svc = cloud.call('POST', '/v3/services', {'service': {'type': 'compute',
                                                          'name': 'nova'}},
                     status=201).json['service']
    ep = cloud.call('POST', '/v3/endpoints', {'endpoint': {
        'service_id': svc['id'], 'interface': 'public', 'region': 'R2',
        'url': 'http://127.0.0.1:8774/v2.1'}}, status=201).json['endpoint']
    assert ep['region_id'] == 'R2'
    cloud.call('POST', '/v3/endpoints', {'endpoint': {
        'service_id': svc['id'], 'interface': 'bogus', 'url': 'http://x'}}, status=400)
    cloud.call('POST', '/v3/endpoints', {'endpoint': {
        'service_id': 'nope', 'interface': 'public', 'url': 'http://x'}}, status=400)
    assert len(cloud.call('GET', '/v3/endpoints?service_id=%s' % svc['id']).json[
        'endpoints']) == 1
    cloud.call('DELETE', '/v3/regions/R2', status=409)   # endpoint still uses it
    cloud.call('DELETE', '/v3/services/%s' % svc['id'], status=204)
    cloud.call('GET', '/v3/endpoints/%s' % ep['id'], status=404)
    cloud.call('DELETE', '/v3/regions/R2', status=204)


def test_member_policy(cloud):
    user, project = cloud.make_member('lee', 'demo', 'pw-lee')
    other = cloud.managers.resource.create_project({'name': 'other', 'domain_id': 'default'})
    token = cloud.password_token('lee', 'pw-lee', project='demo')
    for method, path in [('GET', '/v3/users'), ('GET', '/v3/domains'),
                         ('GET', '/v3/roles'), ('GET', '/v3/role_assignments'),
                         ('GET', '/v3/services'), ('GET', '/v3/endpoints'),
                         ('GET', '/v3/projects/%s' % other['id']),
                         ('GET', '/v3/users/%s' % cloud.boot['user']['id']),
                         ('DELETE', '/v3/projects/%s' % project['id'])]:
        resp = cloud.call(method, path, token=token, status=403)
        assert resp.json['error']['code'] == 403
    cloud.call('POST', '/v3/projects', {'project': {'name': 'n'}}, token=token, status=403)
    cloud.call('PUT', '/v3/projects/%s/users/%s/roles/%s' % (
        project['id'], user['id'], cloud.boot['roles']['admin']['id']), token=token,
        status=403)
    # keystone's default: a member lists its projects through /v3/auth/projects
    cloud.call('GET', '/v3/projects', token=token, status=403)
    for path in ('/v3/auth/projects', '/v3/users/%s/projects' % user['id']):
        assert [p['name'] for p in cloud.call('GET', path, token=token).json[
            'projects']] == ['demo']
    assert cloud.call('GET', '/v3/users/%s' % user['id'], token=token).json['user'][
        'name'] == 'lee'
    cloud.call('GET', '/v3/projects/%s' % project['id'], token=token, status=200)
    cloud.call('GET', '/v3/regions', token=token, status=200)
    # a member cannot validate someone else's token, but may validate their own
    cloud.call('GET', '/v3/auth/tokens', token=token,
               headers={'X-Subject-Token': cloud.admin_token}, status=403)
    cloud.call('GET', '/v3/auth/tokens', token=token, headers={'X-Subject-Token': token},
               status=200)
    # and cannot see or change another user's application credentials
    cloud.call('GET', '/v3/users/%s/application_credentials' % cloud.boot['user']['id'],
               token=token, status=403)


def test_bootstrap_is_idempotent(cloud):
    m = cloud.managers
    before = (len(m.resource.list_projects()), len(m.identity.list_users()),
              len(m.assignment.list_roles()), len(m.catalog.list_endpoints()))
    bootstrap.bootstrap(m, bootstrap.BootstrapOptions(
        password='secret-admin', region_id='RegionOne',
        public_url='http://127.0.0.1:5000/v3'), log=lambda msg: None)
    after = (len(m.resource.list_projects()), len(m.identity.list_users()),
             len(m.assignment.list_roles()), len(m.catalog.list_endpoints()))
    assert before == after
    # a new password is applied on the next run
    bootstrap.bootstrap(m, bootstrap.BootstrapOptions(password='rotated'),
                        log=lambda msg: None)
    cloud.password_token('admin', 'rotated', project='admin')
