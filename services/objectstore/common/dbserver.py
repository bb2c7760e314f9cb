"""What the account and container servers share: opening a database named
by a request, its info headers and a listing answer; and the replicators'
verb:

    REPLICATE /dev/part/<hash>   body ``{"digest": d}``: answers this replica's
                                 ``{"digest": ...}`` (404 when it has none);
                                 body ``{"merge": payload}``: merges a peer's
                                 database into this one (202)
"""

import json
import re
import sqlite3

import webob.exc

from services.objectstore.common import listing
from services.objectstore.common import metadata
from services.objectstore.common import server
from services.objectstore.ring import ring as ring_mod


NAME_HASH = re.compile(r'^[0-9a-f]{32}$')


class DatabaseServer(server.StorageServer):
    database_class = None
    meta_kind = None             # 'Account' or 'Container'
    system_headers = ()
    replication_methods = ('REPLICATE',)

    def replicate(self, req, device_path, part, rest):
        if not NAME_HASH.match(rest):
            return server.plain(400, 'expected /device/partition/<hash>')
        db = self.database_class(device_path, part, rest)
        try:
            body = json.loads(req.body or b'{}')
            if 'merge' in body:
                db.merge(body['merge'])
                return server.plain(202)
        except (ValueError, KeyError, TypeError, AttributeError, sqlite3.Error) as exc:
            return server.plain(400, 'Bad replication body: %s' % exc)
        if not db.exists():
            return server.plain(404)
        conn = db.connect()
        try:
            digest = db.digest(db.replication_payload(conn))
        finally:
            conn.close()
        resp = server.plain(200)
        resp.content_type = 'application/json'
        resp.body = json.dumps({'digest': digest}).encode('utf-8')
        return resp

    def database(self, target):
        name_hash = ring_mod.hash_path(self.hash_prefix, self.hash_suffix, target.account,
                                       target.container).hex()
        return self.database_class(target.device_path, target.part, name_hash), name_hash

    def open_existing(self, target):
        """``(database, connection, info)``; 404 when absent or deleted."""
        db, _ = self.database(target)
        if not db.exists():
            raise webob.exc.HTTPNotFound()
        conn = db.connect()
        info = db.info(conn)
        if db.is_deleted(info):
            conn.close()
            raise webob.exc.HTTPNotFound(headers={
                'X-Backend-Delete-Timestamp': info['delete_timestamp']})
        return db, conn, info

    def metadata_updates(self, req):
        updates = metadata.updates_from_headers(req.headers, self.meta_kind,
                                                self.system_headers)
        return updates

    def info_headers(self, info):
        headers = {'X-Timestamp': info['created_at'], 'X-Put-Timestamp': info['put_timestamp'],
                   'X-Backend-Delete-Timestamp': info['delete_timestamp']}
        headers.update(metadata.visible(info['metadata']))
        return headers

    def post(self, req, target):
        ts = server.request_timestamp(req)
        db, conn, _ = self.open_existing(target)
        try:
            db.update_metadata(conn, self.metadata_updates(req), ts)
        finally:
            conn.close()
        return server.plain(204)

    def head(self, req, target):
        return self.get(req, target, listing_wanted=False)

    def listing_response(self, db, conn, headers, req):
        try:
            params = listing.params_from_query(req.GET, max_limit=10000)
        except listing.BadListingRequest as exc:
            raise webob.exc.HTTPBadRequest(str(exc))
        rows = db.list_rows(conn, db.LIST_COLUMNS, params)
        resp = server.plain(200, headers=headers)
        resp.content_type = 'application/json'
        resp.body = json.dumps(rows).encode('utf-8')
        return resp
