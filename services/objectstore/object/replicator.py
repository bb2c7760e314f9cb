"""Object replication: every replica of a partition pushes what the others
lack (Swift's push model over HTTP, no rsync).

For each partition directory on a local device, the replicator asks each
other primary for its suffix hashes (``REPLICATE /dev/part``); for the
suffixes that differ it asks for their file listings (one request) and sends
each file the peer lacks and does not already supersede, as it is on disk
(``SYNC``, up to 64 files a request): data, metadata and tombstones alike,
with the expiry queue entry of an object that expires, so the receiving
replica expires on its own.  A partition the device is not a primary of (a
handoff, or one a rebalance moved away) is pushed to every primary and, once
all of them took it, removed here.
"""

import json
import os
import shutil

from oslo_log import log as logging

from services.objectstore.common import client
from services.objectstore.common import node as node_mod
from services.objectstore.object import expiring
from services.objectstore.object import replication

LOG = logging.getLogger(__name__)
#: most files sent in one SYNC request
SYNC_BATCH = 64


class PeerError(Exception):
    """A peer answered a replication request with an error."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class Stats(node_mod.PassStats):
    fields = ('partitions', 'suffixes', 'pushed', 'handoffs_removed', 'handoffs_filled',
              'failures')
    template = ('%d partitions, %d suffixes compared, %d files pushed, %d handoff '
                'partitions removed, %d handoffs in place of unavailable devices, '
                '%d failures')


class ObjectReplicator:

    def __init__(self, ring, conn_timeout, node_timeout):
        self.ring = ring
        self.conn_timeout = conn_timeout
        self.node_timeout = node_timeout

    def _request(self, peer, method, path):
        status, _, body = client.request(peer, method, path, {},
                                         conn_timeout=self.conn_timeout,
                                         node_timeout=self.node_timeout)
        if status != 200:
            raise PeerError('%s %s: %d' % (method, path, status), status)
        return json.loads(body)

    def _push(self, peer, device_path, part, files, stats):
        """Send ``files`` (``(name_hash, file name)``) in one SYNC; True when
        the peer took every one (placed, or obsolete there)."""
        frames = []
        try:
            for name_hash, file_name in files:
                path = os.path.join(replication.part_dir(device_path, part), name_hash[-3:],
                                    name_hash, file_name)
                try:
                    handle = open(path, 'rb')   # held open: a cleanup may unlink it
                except FileNotFoundError:
                    continue   # made obsolete meanwhile
                frames.append((replication.frame_line(
                    '%s/%s/%s' % (name_hash[-3:], name_hash, file_name),
                    os.fstat(handle.fileno()).st_size,
                    expiring.entry_of_file(device_path, name_hash, path)), handle))
            if not frames:
                return True
            length = sum(len(line) + os.fstat(f.fileno()).st_size for line, f in frames)
            conn = client.connect(peer['ip'], peer['port'], 'SYNC',
                                  '/%s/%d' % (peer['device'], part),
                                  {'Content-Length': str(length)}, self.conn_timeout,
                                  self.node_timeout)
            try:
                for line, handle in frames:
                    conn.send(line)
                    while True:
                        chunk = handle.read(65536)
                        if not chunk:
                            break
                        conn.send(chunk)
                resp = conn.getresponse()
                body = resp.read()
            finally:
                conn.close()
        finally:
            for _, handle in frames:
                handle.close()
        if resp.status != 200:
            raise PeerError('SYNC /%s/%d: %d' % (peer['device'], part, resp.status),
                            resp.status)
        answer = json.loads(body)
        stats.pushed += answer.get('placed', 0) + answer.get('obsolete', 0)
        for path, why in answer.get('refused', {}).items():
            LOG.warning('%s:%s/%s refused %s: %s', peer['ip'], peer['port'], peer['device'],
                        path, why)
        return not answer.get('refused')

    def sync_partition(self, peer, device_path, part, local_hashes, reclaim_before, stats):
        """Push what ``peer`` lacks of the partition; True when it has all."""
        remote = self._request(peer, 'REPLICATE', '/%s/%d' % (peer['device'], part))
        differ = sorted(s for s, digest in local_hashes.items() if remote.get(s) != digest)
        if not differ:
            return True
        stats.suffixes += len(differ)
        listings = self._request(peer, 'REPLICATE', '/%s/%d/%s' % (
            peer['device'], part, '-'.join(differ)))
        wanted = []
        for suffix in differ:
            ours = replication.suffix_listing(device_path, part, suffix, reclaim_before)
            wanted += replication.files_to_push(ours, listings.get(suffix) or {})
        complete = True
        for start in range(0, len(wanted), SYNC_BATCH):
            if not self._push(peer, device_path, part, wanted[start:start + SYNC_BATCH], stats):
                complete = False
        return complete

    def replicate_partition(self, dev, device_path, part, reclaim_before, stats):
        stats.partitions += 1
        local_hashes = replication.suffix_hashes(device_path, part, reclaim_before)
        nodes = self.ring.get_part_nodes(part)
        primary = any(n['id'] == dev['id'] for n in nodes)
        if not local_hashes:
            if not primary:
                shutil.rmtree(replication.part_dir(device_path, part), ignore_errors=True)
            return
        in_sync = 0
        peers = [n for n in nodes if n['id'] != dev['id']]
        # a primary whose device is gone (507) is replaced by the next handoff,
        # so the partition keeps its replica count while that device is away
        handoffs = (n for n in self.ring.get_more_nodes(part) if n['id'] != dev['id'])
        queue = list(peers)
        while queue:
            peer = queue.pop(0)
            try:
                if self.sync_partition(peer, device_path, part, local_hashes,
                                       reclaim_before, stats):
                    in_sync += 1
            except client.NODE_ERRORS + (PeerError, ValueError) as exc:
                stats.failures += 1
                LOG.info('Partition %d: %s:%s/%s unreachable: %s', part, peer['ip'],
                         peer['port'], peer['device'], exc)
                if primary and getattr(exc, 'status', None) == 507:
                    substitute = next(handoffs, None)
                    if substitute is not None:
                        stats.handoffs_filled += 1
                        queue.append(substitute)
        if not primary and in_sync == len(peers):
            # every primary has it: remove the handoff copy, unless a write came meanwhile
            if replication.suffix_hashes(device_path, part, reclaim_before) == local_hashes:
                shutil.rmtree(replication.part_dir(device_path, part), ignore_errors=True)
                stats.handoffs_removed += 1

    def replicate_device(self, dev, device_path, reclaim_before, stats):
        base = os.path.join(device_path, 'objects')
        for part in node_mod.partitions(base):
            if part >= 1 << self.ring.part_power:
                continue
            self.replicate_partition(dev, device_path, part, reclaim_before, stats)
