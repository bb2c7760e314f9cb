"""The proxy's WSGI pipeline and request routing.

    errors (plain text), system metadata kept out of requests and answers
                        -> /info, /healthcheck (public)
                        -> keystonemiddleware auth_token (delay_auth_decision:
                           anonymous requests go on, for public containers)
                        -> revocation check -> feature modules (``middleware``)
                        -> ProxyApp

``ProxyApp`` gives every request a transaction id (``X-Trans-Id``, also
``X-Openstack-Request-Id``) and calls the controller of the resource the
path names, one method per verb; each controller authorizes the request
(``acl``) once it knows what it needs to (a container's access lists).
"""

import threading
import time
import urllib.parse
import uuid

import webob
import webob.dec
import webob.exc
from keystonemiddleware import auth_token
from oslo_log import log as logging

from common import exception as common_exception
from common import revocation
from services.objectstore import exception
from services.objectstore.common import paths
from services.objectstore.proxy import acl
from services.objectstore.proxy import backend as backend_mod
from services.objectstore.proxy import middleware
from services.objectstore.proxy.controllers import account
from services.objectstore.proxy.controllers import container
from services.objectstore.proxy.controllers import info
from services.objectstore.proxy.controllers import obj

LOG = logging.getLogger(__name__)
METHODS = {'GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY', 'OPTIONS'}
_TRANS_ID = 'objectstore.trans_id'
#: headers only the proxy's own modules set and read (Swift's system metadata)
SYSMETA = ('x-account-sysmeta-', 'x-container-sysmeta-', 'x-object-sysmeta-')


def new_trans_id():
    return 'tx%s-%010x' % (uuid.uuid4().hex[:21], int(time.time()))


def error_response(req, code, title, message):
    resp = webob.Response(status=code, content_type='text/plain', charset='utf-8')
    if req.method != 'HEAD':
        resp.text = message if code < 500 else title
    return resp


class ErrorCatcher:
    """Errors as plain text, and the transaction id on every answer."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        trans_id = req.environ.setdefault(_TRANS_ID, new_trans_id())
        for key in [k for k in req.environ if k.startswith('HTTP_')]:
            if key[5:].replace('_', '-').lower().startswith(SYSMETA):
                del req.environ[key]
        try:
            _check_request_text(req.environ)
            resp = req.get_response(self.app)
        except common_exception.AltoError as exc:
            if exc.code >= 500:
                LOG.exception('Request %s failed', trans_id)
            resp = error_response(req, exc.code, exc.title, exc.message if exc.safe
                                  else exc.title)
        except webob.exc.HTTPException as exc:
            resp = error_response(req, exc.code, exc.title, exc.explanation or exc.title)
        except Exception:
            LOG.exception('Unexpected error in request %s', trans_id)
            resp = error_response(req, 500, 'Internal Server Error', '')
        for name in [n for n in resp.headers if n.lower().startswith(SYSMETA)]:
            del resp.headers[name]
        resp.headers['X-Trans-Id'] = trans_id
        resp.headers['X-Openstack-Request-Id'] = trans_id
        return resp


def _check_request_text(environ):
    """412 for a path that is not UTF-8 or holds NUL (as Swift answers),
    400 for such a query string."""
    try:
        path = paths.wsgi_path(environ)
    except paths.BadPath:
        path = '\x00'
    if '\x00' in path:
        raise exception.PreconditionFailed(reason='Invalid UTF8 or contains NULL')
    query = environ.get('QUERY_STRING', '')
    try:
        text = urllib.parse.unquote_to_bytes(query.replace('+', ' ')).decode('utf-8')
    except UnicodeDecodeError:
        text = '\x00'
    if '\x00' in text:
        raise exception.BadRequest(reason='Invalid UTF8 or contains NULL in the query')


class ProxyApp:

    def __init__(self, conf, rings, spawn=backend_mod.inline_spawn):
        self.conf = conf
        self.policy = acl.Policy.from_conf(conf)
        self.backend = backend_mod.Backend(rings, conf.proxy.conn_timeout,
                                           conf.proxy.node_timeout, spawn,
                                           conf.proxy.post_quorum_timeout)
        self.controllers = {'account': account.AccountController(self),
                            'container': container.ContainerController(self),
                            'object': obj.ObjectController(self)}
        # per request: green-thread local under the daemon's eventlet patching
        self._local = threading.local()
        #: (account, container or None) -> (monotonic expiry, HEAD answer):
        #: kept across requests
        self._kept = {}

    def trans_id(self):
        return getattr(self._local, 'trans_id', '-')

    def info(self, environ, account, container=None, fresh=False):
        """The account's or container's HEAD answer from its first replica
        that has it (status 404 when it does not exist), read once per
        request whoever asks (the feature modules, then the controllers).
        The answer (an account's 2xx or 404, a container's 2xx) is also kept
        across requests, as Swift's info cache does: an account's for
        ``[proxy] account_info_ttl`` seconds, a container's for
        ``container_info_ttl``, so an object request does not cost a HEAD
        of each.  This proxy's own writes to an account or container drop
        its answer at once.  ``fresh``: an answer read now (once per
        request and name), for checks that need current usage (quotas)."""
        cache = environ.setdefault('objectstore.info', {})
        key = (account, container)
        if fresh:
            refreshed = environ.setdefault('objectstore.info_fresh', set())
            if key not in refreshed:
                refreshed.add(key)
                self._kept.pop(key, None)
                cache.pop(key, None)
        if key not in cache:
            cache[key] = self._kept_info(environ, account, container)
        return cache[key]

    def _kept_info(self, environ, account, container):
        now = time.monotonic()
        kept = self._kept.get((account, container))
        if kept is not None and kept[0] > now:
            return kept[1]
        if container is None:
            resp = self.backend.read_first(
                'account', (account,), 'HEAD',
                {'X-Trans-Id': environ.get(_TRANS_ID) or self.trans_id()})
            ttl = self.conf.proxy.account_info_ttl
            keep = resp.status // 100 == 2 or resp.status == 404
        else:
            resp = self.backend.read_first(
                'container', (account, container), 'HEAD',
                {'X-Trans-Id': environ.get(_TRANS_ID) or self.trans_id()})
            ttl = self.conf.proxy.container_info_ttl
            keep = resp.status // 100 == 2
        if ttl > 0 and keep:
            if len(self._kept) > 10000:
                self._kept = {k: v for k, v in self._kept.items() if v[0] > now}
            self._kept[(account, container)] = (now + ttl, resp)
        return resp

    def forget_info(self, environ, account, container=None):
        """Drop what is known of an account (with its containers) or of one
        container, after a write to it."""
        info = environ.get('objectstore.info', {})
        if container is None:
            for key in [k for k in list(info) + list(self._kept) if k[0] == account]:
                info.pop(key, None)
                self._kept.pop(key, None)
        else:
            info.pop((account, container), None)
            self._kept.pop((account, container), None)

    @webob.dec.wsgify
    def __call__(self, req):
        self._local.trans_id = req.environ.get(_TRANS_ID) or new_trans_id()
        if req.method not in METHODS:
            raise exception.MethodNotAllowed()
        try:
            _, account_name, container_name, obj_name = paths.split_api_path(
                paths.wsgi_path(req.environ))
        except paths.BadPath:
            raise exception.NotFound()
        if not account_name.startswith(self.conf.proxy.reseller_prefix):
            acl.authorize(acl.Identity.from_environ(req.environ), self.policy, req.method,
                          account_name)
            raise exception.NotFound()
        names = [account_name] + [n for n in (container_name, obj_name) if n is not None]
        kind = ('account', 'container', 'object')[len(names) - 1]
        controller = self.controllers[kind]
        method = req.method.lower()
        if method == 'options':
            resp = webob.Response(status=200)
            resp.headers['Allow'] = ', '.join(sorted(m for m in METHODS
                                                     if hasattr(controller, m.lower())))
            return resp
        handler = getattr(controller, method, None)
        if handler is None:
            raise exception.MethodNotAllowed()
        return handler(req, *names)


class PublicPaths:
    """``/info`` and ``/healthcheck`` answer without a token."""

    def __init__(self, conf, protected):
        self.conf = conf
        self.protected = protected

    @webob.dec.wsgify
    def __call__(self, req):
        path = req.path_info.rstrip('/')
        if path == '/info':
            return info.info(req, self.conf, middleware.capabilities(self.conf))
        if path == '/healthcheck':
            return webob.Response(status=200, content_type='text/plain', body=b'OK')
        return req.get_response(self.protected)


def setup_app(conf, rings, spawn=backend_mod.inline_spawn):
    app = ProxyApp(conf, rings, spawn)
    protected = auth_token.AuthProtocol(middleware.pipeline(app, conf), {'oslo_config_config': conf,
                                              'delay_auth_decision': True})
    protected = revocation.attach(protected, conf)
    return ErrorCatcher(PublicPaths(conf, protected))
