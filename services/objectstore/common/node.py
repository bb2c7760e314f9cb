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
