"""Account and container database replication.

For each database file on a local device the replicator asks every other
primary of its partition for the digest of its copy (``REPLICATE`` with
``{"digest"}``); a peer whose digest differs, or that has no copy, is sent
the whole database to merge (``{"merge": payload}``: timestamps forward,
metadata key by key and rows row by row, newest wins).  Both sides push, so
replicas converge from either side.  A database on a device that is not one
of its primaries (a handoff) is removed once every primary merged it.

A primary whose device is gone (its server answers 507: the directory was
removed or is not mounted) is replaced by the partition's next handoff: each
other primary sends the database there, so it keeps its replica count while
the device is away.  The handoff keeps its copy while a primary still
answers 507, and once the device is back it merges the copy home and
removes it (as any handoff database).
Deleted rows and deleted databases older than ``reclaim_age`` are forgotten.
"""

import json
import os
import shutil

from oslo_log import log as logging

from services.objectstore.common import client
from services.objectstore.common import node as node_mod

LOG = logging.getLogger(__name__)


class Stats(node_mod.PassStats):
    fields = ('databases', 'merged', 'handoffs_removed', 'handoffs_filled', 'reclaimed',
              'failures')
    template = ('%d databases, %d merges sent, %d handoffs removed, %d handoffs in place '
                'of unavailable devices, %d reclaimed, %d failures')


class DeviceUnavailable(Exception):
    """A peer's server answered 507: the device is not there."""


def database_files(device_path, kind):
    """``(partition, name_hash)`` of every database on a device."""
    for part, name_hash, path in node_mod.hash_dirs(os.path.join(device_path, '%ss' % kind)):
        if os.path.exists(os.path.join(path, name_hash + '.db')):
            yield part, name_hash


class DatabaseReplicator:

    def __init__(self, ring, database_class, conn_timeout, node_timeout):
        self.ring = ring
        self.database_class = database_class
        self.conn_timeout = conn_timeout
        self.node_timeout = node_timeout

    def _replicate(self, peer, part, name_hash, body):
        path = '/%s/%d/%s' % (peer['device'], part, name_hash)
        return client.request(peer, 'REPLICATE', path, {'Content-Type': 'application/json'},
                              json.dumps(body).encode('utf-8'),
                              conn_timeout=self.conn_timeout, node_timeout=self.node_timeout)

    def sync(self, peer, part, name_hash, payload, digest, stats):
        """True once ``peer`` holds everything ``payload`` does."""
        status, _, body = self._replicate(peer, part, name_hash, {'digest': digest})
        if status == 200 and json.loads(body).get('digest') == digest:
            return True
        if status not in (200, 404):
            return self._failed(peer, status)
        status, _, _ = self._replicate(peer, part, name_hash, {'merge': payload})
        if status // 100 == 2:
            stats.merged += 1
            return True
        return self._failed(peer, status)

    @staticmethod
    def _failed(peer, status):
        if status == 507:
            raise DeviceUnavailable('%s:%s/%s: 507' % (peer['ip'], peer['port'],
                                                       peer['device']))
        return False

    def replicate_database(self, dev, device_path, part, name_hash, reclaim_before, stats):
        stats.databases += 1
        db = self.database_class(device_path, part, name_hash)
        conn = db.connect()
        try:
            reclaimed = db.reclaim(conn, reclaim_before)
            payload = db.replication_payload(conn)
        finally:
            conn.close()
        if reclaimed:
            db.release()
            shutil.rmtree(db.dir, ignore_errors=True)
            stats.reclaimed += 1
            return
        digest = db.digest(payload)
        nodes = self.ring.get_part_nodes(part)
        peers = [n for n in nodes if n['id'] != dev['id']]
        primary = len(peers) < len(nodes)
        handoffs = (n for n in self.ring.get_more_nodes(part) if n['id'] != dev['id'])
        in_sync = 0
        queue = list(peers)
        while queue:
            peer = queue.pop(0)
            try:
                if self.sync(peer, part, name_hash, payload, digest, stats):
                    in_sync += 1
                else:
                    stats.failures += 1
            except DeviceUnavailable as exc:
                stats.failures += 1
                LOG.info('%s %s: %s', db.kind, name_hash, exc)
                substitute = next(handoffs, None) if primary else None
                if substitute is not None:
                    stats.handoffs_filled += 1
                    queue.append(substitute)
            except client.NODE_ERRORS + (ValueError,) as exc:
                stats.failures += 1
                LOG.info('%s %s: %s:%s/%s unreachable: %s', db.kind, name_hash, peer['ip'],
                         peer['port'], peer['device'], exc)
        if not primary and in_sync == len(peers) and \
                self._digest(db) == digest:   # a handoff, now home (and no write since)
            db.release()
            shutil.rmtree(db.dir, ignore_errors=True)
            stats.handoffs_removed += 1

    @staticmethod
    def _digest(db):
        conn = db.connect()
        try:
            return db.digest(db.replication_payload(conn))
        finally:
            conn.close()

    def replicate_device(self, dev, device_path, reclaim_before, stats):
        for part, name_hash in database_files(device_path, self.database_class.kind):
            if part >= 1 << self.ring.part_power:
                continue
            self.replicate_database(dev, device_path, part, name_hash, reclaim_before,
                                    stats)
