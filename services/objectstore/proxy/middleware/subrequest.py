"""Requests a feature module makes on behalf of the client's request.

A subrequest goes through the modules below the one that makes it, with the
identity of the original request (keystonemiddleware's headers), its
transaction id and a temporary URL's grant, and nothing else of it.
"""

import urllib.parse

import webob
import webob.dec
import webob.exc

from common import exception as common_exception
from services.objectstore.common import paths

#: what a subrequest keeps of the original request's environment
KEPT = ('HTTP_X_IDENTITY_STATUS', 'HTTP_X_USER_ID', 'HTTP_X_USER_NAME', 'HTTP_X_PROJECT_ID',
        'HTTP_X_PROJECT_NAME', 'HTTP_X_ROLES', 'HTTP_REFERER', 'objectstore.trans_id',
        'objectstore.authorized_account', 'objectstore.slo_depth')


def api_path(account, container=None, obj=None):
    return paths.quote('/' + '/'.join(['v1', account] + [
        n for n in (container, obj) if n is not None]))


def copy_source(container, obj):
    """An ``X-Copy-From`` value."""
    return paths.quote('/%s/%s' % (container, obj))


def make(environ, method, path, headers=None, body=None, query=None, source=None):
    """A :class:`webob.Request` for ``path`` (quoted ``/v1/...``);
    ``source`` names the module that makes it (``objectstore.source``)."""
    base = {k: environ[k] for k in KEPT if k in environ}
    base['objectstore.source'] = source or 'subrequest'
    req = webob.Request.blank(path, environ=base, method=method, headers=headers or {})
    if query:
        req.environ['QUERY_STRING'] = urllib.parse.urlencode(query)
    if body is not None:
        req.body = body
    return req


def call(app, environ, method, path, headers=None, body=None, query=None, source=None):
    """The answer of ``app`` (a refusal the controllers raise becomes its
    answer, as the proxy's error handler would render it)."""
    return respond(app, make(environ, method, path, headers, body, query, source))


def respond(app, req):
    """``req``'s answer from ``app`` (see :func:`call`)."""
    try:
        return req.get_response(app)
    except common_exception.AltoError as exc:
        if exc.code >= 500:
            raise
        return webob.Response(status=exc.code, content_type='text/plain', charset='utf-8',
                              body=(exc.message if exc.safe else exc.title).encode('utf-8'))
    except webob.exc.HTTPException as exc:
        return exc


def split(environ):
    """``(account, container, object)`` of an API request, None where absent
    (or all None for a path that is not ``/v1/...``)."""
    try:
        _, account, container, obj = paths.split_api_path(paths.wsgi_path(environ))
    except paths.BadPath:
        return None, None, None
    return account, container, obj


def segment_path(text):
    """``(container, object)`` of a ``/container/object`` or
    ``container/object`` reference (None when it names no object)."""
    container, _, obj = urllib.parse.unquote(text or '').lstrip('/').partition('/')
    if not container or not obj:
        return None
    return container, obj


class Module:
    """A feature module: ``handle`` gets each request with the names its path
    gives (None where absent) and answers it, usually by passing it on to the
    ``app`` below (:meth:`passthrough`); ``proxy`` (the ProxyApp) tells
    account and container facts."""

    def __init__(self, app, proxy):
        self.app = app
        self.proxy = proxy

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        account, container, obj = split(environ)
        try:
            resp = self.handle(req, account, container, obj)
        except webob.exc.HTTPException as exc:
            resp = exc
        if resp is PASS:
            # the app below answers the client itself: no response object
            # made and taken apart again at every module (eleven of them
            # cost a third of the proxy's CPU per small object)
            return self.app(environ, start_response)
        return resp(environ, start_response)

    @staticmethod
    def passthrough(req):
        """What ``handle`` returns to leave the request, as it now is, to the
        app below, its answer untouched."""
        return PASS

    def handle(self, req, account, container, obj):
        return self.passthrough(req)


#: :meth:`Module.passthrough`'s answer
PASS = object()
