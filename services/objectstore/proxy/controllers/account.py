"""``/v1/<account>``: container listings, account metadata."""

from services.objectstore import exception
from services.objectstore.common import listing
from services.objectstore.common import timestamp
from services.objectstore.proxy.controllers import base


class AccountController(base.Controller):

    def _read(self, req, account):
        self.authorize(req, account)
        if req.method == 'GET':
            base.listing_params(req, self.conf.proxy.container_listing_limit)
        resp = self.backend.read_first('account', (account,), req.method,
                                       {'X-Trans-Id': self.app.trans_id()},
                                       query=req.query_string)
        if resp.status == 404 and self.conf.proxy.account_autocreate and \
                self.is_owner(req, account):
            # an account nobody wrote to yet: empty, as Swift answers
            now = timestamp.now()
            resp.status = 204
            resp.headers = {'X-Account-Container-Count': '0', 'X-Account-Object-Count': '0',
                            'X-Account-Bytes-Used': '0', 'X-Timestamp': now}
            resp.body = b'[]'
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return resp

    def get(self, req, account):
        resp = self._read(req, account)
        return self.listing_response(req, resp, 'account', account, listing.container_entry)

    def head(self, req, account):
        resp = self._read(req, account)
        out = base.no_body(204, base.client_headers(resp.headers))
        try:
            out.content_type = listing.FORMATS[listing.pick_format(
                req.GET.get('format'), req.headers.get('Accept'))]
        except listing.BadListingRequest as exc:
            raise exception.BadRequest(reason=str(exc))
        out.charset = 'utf-8'
        return out

    def post(self, req, account):
        self.authorize(req, account)
        headers = self.metadata_headers(req, 'Account')
        if not self.ensure_account(account):
            raise exception.ServiceUnavailable()
        ts = timestamp.now()
        headers.update({'X-Timestamp': ts, 'X-Trans-Id': self.app.trans_id()})
        resp = self.backend.write_all('account', (account,), 'POST', lambda i: headers)
        self.app.forget_info(req.environ, account)
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(204)

    def put(self, req, account):
        self._reseller_only(req)
        headers = self.metadata_headers(req, 'Account')
        headers.update({'X-Timestamp': timestamp.now(), 'X-Trans-Id': self.app.trans_id()})
        resp = self.backend.write_all('account', (account,), 'PUT', lambda i: headers)
        self.app.forget_info(req.environ, account)
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(resp.status)

    def delete(self, req, account):
        self._reseller_only(req)
        headers = {'X-Timestamp': timestamp.now(), 'X-Trans-Id': self.app.trans_id()}
        resp = self.backend.write_all('account', (account,), 'DELETE', lambda i: headers)
        self.app.forget_info(req.environ, account)
        if resp.status // 100 != 2:
            raise _error(resp.status)
        return base.no_body(204)

    def _reseller_only(self, req):
        identity = self.identity(req)
        if not identity.authenticated:
            raise exception.Unauthorized()
        if not identity.roles & self.policy.reseller_admin_roles:
            raise exception.Forbidden()


def _error(status):
    for cls in (exception.NotFound, exception.Conflict, exception.BadRequest,
                exception.PreconditionFailed):
        if cls.code == status:
            return cls()
    return exception.ServiceUnavailable()
