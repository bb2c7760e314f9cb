"""The shared WSGI server drops silent clients, checked on a real
alto-identity-api with ``[api] client_socket_timeout = 2``; the same identity
then stands behind keystonemiddleware in the shared pipeline."""

import io
import json
import logging as std_logging
import secrets
import socket
import time
import urllib.error
import urllib.request

import pecan
import pytest
import webtest
from oslo_config import cfg

from common import config
from common import faults
from common import log
from common import wsgi
from tests.functional import harness
from tests.functional.identity import fixtures

pytestmark = pytest.mark.functional

TIMEOUT = 2


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('identity-timeout')
    srv = fixtures.IdentityServer(workdir, harness.free_port(),
                                  'sqlite:///%s/identity.sqlite' % workdir)
    srv.prepare()
    with srv.config_file.open('a') as conf:
        conf.write('[api]\nclient_socket_timeout = %d\n' % TIMEOUT)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _drain(sock, limit=TIMEOUT * 5):
    """Read until the server closes; returns (bytes, seconds it took)."""
    sock.settimeout(limit)
    start, data = time.monotonic(), b''
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - start


def _connect(server):
    return socket.create_connection(('127.0.0.1', server.port), timeout=5)


def test_half_a_request_line_is_dropped(server):
    with _connect(server) as sock:
        sock.sendall(b'GET /v3 HTTP/1.1\r\nHost: x\r\n')   # headers never end
        data, took = _drain(sock)
    assert data == b'' and took < TIMEOUT * 3


def test_stalled_body_gets_408_and_is_dropped(server):
    with _connect(server) as sock:
        sock.sendall(b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
                     b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"auth"')
        data, took = _drain(sock)
    assert data.startswith(b'HTTP/1.1 408'), data[:200]
    assert b'"code": 408' in data and took < TIMEOUT * 3


def test_idle_kept_alive_connection_is_closed(server):
    with _connect(server) as sock:
        sock.sendall(b'GET /v3 HTTP/1.1\r\nHost: x\r\n\r\n')
        data, took = _drain(sock)
    assert data.startswith(b'HTTP/1.1 200') and TIMEOUT * 0.5 < took < TIMEOUT * 3



# -- the same identity behind keystonemiddleware in the shared pipeline ----------

def _token(server, scope):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': server.admin_user, 'domain': {'id': 'default'},
        'password': server.admin_password}}}}}
    if scope:
        body['auth']['scope'] = scope
    req = urllib.request.Request(server.url + '/auth/tokens', json.dumps(body).encode(),
                                 {'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers['X-Subject-Token']


class Root:
    @pecan.expose('json')
    def whoami(self):
        ctx = pecan.request.context
        return {'project': ctx.project_id, 'system': ctx.system_scope}


@pytest.fixture(scope='module')
def protected(server, tmp_path_factory):
    path = tmp_path_factory.mktemp('ksm') / 'api.conf'
    path.write_text(
        '[keystone_authtoken]\nwww_authenticate_uri = %(url)s\nauth_url = %(url)s\n'
        'auth_type = password\nusername = %(user)s\npassword = %(pw)s\n'
        'project_name = admin\nuser_domain_id = default\nproject_domain_id = default\n'
        'token_cache_time = -1\n'
        % {'url': server.url, 'user': server.admin_user, 'pw': server.admin_password})
    conf = cfg.ConfigOpts()
    config.common_conf.register_opts(conf)
    conf(['--config-file', str(path)], project='altostratus-test')
    return webtest.TestApp(wsgi.build_app(Root(), conf, faults.compute_fault,
                                          auth_strategy='keystone'))


@pytest.mark.parametrize('scope,status', [
    ({'project': {'name': 'admin', 'domain': {'id': 'default'}}}, 200),
    ({'system': {'all': True}}, 200),
    (None, 403),
])
def test_keystonemiddleware_tokens_need_a_project_scope(server, protected, scope, status):
    resp = protected.get('/whoami', headers={'X-Auth-Token': _token(server, scope)},
                         status=status)
    if status == 403:
        assert resp.json['forbidden']['code'] == 403
    else:
        assert resp.json['project'] or resp.json['system'] == 'all'


def test_rejected_token_is_not_logged(protected):
    garbage = 'gAAAAAB' + secrets.token_urlsafe(120)
    stream = io.StringIO()
    handler = log.protect(std_logging.StreamHandler(stream))
    logger = std_logging.getLogger('keystonemiddleware')
    logger.addHandler(handler)
    logger.setLevel(std_logging.DEBUG)
    try:
        protected.get('/whoami', headers={'X-Auth-Token': garbage}, status=401)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert 'Could not find token' in text   # identity's answer was logged...
    assert garbage not in text and garbage[-16:] not in text   # ...without the token
    assert '<sha256:' in text, text


@pytest.mark.parametrize('body', [
    b'[' * 50000,                                            # 50 KB of nesting
    b'{"auth": ' * 9000 + b'1' + b'}' * 9000,
    b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": '
    b'"admin", "domain": {"id": "default"}, "password": "\\ud800"}}}}}',
])
def test_token_request_refuses_hostile_json_on_the_daemon(server, body):
    req = urllib.request.Request(server.url + '/auth/tokens', body,
                                 {'Content-Type': 'application/json'})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=10)
    assert caught.value.code == 400
    assert json.load(caught.value)['error']['code'] == 400
