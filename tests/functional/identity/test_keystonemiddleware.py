"""keystonemiddleware.auth_token in front of a tiny app accepts our tokens
and rejects revoked ones; the same acceptance core runs on MariaDB."""

import json
import urllib.error
import urllib.request

import pytest
import webob
import webob.dec
from keystonemiddleware import auth_token

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


def _token(server, project='admin'):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': server.admin_user, 'domain': {'id': 'default'},
        'password': server.admin_password}}},
        'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}
    req = urllib.request.Request(server.url + '/auth/tokens', json.dumps(body).encode(),
                                 {'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers['X-Subject-Token'], json.load(resp)['token']


def _revoke(server, admin_token, token):
    req = urllib.request.Request(server.url + '/auth/tokens', method='DELETE', headers={
        'X-Auth-Token': admin_token, 'X-Subject-Token': token})
    urllib.request.urlopen(req, timeout=10).read()


@webob.dec.wsgify
def whoami(req):
    return webob.Response(json_body={
        'status': req.headers.get('X-Identity-Status'), 'user': req.headers.get('X-User-Id'),
        'project': req.headers.get('X-Project-Id'), 'roles': req.headers.get('X-Roles')})


def _protected_app(server):
    return auth_token.AuthProtocol(whoami, {
        'www_authenticate_uri': server.url, 'auth_url': server.url,
        'auth_type': 'password', 'username': server.admin_user,
        'password': server.admin_password, 'project_name': server.admin_project,
        'user_domain_id': 'default', 'project_domain_id': 'default',
        'delay_auth_decision': 'false', 'token_cache_time': '-1',
        'include_service_catalog': 'true'})


def _call(app, token=None):
    req = webob.Request.blank('/')
    if token:
        req.headers['X-Auth-Token'] = token
    return req.get_response(app)


def _check_middleware(server):
    app = _protected_app(server)
    token, body = _token(server)
    resp = _call(app, token)
    assert resp.status_int == 200, resp.text
    assert resp.json['status'] == 'Confirmed'
    assert resp.json['user'] == body['user']['id']
    assert resp.json['project'] == body['project']['id']
    assert 'admin' in resp.json['roles'].split(',')
    assert _call(app).status_int == 401
    assert _call(app, 'gAAAAAbogus').status_int == 401
    other, _ = _token(server)
    _revoke(server, other, token)
    assert _call(app, token).status_int == 401


def test_keystonemiddleware_accepts_and_rejects(identity_server):
    _check_middleware(identity_server)


def test_mariadb_core_acceptance(identity_server_mysql):
    server = identity_server_mysql
    _check_middleware(server)
    admin = CLI(server)
    admin.json('project', 'create', '--parent', 'admin', 'child')
    user = admin.json('user', 'create', '--password', 'pw', 'maria')
    admin.run('role', 'add', '--user', 'maria', '--project', 'child', 'member')
    rows = admin.json('role', 'assignment', 'list', '--names', '--effective', '--user',
                      user['id'])
    assert {r['Role'] for r in rows} == {'member', 'reader'}
    err = admin.run('user', 'create', 'maria', expect_fail=True)
    assert '409' in err or 'Conflict' in err
    admin.run('role', 'remove', '--user', 'maria', '--project', 'child', 'member')
    admin.run('user', 'delete', 'maria')
    admin.run('project', 'delete', 'child')
