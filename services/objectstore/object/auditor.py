"""The auditor: reads what a device holds and takes away what is corrupt.

An object's newest ``.data`` is read whole and its body checked against the
ETag and length its footer records; an account or container database must
open and pass SQLite's ``quick_check``.  What fails is moved (its whole
directory) to ``<device>/quarantined/<objects|containers|accounts>/``, kept
for the operator; the replica is then missing, so the next replication pass
of a good replica puts a good copy back (suffix hashes are computed from
what is on disk, so there is nothing else to invalidate).
"""

import os
import sqlite3
import time

from oslo_log import log as logging

from services.objectstore.common import dbreplicator
from services.objectstore.common import node as node_mod
from services.objectstore.object import diskfile

LOG = logging.getLogger(__name__)


class Stats(node_mod.PassStats):
    fields = ('objects', 'bytes', 'databases', 'quarantined')
    template = '%d objects (%d bytes), %d databases audited, %d quarantined'


#: the directory of what failed goes to ``<device>/quarantined/<kind>/``
quarantine = diskfile.quarantine


class Throttle:
    """Sleeps so that at most ``rate`` bytes a second are read (0: no limit)."""

    def __init__(self, rate, sleep=time.sleep):
        self.rate = rate
        self.sleep = sleep
        self.started = time.monotonic()
        self.done = 0

    def account(self, nbytes):
        if not self.rate:
            return
        self.done += nbytes
        ahead = self.done / self.rate - (time.monotonic() - self.started)
        if ahead > 0:
            self.sleep(ahead)


def audit_object(device_path, directory, stats, throttle):
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return
    decisive = sorted(n for n in names if n.endswith(('.data', '.ts')))
    if not decisive or not decisive[-1].endswith('.data'):
        return
    path = os.path.join(directory, decisive[-1])
    stats.objects += 1
    try:
        size = os.path.getsize(path)
        diskfile.verify(path)
    except FileNotFoundError:
        return   # replaced meanwhile
    except (diskfile.DiskFileError, ValueError, OSError) as exc:
        LOG.warning('Object %s is corrupt: %s', path, exc)
        quarantine(device_path, 'objects', directory)
        stats.quarantined += 1
        return
    stats.bytes += size
    throttle.account(size)


def audit_database(device_path, kind, path, stats):
    stats.databases += 1
    try:
        conn = sqlite3.connect(path, timeout=30)
        try:
            result = conn.execute('PRAGMA quick_check').fetchone()[0]
            conn.execute('SELECT * FROM info').fetchone()
        finally:
            conn.close()
        if result != 'ok':
            raise sqlite3.DatabaseError(result)
    except sqlite3.Error as exc:
        if not os.path.exists(path):
            return
        LOG.warning('Database %s is corrupt: %s', path, exc)
        quarantine(device_path, '%ss' % kind, os.path.dirname(path))
        stats.quarantined += 1


def audit_device(device_path, bytes_per_second, stats, sleep=time.sleep):
    throttle = Throttle(bytes_per_second, sleep)
    for _, _, directory in node_mod.hash_dirs(os.path.join(device_path, 'objects')):
        audit_object(device_path, directory, stats, throttle)
    for kind in ('container', 'account'):
        for part, name_hash in dbreplicator.database_files(device_path, kind):
            path = os.path.join(device_path, '%ss' % kind, str(part), name_hash[-3:],
                                name_hash, name_hash + '.db')
            audit_database(device_path, kind, path, stats)
