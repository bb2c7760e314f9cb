"""``alto-container-server``: container databases (port 6201).

    PUT    /dev/part/a/c     create (201) or update (202) a container
    PUT    /dev/part/a/c/o   an object's new state from the object server
    DELETE /dev/part/a/c/o   an object's deletion from the object server
    DELETE /dev/part/a/c     delete an empty container (409 when it holds objects)
    HEAD / GET /dev/part/a/c its totals and metadata / its rows (JSON)
    POST   /dev/part/a/c     metadata

A container PUT or DELETE is reported to the account replica the proxy
paired the container with before the answer (a report that fails is
queued).  An object update only records the row and the container's totals
and answers: the account learns the new totals from the periodic report of
``alto-objectstore-updater`` (:mod:`services.objectstore.container.reporter`).
"""

import webob.exc

from services.objectstore.common import metadata
from services.objectstore.common import dbserver
from services.objectstore.common import server
from services.objectstore.container import broker
from services.objectstore.container import reporter


class ContainerServer(dbserver.DatabaseServer):
    server_type = 'container'
    database_class = broker.ContainerDatabase
    meta_kind = 'Container'
    system_headers = metadata.CONTAINER_SYSTEM_HEADERS

    def put(self, req, target):
        if target.obj is not None:
            return self._object_update(req, target, deleted=False)
        ts = server.request_timestamp(req)
        db, name_hash = self.database(target)
        created = not db.exists()
        db.initialize({'account': target.account, 'container': target.container}, ts)
        conn = db.connect()
        try:
            info = db.info(conn)
            if not created and db.is_deleted(info):
                created = ts > info['delete_timestamp']
            if not created and info['put_timestamp'] >= ts and not db.is_deleted(info):
                status = 202
            else:
                status = 201 if created else 202
            db.set_put_timestamp(conn, ts)
            if req.headers.get('X-Account-Host'):
                db.set_account_node(conn, req.headers['X-Account-Host'],
                                    req.headers.get('X-Account-Device'),
                                    req.headers.get('X-Account-Partition'))
            db.update_metadata(conn, self.metadata_updates(req), ts)
            self._report(db, conn, target, name_hash)
        finally:
            conn.close()
        return server.plain(status)

    def delete(self, req, target):
        if target.obj is not None:
            return self._object_update(req, target, deleted=True)
        ts = server.request_timestamp(req)
        db, conn, info = self.open_existing(target)
        try:
            count, _ = db.stats(conn)
            if count:
                return server.plain(409, 'There was a conflict when trying to complete '
                                         'your request.')
            db.set_delete_timestamp(conn, ts)
            self._report(db, conn, target, self.database(target)[1])
        finally:
            conn.close()
        return server.plain(204)

    def _object_update(self, req, target, deleted):
        ts = server.request_timestamp(req)
        db, _ = self.database(target)
        if not db.exists():
            raise webob.exc.HTTPNotFound()
        conn = db.connect()
        try:
            try:
                size = 0 if deleted else int(req.headers.get('X-Size', 0))
            except ValueError:
                raise webob.exc.HTTPBadRequest('Bad X-Size')
            db.put_object(conn, target.obj, ts, size, req.headers.get('X-Content-Type', ''),
                          req.headers.get('X-Etag', ''), deleted)
        finally:
            conn.close()
        return server.plain(201 if not deleted else 204)

    def get(self, req, target, listing_wanted=True):
        db, conn, info = self.open_existing(target)
        try:
            count, used = db.stats(conn)
            headers = self.info_headers(info)
            headers.update({'X-Container-Object-Count': str(count),
                            'X-Container-Bytes-Used': str(used)})
            if not listing_wanted:
                return server.plain(204, headers=headers)
            return self.listing_response(db, conn, headers, req)
        finally:
            conn.close()

    def _report(self, db, conn, target, name_hash):
        """Tell the paired account replica this container's state now."""
        reporter.report_now(db, conn, target.device_path, name_hash,
                            self.conf.storage.node_timeout, self.conf.storage.node_timeout)
