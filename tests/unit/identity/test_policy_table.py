"""Role x operation -> status, through the real identity API and its default rules.

Personas (project A = "alpha", project B = "beta", all in domain default):
admin (admin on the admin project), member_a, reader_a, member_b, a user
with no role at all (its token is unscoped), a service user (``service``
on project "service"), a system reader and a domain reader of default.
Every denied write is checked to have changed nothing.
"""

import pytest

from tests.unit.identity.conftest import Cloud, make_conf

PASSWORD = 'pw-table'
PERSONAS = ('admin', 'member_a', 'reader_a', 'member_b', 'no_role', 'service',
            'system_reader', 'domain_reader')


class World:
    """One cloud with every persona, their tokens and A's resources."""

    def __init__(self, tmp_path):
        self.cloud = Cloud(make_conf(tmp_path))
        m = self.cloud.managers
        self.m = m
        self.project_a = m.resource.create_project({'name': 'alpha', 'domain_id': 'default'})
        self.project_b = m.resource.create_project({'name': 'beta', 'domain_id': 'default'})
        service_project = m.resource.create_project({'name': 'service',
                                                     'domain_id': 'default'})
        roles = {r['name']: r for r in m.assignment.list_roles()}
        service_role = roles.get('service') or m.assignment.create_role({'name': 'service'})
        self.roles = dict(roles, service=service_role)
        self.users = {'admin': self.cloud.boot['user']}
        grants = {'member_a': ('member', 'project', self.project_a['id']),
                  'reader_a': ('reader', 'project', self.project_a['id']),
                  'member_b': ('member', 'project', self.project_b['id']),
                  'no_role': None,
                  'service': ('service', 'project', service_project['id']),
                  'system_reader': ('reader', 'system', 'system'),
                  'domain_reader': ('reader', 'domain', 'default')}
        for persona, grant in grants.items():
            user = m.identity.create_user({'name': persona, 'domain_id': 'default',
                                           'password': PASSWORD})
            self.users[persona] = user
            if grant:
                role, kind, target = grant
                m.assignment.create_grant(self.roles[role]['id'], 'user', user['id'], kind,
                                          target)
        scopes = {'member_a': {'project': 'alpha'}, 'reader_a': {'project': 'alpha'},
                  'member_b': {'project': 'beta'}, 'no_role': {},
                  'service': {'project': 'service'}, 'system_reader': {'system': True},
                  'domain_reader': {'domain': 'default'}}
        self.tokens = {'admin': self.cloud.admin_token}
        for persona, scope in scopes.items():
            self.tokens[persona] = self.cloud.password_token(persona, PASSWORD, **scope)
        # what the operations act on
        self.credential = self.cloud.call('POST', '/v3/credentials', {'credential': {
            'type': 'totp', 'user_id': self.users['member_a']['id'],
            'blob': 'secret-of-a'}}, status=201).json['credential']

    def snapshot(self):
        m = self.m
        a = self.users['member_a']['id']
        return {
            'projects': sorted((p['id'], p['name'], p['enabled'], tuple(p['tags']))
                               for p in m.resource.list_projects()),
            'users': sorted((u['id'], u['name'], u['enabled'])
                            for u in m.identity.list_users()),
            'grants': sorted(str(sorted(r.items()))
                             for r in m.assignment.driver.list_assignments()),
            'credentials': sorted(c['id'] for c in m.credential.list_stored({})),
            'regions': sorted(r['id'] for r in m.catalog.list_regions()),
            'app_creds': sorted(c['id'] for c in m.app_cred.list_for_user(a, {})),
            'member_a_password_ok': self._password_ok('member_a'),
        }

    def _password_ok(self, persona):
        return self.cloud.password_token(persona, PASSWORD, status='*') is not None


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    return World(tmp_path_factory.mktemp('identity-table'))


def _ops(w):
    """name -> (method, path, body): what each row does."""
    a, b = w.project_a['id'], w.project_b['id']
    user_a = w.users['member_a']['id']
    member_role = w.roles['member']['id']
    return {
        'list_projects': ('GET', '/v3/projects', None),
        'get_project_a': ('GET', '/v3/projects/%s' % a, None),
        'update_project_a': ('PATCH', '/v3/projects/%s' % a,
                             {'project': {'name': 'renamed'}}),
        'tag_project_a': ('PUT', '/v3/projects/%s/tags/x' % a, None),
        'create_project': ('POST', '/v3/projects', {'project': {'name': 'new'}}),
        'list_users': ('GET', '/v3/users', None),
        'get_user_a': ('GET', '/v3/users/%s' % user_a, None),
        'update_user_a': ('PATCH', '/v3/users/%s' % user_a, {'user': {'enabled': False}}),
        'password_user_a': ('POST', '/v3/users/%s/password' % user_a, {'user': {
            'original_password': PASSWORD, 'password': PASSWORD}}),
        'user_a_projects': ('GET', '/v3/users/%s/projects' % user_a, None),
        'list_groups': ('GET', '/v3/groups', None),
        'list_roles': ('GET', '/v3/roles', None),
        'list_domains': ('GET', '/v3/domains', None),
        'get_domain': ('GET', '/v3/domains/default', None),
        'list_assignments': ('GET', '/v3/role_assignments', None),
        'list_grants_a': ('GET', '/v3/projects/%s/users/%s/roles' % (a, user_a), None),
        'grant_on_a': ('PUT', '/v3/projects/%s/users/%s/roles/%s' % (
            a, w.users['member_b']['id'], member_role), None),
        'grant_on_b': ('PUT', '/v3/projects/%s/users/%s/roles/%s' % (
            b, w.users['reader_a']['id'], member_role), None),
        'list_credentials_a': ('GET', '/v3/credentials?user_id=%s' % user_a, None),
        'get_credential_a': ('GET', '/v3/credentials/%s' % w.credential['id'], None),
        'create_credential_a': ('POST', '/v3/credentials', {'credential': {
            'type': 'totp', 'user_id': user_a, 'blob': 'planted'}}),
        'delete_credential_a': ('DELETE', '/v3/credentials/%s' % w.credential['id'], None),
        'list_app_creds_a': ('GET', '/v3/users/%s/application_credentials' % user_a, None),
        'create_app_cred_a': ('POST', '/v3/users/%s/application_credentials' % user_a,
                              {'application_credential': {'name': 'planted'}}),
        'list_services': ('GET', '/v3/services', None),
        'list_endpoints': ('GET', '/v3/endpoints', None),
        'list_regions': ('GET', '/v3/regions', None),
        'create_region': ('POST', '/v3/regions', {'region': {'id': 'R9'}}),
        'auth_projects': ('GET', '/v3/auth/projects', None),
    }


# statuses per persona, in PERSONAS order; writes an admin may do are
# exercised elsewhere (test_api) and marked "ok" here only when harmless
Y, N = 200, 403
TABLE = {
    #                      admin mem_a rdr_a mem_b none  svc   sysr  domr
    'list_projects':       (Y,    N,    N,    N,    N,    N,    Y,    Y),
    'get_project_a':       (Y,    Y,    Y,    N,    N,    N,    Y,    Y),
    'update_project_a':    (None, N,    N,    N,    N,    N,    N,    N),
    'tag_project_a':       (None, N,    N,    N,    N,    N,    N,    N),
    'create_project':      (None, N,    N,    N,    N,    N,    N,    N),
    'list_users':          (Y,    N,    N,    N,    N,    N,    Y,    Y),
    'get_user_a':          (Y,    Y,    N,    N,    N,    N,    Y,    Y),
    'update_user_a':       (None, N,    N,    N,    N,    N,    N,    N),
    'password_user_a':     (None, None, N,    N,    N,    N,    N,    N),
    'user_a_projects':     (Y,    Y,    N,    N,    N,    N,    Y,    Y),
    'list_groups':         (Y,    N,    N,    N,    N,    N,    Y,    Y),
    'list_roles':          (Y,    N,    N,    N,    N,    N,    Y,    N),
    'list_domains':        (Y,    N,    N,    N,    N,    N,    Y,    N),
    'get_domain':          (Y,    Y,    Y,    Y,    N,    Y,    Y,    Y),
    'list_assignments':    (Y,    N,    N,    N,    N,    N,    Y,    Y),
    'list_grants_a':       (Y,    N,    N,    N,    N,    N,    Y,    Y),
    'grant_on_a':          (None, N,    N,    N,    N,    N,    N,    N),
    'grant_on_b':          (None, N,    N,    N,    N,    N,    N,    N),
    'list_credentials_a':  (Y,    Y,    Y,    Y,    N,    Y,    Y,    Y),
    'get_credential_a':    (Y,    Y,    N,    N,    N,    N,    Y,    N),
    'create_credential_a': (None, None, N,    N,    N,    N,    N,    N),
    'delete_credential_a': (None, None, N,    N,    N,    N,    N,    N),
    'list_app_creds_a':    (Y,    Y,    N,    N,    N,    N,    Y,    N),
    'create_app_cred_a':   (None, None, N,    N,    N,    N,    N,    N),
    'list_services':       (Y,    N,    N,    N,    N,    N,    Y,    N),
    'list_endpoints':      (Y,    N,    N,    N,    N,    N,    Y,    N),
    'list_regions':        (Y,    Y,    Y,    Y,    N,    Y,    Y,    Y),
    'create_region':       (None, N,    N,    N,    N,    N,    N,    N),
    'auth_projects':       (Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y),
}
CASES = [(op, persona, expected)
         for op, row in TABLE.items()
         for persona, expected in zip(PERSONAS, row) if expected is not None]


def test_table_covers_every_persona():
    assert all(len(row) == len(PERSONAS) for row in TABLE.values())


@pytest.mark.parametrize('op,persona,expected', CASES,
                         ids=['%s-%s' % (op, persona) for op, persona, _ in CASES])
def test_policy_table(world, op, persona, expected):
    method, path, body = _ops(world)[op]
    before = world.snapshot()
    resp = world.cloud.call(method, path, body, token=world.tokens[persona])
    if expected == Y:
        assert resp.status_int in (200, 204), resp.body
    else:
        assert resp.status_int == expected, resp.body
        assert resp.json['error']['code'] == expected
        assert world.snapshot() == before


def test_listings_show_only_what_the_scope_allows(world):
    """The credential listing of a non-owner is empty; a domain reader's
    project listing holds only its domain's projects."""
    creds = world.cloud.call('GET', '/v3/credentials', token=world.tokens['member_b'])
    assert creds.json['credentials'] == []
    mine = world.cloud.call('GET', '/v3/credentials', token=world.tokens['member_a'])
    assert [c['id'] for c in mine.json['credentials']] == [world.credential['id']]
    other = world.m.resource.create_domain({'name': 'elsewhere'})
    world.m.resource.create_project({'name': 'far', 'domain_id': other['id']})
    names = {p['name'] for p in world.cloud.call(
        'GET', '/v3/projects', token=world.tokens['domain_reader']).json['projects']}
    assert 'far' not in names and {'alpha', 'beta'} <= names
    assert 'far' in {p['name'] for p in world.cloud.call('GET', '/v3/projects').json[
        'projects']}


def test_unscoped_token_reaches_its_own_calls_only(world):
    token = world.cloud.password_token('member_a', PASSWORD)
    me = world.users['member_a']['id']
    call = world.cloud.call
    assert [p['name'] for p in call('GET', '/v3/auth/projects', token=token).json[
        'projects']] == ['alpha']
    assert [p['name'] for p in call('GET', '/v3/users/%s/projects' % me,
                                    token=token).json['projects']] == ['alpha']
    call('GET', '/v3/auth/tokens', token=token, headers={'X-Subject-Token': token},
         status=200)
    call('GET', '/v3/users/%s' % me, token=token, status=200)
    for path in ('/v3/users/%s/application_credentials' % me, '/v3/credentials',
                 '/v3/regions', '/v3/projects/%s' % world.project_a['id']):
        assert call('GET', path, token=token).status_int == 403, path
    # a project token is then issued from it, as the CLI does
    body = {'auth': {'identity': {'methods': ['token'], 'token': {'id': token}},
                     'scope': {'project': {'id': world.project_a['id']}}}}
    assert world.cloud.app.post_json('/v3/auth/tokens', body, status=201)


def test_app_creds_and_passwords_stay_with_their_user(world):
    call = world.cloud.call
    a = world.users['member_a']['id']
    created = call('POST', '/v3/users/%s/application_credentials' % a,
                   {'application_credential': {'name': 'mine'}},
                   token=world.tokens['member_a'], status=201).json['application_credential']
    path = '/v3/users/%s/application_credentials/%s' % (a, created['id'])
    for persona in ('member_b', 'reader_a', 'service'):
        call('GET', path, token=world.tokens[persona], status=403)
        call('DELETE', path, token=world.tokens[persona], status=403)
        # and via its own URL prefix: the id does not leak across users
        own = world.users[persona]['id']
        resp = call('GET', '/v3/users/%s/application_credentials/%s' % (own, created['id']),
                    token=world.tokens[persona])
        assert resp.status_int == 404
    call('DELETE', path, token=world.tokens['member_a'], status=204)
