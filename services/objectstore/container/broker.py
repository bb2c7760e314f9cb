"""A container's database: its info, metadata and object rows.

The info row keeps the container's totals (``object_count``, ``bytes_used``
of its live rows), changed in the same transaction as the object row that
changes them, so reading them costs no scan; and the totals and timestamps
last reported to the account (``reported_*``), so the periodic report
(:mod:`services.objectstore.container.reporter`) sends only what changed.
"""

from services.objectstore.common import dbfile


class ContainerDatabase(dbfile.DatabaseFile):
    kind = 'container'
    row_table = 'objects'
    row_schema = ('CREATE TABLE objects (name TEXT PRIMARY KEY, created_at TEXT, '
                  'size INTEGER, content_type TEXT, etag TEXT, deleted INTEGER)')
    # where this replica reports its totals (the account replica the proxy paired it with)
    info_schema = ', account_host TEXT, account_device TEXT, account_partition TEXT'
    # added after the first release: ``upgrade`` adds them to older files
    STAT_COLUMNS = (('object_count', "INTEGER DEFAULT 0"), ('bytes_used', "INTEGER DEFAULT 0"),
                    ('reported_put_timestamp', "TEXT DEFAULT '0'"),
                    ('reported_delete_timestamp', "TEXT DEFAULT '0'"),
                    ('reported_object_count', "INTEGER DEFAULT -1"),
                    ('reported_bytes_used', "INTEGER DEFAULT -1"))
    info_schema += ''.join(', %s %s' % column for column in STAT_COLUMNS)
    LIST_COLUMNS = ('name', 'created_at', 'size', 'content_type', 'etag')
    name_columns = ('account', 'container')
    row_columns = ('name', 'created_at', 'size', 'content_type', 'etag', 'deleted')
    digest_columns = row_columns
    reclaim_column = 'created_at'

    def upgrade(self, conn):
        columns = {r[1] for r in conn.execute('PRAGMA table_info(info)')}
        if all(name in columns for name, _ in self.STAT_COLUMNS):
            return
        conn.execute('BEGIN IMMEDIATE')
        try:
            columns = {r[1] for r in conn.execute('PRAGMA table_info(info)')}
            for name, decl in self.STAT_COLUMNS:
                if name not in columns:
                    conn.execute('ALTER TABLE info ADD COLUMN %s %s' % (name, decl))
            conn.execute('UPDATE info SET object_count = (SELECT COUNT(*) FROM objects '
                         'WHERE deleted = 0), bytes_used = (SELECT COALESCE(SUM(size), 0) '
                         'FROM objects WHERE deleted = 0)')
            conn.execute('COMMIT')
        except BaseException:
            conn.execute('ROLLBACK')
            raise

    def _write_row(self, conn, name, created_at, size, content_type, etag, deleted):
        """Record a row unless ours is as new; returns the change of the
        totals ``(objects, bytes)``, or None when ours was newer."""
        old = conn.execute('SELECT created_at, size, deleted FROM objects WHERE name = ?',
                           (name,)).fetchone()
        if old is not None and old['created_at'] >= created_at:
            return None
        conn.execute('INSERT OR REPLACE INTO objects (name, created_at, size, '
                     'content_type, etag, deleted) VALUES (?, ?, ?, ?, ?, ?)',
                     (name, created_at, size, content_type, etag, int(bool(deleted))))
        objects = 0 if deleted else 1
        used = 0 if deleted else (size or 0)
        if old is not None and not old['deleted']:
            objects -= 1
            used -= old['size'] or 0
        return objects, used

    def _add_to_totals(self, conn, objects, used):
        if objects or used:
            conn.execute('UPDATE info SET object_count = object_count + ?, '
                         'bytes_used = bytes_used + ?', (objects, used))

    def merge_rows(self, conn, rows):
        """A peer's rows, inside the caller's transaction: the newer wins."""
        objects = used = 0
        for row in rows:
            change = self._write_row(conn, row['name'], row['created_at'], row['size'],
                                     row['content_type'], row['etag'], row['deleted'])
            if change is not None:
                objects += change[0]
                used += change[1]
        self._add_to_totals(conn, objects, used)

    def put_object(self, conn, name, created_at, size, content_type, etag, deleted):
        """Record an object's newest state; False when ours was newer."""
        conn.execute('BEGIN IMMEDIATE')
        try:
            change = self._write_row(conn, name, created_at, size, content_type, etag,
                                     deleted)
            if change is None:
                conn.execute('ROLLBACK')
                return False
            self._add_to_totals(conn, *change)
            conn.execute('COMMIT')
            return True
        except BaseException:
            conn.execute('ROLLBACK')
            raise

    @staticmethod
    def totals(info):
        return info['object_count'], info['bytes_used']

    def stats(self, conn):
        """``(objects, bytes)`` of the live rows (kept in the info row)."""
        return self.totals(self.info(conn))

    @staticmethod
    def report(info):
        """What the account is told: ``(put, delete, objects, bytes)``."""
        return (info['put_timestamp'], info['delete_timestamp'], info['object_count'],
                info['bytes_used'])

    @staticmethod
    def report_due(info):
        """True when the account has not been told this container's state."""
        return ContainerDatabase.report(info) != (
            info['reported_put_timestamp'], info['reported_delete_timestamp'],
            info['reported_object_count'], info['reported_bytes_used'])

    def set_reported(self, conn, report):
        conn.execute('UPDATE info SET reported_put_timestamp = ?, '
                     'reported_delete_timestamp = ?, reported_object_count = ?, '
                     'reported_bytes_used = ?', report)

    def set_account_node(self, conn, host, device, partition):
        conn.execute('UPDATE info SET account_host = ?, account_device = ?, '
                     'account_partition = ?', (host, device, partition))
