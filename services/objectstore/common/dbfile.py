"""Per-partition SQLite databases of accounts and containers, as in Swift.

One file per account or container at
``<device>/<kind>s/<partition>/<hash[-3:]>/<hash>/<hash>.db``.  Each has an
``info`` row (name, timestamps, metadata) and a table of listing rows; the
subclasses say which.  A database is "deleted" while its delete timestamp is
newer than its put timestamp; it keeps its rows so newer updates still
order correctly.

The files are in SQLite's write-ahead-log mode with ``synchronous =
NORMAL``: a listing update is a short append to ``<hash>.db-wal`` with no
flush to disk (the log is flushed and folded into the database at each
checkpoint).  SQLite checkpoints when the last connection to a file
closes, so the process keeps one idle connection open to each of the
databases it used lately (``_IdleConnections``) and hands it to the next
request on that file: a listing update costs no flush and no new
connection.  A crashed server loses
nothing; a power cut may lose the last listing updates of a replica, which
replication from the others restores
(Swift's ``.pending`` files make the same trade).  Object data itself is
always flushed before its write is acknowledged.
"""

import collections
import hashlib
import json
import os
import sqlite3

from services.objectstore.common import devices
from services.objectstore.common import listing

ZERO = '0000000000.00000'


class _PooledConnection(sqlite3.Connection):
    """A connection whose ``close()`` hands it back to the process's idle
    connections (``_IDLE``) instead of closing it."""

    path = inode = None

    def close(self):
        _IDLE.checkin(self)

    def discard(self):
        try:
            super().close()
        except sqlite3.Error:
            pass


class _IdleConnections:
    """One idle connection kept open per database used lately (least
    recently used closed first) and handed to the next request on that
    file: closing a request's connection then never checkpoints the
    write-ahead log, and a request costs no new connection (opening the
    file, reading its schema)."""

    def __init__(self, size=256):
        self.size = size
        self.conns = collections.OrderedDict()

    def checkout(self, path):
        """The idle connection to ``path``, or None.  One to a file since
        removed or replaced (a reclaim, a quarantine, a new copy put in
        place) is closed, not handed out."""
        conn = self.conns.pop(path, None)
        if conn is None:
            return None
        try:
            same = os.stat(path).st_ino == conn.inode
        except OSError:
            same = False
        if not same:
            conn.discard()
            return None
        return conn

    def checkin(self, conn):
        if conn.in_transaction:   # a caller that failed mid-transaction
            try:
                conn.execute('ROLLBACK')
            except sqlite3.Error:
                conn.discard()
                return
        if conn.path in self.conns or conn.inode is None:
            conn.discard()        # one idle connection per file is enough
            return
        self.conns[conn.path] = conn
        while len(self.conns) > self.size:
            _, oldest = self.conns.popitem(last=False)
            oldest.discard()

    def drop(self, path):
        conn = self.conns.pop(path, None)
        if conn is not None:
            conn.discard()


_IDLE = _IdleConnections()


class DatabaseFile:
    kind = None              # 'account' or 'container'
    row_table = None         # the listing table
    row_schema = None        # its CREATE TABLE
    info_schema = None       # extra columns of info
    name_columns = ()        # the info columns that name it
    row_columns = ()         # every column of a listing row
    digest_columns = ()      # the row columns replicas must agree on
    reclaim_column = None    # a deleted row's timestamp

    def __init__(self, device_path, part, name_hash):
        self.device_path = device_path
        self.dir = os.path.join(device_path, '%ss' % self.kind, str(part),
                                name_hash[-3:], name_hash)
        self.path = os.path.join(self.dir, name_hash + '.db')

    def release(self):
        """Close the idle connection the process keeps to this file (before
        the file is removed or moved)."""
        _IDLE.drop(self.path)

    def exists(self):
        return os.path.exists(self.path)

    def connect(self):
        """A connection (``close()`` when done: it is kept for the next
        request on this file)."""
        conn = _IDLE.checkout(self.path)
        if conn is not None:
            return conn
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                               check_same_thread=False, factory=_PooledConnection)
        conn.row_factory = sqlite3.Row
        conn.execute('PRAGMA journal_mode = WAL')
        conn.execute('PRAGMA synchronous = NORMAL')
        conn.path = self.path
        try:
            conn.inode = os.stat(self.path).st_ino
        except OSError:
            pass      # (inode None: closed for good when the caller is done)
        self.upgrade(conn)
        return conn

    def upgrade(self, conn):
        """Bring a file made by an older release to the current schema (on
        each new connection; the idle ones are handed out as they are)."""

    def initialize(self, names, put_timestamp):
        """Create the file (if absent) for ``names`` (dict of the info's name
        columns)."""
        if self.exists():
            return
        devices.makedirs(self.device_path, self.dir)
        tmp = self.path + '.tmp-%d' % os.getpid()
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute('PRAGMA journal_mode = WAL')
            cols = ', '.join('%s TEXT' % c for c in names)
            conn.execute('CREATE TABLE info (%s, created_at TEXT, put_timestamp TEXT, '
                         'delete_timestamp TEXT, metadata TEXT%s)'
                         % (cols, self.info_schema or ''))
            conn.execute(self.row_schema)
            conn.execute('INSERT INTO info (%s, created_at, put_timestamp, delete_timestamp, '
                         'metadata) VALUES (%s)'
                         % (', '.join(names), ', '.join('?' * (len(names) + 4))),
                         list(names.values()) + [put_timestamp, put_timestamp, ZERO, '{}'])
        finally:
            conn.close()
        if os.path.exists(self.path):   # another request made it first
            os.unlink(tmp)
        else:
            os.replace(tmp, self.path)

    def info(self, conn):
        row = conn.execute('SELECT * FROM info').fetchone()
        info = dict(row)
        info['metadata'] = json.loads(info['metadata'] or '{}')
        return info

    @staticmethod
    def is_deleted(info):
        return info['delete_timestamp'] > info['put_timestamp']

    def set_put_timestamp(self, conn, timestamp):
        conn.execute('UPDATE info SET put_timestamp = ? WHERE put_timestamp < ?',
                     (timestamp, timestamp))

    def set_delete_timestamp(self, conn, timestamp):
        conn.execute('UPDATE info SET delete_timestamp = ? WHERE delete_timestamp < ?',
                     (timestamp, timestamp))

    def update_metadata(self, conn, updates, timestamp):
        from services.objectstore.common import metadata
        conn.execute('BEGIN IMMEDIATE')
        try:
            stored = self.info(conn)['metadata']
            merged = metadata.merge(stored, updates, timestamp)
            conn.execute('UPDATE info SET metadata = ?', (json.dumps(merged),))
            conn.execute('COMMIT')
        except BaseException:
            conn.execute('ROLLBACK')
            raise
        return merged

    def list_rows(self, conn, columns, params):
        """Listing rows as dicts (see :func:`listing.paginate`)."""
        table = self.row_table

        def fetch(marker, end_marker, prefix, limit, reverse):
            where = ['deleted = 0']
            args = []
            if marker is not None:
                where.append('name < ?' if reverse else 'name > ?')
                args.append(marker)
            if end_marker is not None:
                where.append('name > ?' if reverse else 'name < ?')
                args.append(end_marker)
            if prefix:
                where.append('name >= ? AND name < ?')
                args += [prefix, listing.prefix_end(prefix)]
            sql = 'SELECT %s FROM %s WHERE %s ORDER BY name %s LIMIT ?' % (
                ', '.join(columns), table, ' AND '.join(where),
                'DESC' if reverse else 'ASC')
            return [dict(r) for r in conn.execute(sql, args + [limit])]

        return listing.paginate(fetch, **params)

    # -- replication -------------------------------------------------------
    def replication_payload(self, conn):
        """What a replica sends a peer: its names, timestamps, metadata and
        every listing row."""
        info = self.info(conn)
        rows = [dict(r) for r in conn.execute(
            'SELECT %s FROM %s ORDER BY name' % (', '.join(self.row_columns),
                                                 self.row_table))]
        return {'names': {c: info[c] for c in self.name_columns},
                'created_at': info['created_at'], 'put_timestamp': info['put_timestamp'],
                'delete_timestamp': info['delete_timestamp'],
                'metadata': info['metadata'], 'rows': rows}

    def digest(self, payload):
        """A hash of what replicas must agree on (equal: nothing to send)."""
        body = [payload['put_timestamp'], payload['delete_timestamp'],
                sorted(payload['metadata'].items()),
                [[row[c] for c in self.digest_columns] for row in payload['rows']]]
        return hashlib.md5(json.dumps(body).encode('utf-8'),
                           usedforsecurity=False).hexdigest()

    def merge(self, payload):
        """Take a peer's payload: timestamps move forward, metadata merges
        key by key and rows row by row, newest wins.  Creates the file when
        absent."""
        self.initialize(payload['names'], payload['created_at'])
        conn = self.connect()
        try:
            conn.execute('BEGIN IMMEDIATE')
            try:
                info = self.info(conn)
                conn.execute('UPDATE info SET put_timestamp = ? WHERE put_timestamp < ?',
                             (payload['put_timestamp'],) * 2)
                conn.execute('UPDATE info SET delete_timestamp = ? '
                             'WHERE delete_timestamp < ?', (payload['delete_timestamp'],) * 2)
                merged = dict(info['metadata'])
                for name, (value, ts) in payload['metadata'].items():
                    if name not in merged or merged[name][1] < ts:
                        merged[name] = [value, ts]
                conn.execute('UPDATE info SET metadata = ?', (json.dumps(merged),))
                self.merge_rows(conn, payload['rows'])
                conn.execute('COMMIT')
            except BaseException:
                conn.execute('ROLLBACK')
                raise
        finally:
            conn.close()

    def merge_rows(self, conn, rows):
        """A peer's rows, inside the caller's transaction."""
        for row in rows:
            self.merge_row(conn, row)

    def merge_row(self, conn, row):
        raise NotImplementedError

    def reclaim(self, conn, reclaim_before):
        """Forget deleted rows older than ``reclaim_before``; True when the
        whole database is a deleted one that old, with no live row (the
        caller removes the file)."""
        conn.execute('DELETE FROM %s WHERE deleted = 1 AND %s < ?'
                     % (self.row_table, self.reclaim_column), (reclaim_before,))
        info = self.info(conn)
        if not self.is_deleted(info) or info['delete_timestamp'] >= reclaim_before:
            return False
        live = conn.execute('SELECT COUNT(*) FROM %s WHERE deleted = 0'
                            % self.row_table).fetchone()[0]
        return live == 0
