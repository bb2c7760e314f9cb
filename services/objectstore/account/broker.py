"""An account's database: its info, metadata and container rows."""

from services.objectstore.common import dbfile


class AccountDatabase(dbfile.DatabaseFile):
    kind = 'account'
    row_table = 'containers'
    row_schema = ('CREATE TABLE containers (name TEXT PRIMARY KEY, put_timestamp TEXT, '
                  'delete_timestamp TEXT, object_count INTEGER, bytes_used INTEGER, '
                  'deleted INTEGER)')
    LIST_COLUMNS = ('name', 'put_timestamp', 'object_count', 'bytes_used')

    def put_container(self, conn, name, put_timestamp, delete_timestamp, object_count,
                      bytes_used):
        """Record a container's report; timestamps only move forward."""
        conn.execute('BEGIN IMMEDIATE')
        try:
            row = conn.execute('SELECT put_timestamp, delete_timestamp FROM containers '
                               'WHERE name = ?', (name,)).fetchone()
            if row is not None:
                put_timestamp = max(put_timestamp, row['put_timestamp'])
                delete_timestamp = max(delete_timestamp, row['delete_timestamp'])
            deleted = delete_timestamp > put_timestamp
            conn.execute('INSERT OR REPLACE INTO containers (name, put_timestamp, '
                         'delete_timestamp, object_count, bytes_used, deleted) '
                         'VALUES (?, ?, ?, ?, ?, ?)',
                         (name, put_timestamp, delete_timestamp,
                          0 if deleted else object_count, 0 if deleted else bytes_used,
                          int(deleted)))
            conn.execute('COMMIT')
        except BaseException:
            conn.execute('ROLLBACK')
            raise

    def stats(self, conn):
        row = conn.execute('SELECT COUNT(*), COALESCE(SUM(object_count), 0), '
                           'COALESCE(SUM(bytes_used), 0) FROM containers '
                           'WHERE deleted = 0').fetchone()
        return row[0], row[1], row[2]
