"""Console URLs (remote-consoles, os-getVNCConsole) and the console
proxy's token checks, in-process over the fake RPC transport."""

import time
import urllib.parse

import pytest

from services.compute import exception
from services.compute.console import websocketproxy
from services.compute.objects import console_auth_token as console_obj
from tests.unit.compute.conftest import DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

READER = {'X-User-Id': 'reader', 'X-Project-Id': 'demo', 'X-Roles': 'reader'}


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.compute = c.add_compute('node1')
    return c


def _active(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def _remote(cloud, server_id, body, status=200, version='2.6', who=DEMO):
    return cloud.app.post_json('/v2.1/servers/%s/remote-consoles' % server_id, body,
                               headers=headers(who, version=version), status=status)


def _token(url):
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    return websocketproxy.token_of('/?' + urllib.parse.urlencode(query, doseq=True), {})


def _record(cloud, token):
    return console_obj.ConsoleAuthToken.validate(cloud.env.admin_context(), token)


def test_remote_console_url_carries_a_token_for_the_servers_display(cloud):
    server_id = _active(cloud)
    body = _remote(cloud, server_id, {'remote_console': {'protocol': 'vnc',
                                                         'type': 'novnc'}}).json
    console = body['remote_console']
    assert (console['protocol'], console['type']) == ('vnc', 'novnc')
    assert console['url'].startswith('http://127.0.0.1:6080/vnc_auto.html?path=%3Ftoken%3D')
    record = _record(cloud, _token(console['url']))
    assert record.instance_uuid == server_id
    assert (record.host, record.port) == ('127.0.0.1', 5900)
    # Every request makes its own token.
    again = _remote(cloud, server_id, {'remote_console': {'protocol': 'vnc',
                                                          'type': 'novnc'}}).json
    assert _token(again['remote_console']['url']) != _token(console['url'])


def test_legacy_vnc_console_action(cloud):
    server_id = _active(cloud)
    body = cloud.action(server_id, {'os-getVNCConsole': {'type': 'novnc'}}, status=200).json
    assert body['console']['type'] == 'novnc'
    assert _record(cloud, _token(body['console']['url'])).instance_uuid == server_id
    cloud.action(server_id, {'os-getVNCConsole': {'type': 'xvpvnc'}}, status=400)
    cloud.action(server_id, {'os-getVNCConsole': {}}, status=400)


@pytest.mark.parametrize('body,status', [
    ({'remote_console': {'protocol': 'spice', 'type': 'spice-html5'}}, 400),
    ({'remote_console': {'protocol': 'vnc', 'type': 'xvpvnc'}}, 400),
    ({'remote_console': {'protocol': 'vnc', 'type': 'nope'}}, 400),
    ({'remote_console': {'protocol': 'vnc'}}, 400),
    ({'console': {}}, 400)])
def test_bad_console_requests(cloud, body, status):
    server_id = _active(cloud)
    resp = _remote(cloud, server_id, body, status=status)
    assert 'badRequest' in resp.json


def test_remote_consoles_need_2_6_a_member_and_a_running_guest(cloud):
    server_id = _active(cloud)
    novnc = {'remote_console': {'protocol': 'vnc', 'type': 'novnc'}}
    _remote(cloud, server_id, novnc, status=404, version='2.5')
    _remote(cloud, server_id, novnc, status=403, who=READER)
    _remote(cloud, '00000000-0000-0000-0000-000000000000', novnc, status=404)
    cloud.action(server_id, {'os-stop': None})
    cloud.wait(server_id, 'SHUTOFF')
    assert 'conflictingRequest' in _remote(cloud, server_id, novnc, status=409).json


def test_tokens_expire_and_go_with_the_server(cloud, monkeypatch):
    server_id = _active(cloud)
    url = _remote(cloud, server_id, {'remote_console': {'protocol': 'vnc',
                                                        'type': 'novnc'}}).json
    token = _token(url['remote_console']['url'])
    with pytest.raises(exception.InvalidToken):
        _record(cloud, 'not-a-token')
    later = time.time() + 601  # [consoleauth] token_ttl is 600 s
    monkeypatch.setattr(console_obj.time, 'time', lambda: later)
    with pytest.raises(exception.InvalidToken):
        _record(cloud, token)
    monkeypatch.undo()
    assert _record(cloud, token)
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    cloud.settle()
    with pytest.raises(exception.InvalidToken):
        _record(cloud, token)


def test_proxy_lets_through_only_a_valid_token_for_the_current_display(cloud, monkeypatch):
    server_id = _active(cloud)
    url = _remote(cloud, server_id, {'remote_console': {'protocol': 'vnc',
                                                        'type': 'novnc'}}).json
    token = _token(url['remote_console']['url'])
    host = {'Host': '127.0.0.1:6080'}
    console = websocketproxy.authorize('/?token=%s' % token, host)
    assert (console.instance_uuid, console.port) == (server_id, 5900)
    # noVNC's own form: the WebSocket path, and the cookie of older clients.
    assert websocketproxy.authorize('/websockify?path=%%3Ftoken%%3D%s' % token, host)
    assert websocketproxy.authorize('/', dict(host, Cookie='token=%s' % token))
    for path, hdrs in (('/', host), ('/?token=wrong', host),
                       ('/?token=%s' % token, dict(host, Origin='http://evil.example'))):
        with pytest.raises(websocketproxy.Refused):
            websocketproxy.authorize(path, hdrs)
    assert websocketproxy.authorize('/?token=%s' % token,
                                    dict(host, Origin='http://127.0.0.1:6080'))
    # The guest stopped: its old port may be someone else's now.
    cloud.action(server_id, {'os-stop': None})
    cloud.wait(server_id, 'SHUTOFF')
    with pytest.raises(websocketproxy.Refused):
        websocketproxy.authorize('/?token=%s' % token, host)
