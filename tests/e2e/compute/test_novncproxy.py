"""alto-compute-novncproxy in front of a real guest's VNC display: a console
URL from ``remote-consoles`` opens a WebSocket through the proxy that
carries the guest's RFB banner; a wrong or expired token gets a WebSocket
closed at once, with nothing of the display."""

import socket
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from tests.e2e.compute import libvirt_cloud
from tests.e2e.compute.conftest import BOOT_TIMEOUT, record_figure
from tests.e2e.libvirt_guests import wait_for
from tests.functional import harness
from tests.functional.compute.fixtures import mysql_compute_db  # noqa: F401
from tests.functional.compute.websocket_client import open_websocket

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
    """(status line, first WebSocket message or None) of a handshake; a
    refusal's first message is an empty close frame."""
    status, opcode, payload = open_websocket(port, path)
    return status, (b'CLOSED' if opcode == 0x8 and payload == b'' else payload)


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
    assert banner == b'CLOSED', (status, banner)
    status, banner = _open(cloud.proxy_port, '/')
    assert banner == b'CLOSED', (status, banner)

    expiring = _websocket_path(_console_url(cloud, server_id))
    time.sleep(TTL + 1)
    status, banner = _open(cloud.proxy_port, expiring)
    assert banner == b'CLOSED', (status, banner)
    assert 'refused' in cloud.log_tail('novncproxy', 20)
