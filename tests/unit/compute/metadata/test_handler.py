"""The metadata service's request handling: signature, project, paths."""

import hashlib
import hmac
import json

import pytest
import webob
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from common import config
from services.compute import conf as compute_conf
from services.compute.metadata import handler
from tests.unit.compute.metadata.test_content import KEY, UUID, server

CONF = cfg.CONF
SECRET = 'shared-secret'


@pytest.fixture
def app():
    config.register_common_opts(CONF)
    compute_conf.register_opts(CONF, with_clients=False)
    fixture = config_fixture.Config(CONF)
    fixture.setUp()
    CONF([], project='altostratus', default_config_files=[])
    fixture.config(group='metadata', metadata_proxy_shared_secret=SECRET)
    calls = []
    now = [0.0]

    def fetch(instance_id):
        calls.append(instance_id)
        return server() if instance_id == UUID else None

    app = handler.MetadataApp(fetch=fetch, clock=lambda: now[0], volumes=lambda i: [])
    app.calls, app.now = calls, now
    yield app
    fixture.cleanUp()
    CONF.reset()


def get(app, path, instance_id=UUID, tenant='p1', signature=None, method='GET'):
    req = webob.Request.blank(path, method=method)
    if instance_id is not None:
        req.headers['X-Instance-ID'] = instance_id
    if tenant is not None:
        req.headers['X-Tenant-ID'] = tenant
    req.headers['X-Instance-ID-Signature'] = handler.sign(SECRET, instance_id or '') \
        if signature is None else signature
    return req.get_response(app)


def test_signature_is_hmac_sha256_of_the_instance_id():
    assert handler.sign('k', 'abc') == hmac.new(b'k', b'abc', hashlib.sha256).hexdigest()


def test_meta_data_json(app):
    resp = get(app, '/openstack/latest/meta_data.json')
    assert resp.status_int == 200
    assert resp.content_type == 'application/json'
    doc = json.loads(resp.body)
    assert doc['uuid'] == UUID and doc['public_keys'] == {'mykey': KEY}


def test_listings_and_ec2(app):
    assert get(app, '/').text.splitlines()[-1] == 'openstack'
    assert 'meta_data.json' in get(app, '/openstack/2018-08-27').text.splitlines()
    assert get(app, '/latest/meta-data/public-keys/0/openssh-key').text == KEY
    assert get(app, '/2009-04-04/user-data').body == b'#!/bin/sh\necho hi\n'
    assert get(app, '/openstack/latest/user_data').content_type == 'text/plain'


def test_bad_signature_is_403(app):
    assert get(app, '/openstack/latest/meta_data.json', signature='0' * 64).status_int == 403
    assert get(app, '/openstack/latest/meta_data.json', signature='').status_int == 403
    assert app.calls == []  # the conductor is not asked


def test_empty_secret_refuses_everything(app):
    CONF.set_override('metadata_proxy_shared_secret', '', group='metadata')
    assert get(app, '/openstack').status_int == 403


def test_missing_headers_is_400(app):
    assert get(app, '/openstack', instance_id=None).status_int == 400
    assert get(app, '/openstack', tenant=None).status_int == 400


def test_other_project_and_unknown_server_are_404(app):
    assert get(app, '/openstack', tenant='someone-else').status_int == 404
    assert get(app, '/openstack', instance_id='0' * 8).status_int == 404
    assert get(app, '/openstack/latest/nothing').status_int == 404


def test_only_get_and_head(app):
    assert get(app, '/openstack', method='POST').status_int == 405
    assert get(app, '/openstack', method='HEAD').status_int == 200


def test_servers_are_cached_for_a_while(app):
    get(app, '/openstack')
    get(app, '/openstack/latest')
    assert app.calls == [UUID]
    app.now[0] += CONF.metadata.cache_expiration
    get(app, '/openstack')
    assert app.calls == [UUID, UUID]


class _Saved:
    """A server whose saves are counted (the conductor's save, stood in)."""

    def __init__(self, instance):
        self.instance, self.saves = instance, 0

    def __getattr__(self, name):
        return getattr(self.instance, name)

    def save(self):
        self.saves += 1


def test_password_is_posted_once_and_read_back(app):
    stored = _Saved(server())
    stored.system_metadata = {}
    app.fetch = lambda instance_id: stored if instance_id == UUID else None
    assert get(app, '/openstack/latest/password').body == b''
    req_body = b'encrypted-password'
    req = webob.Request.blank('/openstack/2013-04-04/password', method='POST', body=req_body)
    req.headers.update({'X-Instance-ID': UUID, 'X-Tenant-ID': 'p1',
                        'X-Instance-ID-Signature': handler.sign(SECRET, UUID)})
    assert req.get_response(app).status_int == 200
    assert stored.system_metadata == {'password': 'encrypted-password'} and stored.saves == 1
    assert get(app, '/openstack/latest/password').body == req_body
    assert req.get_response(app).status_int == 409          # set once only
    stored.system_metadata = {}
    req.body = b'x' * 257
    assert req.get_response(app).status_int == 400
    assert get(app, '/openstack/latest/password', signature='bad').status_int == 403
    assert get(app, '/openstack/latest/meta_data.json', method='POST').status_int == 405
