import json

import kombu.exceptions
import oslo_messaging as messaging
import pecan
import pecan.rest
import webob.exc
import webtest
from oslo_config import cfg

from common import config
from common import exception
from common import faults
from common import wsgi


class UnsafeError(exception.AltoError):
    safe = False


class Items(pecan.rest.RestController):

    @pecan.expose('json')
    def get_one(self, item_id):
        if item_id == 'boom':
            raise RuntimeError('internal detail that must not leak')
        if item_id == 'secret':
            raise UnsafeError('password=hunter2 in a message')
        if item_id == 'bus-down':
            raise messaging.MessageDeliveryFailure('Unable to connect to AMQP server')
        if item_id == 'bus-timeout':
            raise messaging.MessagingTimeout('Timed out waiting for a reply')
        if item_id == 'bus-refused':
            raise kombu.exceptions.OperationalError('[Errno 111] ECONNREFUSED')
        if item_id == 'db-away':
            raise exception.ServiceUnavailable(reason='the database is not reachable')
        if item_id == 'webob':
            raise webob.exc.HTTPConflict(explanation='busy')
        if item_id != 'known':
            raise exception.NotFound()
        ctx = pecan.request.context
        return {'item': {'id': item_id, 'project': ctx.project_id, 'roles': ctx.roles}}

    @pecan.expose('json')
    def post(self):
        return {'size': len(pecan.request.body)}


class Root:
    items = Items()

    @pecan.expose('json')
    def index(self):
        return {'versions': []}


def make_app(renderer=faults.compute_fault, **kwargs):
    conf = cfg.ConfigOpts()
    config.common_conf.register_opts(conf)
    conf([], project='altostratus-test')
    app = wsgi.build_app(Root(), conf, renderer, auth_strategy='noauth', **kwargs)
    return webtest.TestApp(app), conf


def test_not_found_uses_service_fault_body_and_request_id():
    app, _ = make_app()
    resp = app.get('/items/missing', status=404)
    assert resp.json == {'itemNotFound': {'code': 404,
                                          'message': 'The resource could not be found.'}}
    assert resp.headers['x-openstack-request-id'].startswith('req-')


def test_unexpected_error_is_a_bare_500_without_traceback():
    app, _ = make_app(renderer=faults.identity_fault)
    resp = app.get('/items/boom', status=500)
    body = resp.json['error']
    assert body['code'] == 500 and body['title'] == 'Internal Server Error'
    assert 'internal detail' not in resp.text and 'Traceback' not in resp.text


def test_unsafe_message_is_replaced_by_title():
    app, _ = make_app()
    resp = app.get('/items/secret', status=500)
    assert 'hunter2' not in resp.text


def test_webob_exception_and_unknown_route_are_rendered():
    app, _ = make_app(renderer=faults.network_fault)
    resp = app.get('/items/webob', status=409)
    assert resp.json['NeutronError']['message'] == 'busy'
    resp = app.get('/nowhere/at/all', status=404)
    assert set(resp.json['NeutronError']) == {'type', 'message', 'detail'}


def test_noauth_context_reaches_controller():
    app, _ = make_app()
    resp = app.get('/items/known', headers={'X-Project-Id': 'p1', 'X-Roles': 'member'})
    assert resp.json['item'] == {'id': 'known', 'project': 'p1', 'roles': ['member']}


def test_healthcheck_answers_without_auth():
    app, _ = make_app()
    assert app.get('/healthcheck').status_int == 200


def test_head_fault_has_no_body():
    app, _ = make_app()
    resp = app.head('/nowhere', status=404)
    assert resp.body == b''


def test_oversized_body_is_refused_unless_exempt():
    app, conf = make_app()
    conf.set_override('max_request_body_size', 16, group='oslo_middleware')
    resp = app.post('/items', params=b'x' * 100, status=413,
                    headers={'Content-Type': 'application/octet-stream'})
    assert resp.json['overLimit']['code'] == 413
    exempt_app, conf2 = make_app(size_limit_exempt=lambda method, path: path == '/items')
    conf2.set_override('max_request_body_size', 16, group='oslo_middleware')
    resp = exempt_app.post('/items', params=b'x' * 100,
                           headers={'Content-Type': 'application/octet-stream'})
    assert resp.json == {'size': 100}


def test_fault_renderers_golden():
    assert faults.identity_fault(404, 'Not Found', 'gone') == {
        'error': {'code': 404, 'title': 'Not Found', 'message': 'gone'}}
    assert faults.compute_fault(409, 'Conflict', 'busy') == {
        'conflictingRequest': {'code': 409, 'message': 'busy'}}
    assert faults.compute_fault(418, 'Teapot', 'x') == {'computeFault': {'code': 418, 'message': 'x'}}

    class PortNotFound(exception.NotFound):
        pass
    assert faults.network_fault(404, 'Not Found', 'no port', PortNotFound()) == {
        'NeutronError': {'type': 'PortNotFound', 'message': 'no port', 'detail': ''}}
    assert json.loads(json.dumps(faults.image_fault(404, 'Not Found', 'x')))['code'] == '404 Not Found'


def test_unreachable_message_bus_is_a_503_with_retry_after():
    app, _ = make_app()
    for item in ('bus-down', 'bus-timeout', 'bus-refused', 'db-away'):
        resp = app.get('/items/%s' % item, status=503)
        assert resp.headers['Retry-After'] == str(wsgi.BUS_RETRY_AFTER)
        assert resp.json['serviceUnavailable']['code'] == 503
        assert 'AMQP' not in resp.text and 'reply' not in resp.text
