"""Behaviour keystone has and upstream Tempest checks: ignored keys, name
limits, 404s, is_domain projects, tag PUT, rescoped methods, ec2 updates,
legacy endpoint regions, password changes, own-token checks, the manager
role and project extra properties."""

import json

from services.identity import bootstrap


def test_group_create_ignores_unknown_keys(cloud):
    group = cloud.call('POST', '/v3/groups', {'group': {
        'name': 'g1', 'project_id': 'whatever', 'description': 'd'}},
        status=201).json['group']
    assert 'project_id' not in group
    cloud.call('PATCH', '/v3/groups/%s' % group['id'], {'group': {
        'description': 'e', 'project_id': 'x'}}, status=200)


def test_domain_and_project_names_stop_at_64(cloud):
    cloud.call('POST', '/v3/domains', {'domain': {'name': 'd' * 65}}, status=400)
    cloud.call('POST', '/v3/projects', {'project': {'name': 'p' * 65}}, status=400)
    cloud.call('POST', '/v3/domains', {'domain': {'name': 'd' * 64}}, status=201)
    cloud.call('POST', '/v3/projects', {'project': {'name': 'p' * 64}}, status=201)
    # users, groups and roles keep 255
    cloud.call('POST', '/v3/users', {'user': {'name': 'u' * 255}}, status=201)
    cloud.call('POST', '/v3/groups', {'group': {'name': 'g' * 255}}, status=201)
    cloud.call('POST', '/v3/roles', {'role': {'name': 'r' * 255}}, status=201)


def test_unknown_domain_is_404(cloud):
    resp = cloud.call('POST', '/v3/users', {'user': {'name': 'u', 'domain_id': 'nope'}},
                      status=404)
    assert resp.json['error']['message'] == 'Could not find domain: nope.'
    cloud.call('POST', '/v3/groups', {'group': {'name': 'g', 'domain_id': 'nope'}},
               status=404)
    cloud.call('POST', '/v3/projects', {'project': {'name': 'p', 'domain_id': 'nope'}},
               status=404)


def test_is_domain_project_is_a_domain(cloud):
    proj = cloud.call('POST', '/v3/projects', {'project': {
        'name': 'acting', 'domain_id': None, 'is_domain': True}}, status=201).json['project']
    assert proj['is_domain'] is True
    assert proj['domain_id'] is None and proj['parent_id'] is None
    assert cloud.call('GET', '/v3/domains/%s' % proj['id']).json['domain']['name'] == 'acting'
    listed = cloud.call('GET', '/v3/projects?is_domain=true').json['projects']
    assert proj['id'] in [p['id'] for p in listed]
    assert proj['id'] not in [p['id'] for p in cloud.call('GET', '/v3/projects').json[
        'projects']]
    shown = cloud.call('GET', '/v3/projects/%s' % proj['id']).json['project']
    assert shown['is_domain'] is True
    # a domain made through /v3/domains is an is_domain project too
    dom = cloud.call('POST', '/v3/domains', {'domain': {'name': 'plain'}}).json['domain']
    assert cloud.call('GET', '/v3/projects/%s' % dom['id']).json['project']['is_domain']
    # disable then delete, through the projects API
    cloud.call('DELETE', '/v3/projects/%s' % proj['id'], status=403)
    cloud.call('PATCH', '/v3/projects/%s' % proj['id'], {'project': {'enabled': False}},
               status=200)
    cloud.call('DELETE', '/v3/projects/%s' % proj['id'], status=204)
    cloud.call('GET', '/v3/domains/%s' % proj['id'], status=404)
    cloud.call('POST', '/v3/projects', {'project': {
        'name': 'bad', 'parent_id': 'default', 'is_domain': True}}, status=400)


def test_tag_put_has_no_body(cloud):
    proj = cloud.call('POST', '/v3/projects', {'project': {'name': 't'}}).json['project']
    resp = cloud.call('PUT', '/v3/projects/%s/tags/blue' % proj['id'], status=201)
    assert resp.body == b''
    assert cloud.call('GET', '/v3/projects/%s/tags' % proj['id']).json['tags'] == ['blue']


def test_rescoped_token_keeps_its_methods(cloud):
    unscoped = cloud.password_token('admin', 'secret-admin')
    resp = cloud.app.post_json('/v3/auth/tokens', {'auth': {
        'identity': {'methods': ['token'], 'token': {'id': unscoped}},
        'scope': {'project': {'name': 'admin', 'domain': {'id': 'default'}}}}}, status=201)
    assert sorted(resp.json['token']['methods']) == ['password', 'token']


def test_ec2_blob_update_changes_the_access_key(cloud):
    user, project = cloud.make_member()
    blob = json.dumps({'access': 'A1', 'secret': 's'})
    cred = cloud.call('POST', '/v3/credentials', {'credential': {
        'user_id': user['id'], 'project_id': project['id'], 'type': 'ec2', 'blob': blob}},
        status=201).json['credential']
    new_blob = json.dumps({'access': 'A2', 'secret': 's2'})
    updated = cloud.call('PATCH', '/v3/credentials/%s' % cred['id'], {'credential': {
        'blob': new_blob}}, status=200).json['credential']
    assert json.loads(updated['blob']) == {'access': 'A2', 'secret': 's2'}
    assert updated['id'] == cred['id']


def test_endpoint_with_legacy_region_creates_it(cloud):
    service = cloud.call('POST', '/v3/services', {'service': {'type': 'compute'}}).json[
        'service']
    ep = cloud.call('POST', '/v3/endpoints', {'endpoint': {
        'service_id': service['id'], 'interface': 'public', 'url': 'http://x/',
        'region': 'tempest-region-1'}}, status=201).json['endpoint']
    assert ep['region_id'] == ep['region'] == 'tempest-region-1'
    cloud.call('GET', '/v3/regions/tempest-region-1', status=200)
    cloud.call('PATCH', '/v3/endpoints/%s' % ep['id'], {'endpoint': {
        'region': 'tempest-region-2', 'enabled': False}}, status=200)
    cloud.call('GET', '/v3/regions/tempest-region-2', status=200)
    # region_id keeps meaning an existing region
    cloud.call('POST', '/v3/endpoints', {'endpoint': {
        'service_id': service['id'], 'interface': 'public', 'url': 'http://x/',
        'region_id': 'unknown-region'}}, status=400)


def test_admin_changes_a_users_password(cloud):
    user, _ = cloud.make_member(password='old-pw')
    cloud.call('POST', '/v3/users/%s/password' % user['id'], {'user': {
        'original_password': 'old-pw', 'password': 'new-pw'}}, status=204)
    cloud.password_token('alice', 'new-pw', project='demo')
    # the original password is still the proof
    cloud.call('POST', '/v3/users/%s/password' % user['id'], {'user': {
        'original_password': 'wrong', 'password': 'x'}}, status=401)


def test_member_validates_and_checks_its_own_token(cloud):
    cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    headers = {'X-Subject-Token': token}
    resp = cloud.call('GET', '/v3/auth/tokens', token=token, headers=headers, status=200)
    assert resp.json['token']['user']['name'] == 'alice'
    cloud.call('HEAD', '/v3/auth/tokens', token=token, headers=headers, status=200)
    # but not somebody else's
    other = cloud.admin_token
    cloud.call('GET', '/v3/auth/tokens', token=token, headers={'X-Subject-Token': other},
               status=403)


def test_member_cannot_list_projects(cloud):
    cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    cloud.call('GET', '/v3/projects', token=token, status=403)


def test_bootstrap_makes_the_manager_chain(cloud):
    m = cloud.managers
    roles = {name: m.assignment.get_role_by_name(name)['id']
             for name in ('admin', 'manager', 'member', 'reader')}
    for prior, implied in (('admin', 'manager'), ('manager', 'member'),
                           ('member', 'reader')):
        m.assignment.get_implied_role(roles[prior], roles[implied])
    # running it again changes nothing
    logged = []
    bootstrap.bootstrap(m, bootstrap.BootstrapOptions(password='secret-admin'),
                        log=logged.append)
    assert logged == []
    # a manager on a project gets member and reader there
    user, project = cloud.make_member(name='boss', project='mgd')
    m.assignment.create_grant(roles['manager'], 'user', user['id'], 'project', project['id'])
    token = cloud.password_token('boss', 'pw-alice', project='mgd')
    names = sorted(r['name'] for r in cloud.call(
        'GET', '/v3/auth/tokens', headers={'X-Subject-Token': token}).json['token']['roles'])
    assert names == ['manager', 'member', 'reader']


def test_project_extra_properties_are_kept(cloud):
    proj = cloud.call('POST', '/v3/projects', {'project': {
        'name': 'px', 'colour': 'blue'}}, status=201).json['project']
    assert proj['colour'] == 'blue'
    cloud.call('PATCH', '/v3/projects/%s' % proj['id'], {'project': {'size': 'L'}},
               status=200)
    shown = cloud.call('GET', '/v3/projects/%s' % proj['id']).json['project']
    assert (shown['colour'], shown['size']) == ('blue', 'L')
    listed = [p for p in cloud.call('GET', '/v3/projects').json['projects']
              if p['id'] == proj['id']]
    assert listed[0]['size'] == 'L'
    # the API's own keys are never stored as extra
    cloud.call('PATCH', '/v3/projects/%s' % proj['id'], {'project': {
        'domain_id': 'other'}}, status=400)
    assert 'is_domain' not in cloud.managers.resource.get_project(proj['id'])['extra']


def test_token_method_with_a_revoked_token_is_404(cloud):
    # keystone looks the token up and answers "Could not find token" (Tempest's
    # test_user_update_own_password expects that after a password change)
    user, _ = cloud.make_member(password='old-pw')
    token = cloud.password_token('alice', 'old-pw', project='demo')
    cloud.call('POST', '/v3/users/%s/password' % user['id'], {'user': {
        'original_password': 'old-pw', 'password': 'new-pw'}}, token=token, status=204)
    resp = cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
        'methods': ['token'], 'token': {'id': token}}}}, status=404)
    assert resp.json['error']['message'].startswith('Could not find token')
    cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
        'methods': ['token'], 'token': {'id': 'not-a-token'}}}}, status=404)
