"""The storage node a background daemon runs on: its devices as the rings
name them, and the loop every background daemon runs."""

import os
import time

from oslo_log import log as logging

from services.objectstore.ring import ring as ring_mod

LOG = logging.getLogger(__name__)
WILDCARDS = ('0.0.0.0', '::', '')
PORT_OPTION = {'account': 'account_port', 'container': 'container_port',
               'object': 'object_port'}


class PassStats:
    """Counters of one pass: a subclass names its ``fields`` (all start at 0)
    and the ``template`` that reports them, in that order."""
    fields = ()
    template = ''

    def __init__(self):
        for name in self.fields:
            setattr(self, name, 0)

    def __str__(self):
        return self.template % tuple(getattr(self, name) for name in self.fields)


def load_rings(conf, types=('account', 'container', 'object')):
    cluster = conf.objectstore
    return ring_mod.load_rings(cluster.ring_dir, cluster.hash_path_prefix,
                               cluster.hash_path_suffix, cluster.ring_reload_interval,
                               types=types)


def local_devices(conf, ring, ring_type):
    """``[(ring device, device path)]`` of the ring's devices this node
    serves: its address and port for the ring's server, and a directory
    under ``[storage] devices``."""
    storage = conf.storage
    port = getattr(storage, PORT_OPTION[ring_type])
    found = []
    for dev in sorted(ring.devices, key=lambda d: d['id']):
        if dev['port'] != port:
            continue
        if storage.bind_host not in WILDCARDS and dev['ip'] != storage.bind_host:
            continue
        path = os.path.join(storage.devices, dev['device'])
        if os.path.isdir(path):
            found.append((dev, path))
    return found


def device_paths(conf):
    """Every device directory under ``[storage] devices``."""
    root = conf.storage.devices
    try:
        names = sorted(os.listdir(root))
    except FileNotFoundError:
        return []
    return [os.path.join(root, n) for n in names if os.path.isdir(os.path.join(root, n))]


def partitions(base):
    """The partition numbers that have a directory under ``base``."""
    try:
        names = os.listdir(base)
    except FileNotFoundError:
        return []
    return sorted(int(n) for n in names if n.isdigit())


def hash_dirs(base):
    """``(partition, name_hash, path)`` of every ``<base>/<part>/<suffix>/<hash>``
    directory (what objects, accounts and containers are kept in)."""
    for part in partitions(base):
        part_dir = os.path.join(base, str(part))
        for suffix in sorted(os.listdir(part_dir)):
            suffix_dir = os.path.join(part_dir, suffix)
            if len(suffix) != 3 or not os.path.isdir(suffix_dir):
                continue
            for name_hash in sorted(os.listdir(suffix_dir)):
                if len(name_hash) == 32 and name_hash.endswith(suffix):
                    yield part, name_hash, os.path.join(suffix_dir, name_hash)


def run_forever(prog, one_pass, interval, once, sleep):
    """Call ``one_pass()`` every ``interval`` seconds (from start to start);
    once only with ``once``.  A pass that raises is logged, not fatal."""
    while True:
        started = time.monotonic()
        try:
            one_pass()
        except Exception:
            LOG.exception('%s: the pass failed', prog)
            if once:
                return 1
        if once:
            return 0
        sleep(max(0.0, interval - (time.monotonic() - started)))
