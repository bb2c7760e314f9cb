"""A bare WebSocket client for the console proxy's tests: one handshake and
the first message, read off a plain socket (the shape of what noVNC and
Tempest send)."""

import base64
import os
import socket
import struct


def open_websocket(port, path, timeout=30):
    """(status line, opcode, payload) of the first frame after a handshake
    with ``/path`` on 127.0.0.1:``port``; opcode and payload are None when
    the handshake was not answered 101."""
    sock = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    try:
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
            return status, None, None

        def need(count):
            nonlocal rest
            while len(rest) < count:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError('closed after %d of %d bytes' % (len(rest), count))
                rest += chunk
        need(2)
        opcode, length, offset = rest[0] & 0x0f, rest[1] & 0x7f, 2
        if length == 126:
            need(4)
            length, offset = struct.unpack('!H', rest[2:4])[0], 4
        need(offset + length)
        return status, opcode, rest[offset:offset + length]
    finally:
        sock.close()
