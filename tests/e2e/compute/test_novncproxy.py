"""alto-compute-novncproxy in front of a real guest's VNC display: a console
URL from ``remote-consoles`` opens a WebSocket through the proxy that
carries the guest's RFB banner; a wrong or expired token gets a 403 and no
WebSocket."""

import base64
import os
import socket
import struct
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from tests.e2e.compute import libvirt_cloud
from tests.e2e.compute.conftest import BOOT_TIMEOUT, record_figure
from tests.e2e.libvirt_guests import wait_for
from tests.functional import harness
from tests.functional.compute.fixtures import mysql_compute_db  # noqa: F401

pytestmark = pytest.mark.e2e

TTL = 10


@pytest.fixture
def cloud(libvirtd, guest_image, workdir, mysql_compute_db):  # noqa: F811
    port = harness.free_port()
    extra = {'vnc': {'novncproxy_host': '127.0.0.1', 'novncproxy_port': port,
                     'novncproxy_base_url': 'http://127.0.0.1:%d/vnc_auto.html' % port,
                     'novnc_web': ''},
             'consoleauth': {'token_ttl': TTL}}
    with libvirt_cloud.running(libvirtd, guest_image, workdir, mysql_compute_db, ('lv1',),
                               extra=extra) as cloud:
        cloud._spawn('novncproxy', 'alto-compute-novncproxy')
        wait_for(lambda: _listening(port), 60, 'the proxy to listen')
        cloud.proxy_port = port
        yield cloud


def _listening(port):
    with socket.socket() as sock:
        return sock.connect_ex(('127.0.0.1', port)) == 0


def _console_url(cloud, server_id):
    return cloud.request('POST', '/servers/%s/remote-consoles' % server_id, {
        'remote_console': {'protocol': 'vnc', 'type': 'novnc'}}, expect=200)[
        'remote_console']['url']


def _websocket_path(url):
    """The WebSocket path noVNC opens for a console URL (its ``path``)."""
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)['path'][0]


def _open(port, path):
    """(status line, first WebSocket message or None) of a handshake."""
    sock = socket.create_connection(('127.0.0.1', port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(('GET /%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n'
                  'Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n'
                  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n'
                  'Origin: http://127.0.0.1:%d\r\n\r\n'
                  % (path.lstrip('/'), port, key, port)).encode())
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b'\r\n\r\n')
    status = head.split(b'\r\n')[0].decode()
    if ' 101 ' not in status:
        sock.close()
        return status, None
    while len(rest) < 2:
        rest += sock.recv(4096)
    length = rest[1] & 0x7f
    offset = 2
    if length == 126:
        while len(rest) < 4:
            rest += sock.recv(4096)
        length, offset = struct.unpack('!H', rest[2:4])[0], 4
    while len(rest) < offset + length:
        rest += sock.recv(4096)
    sock.close()
    return status, rest[offset:offset + length]


def test_proxy_reaches_the_guests_vnc_only_with_a_valid_token(cloud):
    body = {'server': {'name': 'vnc-guest', 'imageRef': libvirt_cloud.IMAGE_ID,
                       'flavorRef': 'guest', 'networks': 'none'}}
    server_id = cloud.request('POST', '/servers', body, expect=202)['server']['id']
    wait_for(lambda: cloud.request('GET', '/servers/%s' % server_id)['server']['status']
             == 'ACTIVE', BOOT_TIMEOUT, 'ACTIVE')

    import libvirt
    conn = libvirt.open(cloud.extra['libvirt']['connection_uri'])
    try:
        dom = conn.lookupByName(cloud.e2e_prefix + server_id)
        graphics = ET.fromstring(dom.XMLDesc(0)).find("devices/graphics[@type='vnc']")
    finally:
        conn.close()
    assert graphics.get('listen') == '127.0.0.1' and int(graphics.get('port')) >= 5900

    url = _console_url(cloud, server_id)
    assert url.startswith('http://127.0.0.1:%d/vnc_auto.html?path=' % cloud.proxy_port)
    start = time.monotonic()
    status, banner = _open(cloud.proxy_port, _websocket_path(url))
    record_figure('console URL -> RFB banner through the proxy', time.monotonic() - start)
    assert ' 101 ' in status, status
    assert banner.startswith(b'RFB 003.'), banner

    # The legacy action gives a URL that works the same way.
    legacy = cloud.request('POST', '/servers/%s/action' % server_id,
                           {'os-getVNCConsole': {'type': 'novnc'}}, expect=200)
    status, banner = _open(cloud.proxy_port, _websocket_path(legacy['console']['url']))
    assert banner.startswith(b'RFB 003.'), status

    status, banner = _open(cloud.proxy_port, '/?token=not-a-valid-token')
    assert ' 403 ' in status and banner is None
    status, banner = _open(cloud.proxy_port, '/')
    assert ' 403 ' in status and banner is None

    expiring = _websocket_path(_console_url(cloud, server_id))
    time.sleep(TTL + 1)
    status, banner = _open(cloud.proxy_port, expiring)
    assert ' 403 ' in status and banner is None
    assert 'refused' in cloud.log_tail('novncproxy', 20)
