"""Container totals reported to the accounts, off the write path.

An object write changes a container's row and totals only; the container
server answers the object server without waiting on an account server.  The
account learns the container's new totals (object count, bytes used) from
this periodic report, made by ``alto-objectstore-updater`` every
``[storage] container_report_interval`` seconds: a pass walks the
container databases of the node's devices and sends each container whose
timestamps or totals changed since its last report to the account replica
the proxy paired it with.  A report that fails is sent again by the next
pass.  A container's creation and deletion are still reported by the
container server at once (and queued as an async pending when the account
replica does not answer).  Account totals, and the account quotas that read
them, are therefore eventually consistent, as in Swift.
"""

import os

from oslo_log import log as logging

from services.objectstore.common import client
from services.objectstore.common import dbreplicator
from services.objectstore.container import broker

LOG = logging.getLogger(__name__)

ZERO = '0000000000.00000'


def update_body(info):
    """The account update telling ``info``'s container state."""
    deleted = broker.ContainerDatabase.is_deleted(info)
    count, used = broker.ContainerDatabase.totals(info)
    return {'host': info['account_host'], 'device': info['account_device'],
            'partition': info['account_partition'], 'method': 'PUT',
            'account': info['account'], 'container': info['container'], 'obj': None,
            'headers': {'X-Put-Timestamp': info['put_timestamp'],
                        'X-Delete-Timestamp': info['delete_timestamp'] if deleted else ZERO,
                        'X-Object-Count': str(count), 'X-Bytes-Used': str(used),
                        'X-Timestamp': info['put_timestamp']}}


def report_now(db, conn, device_path, name_hash, conn_timeout, node_timeout):
    """Tell the paired account replica the container's state (a container
    PUT or DELETE); queued as an async pending when it does not answer."""
    info = db.info(conn)
    if not info.get('account_host'):
        return
    sent = client.send_or_queue(device_path, name_hash,
                                max(info['put_timestamp'], info['delete_timestamp']),
                                update_body(info), conn_timeout=conn_timeout,
                                node_timeout=node_timeout)
    if sent:
        db.set_reported(conn, db.report(info))


def report_if_changed(db, conn_timeout, node_timeout):
    """Report one container if its state changed since its last report:
    'sent', 'failed' or None (nothing to tell)."""
    conn = db.connect()
    try:
        info = db.info(conn)
        if not info.get('account_host') or not db.report_due(info):
            return None
        body = update_body(info)
        if not client.update(body['host'], body['device'], body['partition'], 'PUT',
                             body['account'], body['container'], None, body['headers'],
                             conn_timeout, node_timeout):
            return 'failed'
        # what was sent, not what is there now: a change meanwhile is reported next pass
        db.set_reported(conn, db.report(info))
        return 'sent'
    finally:
        conn.close()


def sweep(devices_root, conn_timeout, node_timeout):
    """One pass over the container databases of every device under
    ``devices_root``; returns ``(sent, failed)``."""
    sent = failed = 0
    try:
        devices = sorted(os.listdir(devices_root))
    except FileNotFoundError:
        return sent, failed
    for device in devices:
        device_path = os.path.join(devices_root, device)
        if not os.path.isdir(os.path.join(device_path, 'containers')):
            continue
        for part, name_hash in dbreplicator.database_files(device_path, 'container'):
            db = broker.ContainerDatabase(device_path, part, name_hash)
            try:
                outcome = report_if_changed(db, conn_timeout, node_timeout)
            except Exception as exc:   # one bad file does not stop the pass
                LOG.warning('Container %s on %s not reported: %s', name_hash, device, exc)
                outcome = 'failed'
            if outcome == 'sent':
                sent += 1
            elif outcome == 'failed':
                failed += 1
    if sent or failed:
        LOG.info('Container reports: %d sent, %d to send again', sent, failed)
    return sent, failed
