"""The reaper: empties accounts that were deleted.

A deleted account (``DELETE /v1/<account>`` by a reseller admin) keeps its
database, marked deleted.  Once ``[reaper] delay_reaping`` has passed, the
node holding its first primary replica deletes each of its containers'
objects on every object primary (listings updated as the object servers
do for any DELETE) and then the container on every container replica.
A container a replica still lists objects in refuses its DELETE (409):
the next pass takes the rest.
"""

import json
import time

from oslo_log import log as logging

from services.objectstore.account import broker
from services.objectstore.common import client
from services.objectstore.common import node as node_mod
from services.objectstore.common import dbreplicator
from services.objectstore.common import paths
from services.objectstore.common import timestamp
from services.objectstore.object import expirer

LOG = logging.getLogger(__name__)
PAGE = 1000


class Stats(node_mod.PassStats):
    fields = ('accounts', 'containers', 'objects', 'failures')
    template = '%d accounts reaped: %d containers, %d objects removed, %d failures'


class Reaper:

    def __init__(self, rings, conn_timeout, node_timeout):
        self.rings = rings
        self.conn_timeout = conn_timeout
        self.node_timeout = node_timeout

    def _request(self, node, method, path, headers=None, query=''):
        try:
            return client.request(node, method, path, headers or {},
                                  conn_timeout=self.conn_timeout,
                                  node_timeout=self.node_timeout, query_string=query)
        except client.NODE_ERRORS as exc:
            LOG.info('%s %s:%s%s failed: %s', method, node['ip'], node['port'], path, exc)
            return None, {}, b''

    def objects(self, account, container):
        """The names a container replica lists (the first that answers)."""
        part, nodes = self.rings['container'].get_nodes(account, container)
        for node in nodes:
            names = []
            marker = ''
            while True:
                query = 'format=json&limit=%d&marker=%s' % (PAGE, paths.quote(marker))
                status, _, body = self._request(
                    node, 'GET', paths.backend_path(node['device'], part, account,
                                                    container), query=query)
                if status != 200:
                    break
                rows = json.loads(body)
                names += [r['name'] for r in rows]
                if len(rows) < PAGE:
                    return names
                marker = rows[-1]['name']
        return []

    def delete_everywhere(self, ring_type, names, headers):
        """DELETE on every primary; True when all of them answered."""
        part, nodes = self.rings[ring_type].get_nodes(*names)
        answered = 0
        for node in nodes:
            status, _, _ = self._request(node, 'DELETE',
                                         paths.backend_path(node['device'], part, *names),
                                         headers)
            if status is not None and (status // 100 == 2 or status in (404, 409)):
                answered += 1
        return answered == len(nodes)

    def reap_container(self, account, container, stats):
        for obj in self.objects(account, container):
            headers = {'X-Timestamp': timestamp.now(), 'X-Trans-Id': 'reaper'}
            headers.update(expirer.container_headers(self.rings['container'], account,
                                                     container))
            if self.delete_everywhere('object', (account, container, obj), headers):
                stats.objects += 1
            else:
                stats.failures += 1
        if self.delete_everywhere('container', (account, container),
                                  {'X-Timestamp': timestamp.now(), 'X-Trans-Id': 'reaper'}):
            stats.containers += 1

    def reap_device(self, dev, device_path, delay, stats, now=None):
        now = time.time() if now is None else now
        ring = self.rings['account']
        for part, name_hash in dbreplicator.database_files(device_path, 'account'):
            if part >= 1 << ring.part_power or ring.get_part_nodes(part)[0]['id'] != dev['id']:
                continue   # the first primary reaps; the others wait for it
            db = broker.AccountDatabase(device_path, part, name_hash)
            conn = db.connect()
            try:
                info = db.info(conn)
                if not db.is_deleted(info) or float(info['delete_timestamp']) > now - delay:
                    continue
                containers = [r['name'] for r in conn.execute(
                    'SELECT name FROM containers WHERE deleted = 0 ORDER BY name')]
            finally:
                conn.close()
            stats.accounts += 1
            LOG.info('Reaping account %s: %d containers', info['account'], len(containers))
            for container in containers:
                self.reap_container(info['account'], container, stats)
