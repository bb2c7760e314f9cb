"""The shared pipeline's guarantees, checked on each of the four real APIs.

Each app is built by the service's own ``build`` function.  The requests
here must be refused before any handler reaches the service's back end, so
the network API gets a conductor that fails any call: were a request to get
through, the answer would be a 500, not the expected status.
"""

import pytest
import webtest
from oslo_config import cfg

from common import config
from common import db

DEEP_LIST = b'[' * 50000
DEEP_OBJECT = b'{"a":' * 15000 + b'1' + b'}' * 15000
SURROGATE = b'{"x": {"name": "\\ud800"}}'
NUL = b'{"x": {"name": "a\\u0000b"}}'
JSON = {'Content-Type': 'application/json'}
MEMBER = {'X-User-Id': 'u1', 'X-Project-Id': 'p1', 'X-Roles': 'member,reader'}
UNSCOPED = {'X-User-Id': 'u1', 'X-Project-Id': '', 'X-Roles': 'member,reader'}


class NoConductor:
    def __getattr__(self, name):
        raise AssertionError('the request reached the conductor (%s)' % name)


def _conf(*register):
    conf = cfg.ConfigOpts()
    config.common_conf.register_opts(conf)
    for func in register:
        func(conf)
    conf([], project='altostratus', default_config_files=[])
    conf.set_override('auth_strategy', 'noauth', group='api')
    return conf


# oslo.config keeps overrides on option groups that configurations share:
# every fixture resets its configuration when done.

@pytest.fixture
def network():
    from services.network import conf as network_conf
    from services.network.api import app
    conf = _conf(network_conf.register_opts)
    yield webtest.TestApp(app.build(conf, conductor=NoConductor()))
    conf.reset()


@pytest.fixture
def compute():
    from services.compute import conf as compute_conf
    from services.compute.api import app
    conf = _conf(lambda c: compute_conf.register_opts(c, with_clients=False))
    yield webtest.TestApp(app.build(conf))
    conf.reset()


@pytest.fixture
def image(tmp_path):
    from services.image import conf as image_conf
    from services.image import db as image_db
    from services.image.api import app
    from services.image.store import fake
    conf = _conf(image_conf.register_opts, image_db.register_opts)
    url = 'sqlite:///%s' % (tmp_path / 'image.sqlite')
    conf.set_override('connection', url, group='database')
    conf.set_override('state_path', str(tmp_path))
    db.reset('image')
    db.sync('image', url)
    db.configure('image', conf)
    yield webtest.TestApp(app.setup_app(conf, store=fake.FakeStore(),
                                        staging=fake.FakeStore()))
    db.reset('image')
    conf.reset()
    from services.image.api import policies
    policies.reset()


@pytest.fixture
def identity(tmp_path):
    from tests.unit.identity import conftest
    conf = conftest.make_conf(tmp_path)
    yield conftest.Cloud(conf)
    conf.reset()


# (fixture, method, path, fault body check) per API; each path takes a JSON body.
WRITES = {
    'network': ('POST', '/v2.0/networks', lambda body: body['NeutronError']['message']),
    'compute': ('POST', '/v2.1/os-keypairs', lambda body: body['badRequest']['message']),
    'image': ('POST', '/v2/images', lambda body: body['message']),
}


def _call(app, method, path, body=None, headers=None, status='*'):
    hdrs = dict(MEMBER)
    hdrs.update(JSON)
    hdrs.update(headers or {})
    return app.request(path, method=method, body=body, headers=hdrs, status=status,
                       expect_errors=True)


@pytest.mark.parametrize('service', sorted(WRITES))
@pytest.mark.parametrize('body', [DEEP_LIST, DEEP_OBJECT, SURROGATE, NUL],
                         ids=['deep-list', 'deep-object', 'surrogate', 'nul'])
def test_hostile_json_is_a_400_with_the_fault_body(request, service, body):
    app = request.getfixturevalue(service)
    method, path, message = WRITES[service]
    resp = _call(app, method, path, body, status=400)
    assert message(resp.json)


@pytest.mark.parametrize('body', [DEEP_LIST, DEEP_OBJECT, SURROGATE, NUL],
                         ids=['deep-list', 'deep-object', 'surrogate', 'nul'])
def test_unauthenticated_token_request_refuses_hostile_json(identity, body):
    resp = identity.app.post('/v3/auth/tokens', body, headers=JSON, status=400)
    assert resp.json['error']['code'] == 400


def test_password_with_lone_surrogate_is_a_400(identity):
    body = ('{"auth": {"identity": {"methods": ["password"], "password": {"user": '
            '{"name": "admin", "domain": {"id": "default"}, "password": "\\udfff"}}}}}')
    resp = identity.app.post('/v3/auth/tokens', body, headers=JSON, status=400)
    assert resp.json['error']['title'] == 'Bad Request'


@pytest.mark.parametrize('service,path,fault_key', [
    ('network', '/v2.0/networks', 'NeutronError'),
    ('compute', '/v2.1/os-keypairs', 'forbidden'),
    ('image', '/v2/images', 'message'),
])
def test_unscoped_token_is_refused(request, service, path, fault_key):
    app = request.getfixturevalue(service)
    resp = _call(app, 'GET', path, headers=UNSCOPED, status=403)
    assert fault_key in resp.json
    if service == 'network':
        assert resp.json['NeutronError']['type'] == 'HTTPForbidden'
    # a domain-scoped token has no project either
    resp = _call(app, 'GET', path, headers=dict(UNSCOPED, **{'X-Domain-Id': 'default'}),
                 status=403)
    assert fault_key in resp.json


def test_system_scoped_admin_may_go_without_project(compute):
    # the pipeline lets a system admin through: the router's 405 answers
    system = {'X-Project-Id': '', 'OpenStack-System-Scope': 'all'}
    resp = _call(compute, 'DELETE', '/v2.1/os-keypairs', status=405,
                 headers=dict(system, **{'X-Roles': 'admin'}))
    assert resp.json['badMethod']['code'] == 405
    resp = _call(compute, 'DELETE', '/v2.1/os-keypairs', status=403,
                 headers=dict(system, **{'X-Roles': 'reader'}))
    assert resp.json['forbidden']['code'] == 403


def test_discovery_needs_no_scope(network, image):
    for app, path in ((network, '/'), (image, '/versions')):
        assert app.get(path, status=200)


@pytest.mark.parametrize('method', ['PUT', 'DELETE'])
def test_write_to_network_collection_is_405(network, method):
    resp = _call(network, method, '/v2.0/networks', b'{"network": {}}', status=405)
    assert set(resp.json['NeutronError']) == {'type', 'message', 'detail'}


@pytest.mark.parametrize('method', ['PUT', 'DELETE', 'PATCH'])
@pytest.mark.parametrize('service,path,fault', [
    ('image', '/v2/images', lambda b: b['code'].startswith('405')),
    ('compute', '/v2.1/os-keypairs', lambda b: b['badMethod']['code'] == 405),
])
def test_write_to_image_and_compute_collections_is_405(request, service, path, fault, method):
    resp = _call(request.getfixturevalue(service), method, path, b'{}', status=405)
    assert fault(resp.json)


@pytest.mark.parametrize('method', ['PUT', 'DELETE'])
def test_write_to_identity_collection_is_405(identity, method):
    resp = identity.call(method, '/v3/credentials', status=405)
    assert resp.json['error']['code'] == 405


def test_query_string_does_not_name_the_identity_resource(identity):
    user = identity.call('GET', '/v3/users?name=admin').json['users'][0]
    cred = identity.call('POST', '/v3/credentials', {'credential': {
        'user_id': user['id'], 'type': 'cert', 'blob': 'x'}}, status=201).json['credential']
    identity.call('DELETE', '/v3/credentials?credential_id=%s' % cred['id'], status=405)
    identity.call('GET', '/v3/credentials/%s' % cred['id'], status=200)


@pytest.mark.parametrize('service,path,check', [
    ('network', '/v2.0/networks', lambda b: b['NeutronError']['type']),
    ('compute', '/v2.1/os-keypairs', lambda b: b['overLimit']['code'] == 413),
    ('image', '/v2/images', lambda b: b['code'].startswith('413')),
])
@pytest.mark.parametrize('accept', [None, 'application/json'])
def test_oversized_body_is_a_413_with_the_fault_body(request, service, path, check, accept):
    # with Accept: application/json the size limiter's page is webob's JSON
    # page, which must still become the service's own fault body
    app = request.getfixturevalue(service)
    body = b'{"x": "%s"}' % (b'y' * (113 * 1024))
    resp = _call(app, 'POST', path, body, status=413,
                 headers={'Accept': accept} if accept else None)
    assert check(resp.json)
    if service != 'image':   # glance's own pages are webob's, tail and all
        assert '<br />' not in resp.text


def test_oversized_token_request_is_a_413(identity):
    body = b'{"auth": "%s"}' % (b'y' * (113 * 1024))
    for headers in (JSON, dict(JSON, Accept='application/json')):
        resp = identity.app.post('/v3/auth/tokens', body, headers=headers, status=413)
        assert resp.json['error']['code'] == 413


def test_image_upload_is_exempt_from_the_size_limit(image):
    created = image.post_json('/v2/images', {'name': 'big', 'disk_format': 'raw',
                                             'container_format': 'bare'},
                              headers=MEMBER, status=201).json
    image.put('/v2/images/%s/file' % created['id'], b'z' * (200 * 1024),
              headers=dict(MEMBER, **{'Content-Type': 'application/octet-stream'}),
              status=204)


@pytest.mark.parametrize('service,path', [
    ('network', '/v2.0/networks'), ('compute', '/v2.1/os-keypairs'), ('image', '/v2/images'),
])
@pytest.mark.parametrize('query', ['?name=%00', '?name=%ff', '?name=%ed%a0%80'])
def test_bad_query_string_is_a_400(request, service, path, query):
    app = request.getfixturevalue(service)
    _call(app, 'GET', path + query, status=400)


def test_bad_path_is_404_and_header_400_on_identity(identity):
    identity.call('GET', '/v3/users/%00', status=404)
    identity.call('GET', '/v3/users/%c3%28', status=404)
    resp = identity.call('GET', '/v3/users', headers={'X-Auth-Token': 'abc\x01def'},
                         status=400)
    assert resp.json['error']['code'] == 400

