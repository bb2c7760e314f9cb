"""A container's database: its info, metadata and object rows."""

from services.objectstore.common import dbfile


class ContainerDatabase(dbfile.DatabaseFile):
    kind = 'container'
    row_table = 'objects'
    row_schema = ('CREATE TABLE objects (name TEXT PRIMARY KEY, created_at TEXT, '
                  'size INTEGER, content_type TEXT, etag TEXT, deleted INTEGER)')
    # where this replica reports its totals (the account replica the proxy paired it with)
    info_schema = ', account_host TEXT, account_device TEXT, account_partition TEXT'
    LIST_COLUMNS = ('name', 'created_at', 'size', 'content_type', 'etag')
    name_columns = ('account', 'container')
    row_columns = ('name', 'created_at', 'size', 'content_type', 'etag', 'deleted')
    digest_columns = row_columns
    reclaim_column = 'created_at'

    def merge_row(self, conn, row):
        """A peer's row, inside the caller's transaction: the newer wins."""
        conn.execute('INSERT INTO objects (name, created_at, size, content_type, etag, '
                     'deleted) VALUES (:name, :created_at, :size, :content_type, :etag, '
                     ':deleted) ON CONFLICT(name) DO UPDATE SET '
                     'created_at = excluded.created_at, size = excluded.size, '
                     'content_type = excluded.content_type, etag = excluded.etag, '
                     'deleted = excluded.deleted '
                     'WHERE excluded.created_at > objects.created_at', row)

    def put_object(self, conn, name, created_at, size, content_type, etag, deleted):
        """Record an object's newest state; False when ours was newer."""
        conn.execute('BEGIN IMMEDIATE')
        try:
            row = conn.execute('SELECT created_at FROM objects WHERE name = ?',
                               (name,)).fetchone()
            if row is not None and row['created_at'] >= created_at:
                conn.execute('ROLLBACK')
                return False
            conn.execute('INSERT OR REPLACE INTO objects (name, created_at, size, '
                         'content_type, etag, deleted) VALUES (?, ?, ?, ?, ?, ?)',
                         (name, created_at, size, content_type, etag, int(deleted)))
            conn.execute('COMMIT')
            return True
        except BaseException:
            conn.execute('ROLLBACK')
            raise

    def stats(self, conn):
        row = conn.execute('SELECT COUNT(*), COALESCE(SUM(size), 0) FROM objects '
                           'WHERE deleted = 0').fetchone()
        return row[0], row[1]

    def set_account_node(self, conn, host, device, partition):
        conn.execute('UPDATE info SET account_host = ?, account_device = ?, '
                     'account_partition = ?', (host, device, partition))
