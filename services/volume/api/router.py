"""Explicit route table for the Block Storage v3 API.

Each controller module registers ``(method, path pattern, handler)`` with
an optional microversion range; one pecan ``_route`` hook dispatches.  The
path is read after ``/v3`` and after the project id when the URL carries
one (``/v3/{project_id}/volumes``; from 3.67 ``/v3/volumes`` too, which we
accept at every version).
"""

import functools
import json
import re

import orjson
import pecan
import webob.exc

from services.volume import exception
from services.volume.api import microversion

#: First path segments that name a collection, not a project.
COLLECTIONS = frozenset({
    'volumes', 'snapshots', 'types', 'os-services', 'os-availability-zone', 'limits',
    'os-quota-sets', 'attachments', 'extensions', 'os-volume-transfer', 'backups',
    'qos-specs', 'messages', 'groups', 'group_types', 'group_snapshots', 'volume-transfers',
    'scheduler-stats', 'capabilities', 'os-hosts', 'workers', 'clusters', 'manageable_volumes',
    'manageable_snapshots', 'os-quota-class-sets', 'os-volume-manage', 'os-snapshot-manage',
    'resource_filters', 'default-types', 'os-backup-services'})


class Request:
    """What handlers get: context, parsed version, body and query."""

    def __init__(self, pecan_request, version, url_project):
        self.raw = pecan_request
        self.context = pecan_request.context
        self.version = version
        self.params = pecan_request.GET
        self.url_project = url_project

    def at_least(self, minor):
        return self.version >= (3, minor)

    @property
    def body(self):
        from common import validation
        body = validation.parse_json(self.raw.body)
        _refuse_nul_in(body)
        return body

    @functools.cached_property
    def host_url(self):
        from common import wsgi
        from oslo_config import cfg
        return wsgi.base_url(cfg.CONF, self.raw)

    def url(self, *parts, bookmark=False):
        """A link to ``parts`` under this request's project."""
        project = self.url_project or self.context.project_id
        base = self.host_url if bookmark else self.host_url + '/v3'
        return '/'.join([base, project] + list(parts))


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
        [min_version, max_version]; outside them the route is a 404."""
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
        if allowed:
            raise webob.exc.HTTPMethodNotAllowed(headers={'Allow': ', '.join(allowed)})
        raise exception.NotFound()


def _refuse_nul_in(document):
    """NUL is refused by some databases in text: a 400 here, not a 500 there."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if '\x00' in item:
                raise exception.Invalid(reason='NUL characters are not allowed in the body')
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def read_only(method):
    if method not in ('GET', 'HEAD'):
        raise webob.exc.HTTPMethodNotAllowed(headers={'Allow': 'GET, HEAD'})


def split_project(path, context):
    """``(project in the URL or None, the rest of the path)``.  A project id
    in the URL must be the token's (an admin may name any)."""
    segments = path.lstrip('/').split('/', 1)
    if not segments[0] or segments[0] in COLLECTIONS:
        return None, path
    project, rest = segments[0], '/' + (segments[1] if len(segments) > 1 else '')
    if project != context.project_id and not context.is_admin:
        raise exception.Invalid(
            reason="Malformed request URL: URL's project_id '%s' doesn't match Context's "
                   "project_id '%s'" % (project, context.project_id))
    return project, rest


def dispatch(router, prefix):
    req = pecan.request
    version = microversion.parse_headers(req.headers)
    path = req.path_info[len(prefix):] or '/'
    project, path = split_project(path, req.context)
    handler, kwargs, (min_version, max_version) = router.match(req.method, path)
    if any('\x00' in k or '\x00' in v for k, v in req.GET.items()):
        raise exception.Invalid(reason='NUL characters are not allowed in the URL')
    if (min_version and version < min_version) or (max_version and version > max_version):
        raise exception.VersionNotFoundForAPIMethod(version=microversion.to_string(version))
    result = handler(Request(req, version, project), **kwargs)
    if not isinstance(result, Response):
        result = Response(result)
    pecan.response.status = result.status
    for name, value in microversion.response_headers(version).items():
        pecan.response.headers[name] = value
    for name, value in result.headers.items():
        pecan.response.headers[name] = value
    if result.body is None:
        pecan.response.content_type = None
        if result.status == 200:
            pecan.response.app_iter = _empty_body()
        return ''
    pecan.response.content_type = 'application/json'
    return _dumps(result.body)


def _empty_body():
    yield b''


def _dumps(body):
    try:
        return orjson.dumps(body)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(body).encode('utf-8')
