"""Hostile input through the real ``build_app`` pipeline and the shared parser."""

import json

import pecan
import pecan.rest
import pytest
import webtest
from oslo_config import cfg

from common import config
from common import exception
from common import faults
from common import validation
from common import wsgi


class Things(pecan.rest.RestController):
    deleted = []

    @pecan.expose('json')
    def get_one(self, thing_id):
        return {'thing': thing_id}

    @pecan.expose('json')
    def post(self):
        return {'parsed': validation.parse_json(pecan.request.body)}

    @pecan.expose('json')
    def put(self, thing_id):
        return {'thing': thing_id}

    @pecan.expose()
    def delete(self, thing_id):
        self.deleted.append(thing_id)
        pecan.response.status = 204
        return ''


class Root:
    things = Things()

    @pecan.expose('json')
    def index(self):
        return {'versions': []}


def make_app(**kwargs):
    conf = cfg.ConfigOpts()
    config.common_conf.register_opts(conf)
    conf([], project='altostratus-test')
    return webtest.TestApp(wsgi.build_app(Root(), conf, faults.compute_fault,
                                          auth_strategy='noauth', **kwargs))


@pytest.fixture
def app():
    Things.deleted.clear()
    return make_app()


# --- the shared body parser -------------------------------------------------

@pytest.mark.parametrize('body', [
    b'[' * 50000, b'[' * 50000 + b']' * 50000, b'{"a":' * 20000 + b'1' + b'}' * 20000,
    b'[' * (validation.MAX_DEPTH + 1) + b']' * (validation.MAX_DEPTH + 1),
    b'{"a": [{"b": ' + b'[' * 30 + b'1' + b']' * 30 + b'}]}',
])
def test_deep_nesting_is_refused(body):
    with pytest.raises(exception.ValidationError, match='nested deeper'):
        validation.parse_json(body)


def test_nesting_up_to_the_limit_is_accepted():
    depth = validation.MAX_DEPTH
    assert validation.parse_json(b'[' * depth + b']' * depth)
    doc = validation.parse_json(b'{"a":' * (depth - 1) + b'{}' + b'}' * (depth - 1))
    assert doc['a']['a']


@pytest.mark.parametrize('body,reason', [
    (b'{"name": "\\ud800"}', 'name is not valid Unicode text'),
    (b'{"name": "x\\udfffy"}', 'name is not valid Unicode text'),
    (b'{"user": {"password": ["\\ud800"]}}', 'password is not valid Unicode text'),
    (b'{"\\ud800": 1}', 'a key is not valid Unicode text'),
    (b'{"name": "a\\u0000"}', 'name holds a NUL'),
    (b'{"\\u0000": 1}', 'a key holds a NUL'),
    (b'{"meta": {"a\\nb": "x"}}', 'a key holds a control character'),
    (b'{"meta": {"a\x7fb": "x"}}', 'a key holds a control character'),
    (b'{"meta": {"a\xc2\x85b": "x"}}', 'a key holds a control character'),
    (b'{"meta": {"a\xe2\x80\xa8b": "x"}}', 'a key holds a control character'),
    ('{"name": "\ud800"}', 'name is not valid Unicode text'),   # str bodies too
    (b'"\xff"', 'malformed JSON'),
    (b'{"name": "\xed\xa0\x80"}', 'malformed JSON'),           # UTF-8-encoded surrogate
    (b'[NaN]', 'malformed JSON'), (b'[-Infinity]', 'malformed JSON'),
    (b'[1e999]', 'malformed JSON'), (b'[' + b'9' * 5000 + b']', 'malformed JSON'),
])
def test_bad_characters_and_numbers_are_refused(body, reason):
    with pytest.raises(exception.ValidationError, match=reason):
        validation.parse_json(body)


def test_good_unicode_and_control_characters_in_values_pass():
    doc = validation.parse_json(b'{"d": "line\\nnext \\ud83d\\ude00 \\u00e9", "n": 1.5}')
    assert doc == {'d': 'line\nnext \U0001F600 \u00e9', 'n': 1.5}


def test_name_pattern_refuses_control_characters():
    schema = {'type': 'string', 'pattern': validation.NAME_PATTERN}
    validation.validate(schema, 'web server \u00e9')
    for bad in ('a\nb', 'a\x1b[31m', 'a\x7f', 'a\u2028b', 'a\x85'):
        with pytest.raises(exception.ValidationError):
            validation.validate(schema, bad)


def test_validation_error_does_not_echo_a_secret():
    schema = {'type': 'object', 'properties': {
        'user': {'type': 'object', 'properties': {'password': {'maxLength': 3}}},
        'name': {'maxLength': 3}}}
    with pytest.raises(exception.ValidationError) as caught:
        validation.validate(schema, {'user': {'password': 'hunter2-long'}})
    assert 'hunter2' not in caught.value.message and 'user/password' in caught.value.message
    with pytest.raises(exception.ValidationError) as caught:
        validation.validate(schema, {'name': 'visible'})
    assert 'visible' in caught.value.message
    nested = {'type': 'object', 'properties': {'auth': {'type': 'string'}}}
    with pytest.raises(exception.ValidationError) as caught:
        validation.validate(nested, {'auth': {'user': {'password': 'hunter2'}}})
    assert 'hunter2' not in caught.value.message
    assert caught.value.message == "Invalid input: 'auth': the value is not of type 'string'"


def test_pipeline_turns_parser_errors_into_the_fault_body(app):
    resp = app.post('/things', b'[' * 50000, headers={'Content-Type': 'application/json'},
                    status=400)
    assert 'nested deeper' in resp.json['badRequest']['message']


# --- pecan's own body handling is off ----------------------------------------

def test_json_body_keys_do_not_become_handler_arguments(app):
    # pecan would fill delete(thing_id) from the body and delete "victim"
    app.delete('/things', params=json.dumps({'thing_id': 'victim'}),
               headers={'Content-Type': 'application/json'}, status=405)
    app.delete('/things', params='thing_id=victim',
               headers={'Content-Type': 'application/x-www-form-urlencoded'}, status=405)
    assert Things.deleted == []


def test_query_parameters_do_not_become_path_arguments(app):
    app.delete('/things?thing_id=victim', status=405)
    app.delete('/things?thing_id=victim&thing_id=other', status=405)
    app.put('/things?thing_id=victim', status=405)
    assert Things.deleted == []
    app.delete('/things/t2?other=1', status=204)
    assert Things.deleted == ['t2']


def test_request_json_is_not_available_to_handlers():
    req = wsgi.APIRequest.blank('/', POST=b'{"a": 1}',
                                headers={'Content-Type': 'application/json'})
    with pytest.raises(TypeError):
        req.json
    assert not req.POST


# --- routing answers ------------------------------------------------------------

@pytest.mark.parametrize('method', ['PUT', 'DELETE'])
def test_write_to_collection_is_405_with_fault_body(app, method):
    resp = app.request('/things', method=method, status=405, expect_errors=True)
    assert resp.json == {'badMethod': {'code': 405, 'message': resp.json['badMethod']['message']}}


def test_too_many_path_segments_is_404(app):
    resp = app.delete('/things/a/b/c', status=404)
    assert 'itemNotFound' in resp.json


def test_delete_with_accept_json_is_not_406(app):
    resp = app.delete('/things/t1', headers={'Accept': 'application/json'}, status=204)
    assert resp.body == b'' and Things.deleted == ['t1']
    assert app.get('/things/t1', headers={'Accept': 'application/xml'}).json == {'thing': 't1'}


# --- request line and headers ---------------------------------------------------

@pytest.mark.parametrize('path', ['/things/%00', '/things/a%00b', '/things/%ff',
                                  '/things/%ed%a0%80'])
def test_bad_path_is_a_404(app, path):
    resp = app.get(path, status=404)
    assert resp.json['itemNotFound']['code'] == 404


@pytest.mark.parametrize('path', ['/things?q=%00', '/things?q=%c3', '/things?q=a+%ff'])
def test_bad_query_is_a_400(app, path):
    resp = app.get(path, status=400)
    assert resp.json['badRequest']['code'] == 400


def test_good_path_and_query_pass(app):
    assert app.get('/things/%C3%A9t%C3%A9?q=%E2%82%AC+x%0Ay').json == {'thing': '\u00e9t\u00e9'}


@pytest.mark.parametrize('value', ['abc\x00', 'a\x1bb', 'a\x7fb'])
def test_control_character_in_a_header_is_a_400(app, value):
    resp = app.get('/things/t', headers={'X-Auth-Token': value}, status=400)
    assert 'X-Auth-Token' in resp.json['badRequest']['message']


def test_tab_in_header_passes(app):
    app.get('/things/t', headers={'User-Agent': 'a\tb'}, status=200)


# --- project scope ----------------------------------------------------------------

@pytest.mark.parametrize('headers', [
    {'X-Project-Id': ''},
    {'X-Project-Id': '', 'X-Domain-Id': 'default'},
    {'X-Project-Id': '', 'OpenStack-System-Scope': 'all', 'X-Roles': 'reader'},
])
def test_token_without_project_scope_is_403(app, headers):
    resp = app.get('/things/t', headers=headers, status=403)
    assert resp.json['forbidden']['message'] == 'This API needs a project-scoped token.'


def test_system_admin_and_public_paths_pass_without_project(app):
    app.get('/things/t', headers={'X-Project-Id': '', 'OpenStack-System-Scope': 'all',
                                  'X-Roles': 'admin'}, status=200)
    public = make_app(public_paths=lambda method, path: path == '/')
    public.get('/', headers={'X-Project-Id': ''}, status=200)


def test_scope_check_can_be_turned_off():
    unscoped = make_app(project_scope_required=False)
    unscoped.get('/things/t', headers={'X-Project-Id': ''}, status=200)


# --- body size ------------------------------------------------------------------

def test_chunked_body_over_the_limit_is_a_413(app):
    # no Content-Length: the limit applies while the handler reads the body
    body = b'[' + b'1,' * (64 * 1024) + b'1]'
    req = webtest.TestRequest.blank('/things', method='POST', body=body,
                                    headers={'Content-Type': 'application/json',
                                             'Transfer-Encoding': 'chunked'})
    del req.environ['CONTENT_LENGTH']
    req.environ['wsgi.input_terminated'] = True   # as servers that de-chunk say
    resp = req.get_response(app.app)
    assert resp.status_int == 413
    assert json.loads(resp.body)['overLimit']['code'] == 413
