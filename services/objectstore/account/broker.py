"""An account's database: its info, metadata and container rows."""

from services.objectstore.common import dbfile


class AccountDatabase(dbfile.DatabaseFile):
    kind = 'account'
    row_table = 'containers'
    row_schema = ('CREATE TABLE containers (name TEXT PRIMARY KEY, put_timestamp TEXT, '
                  'delete_timestamp TEXT, object_count INTEGER, bytes_used INTEGER, '
                  'deleted INTEGER)')
    LIST_COLUMNS = ('name', 'put_timestamp', 'object_count', 'bytes_used')
    name_columns = ('account',)
    row_columns = ('name', 'put_timestamp', 'delete_timestamp', 'object_count',
                   'bytes_used', 'deleted')
    # a container reports its totals to one account replica: the others learn
    # them with its next change of timestamps, so totals are not compared
    digest_columns = ('name', 'put_timestamp', 'delete_timestamp', 'deleted')
    reclaim_column = 'delete_timestamp'

    def merge_row(self, conn, row):
        """A peer's row, inside the caller's transaction: timestamps move
        forward; the totals come with the newer timestamps."""
        conn.execute('INSERT INTO containers (name, put_timestamp, delete_timestamp, '
                     'object_count, bytes_used, deleted) VALUES (:name, :put_timestamp, '
                     ':delete_timestamp, :object_count, :bytes_used, :deleted) '
                     'ON CONFLICT(name) DO UPDATE SET '
                     'put_timestamp = MAX(put_timestamp, excluded.put_timestamp), '
                     'delete_timestamp = MAX(delete_timestamp, excluded.delete_timestamp), '
                     'object_count = excluded.object_count, bytes_used = excluded.bytes_used '
                     'WHERE excluded.put_timestamp > containers.put_timestamp '
                     'OR excluded.delete_timestamp > containers.delete_timestamp', row)
        conn.execute('UPDATE containers SET deleted = (delete_timestamp > put_timestamp) '
                     'WHERE name = ?', (row['name'],))

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
