"""The ring as the servers use it: names -> partition -> nodes.

A partition is the top ``part_power`` bits of the md5 of
``<prefix>/<account>[/<container>[/<object>]]<suffix>``, where prefix and
suffix are the cluster's secret (``[objectstore] hash_path_prefix`` /
``hash_path_suffix``), the same on every node.  The file is read again when
its modification time changes (looked at most every ``reload_interval``
seconds).
"""

import hashlib
import os
import struct
import threading
import time

from services.objectstore.ring import ringfile


def hash_path(prefix, suffix, account, container=None, obj=None):
    """The md5 digest (bytes) a name is placed by."""
    if obj is not None and container is None:
        raise ValueError('an object needs its container')
    parts = [account] + [p for p in (container, obj) if p is not None]
    text = prefix + '/' + '/'.join(parts) + suffix
    return hashlib.md5(text.encode('utf-8'), usedforsecurity=False).digest()


class Ring:

    def __init__(self, path, hash_prefix='', hash_suffix='', reload_interval=15.0):
        self.path = path
        self.hash_prefix = hash_prefix
        self.hash_suffix = hash_suffix
        self.reload_interval = reload_interval
        self._lock = threading.Lock()
        self._mtime = None
        self._checked = 0.0
        self._load()

    def _load(self):
        mtime = os.stat(self.path).st_mtime_ns
        data = ringfile.read_ring(self.path)
        self._data = data
        self._mtime = mtime
        self._checked = time.monotonic()

    def _current(self):
        now = time.monotonic()
        if now - self._checked >= self.reload_interval:
            with self._lock:
                self._checked = now
                try:
                    changed = os.stat(self.path).st_mtime_ns != self._mtime
                except OSError:
                    changed = False   # keep serving the ring we have
                if changed:
                    self._load()
        return self._data

    @property
    def replicas(self):
        return self._current().replicas

    @property
    def part_power(self):
        return self._current().part_power

    @property
    def devices(self):
        return list(self._current().devices.values())

    def get_part(self, account, container=None, obj=None):
        data = self._current()
        digest = hash_path(self.hash_prefix, self.hash_suffix, account, container, obj)
        return struct.unpack_from('>I', digest)[0] >> (32 - data.part_power)

    def get_part_nodes(self, part):
        data = self._current()
        nodes = []
        for index, row in enumerate(data.assignments):
            node = dict(data.devices[row[part]])
            node['index'] = index
            nodes.append(node)
        return nodes

    def get_nodes(self, account, container=None, obj=None):
        """``(partition, primary nodes)``; each node is a device dict with
        its replica ``index``."""
        part = self.get_part(account, container, obj)
        return part, self.get_part_nodes(part)

    def get_more_nodes(self, part):
        """Handoff devices for ``part``, best first: devices in zones that hold
        none of its primaries before the rest, in an order fixed by the
        partition (so every proxy picks the same handoffs)."""
        data = self._current()
        primaries = {row[part] for row in data.assignments}
        used_zones = {(data.devices[d]['region'], data.devices[d]['zone'])
                      for d in primaries}

        def order(dev):
            spot = hashlib.md5(b'%d-%d' % (part, dev['id']), usedforsecurity=False).digest()
            return ((dev['region'], dev['zone']) in used_zones, spot)

        others = [d for d in data.devices.values()
                  if d['id'] not in primaries and d['weight'] > 0]
        for dev in sorted(others, key=order):
            node = dict(dev)
            node['handoff'] = True
            yield node


def load_rings(ring_dir, prefix, suffix, reload_interval=15.0, types=ringfile.RING_TYPES):
    return {t: Ring(ringfile.ring_path(ring_dir, t), prefix, suffix, reload_interval)
            for t in types}
