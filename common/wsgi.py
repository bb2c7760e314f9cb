"""The WSGI pipeline every REST API shares.

``build_app`` turns a pecan root controller into the full application:

    http_proxy_to_wsgi -> request_id -> faults -> input check -> healthcheck
    -> body size limit -> auth (keystonemiddleware, or noauth for tests)
    -> revocation check (keystonemiddleware only) -> project scope check
    -> pecan

Public paths (version discovery) skip authentication and the scope check.
Any exception or non-JSON error page becomes the service's fault body, so
no API ever returns a traceback.  Pecan never parses a body itself: the
controllers read it through :func:`common.validation.parse_json`.
"""

import inspect
import json
import re
import urllib.parse

import pecan
import pecan.hooks
import webob
import webob.dec
import webob.exc
import webob.multidict
import kombu.exceptions
import oslo_messaging as messaging
from keystonemiddleware import auth_token
from oslo_log import log as logging
from oslo_middleware import healthcheck
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id
from oslo_middleware import sizelimit

from common import context as alto_context
from common import exception
from common import revocation

LOG = logging.getLogger(__name__)

#: Seconds a client is told to wait when the message bus cannot be reached.
BUS_RETRY_AFTER = 5
#: oslo.messaging's errors for "the bus or the service behind it did not
#: answer" (kombu's when a new pooled connection cannot be opened): the
#: request may be sent again, so they are a 503, not a 500.
BUS_UNAVAILABLE = (messaging.MessageDeliveryFailure, messaging.MessagingTimeout,
                   kombu.exceptions.OperationalError)


class APIRequest(pecan.Request):
    """Pecan's request without its own body parsing.

    Pecan would decode a JSON body with ``json.loads`` (unbounded recursion,
    no character checks) or a form body, and pass its keys to handlers as
    arguments.  Our handlers read ``body`` through
    :func:`common.validation.parse_json` instead.
    """

    @property
    def json(self):
        raise TypeError('request bodies are parsed by common.validation.parse_json')

    json_body = json

    @property
    def POST(self):
        return webob.multidict.NoVars('form bodies are not used by the APIs')


class ContextHook(pecan.hooks.PecanHook):
    """Puts a :class:`RequestContext` on ``pecan.request.context``."""

    def before(self, state):
        state.request.context = alto_context.from_environ(state.request.environ)


class RoutingHook(pecan.hooks.PecanHook):
    """Routing answers pecan gets wrong for a JSON API.

    * The APIs speak JSON whatever ``Accept`` says (as their OpenStack
      counterparts do): pecan would answer 406 to ``Accept:
      application/json`` on a handler without a JSON template, such as a
      DELETE with an empty answer.
    * Pecan routes PUT or DELETE on a collection URL to the member handler
      without its id (calling it would raise TypeError, a 500), or fills
      the id from a query parameter of that name (``DELETE
      /things?thing_id=x`` would delete x).  A handler that lacks its path
      arguments means the method is not allowed here (405); one given too
      many means there is no such resource (404).
    """

    priority = 50   # before authentication and service hooks

    def on_route(self, state):
        environ = state.request.environ
        environ['alto.original_accept'] = environ.get('HTTP_ACCEPT')
        environ['HTTP_ACCEPT'] = '*/*'

    def before(self, state):
        controller, arguments = state.controller, state.arguments
        if controller is None or arguments is None:
            return
        try:
            signature = inspect.signature(controller)
        except (TypeError, ValueError):
            return
        args = list(arguments.args) + list(arguments.varargs)
        positional = [p for p in signature.parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        required = len([p for p in positional if p.default is p.empty])
        query = state.request.GET
        for index, param in enumerate(positional[:len(arguments.args)]):
            if param.name in query and arguments.args[index] in (
                    query[param.name], query.getall(param.name)):
                # pecan filled it from the query string: drop it (and what
                # follows) so the handler sees the path alone
                del arguments.args[index:]
                args = list(arguments.args) + list(arguments.varargs)
                break
        if len(args) < required:
            raise webob.exc.HTTPMethodNotAllowed()
        kwargs = {k: v for k, v in arguments.varkw.items() if k in signature.parameters}
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            raise webob.exc.HTTPNotFound()


class FaultWrapper:
    """Renders exceptions and foreign error pages as the service's fault body."""

    def __init__(self, app, renderer):
        self.app = app
        self.renderer = renderer

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            resp = req.get_response(self.app)
        except Exception as exc:  # broad on purpose: the last line of defence
            return self.fault_from_exception(req, exc)
        original = req.environ.get('pecan.original_exception')
        if resp.status_int >= 400 and original is not None:
            return self.fault_from_exception(req, original)
        if resp.status_int >= 400:
            message = _foreign_page_message(resp)
            if message is not None:
                return self.fault(req, resp.status_int, _status_title(resp.status_int),
                                  message, headers=resp.headers)
        return resp

    def fault_from_exception(self, req, exc):
        if isinstance(exc, exception.AltoError):
            message = exc.message if exc.safe else exc.title
            if exc.code >= 500:
                LOG.exception('Request %s failed', req.environ.get('openstack.request_id'))
            # A 503 is temporary by definition: say when to try again.
            headers = {'Retry-After': str(BUS_RETRY_AFTER)} if exc.code == 503 else None
            return self.fault(req, exc.code, exc.title, message, exc=exc, headers=headers)
        if isinstance(exc, webob.exc.HTTPException):
            return self.fault(req, exc.code, exc.title, exc.explanation or exc.title,
                              headers=exc.headers)
        if isinstance(exc, BUS_UNAVAILABLE):
            LOG.warning('Request %s: the message bus did not answer: %s',
                        req.environ.get('openstack.request_id'), exc)
            return self.fault(req, 503, 'Service Unavailable',
                              'The service is temporarily unavailable; try again later.',
                              headers={'Retry-After': str(BUS_RETRY_AFTER)})
        LOG.exception('Unexpected error in request %s',
                      req.environ.get('openstack.request_id'))
        return self.fault(req, 500, 'Internal Server Error',
                          'An unexpected error prevented the server from fulfilling '
                          'your request.')

    def fault(self, req, code, title, message, exc=None, headers=None):
        resp = webob.Response(status=code, content_type='application/json', charset='utf-8')
        for name in ('Allow', 'WWW-Authenticate', 'Retry-After', 'Location'):
            if headers and name in headers:
                resp.headers[name] = headers[name]
        if req.method != 'HEAD':
            body = self.renderer(code, title, message, exc)
            resp.body = json.dumps(body).encode('utf-8')
        return resp


def _is_json(resp):
    return (resp.content_type or '').endswith('json')


def _status_title(code):
    cls = webob.exc.status_map.get(code)
    return cls.title if cls else 'Error'


def _error_page_message(resp):
    cls = webob.exc.status_map.get(resp.status_int)
    return getattr(cls, 'explanation', None) or _status_title(resp.status_int)


_WEBOB_PAGE_TAIL = re.compile(r'(<br /><br />\s*)+$')


def _foreign_page_message(resp):
    """The message of an error page the service's renderer did not write, or
    None for a JSON fault body to pass on as it is.

    Foreign pages are non-JSON ones and the JSON page webob writes for an
    HTTP error raised by middleware (e.g. the body size limit's 413):
    ``{"code": "413 Request Entity Too Large", "title", "message"}``.
    """
    if not _is_json(resp):
        return _error_page_message(resp)
    try:
        body = json.loads(resp.body)
    except ValueError:
        return _error_page_message(resp)
    if isinstance(body, dict) and set(body) == {'code', 'title', 'message'} \
            and body['code'] == resp.status and isinstance(body['message'], str):
        return _WEBOB_PAGE_TAIL.sub('', body['message']).strip() or _error_page_message(resp)
    return None


class NoAuthMiddleware:
    """Test-only authentication: trusts identity headers the caller sets.

    Defaults make an admin of project ``admin`` so a bare request works.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        environ.setdefault('HTTP_X_USER_ID', 'admin')
        environ.setdefault('HTTP_X_PROJECT_ID', 'admin')
        environ.setdefault('HTTP_X_ROLES', 'admin,member,reader')
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        return self.app(environ, start_response)


# RFC 9110 allows no control character but HTAB in a field value.
_HEADER_CONTROL = re.compile('[\x00-\x08\x0a-\x1f\x7f]')


class InputCheck:
    """Refuses a request line or header no API can take.

    Path (else 404: nothing is named that way) and query string (else 400)
    must be valid UTF-8 without NUL once percent-decoded (UTF-8 itself
    excludes lone surrogates); header values may hold no control character
    (400).  What a field may hold beyond that is
    up to its schema.  A client that stalls while sending its body gets a
    408 once the server's socket timeout expires.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if 'wsgi.input' in environ:
            environ['wsgi.input'] = _TimedInput(environ['wsgi.input'])
        try:
            _check_text(_path_bytes(environ.get('PATH_INFO', '')), 'path')
        except exception.ValidationError:
            # no resource is named that way
            raise exception.NotFound()
        query = environ.get('QUERY_STRING', '')
        if query:
            _check_text(urllib.parse.unquote_to_bytes(query.replace('+', ' ')),
                        'query string')
        for name, value in environ.items():
            if name.startswith('HTTP_') and isinstance(value, str) and \
                    _HEADER_CONTROL.search(value):
                raise exception.ValidationError(
                    reason='header %s holds a control character'
                    % name[5:].replace('_', '-').title())
        return self.app(environ, start_response)


class _TimedInput:
    """``wsgi.input`` whose socket timeout is the client's fault (408)."""

    def __init__(self, stream):
        self.stream = stream

    def _guard(self, func, *args):
        try:
            return func(*args)
        except TimeoutError:
            raise webob.exc.HTTPRequestTimeout(
                explanation='The client stopped sending its request body.')

    def read(self, *args):
        return self._guard(self.stream.read, *args)

    def readline(self, *args):
        return self._guard(self.stream.readline, *args)

    def readlines(self, *args):
        return self._guard(self.stream.readlines, *args)

    def __iter__(self):
        return iter(self.readline, b'')

    def seek(self, *args):   # only when the stream can (tests, rewound bodies)
        return self.stream.seek(*args)

    def tell(self):
        return self.stream.tell()


def _path_bytes(path):
    # PEP 3333: PATH_INFO holds the percent-decoded bytes as latin-1.
    try:
        return path.encode('latin-1')
    except UnicodeEncodeError:   # a server that decoded it already
        return path.encode('utf-8', 'surrogatepass')


def _check_text(raw, where):
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        raise exception.ValidationError(reason='the %s is not valid UTF-8' % where)
    if '\x00' in text:
        raise exception.ValidationError(reason='the %s holds a NUL character' % where)


class ProjectScopeRequired:
    """Refuses (403) an authenticated request without a project scope.

    Unscoped and domain-scoped tokens carry no project to own or find
    resources in; only a system-scoped admin may go without one.
    keystonemiddleware (or noauth) has set the identity headers by now.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not environ.get('HTTP_X_PROJECT_ID') and not _system_admin(environ):
            raise exception.Forbidden(
                message='This API needs a project-scoped token.')
        return self.app(environ, start_response)


def _system_admin(environ):
    roles = [r.strip() for r in environ.get('HTTP_X_ROLES', '').split(',')]
    return bool(environ.get('HTTP_OPENSTACK_SYSTEM_SCOPE')) and 'admin' in roles


class PathDispatch:
    """Sends requests for which ``matches(method, path)`` holds to ``matched``,
    the rest to ``other``."""

    def __init__(self, matched, other, matches):
        self.matched = matched
        self.other = other
        self.matches = matches

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '/') or '/'
        app = self.matched if self.matches(environ['REQUEST_METHOD'], path) else self.other
        return app(environ, start_response)


class SizeLimitExcept:
    """Applies the body size limit except to requests ``exempt`` names (uploads)."""

    def __init__(self, app, conf, exempt):
        self.plain = app
        self.limited = sizelimit.RequestBodySizeLimiter(app, conf)
        self.exempt = exempt

    def __call__(self, environ, start_response):
        exempt = self.exempt(environ['REQUEST_METHOD'], environ.get('PATH_INFO', '/'))
        return (self.plain if exempt else self.limited)(environ, start_response)


def build_app(root, conf, renderer, hooks=(), public_paths=None, size_limit_exempt=None,
              auth_strategy=None, project_scope_required=True, request_id_headers=()):
    """Build the full WSGI app for a pecan ``root`` controller.

    :param renderer: a fault renderer from :mod:`common.faults`.
    :param public_paths: ``(method, path) -> bool`` for unauthenticated paths.
    :param size_limit_exempt: ``(method, path) -> bool`` for streaming uploads.
    :param auth_strategy: ``keystone``, ``noauth`` or ``none`` (identity
        authenticates requests itself, so it gets neither authentication nor
        the scope check); defaults to ``[api] auth_strategy``.
    :param project_scope_required: refuse authenticated requests whose
        token has no project scope (unless system-scoped admin).
    :param request_id_headers: response headers that carry the request id
        besides ``X-OpenStack-Request-ID`` (compute's ``X-Compute-Request-ID``).
    """
    app = pecan.Pecan(root, hooks=[ContextHook(), RoutingHook()] + list(hooks),
                      force_canonical=False, guess_content_type_from_ext=False,
                      request_cls=APIRequest)
    scoped = ProjectScopeRequired(app) if project_scope_required else app
    strategy = auth_strategy or conf.api.auth_strategy
    if strategy == 'keystone':
        protected = auth_token.AuthProtocol(scoped, {'oslo_config_config': conf})
        protected = revocation.attach(protected, conf)  # refuse revoked tokens at once
    elif strategy == 'noauth':
        protected = NoAuthMiddleware(scoped)
    else:
        protected = app
    if public_paths is not None and protected is not app:
        app = PathDispatch(app, protected, public_paths)
    else:
        app = protected
    if size_limit_exempt is not None:
        app = SizeLimitExcept(app, conf, size_limit_exempt)
    else:
        app = sizelimit.RequestBodySizeLimiter(app, conf)
    health = healthcheck.Healthcheck(None, conf)
    app = PathDispatch(health, app, lambda method, path: path.rstrip('/') == '/healthcheck')
    app = InputCheck(app)
    app = FaultWrapper(app, renderer)
    app = request_id.RequestId(app)
    app.compat_headers = list(request_id_headers)
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(app, conf)
    return app


def base_url(conf, request):
    """Root URL for links in responses (``[api] public_endpoint`` wins)."""
    return (conf.api.public_endpoint or request.host_url).rstrip('/')
