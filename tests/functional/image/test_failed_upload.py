"""Uploads that fail on a real alto-image-api leave no data file behind,
neither while the image exists (it goes back to ``queued``) nor after it is
deleted."""

import socket
import time
import urllib.parse

import openstack
import pytest
import requests

from tests.functional.image import fixtures

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def owner(identity_server, image_server):
    conn = openstack.connect(**identity_server.cloud_config('demo-user',
                                                            fixtures.USER_PASSWORD, 'demo'))
    token = conn.auth_token
    conn.close()
    return {'X-Auth-Token': token}


def _create(image_server, owner):
    resp = requests.post(image_server.url + '/v2/images', headers=owner, timeout=10, json={
        'name': 'doomed', 'disk_format': 'raw', 'container_format': 'bare'})
    assert resp.status_code == 201, resp.text
    return resp.json()['id']


def _files(image_server):
    return sorted(p.name for p in image_server.datadir.iterdir()) \
        if image_server.datadir.exists() else []


def _wait_status(image_server, owner, image_id, status, timeout=15):
    deadline = time.time() + timeout
    while True:
        got = requests.get('%s/v2/images/%s' % (image_server.url, image_id), headers=owner,
                           timeout=10).json()['status']
        if got == status or time.time() > deadline:
            return got
        time.sleep(0.2)


def _send_and_drop(image_server, owner, image_id, head_extra, payload):
    """Send a request head and part of the body, then drop the connection."""
    url = urllib.parse.urlsplit(image_server.url)
    head = ('PUT /v2/images/%s/file HTTP/1.1\r\nHost: %s\r\nX-Auth-Token: %s\r\n'
            'Content-Type: application/octet-stream\r\n%s\r\n'
            % (image_id, url.netloc, owner['X-Auth-Token'], head_extra))
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode('ascii') + payload)
        time.sleep(0.5)     # the server is now streaming it into the store
        sock.shutdown(socket.SHUT_RDWR)


def _assert_clean_after(image_server, owner, image_id):
    assert _wait_status(image_server, owner, image_id, 'queued') == 'queued'
    assert _files(image_server) == []
    resp = requests.delete('%s/v2/images/%s' % (image_server.url, image_id), headers=owner,
                           timeout=10)
    assert resp.status_code == 204
    assert _files(image_server) == []


def test_client_gone_mid_upload_with_content_length(image_server, owner):
    image_id = _create(image_server, owner)
    _send_and_drop(image_server, owner, image_id, 'Content-Length: %d\r\n' % (8 << 20),
                   b'a' * (256 << 10))
    _assert_clean_after(image_server, owner, image_id)


def test_client_gone_mid_chunked_upload(image_server, owner):
    image_id = _create(image_server, owner)
    chunk = b'b' * (64 << 10)
    body = b''.join(b'%x\r\n%s\r\n' % (len(chunk), chunk) for _ in range(4))
    _send_and_drop(image_server, owner, image_id, 'Transfer-Encoding: chunked\r\n',
                   body + b'%x\r\nshort' % len(chunk))
    _assert_clean_after(image_server, owner, image_id)


def test_upload_over_the_cap_then_a_good_one(image_server, owner):
    image_id = _create(image_server, owner)
    resp = requests.put('%s/v2/images/%s/file' % (image_server.url, image_id),
                        headers=dict(owner, **{'Content-Type': 'application/octet-stream',
                                               'Content-Length': str(fixtures.SIZE_CAP + 1)}),
                        data=b'', timeout=10)
    assert resp.status_code == 413
    assert _files(image_server) == []
    resp = requests.put('%s/v2/images/%s/file' % (image_server.url, image_id),
                        headers=dict(owner, **{'Content-Type': 'application/octet-stream'}),
                        data=b'fine' * 100, timeout=10)
    assert resp.status_code == 204
    assert _files(image_server) == [image_id]
    requests.delete('%s/v2/images/%s' % (image_server.url, image_id), headers=owner,
                    timeout=10)
    assert _files(image_server) == []


def test_chunked_upload_without_its_last_chunk(image_server, owner):
    """A chunked body cut between two chunks (no terminating 0-chunk) is not an image."""
    image_id = _create(image_server, owner)
    chunk = b'c' * (64 << 10)
    body = b''.join(b'%x\r\n%s\r\n' % (len(chunk), chunk) for _ in range(4))
    _send_and_drop(image_server, owner, image_id, 'Transfer-Encoding: chunked\r\n', body)
    _assert_clean_after(image_server, owner, image_id)
