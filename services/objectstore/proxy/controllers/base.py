"""What the account, container and object controllers share."""

import webob

from services.objectstore import exception
from services.objectstore.common import listing
from services.objectstore.common import metadata
from services.objectstore.common import timestamp
from services.objectstore.proxy import acl

#: backend headers a client never sees
HIDDEN = ('x-backend-', 'x-put-timestamp', 'connection', 'transfer-encoding', 'date',
          'server', 'x-trans-id', 'content-length', 'keep-alive')

#: container headers only its owner sees: access lists, temporary URL keys
OWNER_ONLY = ('x-container-read', 'x-container-write', 'x-container-meta-temp-url-key',
              'x-container-meta-temp-url-key-2')


def client_headers(headers, show_acls=True):
    out = {}
    for name, value in headers.items():
        low = name.lower()
        if low.startswith(HIDDEN) or low in HIDDEN:
            continue
        if not show_acls and low in OWNER_ONLY:
            continue
        out[name] = value
    return out


class Controller:

    def __init__(self, app):
        self.app = app
        self.conf = app.conf
        self.backend = app.backend
        self.policy = app.policy

    # -- authorization ---------------------------------------------------
    def identity(self, req):
        return acl.Identity.from_environ(req.environ)

    def authorize(self, req, account, container=None, obj=None, acls=None, method=None):
        if obj is not None and req.environ.get('objectstore.authorized_account') == account:
            return acl.Access()    # a temporary URL's signature (or its subrequests)
        return acl.authorize(self.identity(req), self.policy, method or req.method, account,
                             container, obj, acls, req.headers.get('Referer'))

    def is_owner(self, req, account):
        return acl.account_role(self.identity(req), self.policy, account) in (
            'owner', 'reseller')

    # -- metadata --------------------------------------------------------
    def metadata_headers(self, req, kind, system=()):
        """The metadata headers of a PUT/POST, checked (400 when too large)."""
        updates = metadata.updates_from_headers(req.headers, kind, system)
        try:
            metadata.check(updates, kind, self.conf.proxy.max_meta_count)
        except metadata.BadMetadata as exc:
            raise exception.BadRequest(reason=str(exc))
        out = {}
        for name, value in updates.items():
            out[name] = value
        return out

    # -- shared lookups ----------------------------------------------------
    def container_info(self, req, account, container):
        """The container's HEAD answer from its first replica that has it
        (a :class:`backend.Response`, status 404 when it does not exist)."""
        return self.app.info(req.environ, account, container)

    def container_acls(self, info):
        return {'X-Container-Read': info.header('X-Container-Read'),
                'X-Container-Write': info.header('X-Container-Write')}

    def ensure_account(self, account):
        """Create the account on its first write (``[proxy] account_autocreate``)."""
        head = self.backend.read_first('account', (account,), 'HEAD',
                                       {'X-Trans-Id': self.app.trans_id()})
        if head.status // 100 == 2:
            return True
        if head.status != 404 or not self.conf.proxy.account_autocreate:
            return False
        ts = timestamp.now()
        resp = self.backend.write_all('account', (account,), 'PUT',
                                      lambda i: {'X-Timestamp': ts,
                                                 'X-Trans-Id': self.app.trans_id()})
        self.app.forget_info({}, account)
        return resp.status // 100 == 2

    def listing_response(self, req, resp, kind, name, entry):
        """Turn the backend's JSON rows into the client's format."""
        import json
        try:
            fmt = listing.pick_format(req.GET.get('format'), req.headers.get('Accept'))
        except listing.BadListingRequest as exc:
            raise exception.BadRequest(reason=str(exc))
        rows = json.loads(resp.body or b'[]')
        entries = [entry(r) for r in rows]
        out = webob.Response(status=200)
        out.headers.update(client_headers(resp.headers, self.is_owner(req, name.split('/')[0])
                                          if kind == 'container' else True))
        out.content_type = listing.FORMATS[fmt]
        out.charset = 'utf-8'
        if fmt == 'plain' and not entries:
            out.status = 204
            out.body = b''
            return out
        out.body = listing.render(entries, fmt, kind, name.split('/')[-1])
        return out


def no_body(status, headers=None):
    resp = webob.Response(status=status)
    resp.headers.update(headers or {})
    resp.content_type = 'text/html'
    resp.charset = 'UTF-8'
    resp.body = b''
    return resp


def listing_params(req, limit):
    try:
        return listing.params_from_query(req.GET, limit)
    except listing.BadListingRequest as exc:
        raise exception.PreconditionFailed(reason=str(exc))
