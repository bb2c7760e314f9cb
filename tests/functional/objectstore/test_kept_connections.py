"""Listing updates from an object server to a container server go over
kept-alive connections (``common/client.py``): against a real HTTP/1.1
server on 127.0.0.1."""

import http.server
import threading

import pytest

from services.objectstore.common import client

pytestmark = pytest.mark.functional


def test_listing_updates_reuse_a_kept_connection(monkeypatch):
    """Updates to one container server share a kept-alive connection; one
    the server closed while it was idle is replaced, the update still sent."""

    connections, paths_seen = [], []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def setup(self):
            super().setup()
            connections.append(self.client_address)

        def do_PUT(self):
            paths_seen.append(self.path)
            self.send_response(201)
            self.send_header('Content-Length', '0')
            self.end_headers()
            # the third update's connection is closed after its answer,
            # without saying so (as a server timing an idle client out)
            self.close_connection = len(paths_seen) == 3

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    kept = client.KeptConnections()
    monkeypatch.setattr(client, 'KEPT', kept)
    host = '127.0.0.1:%d' % server.server_address[1]
    try:
        for obj in ('o1', 'o2', 'o3', 'o4', 'o5'):
            assert client.update(host, 'd1', 3, 'PUT', 'AUTH_a', 'c', obj,
                                 {'X-Timestamp': '0000000001.00000'}, 1, 1)
        assert [p.rsplit('/', 1)[1] for p in paths_seen] == ['o1', 'o2', 'o3', 'o4', 'o5']
        # o1-o3 on the first connection, o4 found it closed and took a new one
        assert len(connections) == 2
        # a server that is gone: the update is not taken (it is queued)
        server.shutdown()
        server.server_close()
        kept.clear()
        assert not client.update(host, 'd1', 3, 'PUT', 'AUTH_a', 'c', 'o6', {}, 1, 1)
    finally:
        kept.clear()
        server.server_close()
