"""The fuzz suite's verdict and mutations, without daemons: a suite whose
oracle cannot fail proves nothing."""

import json

import pytest

from tests.functional.fuzz import client
from tests.functional.fuzz import hostile

pytestmark = [pytest.mark.functional, pytest.mark.fuzz]


class _Resp:
    pass


def _judge(service, status, body, method='POST', headers=None):
    request = client.Request(service, method, '/x', b'{}',
                             headers or {'Accept': 'application/json'})
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.judge(request, status, _Resp(), raw)


BODIES = {
    'identity': {'error': {'code': 400, 'title': 'Bad Request', 'message': 'no'}},
    'compute': {'badRequest': {'code': 400, 'message': 'no'}},
    'network': {'NeutronError': {'type': 'BadRequest', 'message': 'no', 'detail': ''}},
    'image': {'code': '400 Bad Request', 'title': 'Bad Request', 'message': 'no'},
}


@pytest.mark.parametrize('service', sorted(BODIES))
def test_a_4xx_must_be_the_service_fault_shape(service):
    assert _judge(service, 400, BODIES[service]) == []
    # compute's shape is any one {"<name>": {"code", "message"}}: identity's passes it
    for other in set(BODIES) - {service, 'identity' if service == 'compute' else None}:
        assert _judge(service, 400, BODIES[other]) == [
            '4xx body is not the service fault shape'], other


def test_server_errors_tracebacks_and_406_fail():
    fault = {'computeFault': {'code': 500, 'message': 'boom'}}
    assert 'server error' in _judge('compute', 500, fault)
    leak = {'badRequest': {'code': 400, 'message': 'File "/srv/app/x.py", line 3'}}
    assert _judge('compute', 400, leak) == ['traceback or source path in the body']
    assert _judge('identity', 200, b'Traceback (most recent call last):') == [
        'traceback or source path in the body']
    assert '406 to a client that accepts JSON' in _judge(
        'network', 406, {'NeutronError': {'type': 'x', 'message': 'x', 'detail': ''}})
    assert _judge('network', 404, b'<html>not found</html>') == ['4xx body is not JSON']
    assert _judge('image', 0, b'connection failed') == ['no answer']


def test_keystonemiddleware_401_is_accepted_everywhere():
    body = {'error': {'code': 401, 'title': 'Unauthorized', 'message': 'auth'}}
    for service in client.FAULT_SHAPES:
        assert _judge(service, 401, body) == []


def test_one_field_mutations_touch_one_field():
    doc = {'server': {'name': 'a', 'networks': [{'uuid': 'u'}], 'metadata': {'k': 'v'}}}
    paths = hostile.paths(doc)
    assert ('server', 'networks', 0, 'uuid') in paths and ('server',) in paths
    changed = hostile.replace(doc, ('server', 'networks', 0, 'uuid'), '\ud800')
    assert changed['server']['networks'][0]['uuid'] == '\ud800'
    assert changed['server']['name'] == 'a' and doc['server']['networks'][0]['uuid'] == 'u'
    assert 'metadata' not in hostile.drop(doc, ('server', 'metadata'))['server']
    assert hostile.encode(changed).count(b'\\ud800') == 1
    assert b'\xed\xa0\x80' in hostile.encode(changed, raw_utf8=True)


def test_deep_bodies_are_built_without_recursion():
    text = hostile.deep_text(50000, 'array')
    assert len(text) == 100000 and text.startswith('[[') and text.endswith(']]')
    assert hostile.deep_text(10, 'object') == '{"a":' * 10 + '1' + '}' * 10


def test_a_body_past_the_limit_is_oversize_whatever_it_carries():
    class Stack:
        tokens = {'admin': 'a', 'member': 'm'}
        ids = {}
    builder = hostile.Builder(Stack())
    endpoint = hostile.catalog.Endpoint('network', 'POST', '/v2.0/networks', {'network': {}})
    deep = hostile.deep_text(60000, 'array').encode()
    assert builder.request(endpoint, deep, 'nesting').tag == 'oversize'
    assert builder.request(endpoint, deep[:2000], 'nesting').tag == 'nesting'
