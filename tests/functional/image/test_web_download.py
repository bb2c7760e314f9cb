"""web-download and import tasks against the real daemon, fetching from a
loopback HTTP server the test starts (nothing leaves the machine)."""

import http.server
import struct
import threading
import time

import pytest
import requests

from tests.functional.harness import free_port
from tests.functional.image import fixtures

pytestmark = pytest.mark.functional

QCOW2 = b'QFI\xfb' + struct.pack('>I', 3) + b'\0' * 16 + struct.pack('>Q', 8 << 20) \
    + b'\0' * (3 << 20)


class _Files(http.server.BaseHTTPRequestHandler):
    files = {'/disk.qcow2': QCOW2, '/plain.bin': b'not a disk' * 1000}

    def do_GET(self):
        if self.path == '/redirect-out':
            self.send_response(302)
            self.send_header('Location', 'http://127.0.0.1:1/elsewhere')
            self.end_headers()
            return
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope='module')
def web():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', free_port()), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_port
    server.shutdown()
    server.server_close()


class _WebImageServer(fixtures.ImageServer):
    web_port = None

    def write_config(self):
        super().write_config()
        text = self.config_file.read_text().replace(
            '[image]\n', '[image]\nweb_download_allowed_ports = 80,443,%d\n' % self.web_port)
        self.config_file.write_text(text)


@pytest.fixture(scope='module')
def web_image_server(identity_server, tmp_path_factory, web):
    server = _WebImageServer(tmp_path_factory.mktemp('image-web'), free_port(),
                             identity_server)
    server.web_port = int(web.rsplit(':', 1)[1])
    server.register()
    server.write_config()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='module')
def tokens(identity_server, web_image_server):
    import openstack
    result = {}
    for name, cfg in (('demo', identity_server.cloud_config(
            'demo-user', fixtures.USER_PASSWORD, 'demo')),
            ('admin', identity_server.cloud_config())):
        conn = openstack.connect(**cfg)
        result[name] = conn.session.get_token()
        conn.close()
    return result


def _api(server, token, method, path, **kwargs):
    headers = {'X-Auth-Token': token, 'Accept': 'application/json'}
    return requests.request(method, server.url + path, headers=headers, timeout=30, **kwargs)


def _wait(get, done, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = get()
        if done(value):
            return value
        time.sleep(0.2)
    raise AssertionError(value)


def test_web_download_import(web_image_server, tokens, web):
    api = lambda *a, **k: _api(web_image_server, tokens['demo'], *a, **k)  # noqa: E731
    image = api('POST', '/v2/images', json={'name': 'web', 'disk_format': 'qcow2',
                                            'container_format': 'bare'}).json()
    assert 'web-download' in api('GET', '/v2/info/import').json()['import-methods']['value']
    resp = api('POST', '/v2/images/%s/import' % image['id'],
               json={'method': {'name': 'web-download', 'uri': web + '/disk.qcow2'}})
    assert resp.status_code == 202, resp.text
    done = _wait(lambda: api('GET', '/v2/images/%s' % image['id']).json(),
                 lambda i: i['status'] == 'active')
    assert done['size'] == len(QCOW2) and done['virtual_size'] == 8 << 20
    assert api('GET', '/v2/images/%s/file' % image['id']).content == QCOW2

    # foreign bytes and a redirect to a port outside the rules leave it queued
    other = api('POST', '/v2/images', json={'name': 'web2', 'disk_format': 'qcow2',
                                            'container_format': 'bare'}).json()
    for path in ('/plain.bin', '/redirect-out', '/missing'):
        resp = api('POST', '/v2/images/%s/import' % other['id'],
                   json={'method': {'name': 'web-download', 'uri': web + path}})
        assert resp.status_code == 202, resp.text
        _wait(lambda: api('GET', '/v2/images/%s' % other['id']).json(),
              lambda i: i['status'] == 'queued')
    resp = api('POST', '/v2/images/%s/import' % other['id'],
               json={'method': {'name': 'web-download', 'uri': 'http://127.0.0.1:1/x'}})
    assert resp.status_code == 400
    for image_id in (image['id'], other['id']):
        api('DELETE', '/v2/images/%s' % image_id)


def test_import_tasks(web_image_server, tokens, web):
    api = lambda *a, **k: _api(web_image_server, tokens['admin'], *a, **k)  # noqa: E731

    def task(uri):
        body = {'type': 'import', 'input': {
            'import_from': uri, 'import_from_format': 'qcow2',
            'image_properties': {'name': 'task', 'disk_format': 'qcow2',
                                 'container_format': 'bare'}}}
        made = api('POST', '/v2/tasks', json=body)
        assert made.status_code == 201, made.text
        return _wait(lambda: api('GET', '/v2/tasks/%s' % made.json()['id']).json(),
                     lambda t: t['status'] in ('success', 'failure'))

    good = task(web + '/disk.qcow2')
    assert good['status'] == 'success'
    image = api('GET', '/v2/images/%s' % good['result']['image_id']).json()
    assert image['status'] == 'active'
    api('DELETE', '/v2/images/%s' % image['id'])
    bad = task(web + '/no-such-file.qcow2')  # a 404: the fetch fails, as for a bad URL
    assert bad['status'] == 'failure' and bad['message']
    demo = _api(web_image_server, tokens['demo'], 'GET', '/v2/tasks')
    assert demo.status_code == 403
