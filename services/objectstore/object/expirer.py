"""The expirer: removes objects whose ``X-Delete-At`` has passed.

Each node expires the replicas it stores: for every due entry of a local
device's expiry queue (``expiring.py``) it sends its own object server a
DELETE for that device with ``X-Timestamp`` = the expiry time and
``X-If-Delete-At`` = the same, naming every container replica to update.
Every replica thus writes the same tombstone (same timestamp, same file
name) and the listings drop the row; a replica whose node was down expires
when it is back, or receives the tombstone from a peer's replicator first.
An object written or posted again since (another ``X-Delete-At``, or none)
refuses the DELETE with 412, and a newer write with 409: the entry is
dropped either way.
"""

import time

from oslo_log import log as logging

from services.objectstore.common import client
from services.objectstore.common import node as node_mod
from services.objectstore.common import paths
from services.objectstore.common import timestamp
from services.objectstore.object import expiring

LOG = logging.getLogger(__name__)
#: answers after which an entry is done
DONE = (204, 404, 409, 412)


class Stats(node_mod.PassStats):
    fields = ('expired', 'dropped', 'left')
    template = '%d objects expired, %d stale entries dropped, %d left for later'


def container_headers(container_ring, account, container):
    cpart, cnodes = container_ring.get_nodes(account, container)
    return {'X-Container-Host': ','.join('%s:%s' % (n['ip'], n['port']) for n in cnodes),
            'X-Container-Device': ','.join(n['device'] for n in cnodes),
            'X-Container-Partition': str(cpart)}


def expire_device(server, device, device_path, rings, conn_timeout, node_timeout, stats,
                  now=None):
    """``server``: this node's object server (``{'ip', 'port'}``)."""
    now = time.time() if now is None else now
    for path, entry in expiring.due(device_path, now):
        account, container, obj = entry['account'], entry['container'], entry['obj']
        delete_at = int(entry['delete_at'])
        part = rings['object'].get_part(account, container, obj)
        headers = {'X-Timestamp': timestamp.normalize(delete_at),
                   'X-If-Delete-At': str(delete_at), 'X-Trans-Id': 'expirer'}
        headers.update(container_headers(rings['container'], account, container))
        try:
            status, _, _ = client.request(
                server, 'DELETE', paths.backend_path(device, part, account, container, obj),
                headers, conn_timeout=conn_timeout, node_timeout=node_timeout)
        except client.NODE_ERRORS as exc:
            LOG.warning('Expiring %s/%s/%s: the object server did not answer: %s',
                        account, container, obj, exc)
            stats.left += 1
            continue
        if status not in DONE:
            stats.left += 1
            continue
        if status == 204:
            stats.expired += 1
        else:
            stats.dropped += 1
        expiring.remove(path)
