"""A member of project B against project A's identity data, on a real
alto-identity-api: every read and write of A's is refused, nothing changes,
and B still reaches its own projects the keystone way."""

import subprocess

import openstack
import pytest
import requests

from tests.functional.identity.cli import CLI
from tests.functional.identity.cli import OPENSTACK

pytestmark = pytest.mark.functional
PASSWORD = 'cross-pw'


@pytest.fixture(scope='module')
def world(identity_server):
    admin = openstack.connect(**identity_server.cloud_config())
    ident = admin.identity
    member = ident.find_role('member')
    admin_role = ident.find_role('admin')
    a = ident.create_project(name='cross-a', domain_id='default')
    b = ident.create_project(name='cross-b', domain_id='default')
    user_a = ident.create_user(name='cross-user-a', password=PASSWORD, domain_id='default')
    user_b = ident.create_user(name='cross-user-b', password=PASSWORD, domain_id='default')
    ident.assign_project_role_to_user(a, user_a, member)
    ident.assign_project_role_to_user(b, user_b, member)
    conn_a = openstack.connect(**identity_server.cloud_config('cross-user-a', PASSWORD,
                                                              'cross-a'))
    conn_b = openstack.connect(**identity_server.cloud_config('cross-user-b', PASSWORD,
                                                              'cross-b'))
    url = identity_server.url
    headers_a = {'X-Auth-Token': conn_a.auth_token}
    cred = requests.post(url + '/credentials', headers=headers_a, json={'credential': {
        'type': 'ec2', 'user_id': user_a.id, 'project_id': a.id,
        'blob': '{"access": "cross-a-access", "secret": "cross-a-secret"}'}}, timeout=10)
    assert cred.status_code == 201, cred.text
    app_cred = requests.post(url + '/users/%s/application_credentials' % user_a.id,
                             headers=headers_a, json={'application_credential': {
                                 'name': 'a-ci'}}, timeout=10)
    assert app_cred.status_code == 201, app_cred.text
    yield {'admin': admin, 'url': url, 'a': a, 'b': b, 'user_a': user_a, 'user_b': user_b,
           'member_role': member, 'admin_role': admin_role,
           'token_a': conn_a.auth_token, 'token_b': conn_b.auth_token,
           'credential': cred.json()['credential'],
           'app_cred': app_cred.json()['application_credential']}
    for conn in (admin, conn_a, conn_b):
        conn.close()


def _snapshot(w):
    ident = w['admin'].identity
    url, headers = w['url'], {'X-Auth-Token': w['admin'].auth_token}
    assignments = requests.get(url + '/role_assignments', headers=headers, timeout=10).json()
    creds = requests.get(url + '/credentials', headers=headers, timeout=10).json()
    app_creds = requests.get(url + '/users/%s/application_credentials' % w['user_a'].id,
                             headers=headers, timeout=10).json()
    return {
        'projects': sorted((p.id, p.name, p.is_enabled) for p in ident.projects()),
        'users': sorted((u.id, u.name, u.is_enabled) for u in ident.users()),
        'assignments': sorted(str(sorted((k, str(v)) for k, v in r.items() if k != 'links'))
                              for r in assignments['role_assignments']),
        'credentials': sorted((c['id'], c['blob']) for c in creds['credentials']),
        'app_creds': sorted(c['id'] for c in app_creds['application_credentials']),
    }


def test_member_of_b_cannot_reach_project_a(world):
    w = world
    url, a, b = w['url'], w['a'], w['b']
    user_a, user_b = w['user_a'], w['user_b']
    headers = {'X-Auth-Token': w['token_b']}
    before = _snapshot(w)
    refused = [
        ('GET', '/projects', None),
        ('GET', '/projects/%s' % a.id, None),
        ('GET', '/projects/%s/tags' % a.id, None),
        ('GET', '/users', None),
        ('GET', '/users/%s' % user_a.id, None),
        ('GET', '/users/%s/projects' % user_a.id, None),
        ('GET', '/users/%s/groups' % user_a.id, None),
        ('GET', '/role_assignments?scope.project.id=%s' % a.id, None),
        ('GET', '/role_assignments?user.id=%s' % user_b.id, None),
        ('GET', '/projects/%s/users/%s/roles' % (a.id, user_a.id), None),
        ('GET', '/credentials/%s' % w['credential']['id'], None),
        ('PATCH', '/credentials/%s' % w['credential']['id'],
         {'credential': {'user_id': user_b.id}}),
        ('DELETE', '/credentials/%s' % w['credential']['id'], None),
        ('POST', '/credentials', {'credential': {'type': 'ec2', 'user_id': user_a.id,
                                                 'project_id': a.id,
                                                 'blob': '{"access": "x", "secret": "y"}'}}),
        ('GET', '/users/%s/application_credentials' % user_a.id, None),
        ('GET', '/users/%s/application_credentials/%s' % (user_a.id, w['app_cred']['id']),
         None),
        ('DELETE', '/users/%s/application_credentials/%s' % (user_a.id,
                                                             w['app_cred']['id']), None),
        ('POST', '/users/%s/application_credentials' % user_a.id,
         {'application_credential': {'name': 'planted'}}),
        # granting itself roles, on A or on its own project
        ('PUT', '/projects/%s/users/%s/roles/%s' % (a.id, user_b.id, w['member_role'].id),
         None),
        ('PUT', '/projects/%s/users/%s/roles/%s' % (b.id, user_b.id, w['admin_role'].id),
         None),
        ('PUT', '/domains/default/users/%s/roles/%s' % (user_b.id, w['admin_role'].id), None),
        ('PUT', '/system/users/%s/roles/%s' % (user_b.id, w['admin_role'].id), None),
        ('DELETE', '/projects/%s/users/%s/roles/%s' % (a.id, user_a.id, w['member_role'].id),
         None),
        # someone else's password, either way
        ('POST', '/users/%s/password' % user_a.id,
         {'user': {'original_password': PASSWORD, 'password': 'taken-over'}}),
        ('PATCH', '/users/%s' % user_a.id, {'user': {'password': 'taken-over'}}),
        ('PATCH', '/projects/%s' % a.id, {'project': {'enabled': False}}),
        ('DELETE', '/projects/%s' % a.id, None),
    ]
    for method, path, body in refused:
        resp = requests.request(method, url + path, headers=headers, json=body, timeout=10)
        assert resp.status_code == 403, (method, path, resp.status_code, resp.text)
        assert resp.json()['error']['code'] == 403
    # listings show only B's own
    creds = requests.get(url + '/credentials', headers=headers, timeout=10).json()
    assert creds['credentials'] == []
    assert _snapshot(w) == before
    # A's user still logs in with the old password
    conn = openstack.connect(**_cloud(url, 'cross-user-a', PASSWORD, 'cross-a'))
    assert conn.auth_token
    conn.close()


def test_member_lists_its_projects_the_keystone_way(world, identity_server, tmp_path):
    w = world
    headers = {'X-Auth-Token': w['token_b']}
    for path in ('/auth/projects', '/users/%s/projects' % w['user_b'].id):
        resp = requests.get(w['url'] + path, headers=headers, timeout=10)
        assert [p['name'] for p in resp.json()['projects']] == ['cross-b'], path
    clouds = identity_server.write_clouds_yaml(tmp_path / 'clouds.yaml', {
        'cross-b': identity_server.cloud_config('cross-user-b', PASSWORD, 'cross-b')})
    cli = CLI(identity_server, 'cross-b', clouds)
    # GET /v3/projects answers 403 (above); the CLI then falls back to the
    # user's own projects, as it does against keystone
    for extra in ((), ('--my-projects',)):
        assert [p['Name'] for p in cli.json('project', 'list', *extra)] == ['cross-b']
    # the CLI cannot even resolve the names (403 on the lookups); whatever it
    # then sends, B holds no role on A afterwards
    subprocess.run([OPENSTACK, 'role', 'add', '--user', 'cross-user-b', '--project',
                    'cross-a', 'member'], env=cli.env, capture_output=True, timeout=60)
    granted = requests.get(w['url'] + '/role_assignments?user.id=%s' % w['user_b'].id,
                           headers={'X-Auth-Token': w['admin'].auth_token}, timeout=10)
    assert [r['scope']['project']['id'] for r in granted.json()['role_assignments']] == [
        w['b'].id]


def test_unscoped_token_gets_its_projects_only(world):
    url = world['url']
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'cross-user-b', 'domain': {'id': 'default'}, 'password': PASSWORD}}}}}
    resp = requests.post(url + '/auth/tokens', json=body, timeout=10)
    assert resp.status_code == 201
    token = resp.headers['X-Subject-Token']
    headers = {'X-Auth-Token': token}
    projects = requests.get(url + '/auth/projects', headers=headers, timeout=10).json()
    assert [p['name'] for p in projects['projects']] == ['cross-b']
    for path in ('/credentials', '/regions', '/projects/%s' % world['b'].id,
                 '/users/%s/application_credentials' % world['user_b'].id):
        resp = requests.get(url + path, headers=headers, timeout=10)
        assert resp.status_code == 403, (path, resp.text)


def _cloud(url, user, password, project):
    return {'auth': {'auth_url': url, 'username': user, 'password': password,
                     'project_name': project, 'user_domain_id': 'default',
                     'project_domain_id': 'default'},
            'region_name': 'RegionOne', 'identity_api_version': 3}
