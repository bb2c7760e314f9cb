"""The issue's acceptance, run as a user would: the real ``openstack`` CLI
against alto-image-api behind the real identity service."""

import hashlib
import http.client
import json
import os
import struct
import threading
import time

import openstack
import pytest
import requests

from tests.functional.identity.cli import CLI
from tests.functional.image import fixtures

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def clouds_yaml(identity_server, image_server):
    return identity_server.write_clouds_yaml(extra_clouds=image_server.clouds())


@pytest.fixture(scope='module')
def demo(identity_server, clouds_yaml):
    return CLI(identity_server, 'alto-demo', clouds_yaml)


@pytest.fixture(scope='module')
def other(identity_server, clouds_yaml):
    return CLI(identity_server, 'alto-other', clouds_yaml)


@pytest.fixture(scope='module')
def admin(identity_server, clouds_yaml):
    return CLI(identity_server, 'altostratus-admin', clouds_yaml)


@pytest.fixture(scope='module')
def demo_token(identity_server, image_server):
    conn = openstack.connect(**identity_server.cloud_config('demo-user',
                                                            fixtures.USER_PASSWORD, 'demo'))
    return conn.auth_token


def md5_of(path):
    digest = hashlib.md5()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def write_qcow2(path, virtual_size, payload=4096):
    header = b'QFI\xfb' + struct.pack('>I', 3) + b'\0' * 16 + struct.pack('>Q', virtual_size)
    # the rest of a v3 header zeroed: random feature bits would declare an
    # external data file, which the image service refuses
    path.write_bytes(header.ljust(112, b'\0') + os.urandom(payload))


def test_create_list_show_set_unset_save_delete(demo, tmp_path):
    qcow = tmp_path / 'tiny.qcow2'
    write_qcow2(qcow, 1 << 30)
    raw = tmp_path / 'tiny.raw'
    raw.write_bytes(os.urandom(300000))
    q = demo.json('image', 'create', '--file', str(qcow), '--disk-format', 'qcow2',
                  '--container-format', 'bare', 'fn-qcow')
    r = demo.json('image', 'create', '--file', str(raw), '--disk-format', 'raw', 'fn-raw')
    assert q['status'] == 'active' and q['virtual_size'] == 1 << 30
    assert q['checksum'] == md5_of(qcow)
    assert r['status'] == 'active' and r['size'] == 300000 == r['virtual_size']
    assert r['checksum'] == md5_of(raw)
    names = {i['Name'] for i in demo.json('image', 'list')}
    assert {'fn-qcow', 'fn-raw'} <= names

    demo.run('image', 'set', '--property', 'os_distro=alto', '--tag', 'blue', '--tag',
             'green', 'fn-raw')
    shown = demo.json('image', 'show', 'fn-raw')
    assert shown['properties']['os_distro'] == 'alto'
    assert sorted(shown['tags']) == ['blue', 'green']
    hashes = shown['properties']
    assert hashes['os_hash_algo'] == 'sha512'
    assert hashes['os_hash_value'] == hashlib.sha512(raw.read_bytes()).hexdigest()
    demo.run('image', 'unset', '--property', 'os_distro', '--tag', 'blue', 'fn-raw')
    shown = demo.json('image', 'show', 'fn-raw')
    assert 'os_distro' not in shown['properties'] and shown['tags'] == ['green']
    assert [i['Name'] for i in demo.json('image', 'list', '--tag', 'green')] == ['fn-raw']

    out = tmp_path / 'saved.raw'
    demo.run('image', 'save', '--file', str(out), 'fn-raw')
    assert md5_of(out) == r['checksum']

    demo.run('image', 'delete', 'fn-raw', 'fn-qcow')
    names = {i['Name'] for i in demo.json('image', 'list')}
    assert not {'fn-qcow', 'fn-raw'} & names


@pytest.mark.heavy
def test_visibility_and_sharing(demo, other, admin, image_server, tmp_path):
    data = tmp_path / 'share.raw'
    data.write_bytes(b'shared data' * 100)
    image = demo.json('image', 'create', '--file', str(data), '--disk-format', 'raw',
                      'fn-share')
    assert image['visibility'] == 'shared'
    err = demo.run('image', 'set', '--public', 'fn-share', expect_fail=True)
    assert '403' in err or 'Forbidden' in err or 'not authorized' in err.lower()
    assert image['id'] not in [i['ID'] for i in other.json('image', 'list')]

    # OSC resolves the project through identity, which lets only admins read
    # other projects; the owner can share by API, the admin by CLI.
    admin.run('image', 'add', 'project', image['id'], 'other')
    members = demo.json('image', 'member', 'list', 'fn-share')
    assert [(m['Member ID'], m['Status']) for m in members] == [
        (image_server.projects['other'], 'pending')]
    other.run('image', 'set', '--accept', image['id'])
    assert image['id'] in [i['ID'] for i in other.json('image', 'list')]
    assert other.json('image', 'show', image['id'])['name'] == 'fn-share'
    # a member may not change the image
    other.run('image', 'set', '--name', 'stolen', image['id'], expect_fail=True)

    demo.run('image', 'set', '--private', 'fn-share')
    other.run('image', 'show', image['id'], expect_fail=True)
    demo.run('image', 'set', '--community', 'fn-share')
    assert other.json('image', 'show', image['id'])['visibility'] == 'community'
    admin.run('image', 'set', '--public', image['id'])
    assert other.json('image', 'show', image['id'])['visibility'] == 'public'
    demo.run('image', 'delete', image['id'])


def _api(image_server, token, method, path, **kwargs):
    # Accept as openstacksdk sends it: errors come back as webob's JSON page
    headers = dict({'Accept': 'application/json'}, **kwargs.pop('headers', {}))
    headers['X-Auth-Token'] = token
    return requests.request(method, image_server.url + path, headers=headers, timeout=60,
                            **kwargs)


def _assert_fault(resp, code):
    assert resp.status_code == code, resp.text
    body = resp.json()
    assert set(body) == {'code', 'title', 'message'}
    assert body['code'].startswith(str(code))
    return body


def test_bad_input_gets_image_faults(image_server, demo_token):
    api = lambda *a, **k: _api(image_server, demo_token, *a, **k)  # noqa: E731
    _assert_fault(api('POST', '/v2/images', json={'name': 'x', 'disk_format': 'floppy'}), 400)
    _assert_fault(api('POST', '/v2/images', json={'container_format': 'crate'}), 400)
    image = api('POST', '/v2/images', json={'name': 'bad', 'disk_format': 'raw',
                                            'container_format': 'bare'}).json()
    url = '/v2/images/%s' % image['id']
    patch_type = {'Content-Type': 'application/openstack-images-v2.1-json-patch'}
    _assert_fault(api('PATCH', url, headers=patch_type,
                      data=json.dumps([{'op': 'add', 'path': '/a/b', 'value': 'x'}])), 400)
    _assert_fault(api('PATCH', url, headers=patch_type,
                      data=json.dumps([{'op': 'replace', 'path': '/size', 'value': 1}])), 403)
    octet = {'Content-Type': 'application/octet-stream'}
    assert api('PUT', url + '/file', headers=octet, data=b'abc').status_code == 204
    _assert_fault(api('PUT', url + '/file', headers=octet, data=b'again'), 409)
    _assert_fault(api('GET', '/v2/images/00000000-0000-0000-0000-000000000000'), 404)
    api('DELETE', url)


def _raw_put(image_server, token, path, length, send):
    conn = http.client.HTTPConnection('127.0.0.1', image_server.port, timeout=30)
    conn.putrequest('PUT', path)
    conn.putheader('X-Auth-Token', token)
    conn.putheader('Content-Type', 'application/octet-stream')
    conn.putheader('Accept', 'application/json')
    conn.putheader('Content-Length', str(length))
    conn.endheaders()
    conn.send(send)
    return conn


def test_size_cap_and_dropped_upload_leave_nothing(image_server, demo_token):
    api = lambda *a, **k: _api(image_server, demo_token, *a, **k)  # noqa: E731
    image = api('POST', '/v2/images', json={'name': 'capped', 'disk_format': 'raw',
                                            'container_format': 'bare'}).json()
    path = '/v2/images/%s/file' % image['id']
    conn = _raw_put(image_server, demo_token, path, 2 * fixtures.SIZE_CAP, b'x' * 65536)
    resp = conn.getresponse()
    assert resp.status == 413
    assert json.loads(resp.read())['title'] == 'Request Entity Too Large'
    conn.close()

    conn = _raw_put(image_server, demo_token, path, 64 << 20, b'y' * (8 << 20))
    time.sleep(0.5)
    assert api('GET', '/v2/images/%s' % image['id']).json()['status'] == 'saving'
    conn.sock.close()  # the client goes away half-way
    deadline = time.time() + 10
    while api('GET', '/v2/images/%s' % image['id']).json()['status'] != 'queued':
        assert time.time() < deadline, 'image did not return to queued'
        time.sleep(0.2)
    assert list(image_server.datadir.iterdir()) == []
    assert api('PUT', path, data=b'fine', headers={
        'Content-Type': 'application/octet-stream'}).status_code == 204
    api('DELETE', '/v2/images/%s' % image['id'])


class RSSSampler(threading.Thread):

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.samples = []
        self.running = True

    def run(self):
        while self.running:
            self.samples.append(self.server.rss_kib())
            time.sleep(0.1)


@pytest.mark.heavy
def test_one_gib_upload_and_download_keep_memory_flat(demo, image_server, tmp_path):
    big = tmp_path / 'big.raw'
    with open(big, 'wb') as f:
        block = os.urandom(1 << 20)
        for _ in range(1024):
            f.write(block)
    expected = md5_of(big)
    sampler = RSSSampler(image_server)
    baseline = image_server.rss_kib()
    sampler.start()
    try:
        image = demo.json('image', 'create', '--file', str(big), '--disk-format', 'raw',
                          'fn-big')
        out = tmp_path / 'big.out'
        demo.run('image', 'save', '--file', str(out), image['id'])
    finally:
        sampler.running = False
        sampler.join()
    assert image['size'] == 1 << 30
    assert image['checksum'] == expected
    assert md5_of(out) == expected
    growth_mib = (max(sampler.samples) - baseline) / 1024
    assert growth_mib < 50, 'API RSS grew by %.1f MiB' % growth_mib
    demo.run('image', 'delete', image['id'])
    big.unlink()
    out.unlink()
