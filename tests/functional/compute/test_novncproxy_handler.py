"""The console proxy's WebSocket handler on a loopback port, with the token
check replaced: a valid console is proxied, a refused one (bad token, wrong
Origin) is closed at once after the handshake with nothing proxied, as
nova's proxy does (Tempest's test_novnc_bad_token reads no data)."""

import socket
import struct
import threading
import types

import pytest

from services.compute.console import websocketproxy
from tests.functional.compute.websocket_client import open_websocket

pytestmark = pytest.mark.functional

CLOSE, BINARY = 0x8, 0x2


@pytest.fixture
def proxy():
    server = websocketproxy.build_server('127.0.0.1', 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def display():
    """A stand-in VNC display: sends its RFB banner to whoever connects."""
    listener = socket.create_server(('127.0.0.1', 0))

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b'RFB 003.008\n')
            conn.recv(16)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()


def test_a_valid_console_is_proxied(proxy, display, monkeypatch):
    console = types.SimpleNamespace(instance_uuid='u1', host='127.0.0.1', port=display)
    monkeypatch.setattr(websocketproxy, 'authorize', lambda path, headers: console)
    status, opcode, payload = open_websocket(proxy, '/?token=good')
    assert ' 101 ' in status and opcode == BINARY and payload == b'RFB 003.008\n'


def test_a_refused_console_is_closed_without_data(proxy, monkeypatch):
    def refuse(path, headers):
        raise websocketproxy.Refused('The token is invalid or has expired.')
    monkeypatch.setattr(websocketproxy, 'authorize', refuse)
    status, opcode, payload = open_websocket(proxy, '/?token=badtoken')
    assert ' 101 ' in status and (opcode, payload) == (CLOSE, b'')


def test_a_token_that_cannot_be_checked_closes_with_1011(proxy, monkeypatch):
    def broken(path, headers):
        raise RuntimeError('conductor unreachable')
    monkeypatch.setattr(websocketproxy, 'authorize', broken)
    status, opcode, payload = open_websocket(proxy, '/?token=any')
    assert ' 101 ' in status and opcode == CLOSE
    assert struct.unpack('!H', payload[:2])[0] == 1011
