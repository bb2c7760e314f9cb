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


def update(host, device, partition, method, account, container, obj, headers,
           conn_timeout, node_timeout):
    """Send a listing update to ``host`` (``ip:port``); True when it took it."""
    ip, _, port = host.rpartition(':')
    node = {'ip': ip, 'port': int(port)}
    path = paths.backend_path(device, partition, account, container, obj)
    try:
        status, _, _ = request(node, method, path, headers, conn_timeout=conn_timeout,
                               node_timeout=node_timeout)
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
