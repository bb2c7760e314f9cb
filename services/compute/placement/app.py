"""The Placement API WSGI application (alto-placement-api, port 8778).

A flat route table (as the compute API's) dispatched from one pecan
``_route`` hook; each handler validates, enforces a ``placement:`` rule,
makes one conductor ``placement`` call and shapes the answer with a view.
Errors use placement's body ``{"errors": [{"status", "title", "detail",
"code", "request_id"}]}``.
"""

import json

import orjson
import pecan
import webob.dec

from common import wsgi
from services.compute import exception
from services.compute.api import router as api_router
from services.compute.placement import microversion
from services.compute.placement.controllers import allocations
from services.compute.placement.controllers import providers
from services.compute.placement.controllers import resource_classes
from services.compute.placement.controllers import traits

CONTROLLERS = (providers, allocations, resource_classes, traits)


class Request:
    """What handlers get: context, version, query and body."""

    def __init__(self, pecan_request, version):
        self.raw = pecan_request
        self.context = pecan_request.context
        self.version = version
        self.params = pecan_request.GET

    def at_least(self, minor):
        return self.version >= (1, minor)

    @property
    def body(self):
        from common import validation
        return validation.parse_json(self.raw.body)


Response = api_router.Response


def build_router():
    router = api_router.Router()
    for module in CONTROLLERS:
        module.register(router)
    return router


def placement_fault(code, title, message, exc=None):
    error = {'status': code, 'title': title, 'detail': message,
             'code': getattr(exc, 'error_code', None) or 'placement.undefined_code',
             'request_id': None}
    if code == 406:
        error['min_version'] = microversion.to_string(microversion.MIN_VERSION)
        error['max_version'] = microversion.to_string(microversion.MAX_VERSION)
    return {'errors': [error]}


def _versions_document():
    return {'versions': [{
        'id': 'v1.0', 'status': 'CURRENT',
        'min_version': microversion.to_string(microversion.MIN_VERSION),
        'max_version': microversion.to_string(microversion.MAX_VERSION),
        'links': [{'rel': 'self', 'href': ''}]}]}


class RootController:
    def __init__(self, router):
        self.router = router

    @pecan.expose()
    def _route(self, args, request=None):
        if not args or args == ['']:
            return self.index, []
        return self.handle, []

    @pecan.expose(content_type='application/json')
    def index(self):
        api_router.read_only(pecan.request.method)
        version = microversion.parse_headers(pecan.request.headers)
        _set_version_headers(version)
        return _dumps(_versions_document())

    @pecan.expose(content_type='application/json')
    def handle(self):
        req = pecan.request
        version = microversion.parse_headers(req.headers)
        handler, kwargs, (min_version, max_version) = self.router.match(req.method,
                                                                         req.path_info)
        if (min_version and version < min_version) or (max_version and version > max_version):
            raise exception.PlacementNotFound(
                'The resource could not be found at microversion %s.'
                % microversion.to_string(version), error_code='placement.undefined_code')
        result = handler(Request(req, version), **kwargs)
        if not isinstance(result, Response):
            result = Response(result)
        pecan.response.status = result.status
        _set_version_headers(version)
        for name, value in result.headers.items():
            pecan.response.headers[name] = value
        if result.body is None:
            pecan.response.content_type = None
            return ''
        pecan.response.content_type = 'application/json'
        return _dumps(result.body)


def _set_version_headers(version):
    for name, value in microversion.response_headers(version).items():
        pecan.response.headers[name] = value


def _dumps(body):
    try:
        return orjson.dumps(body)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(body).encode('utf-8')


class ErrorBodies:
    """Outermost: every error body gets the request's id (the renderer does
    not see the request)."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        resp = req.get_response(self.app)
        request_id = resp.headers.get('x-openstack-request-id')
        if resp.status_int >= 400 and (resp.content_type or '').endswith('json'):
            try:
                body = json.loads(resp.body)
            except ValueError:
                return resp
            if isinstance(body, dict) and isinstance(body.get('errors'), list):
                for error in body['errors']:
                    error['request_id'] = request_id
                resp.body = json.dumps(body).encode('utf-8')
        return resp


def _public(method, path):
    return method in ('GET', 'HEAD') and path.rstrip('/') == ''


def build(conf):
    from services.compute import objects
    objects.register_all()
    app = wsgi.build_app(RootController(build_router()), conf, placement_fault,
                         public_paths=_public)
    return ErrorBodies(app)
