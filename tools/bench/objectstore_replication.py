#!/usr/bin/env python3
"""Object replication benchmark: what a replication pass costs.

Starts one real ``alto-object-server`` serving three devices (3 replicas,
part power 8) under a scratch directory, writes ``--objects`` objects of
``--size`` bytes on all three devices, then times the object replicator (the
same code ``alto-objectstore-replicator`` runs, here in this process,
talking HTTP to the server):

* an in-step pass (every suffix hash agrees: the steady-state cost);
* the pass that refills one device emptied by hand (files pushed per second).

    python tools/bench/objectstore_replication.py --objects 2000
"""

import argparse
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from services.objectstore.object import diskfile  # noqa: E402
from services.objectstore.object import replicator  # noqa: E402
from services.objectstore.ring import builder  # noqa: E402
from services.objectstore.ring import ring as ring_mod  # noqa: E402
from services.objectstore.ring import ringfile  # noqa: E402

SUFFIX = 'bench'
DEVICES = ('d1', 'd2', 'd3')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit('the object server did not start')


def one_pass(ring, devices_root):
    stats = replicator.Stats()
    worker = replicator.ObjectReplicator(ring, 1.0, 30.0)
    started = time.monotonic()
    for dev in ring.devices:
        worker.replicate_device(dev, str(devices_root / dev['device']), '0', stats)
    return time.monotonic() - started, stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--objects', type=int, default=2000)
    parser.add_argument('--size', type=int, default=4096)
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix='alto-bench-objrepl-'))
    server = None
    try:
        port = free_port()
        ring_dir, devices_root = work / 'rings', work / 'devices'
        ring_dir.mkdir()
        ring_builder = builder.RingBuilder(8, 3)
        for zone, device in enumerate(DEVICES, 1):
            (devices_root / device).mkdir(parents=True)
            ring_builder.add_device(1, zone, '127.0.0.1', port, device, 100)
        ring_builder.rebalance()
        ring_builder.write_ring(ringfile.ring_path(str(ring_dir), 'object'))
        ring = ring_mod.Ring(ringfile.ring_path(str(ring_dir), 'object'), '', SUFFIX)
        conf = work / 'objectstore.conf'
        conf.write_text('[DEFAULT]\nlog_dir = %s\n[objectstore]\nhash_path_suffix = %s\n'
                        'ring_dir = %s\n[storage]\ndevices = %s\nobject_port = %d\n'
                        'fsync = false\n' % (work, SUFFIX, ring_dir, devices_root, port))
        server = subprocess.Popen([str(pathlib.Path(sys.executable).parent /
                                       'alto-object-server'), '--config-file', str(conf)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(port)
        body = os.urandom(args.size)
        started = time.monotonic()
        for i in range(args.objects):
            name = 'obj-%06d' % i
            part = ring.get_part('AUTH_bench', 'c', name)
            name_hash = ring_mod.hash_path('', SUFFIX, 'AUTH_bench', 'c', name).hex()
            ts = '%016.05f' % (1700000000 + i)
            for device in DEVICES:
                diskfile.DiskFile(str(devices_root / device), part, name_hash,
                                  fsync=False).write([body], {}, ts)
        print('wrote %d objects x %d replicas of %d bytes in %.1f s' % (
            args.objects, len(DEVICES), args.size, time.monotonic() - started))
        took, stats = one_pass(ring, devices_root)
        print('in-step pass: %.2f s (%s)' % (took, stats))
        shutil.rmtree(devices_root / 'd2' / 'objects')
        took, stats = one_pass(ring, devices_root)
        print('refill of an emptied device: %.2f s, %.0f files/s (%s)' % (
            took, stats.pushed / took, stats))
        took, stats = one_pass(ring, devices_root)
        print('in-step pass after the refill: %.2f s (%s)' % (took, stats))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
