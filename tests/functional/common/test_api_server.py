"""The shared WSGI server drops silent clients; checked on a real
alto-identity-api with ``[api] client_socket_timeout = 2``."""

import socket
import time

import pytest

from tests.functional.identity import fixtures

pytestmark = pytest.mark.functional

TIMEOUT = 2


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('identity-timeout')
    srv = fixtures.IdentityServer(workdir, fixtures.free_port(),
                                  'sqlite:///%s/identity.sqlite' % workdir)
    srv.prepare()
    with srv.config_file.open('a') as conf:
        conf.write('[api]\nclient_socket_timeout = %d\n' % TIMEOUT)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _drain(sock, limit=TIMEOUT * 5):
    """Read until the server closes; returns (bytes, seconds it took)."""
    sock.settimeout(limit)
    start, data = time.monotonic(), b''
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - start


def _connect(server):
    return socket.create_connection(('127.0.0.1', server.port), timeout=5)


def test_half_a_request_line_is_dropped(server):
    with _connect(server) as sock:
        sock.sendall(b'GET /v3 HTTP/1.1\r\nHost: x\r\n')   # headers never end
        data, took = _drain(sock)
    assert data == b'' and took < TIMEOUT * 3


def test_stalled_body_gets_408_and_is_dropped(server):
    with _connect(server) as sock:
        sock.sendall(b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
                     b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"auth"')
        data, took = _drain(sock)
    assert data.startswith(b'HTTP/1.1 408'), data[:200]
    assert b'"code": 408' in data and took < TIMEOUT * 3


def test_idle_kept_alive_connection_is_closed(server):
    with _connect(server) as sock:
        sock.sendall(b'GET /v3 HTTP/1.1\r\nHost: x\r\n\r\n')
        data, took = _drain(sock)
    assert data.startswith(b'HTTP/1.1 200') and TIMEOUT * 0.5 < took < TIMEOUT * 3

