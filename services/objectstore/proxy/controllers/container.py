"""``/v1/<account>/<container>``: object listings, container metadata and ACLs."""

from services.objectstore import exception
from services.objectstore.common import listing
from services.objectstore.common import metadata
from services.objectstore.common import paths
from services.objectstore.common import timestamp
from services.objectstore.proxy import acl
from services.objectstore.proxy.controllers import account as account_controller
from services.objectstore.proxy.controllers import base

_error = account_controller._error


class ContainerController(base.Controller):

    def _read(self, req, account, container):
        if req.method == 'GET':
            base.listing_params(req, self.conf.proxy.container_listing_limit)
        resp = self.backend.read_first('container', (account, container), req.method,
                                       {'X-Trans-Id': self.app.trans_id()},
                                       query=req.query_string)
        if resp.status == 404:
            self.authorize(req, account, container, acls={})
            raise exception.NotFound()
        if resp.status // 100 != 2:
            raise _error(resp.status)
        access = self.authorize(req, account, container, acls=self.container_acls(resp))
        resp.headers.setdefault('X-Storage-Policy', 'Policy-0')
        return resp, access

    def get(self, req, account, container):
        resp, _ = self._read(req, account, container)
        return self.listing_response(req, resp, 'container', '%s/%s' % (account, container),
                                     listing.object_entry)

    def head(self, req, account, container):
        resp, access = self._read(req, account, container)
        out = base.no_body(204, base.client_headers(resp.headers, access.owner))
        try:
            out.content_type = listing.FORMATS[listing.pick_format(
                req.GET.get('format'), req.headers.get('Accept'))]
        except listing.BadListingRequest as exc:
            raise exception.BadRequest(reason=str(exc))
        out.charset = 'utf-8'
        return out

    def _metadata(self, req):
        headers = self.metadata_headers(req, 'Container', metadata.CONTAINER_SYSTEM_HEADERS)
        for name in metadata.CONTAINER_ACL_HEADERS:
            if headers.get(name):
                acl.check_acl_syntax(headers[name])
        return headers

    def put(self, req, account, container):
        self.authorize(req, account)
        if '/' in container:
            raise exception.BadRequest(reason='Container names cannot contain "/"')
        try:
            paths.check_names(account, container)
        except paths.BadPath as exc:
            raise exception.BadRequest(reason=str(exc))
        headers = self._metadata(req)
        if not self.ensure_account(account):
            raise exception.NotFound()
        account_part, account_nodes, _, _ = self.backend.nodes('account', account)
        ts = timestamp.now()
        headers.update({'X-Timestamp': ts, 'X-Trans-Id': self.app.trans_id()})

        def headers_for(index):
            node = account_nodes[index % len(account_nodes)]
            return dict(headers, **{'X-Account-Host': '%s:%s' % (node['ip'], node['port']),
                                    'X-Account-Device': node['device'],
                                    'X-Account-Partition': str(account_part)})

        resp = self.backend.write_all('container', (account, container), 'PUT', headers_for)
        self.app.forget_info(req.environ, account, container)
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(resp.status)

    def post(self, req, account, container):
        self.authorize(req, account)
        headers = self._metadata(req)
        headers.update({'X-Timestamp': timestamp.now(), 'X-Trans-Id': self.app.trans_id()})
        resp = self.backend.write_all('container', (account, container), 'POST',
                                      lambda i: headers)
        self.app.forget_info(req.environ, account, container)
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(204)

    def delete(self, req, account, container):
        self.authorize(req, account)
        headers = {'X-Timestamp': timestamp.now(), 'X-Trans-Id': self.app.trans_id()}
        resp = self.backend.write_all('container', (account, container), 'DELETE',
                                      lambda i: headers)
        self.app.forget_info(req.environ, account, container)
        if resp.status == 409:
            raise exception.Conflict()
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(204)
