"""Explicit route tables for the APIs in nova's style (compute, volume).

Each controller module registers ``(method, path pattern, handler)``, with
an optional microversion range, on a :class:`Router`; one pecan ``_route``
hook calls :func:`dispatch`.  A table beats nested pecan controllers for
these APIs: their URL spaces have many sub-resources and actions, and a
flat list keeps every endpoint visible in one place.  Handlers get a
:class:`Request` and return a body or a :class:`Response`.
"""

import functools
import json
import re

import orjson
import pecan
import webob.exc

from common import exception
from common import microversion


class Request:
    """What handlers get: context, parsed version, body and query."""

    def __init__(self, pecan_request, version):
        self.raw = pecan_request
        self.context = pecan_request.context
        self.version = version
        self.params = pecan_request.GET

    def at_least(self, minor):
        """The request's microversion is ``<major>.<minor>`` or later."""
        return self.version[1] >= minor

    @property
    def body(self):
        from common import validation
        body = validation.parse_json(self.raw.body)
        _refuse_nul_in(body)
        return body

    @functools.cached_property
    def host_url(self):
        # Read once per request: a listing builds three links per server.
        from common import wsgi
        from oslo_config import cfg
        return wsgi.base_url(cfg.CONF, self.raw)


class Response:
    def __init__(self, body=None, status=200, headers=None):
        self.body = body
        self.status = status
        self.headers = headers or {}


class Router:
    def __init__(self):
        self.routes = []

    def add(self, method, pattern, handler, min_version=None, max_version=None):
        """Serve ``method pattern`` with ``handler`` for microversions in
        [min_version, max_version] (either end open when None); outside
        them the route answers 404, as nova's removed APIs do."""
        regex = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern) + '/?$')
        self.routes.append((method, regex, handler, (min_version, max_version)))

    def match(self, method, path):
        allowed = []
        for route_method, regex, handler, versions in self.routes:
            found = regex.match(path)
            if found:
                if route_method == method or (method == 'HEAD' and route_method == 'GET'):
                    return handler, found.groupdict(), versions
                if route_method not in allowed:
                    allowed.append(route_method)
        # "DELETE /things/" names a thing with an empty id, not the collection: no
        # such thing (404), as nova and cinder answer, rather than the collection's 405.
        if allowed and not path.endswith('/'):
            raise webob.exc.HTTPMethodNotAllowed(headers={'Allow': ', '.join(allowed)})
        raise exception.NotFound()


def _refuse_nul(path, params):
    """NUL cannot be stored or compared by every database (PostgreSQL
    refuses it in text): a 400 here rather than a 500 there."""
    if '\x00' in path or any('\x00' in k or '\x00' in v for k, v in params.items()):
        raise exception.BadRequest('NUL characters are not allowed in the URL')


def _refuse_nul_in(document):
    """The same for every string of a JSON body (keys included); iterative,
    so a deep document costs no recursion."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if '\x00' in item:
                raise exception.BadRequest('NUL characters are not allowed in the body')
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def read_only(method):
    """Version documents answer GET and HEAD only."""
    if method not in ('GET', 'HEAD'):
        raise webob.exc.HTTPMethodNotAllowed(headers={'Allow': 'GET, HEAD'})


def dispatch(router, prefix, versions, request_class=Request, split_path=None):
    """Serve the pecan request under ``prefix`` from ``router``.

    ``versions`` is the API's :class:`~common.microversion.Microversions`;
    ``split_path(path, context)`` (optional) returns the path to route and
    keyword arguments for ``request_class`` (volume: the project id that
    the URL may carry before the path).
    """
    req = pecan.request
    path = req.path_info[len(prefix):] or '/'
    version = versions.parse_headers(req.headers)
    extra = {}
    if split_path is not None:
        path, extra = split_path(path, req.context)
    handler, kwargs, (min_version, max_version) = router.match(req.method, path)
    _refuse_nul(path, req.GET)
    if (min_version and version < min_version) or (max_version and version > max_version):
        raise exception.VersionNotFoundForAPIMethod(version=microversion.to_string(version))
    result = handler(request_class(req, version, **extra), **kwargs)
    if not isinstance(result, Response):
        result = Response(result)
    pecan.response.status = result.status
    for name, value in versions.response_headers(version).items():
        pecan.response.headers[name] = value
    for name, value in result.headers.items():
        pecan.response.headers[name] = value
    if result.body is None:
        pecan.response.content_type = None
        if result.status == 200:
            # pecan turns an empty 200 into a 204, but nova answers some calls
            # (aggregate and flavor extra spec deletes) with an empty 200.
            pecan.response.app_iter = _empty_body()
        return ''
    pecan.response.content_type = 'application/json'
    return _dumps(result.body)


def _empty_body():
    yield b''


def _dumps(body):
    """The response body's JSON: orjson, or json for what orjson refuses
    (lone surrogates, integers past 64 bits)."""
    try:
        return orjson.dumps(body)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(body).encode('utf-8')
