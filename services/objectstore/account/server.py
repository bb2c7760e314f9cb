"""``alto-account-server``: account databases (port 6202).

    PUT    /dev/part/a       create (201) or update (202) an account
    PUT    /dev/part/a/c     a container's report (its timestamps and totals)
    DELETE /dev/part/a       mark an account deleted
    HEAD / GET /dev/part/a   totals and metadata / container rows (JSON)
    POST   /dev/part/a       metadata
"""

import webob.exc

from services.objectstore.account import broker
from services.objectstore.common import dbserver
from services.objectstore.common import server


class AccountServer(dbserver.DatabaseServer):
    server_type = 'account'
    database_class = broker.AccountDatabase
    meta_kind = 'Account'

    def put(self, req, target):
        if target.obj is not None:
            raise webob.exc.HTTPBadRequest('Accounts hold containers only')
        if target.container is not None:
            return self._container_report(req, target)
        ts = server.request_timestamp(req)
        db, _ = self.database(target.__class__(target.device, target.device_path,
                                               target.part, target.account, None, None))
        created = not db.exists()
        db.initialize({'account': target.account}, ts)
        conn = db.connect()
        try:
            info = db.info(conn)
            if db.is_deleted(info) and ts > info['delete_timestamp']:
                created = True
            db.set_put_timestamp(conn, ts)
            db.update_metadata(conn, self.metadata_updates(req), ts)
        finally:
            conn.close()
        return server.plain(201 if created else 202)

    def _container_report(self, req, target):
        account_target = target.__class__(target.device, target.device_path, target.part,
                                          target.account, None, None)
        # a deleted account still takes reports: the reaper's container deletes
        db, _ = self.database(account_target)
        if not db.exists():
            raise webob.exc.HTTPNotFound()
        conn = db.connect()
        try:
            put_ts = server.request_timestamp(req, 'X-Put-Timestamp')
            delete_ts = server.request_timestamp(req, 'X-Delete-Timestamp')
            try:
                count = int(req.headers.get('X-Object-Count', 0))
                used = int(req.headers.get('X-Bytes-Used', 0))
            except ValueError:
                raise webob.exc.HTTPBadRequest('Bad X-Object-Count or X-Bytes-Used')
            db.put_container(conn, target.container, put_ts, delete_ts, count, used)
        finally:
            conn.close()
        return server.plain(201)

    def delete(self, req, target):
        if target.container is not None:
            raise webob.exc.HTTPBadRequest('Delete containers through the container server')
        ts = server.request_timestamp(req)
        db, conn, _ = self.open_existing(target)
        try:
            db.set_delete_timestamp(conn, ts)
        finally:
            conn.close()
        return server.plain(204)

    def get(self, req, target, listing_wanted=True):
        if target.container is not None:
            raise webob.exc.HTTPBadRequest('Accounts hold containers only')
        db, conn, info = self.open_existing(target)
        try:
            containers, objects, used = db.stats(conn)
            headers = self.info_headers(info)
            headers.update({'X-Account-Container-Count': str(containers),
                            'X-Account-Object-Count': str(objects),
                            'X-Account-Bytes-Used': str(used)})
            if containers:
                # Swift's usage per storage policy: one policy (Policy-0) holds all.
                prefix = 'X-Account-Storage-Policy-Policy-0-'
                headers.update({prefix + 'Container-Count': str(containers),
                                prefix + 'Object-Count': str(objects),
                                prefix + 'Bytes-Used': str(used)})
            if not listing_wanted:
                return server.plain(204, headers=headers)
            return self.listing_response(db, conn, headers, req)
        finally:
            conn.close()
