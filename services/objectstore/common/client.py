"""HTTP requests from one object store daemon to a storage server.

Plain ``http.client`` (cooperative under the daemons' eventlet patching):
the storage servers live on loopback or the storage network and speak
HTTP/1.1 with chunked bodies.
"""

import hashlib
import http.client
import json
import os
import socket
import time

from services.objectstore.common import devices
from services.objectstore.common import paths

# Errors that mean "this node did not answer": try another, or queue the update.
NODE_ERRORS = (OSError, http.client.HTTPException, socket.timeout)


def connect(host, port, method, path, headers, conn_timeout, node_timeout,
            query_string=''):
    """Open a connection and send the request line and headers; the caller
    sends any body and calls ``getresponse()``."""
    conn = http.client.HTTPConnection(host, port, timeout=conn_timeout)
    conn.connect()
    conn.sock.settimeout(node_timeout)
    url = path + ('?' + query_string if query_string else '')
    conn.putrequest(method, url, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, str(value))
    conn.endheaders()
    return conn


def request(node, method, path, headers=None, body=b'', conn_timeout=1.0,
            node_timeout=10.0, query_string=''):
    """One whole request: ``(status, headers, body)``; raises a NODE_ERRORS
    exception when the node does not answer."""
    headers = dict(headers or {})
    headers['Content-Length'] = str(len(body))
    conn = connect(node['ip'], node['port'], method, path, headers, conn_timeout,
                   node_timeout, query_string)
    try:
        if body:
            conn.send(body)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data
    finally:
        conn.close()


class KeptConnections:
    """Idle kept-alive connections to storage servers, per ``(ip, port)``.

    A listing update is a small request to one of a few container servers,
    several per object PUT: a new TCP connection for each cost the object
    server about as much CPU as storing a small object (connect, close, the
    address lookup), and the container server an accept.  A connection is
    kept only while it is younger than ``max_idle`` seconds since its last
    answer, well under the servers' ``[api] client_socket_timeout`` (60 s),
    so a server rarely closes one under us; when it does, the request is
    sent once more on a new connection (updates are idempotent: timestamped).
    """

    def __init__(self, per_host=16, max_idle=20.0):
        self.per_host = per_host
        self.max_idle = max_idle
        self._idle = {}     # (ip, port) -> [(last used, connection)], newest last

    def take(self, ip, port):
        idle = self._idle.get((ip, port))
        now = time.monotonic()
        while idle:
            used, conn = idle.pop()
            if now - used < self.max_idle:
                return conn
            conn.close()
        return None

    def give_back(self, ip, port, conn):
        idle = self._idle.setdefault((ip, port), [])
        if len(idle) >= self.per_host:
            conn.close()
            return
        idle.append((time.monotonic(), conn))

    def clear(self):
        for idle in self._idle.values():
            for _, conn in idle:
                conn.close()
        self._idle.clear()


#: the process's kept connections for listing updates
KEPT = KeptConnections()


def _send_kept(conn, method, path, headers, node_timeout):
    conn.sock.settimeout(node_timeout)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, str(value))
    conn.endheaders()
    resp = conn.getresponse()
    resp.read()
    return resp


def kept_request(ip, port, method, path, headers, conn_timeout, node_timeout, kept=None):
    """A request without a body on a kept-alive connection (see
    :class:`KeptConnections`): its status; raises a NODE_ERRORS exception
    when the node does not answer."""
    kept = KEPT if kept is None else kept
    headers = dict(headers, **{'Content-Length': '0'})
    conn = kept.take(ip, port)
    if conn is not None:
        try:
            resp = _send_kept(conn, method, path, headers, node_timeout)
        except (ConnectionError, http.client.BadStatusLine):
            # the server closed it while it was idle: once more, anew
            conn.close()
            conn = None
        except BaseException:
            conn.close()
            raise
    if conn is None:
        conn = http.client.HTTPConnection(ip, port, timeout=conn_timeout)
        try:
            conn.sock = _open_socket(ip, port, conn_timeout)
            resp = _send_kept(conn, method, path, headers, node_timeout)
        except BaseException:
            conn.close()
            raise
    if resp.will_close:
        conn.close()
    else:
        kept.give_back(ip, port, conn)
    return resp.status


def _open_socket(ip, port, timeout):
    """A connected TCP socket; a numeric address (as the rings hold) is
    connected to as it is, without a resolver call."""
    family = socket.AF_INET6 if ':' in ip else socket.AF_INET
    try:
        socket.inet_pton(family, ip)
    except OSError:
        return socket.create_connection((ip, port), timeout)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.connect((ip, port))
    except BaseException:
        sock.close()
        raise
    return sock


def update(host, device, partition, method, account, container, obj, headers,
           conn_timeout, node_timeout):
    """Send a listing update to ``host`` (``ip:port``); True when it took it."""
    ip, _, port = host.rpartition(':')
    path = paths.backend_path(device, partition, account, container, obj)
    try:
        status = kept_request(ip, int(port), method, path, headers, conn_timeout,
                              node_timeout)
    except NODE_ERRORS:
        return False
    return 200 <= status < 300


def write_async_pending(device_path, name_hash, timestamp, update_body):
    """Keep an update that could not be sent, for the updater daemon."""
    directory = os.path.join(device_path, 'async_pending', name_hash[-3:])
    devices.makedirs(device_path, directory)
    # one file per target: an object update may be queued for two container replicas
    target = hashlib.md5(('%s/%s' % (update_body['host'], update_body['device'])).encode(),
                         usedforsecurity=False).hexdigest()[:8]
    path = os.path.join(directory, '%s-%s-%s' % (name_hash, timestamp, target))
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(update_body, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def send_or_queue(device_path, name_hash, timestamp, update_body, conn_timeout,
                  node_timeout):
    """Send a listing update (dict: host, device, partition, method, account,
    container, obj, headers); queue it as an async pending when it fails.
    Returns True when sent."""
    sent = update(update_body['host'], update_body['device'], update_body['partition'],
                  update_body['method'], update_body['account'], update_body['container'],
                  update_body.get('obj'), update_body['headers'], conn_timeout,
                  node_timeout)
    if not sent:
        write_async_pending(device_path, name_hash, timestamp, update_body)
    return sent
