"""Domain-specific roles as keystone defines them, and who hears that a
token is gone.

A domain-specific role (one with a ``domain_id``) is never an effective
role: it is not listed by ``GET /v3/role_assignments?effective`` and never
reaches a token; an assignment of it only carries the global roles it
implies.  It may imply any role (its own domain's, another domain's, a
global one), but a global role may not imply it, and no role may imply a
role named in ``[assignment] prohibited_implied_role``.
"""

from tests.unit.identity.conftest import Cloud


def _domain(cloud, name='dom'):
    return cloud.call('POST', '/v3/domains', {'domain': {'name': name}},
                      status=201).json['domain']


def _role(cloud, name, domain_id=None):
    body = {'name': name}
    if domain_id:
        body['domain_id'] = domain_id
    return cloud.call('POST', '/v3/roles', {'role': body}, status=201).json['role']


def _imply(cloud, prior, implied, status):
    return cloud.call('PUT', '/v3/roles/%s/implies/%s' % (prior['id'], implied['id']),
                      status=status)


def _user_in_project(cloud, domain):
    project = cloud.call('POST', '/v3/projects', {'project': {
        'name': 'p-%s' % domain['name'], 'domain_id': domain['id']}},
        status=201).json['project']
    user = cloud.call('POST', '/v3/users', {'user': {
        'name': 'u-%s' % domain['name'], 'domain_id': domain['id'],
        'password': 'pw-u'}}, status=201).json['user']
    return user, project


def _grant(cloud, project, user, role, status=204):
    return cloud.call('PUT', '/v3/projects/%s/users/%s/roles/%s' % (
        project['id'], user['id'], role['id']), status=status)


def _effective(cloud, user, project):
    return cloud.call('GET', '/v3/role_assignments?effective&scope.project.id=%s&user.id=%s'
                      % (project['id'], user['id']), status=200).json['role_assignments']


def _project_token(cloud, user, project, status=201):
    resp = cloud.app.post_json('/v3/auth/tokens', {'auth': {
        'identity': {'methods': ['password'], 'password': {
            'user': {'id': user['id'], 'password': 'pw-u'}}},
        'scope': {'project': {'id': project['id']}}}}, status=status)
    return resp


def test_implications_keystone_accepts_and_refuses(cloud):
    dom, dom2 = _domain(cloud, 'd1'), _domain(cloud, 'd2')
    r1, r2 = _role(cloud, 'r1', dom['id']), _role(cloud, 'r2', dom['id'])
    r3 = _role(cloud, 'r3', dom2['id'])
    glob = _role(cloud, 'glob')
    # same domain, another domain, and a global role: all allowed
    _imply(cloud, r1, r2, 201)
    _imply(cloud, r1, r3, 201)
    _imply(cloud, r1, glob, 201)
    # a global role implying a domain-specific one: 403
    resp = _imply(cloud, glob, r1, 403)
    assert resp.json['error']['message'] == \
        'A global role cannot imply a domain-specific role.'
    # the prohibited role (admin) cannot be implied by anything
    admin = cloud.managers.assignment.get_role_by_name('admin')
    resp = _imply(cloud, glob, admin, 403)
    assert resp.json['error']['message'] == '%s cannot be an implied role.' % admin['id']
    _imply(cloud, r1, admin, 403)


def test_prohibited_implied_role_is_configurable(conf):
    conf.set_override('prohibited_implied_role', [], group='assignment')
    cloud = Cloud(conf)
    admin = cloud.managers.assignment.get_role_by_name('admin')
    _imply(cloud, _role(cloud, 'top'), admin, 201)


def test_domain_role_is_not_an_effective_assignment(cloud):
    dom = _domain(cloud)
    user, project = _user_in_project(cloud, dom)
    drole = _role(cloud, 'drole', dom['id'])
    _grant(cloud, project, user, drole)
    # the direct assignment is listed; the effective listing has nothing
    direct = cloud.call('GET', '/v3/role_assignments?scope.project.id=%s&user.id=%s'
                        % (project['id'], user['id'])).json['role_assignments']
    assert [a['role']['id'] for a in direct] == [drole['id']]
    assert _effective(cloud, user, project) == []
    # and it gives no token on the project
    _project_token(cloud, user, project, status=401)
    # nor makes the project one the user can scope to
    unscoped = cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
        'methods': ['password'], 'password': {
            'user': {'id': user['id'], 'password': 'pw-u'}}}}}, status=201)
    token = unscoped.headers['X-Subject-Token']
    assert cloud.call('GET', '/v3/auth/projects', token=token).json['projects'] == []


def test_domain_role_carries_the_global_roles_it_implies(cloud):
    dom = _domain(cloud)
    user, project = _user_in_project(cloud, dom)
    drole, dinner = _role(cloud, 'drole', dom['id']), _role(cloud, 'dinner', dom['id'])
    member = cloud.managers.assignment.get_role_by_name('member')
    reader = cloud.managers.assignment.get_role_by_name('reader')
    # drole -> dinner (domain-specific) -> member (global) -> reader
    _imply(cloud, drole, dinner, 201)
    _imply(cloud, dinner, member, 201)
    _grant(cloud, project, user, drole)
    effective = _effective(cloud, user, project)
    assert sorted(a['role']['id'] for a in effective) == sorted([member['id'], reader['id']])
    token = _project_token(cloud, user, project).json['token']
    assert sorted(r['name'] for r in token['roles']) == ['member', 'reader']
    assert cloud.call('GET', '/v3/auth/projects',
                      token=_project_token(cloud, user, project).headers['X-Subject-Token']
                      ).json['projects'][0]['id'] == project['id']


def test_domain_role_on_another_domains_project_is_refused(cloud):
    dom, dom2 = _domain(cloud, 'd1'), _domain(cloud, 'd2')
    user, project = _user_in_project(cloud, dom)
    foreign = _role(cloud, 'foreign', dom2['id'])
    resp = _grant(cloud, project, user, foreign, status=403)
    assert resp.json['error']['message'] == (
        'Project %s must be in the same domain as the role %s being assigned.'
        % (project['id'], foreign['id']))
    _grant(cloud, project, user, _role(cloud, 'own', dom['id']))


# -- a revoked token: its owner hears 404, others what policy allows ---------------

def _two_members(cloud):
    cloud.make_member()
    cloud.make_member(name='bob', password='pw-bob')
    alice = cloud.password_token('alice', 'pw-alice', project='demo')
    bob = cloud.password_token('bob', 'pw-bob', project='demo')
    return alice, bob


def test_member_checks_its_own_revoked_token(cloud):
    alice, _ = _two_members(cloud)
    subject = cloud.password_token('alice', 'pw-alice')
    headers = {'X-Subject-Token': subject}
    cloud.call('HEAD', '/v3/auth/tokens', token=alice, headers=headers, status=200)
    cloud.call('DELETE', '/v3/auth/tokens', token=alice, headers=headers, status=204)
    cloud.call('HEAD', '/v3/auth/tokens', token=alice, headers=headers, status=404)
    resp = cloud.call('GET', '/v3/auth/tokens', token=alice, headers=headers, status=404)
    assert resp.json['error']['code'] == 404
    cloud.call('DELETE', '/v3/auth/tokens', token=alice, headers=headers, status=404)


def test_other_member_learns_nothing_about_a_revoked_token(cloud):
    alice, bob = _two_members(cloud)
    subject = cloud.password_token('alice', 'pw-alice')
    headers = {'X-Subject-Token': subject}
    # valid or revoked, bob gets the same answer about alice's token
    cloud.call('GET', '/v3/auth/tokens', token=bob, headers=headers, status=403)
    cloud.call('DELETE', '/v3/auth/tokens', token=alice, headers=headers, status=204)
    for method in ('GET', 'HEAD', 'DELETE'):
        cloud.call(method, '/v3/auth/tokens', token=bob, headers=headers, status=403)
    # a string that is no token of ours has no owner: 403 for members too
    cloud.call('GET', '/v3/auth/tokens', token=bob, headers={'X-Subject-Token': 'garbage'},
               status=403)
    # an administrator hears that both are gone
    cloud.call('GET', '/v3/auth/tokens', headers=headers, status=404)
    cloud.call('GET', '/v3/auth/tokens', headers={'X-Subject-Token': 'garbage'}, status=404)
