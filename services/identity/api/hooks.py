"""Pecan hooks of the identity API.

* ``ServicesHook`` hands the managers, token provider and policy enforcer
  to controllers on the request;
* ``HeadAsGetHook`` answers HEAD with the GET handler (and
  :func:`strip_head_body` drops the body), as keystone does for every GET;
* ``TokenAuthHook`` authenticates ``X-Auth-Token`` itself (identity does
  not run keystonemiddleware) and puts the request context in place;
* ``FirstQueryValueHook`` gives controllers one value per query parameter.
"""

from pecan import hooks

from common import context as alto_context
from services.identity import exception

PUBLIC = {('GET', ''), ('GET', '/'), ('GET', '/v3'), ('GET', '/v3/'),
          ('POST', '/v3/auth/tokens'), ('POST', '/v3/auth/tokens/'),
          # the request signature is the proof, as keystone
          ('POST', '/v3/ec2tokens'), ('POST', '/v3/s3tokens')}


def is_public(method, path):
    return (method, path) in PUBLIC or (method == 'HEAD' and ('GET', path) in PUBLIC)


def is_password_change(method, path):
    """POST /v3/users/{id}/password: the original password is the proof, so
    a user whose password expired can still choose a new one (keystone)."""
    parts = path.strip('/').split('/')
    return method == 'POST' and len(parts) == 4 and parts[:2] == ['v3', 'users'] \
        and parts[3] == 'password'


class ServicesHook(hooks.PecanHook):

    def __init__(self, managers, provider, enforcer):
        self.managers = managers
        self.provider = provider
        self.enforcer = enforcer

    def before(self, state):
        state.request.managers = self.managers
        state.request.provider = self.provider
        state.request.enforcer = self.enforcer


class HeadAsGetHook(hooks.PecanHook):
    priority = 10

    def on_route(self, state):
        if state.request.method == 'HEAD':
            state.request.environ['alto.head'] = True
            state.request.method = 'GET'



class FirstQueryValueHook(hooks.PecanHook):
    """A query parameter given more than once counts with its first value,
    as in keystone: pecan hands a repeated one to the controller as a list,
    which every filter here would take for a string."""

    def before(self, state):
        query = state.request.GET
        kwargs = state.arguments.varkw
        for name, value in kwargs.items():
            if isinstance(value, list) and len(query.getall(name)) > 1:
                kwargs[name] = value[0]


def strip_head_body(app):
    """WSGI wrapper: a HEAD answer keeps its headers and loses its body."""
    def wrapped(environ, start_response):
        result = app(environ, start_response)
        if environ.get('REQUEST_METHOD') != 'HEAD' and not environ.get('alto.head'):
            return result
        if hasattr(result, 'close'):
            result.close()
        return [b'']
    return wrapped


def context_from_token(token):
    payload = token.payload
    roles = token.role_names
    return alto_context.RequestContext(
        auth_token=token.token_id, user_id=token.user['id'],
        user_domain_id=token.user['domain_id'],
        project_id=payload.project_id,
        project_domain_id=token.project['domain_id'] if token.project else None,
        domain_id=payload.domain_id, system_scope='all' if payload.system else None,
        roles=roles, is_admin='admin' in roles, overwrite=False)


class TokenAuthHook(hooks.PecanHook):
    priority = 120   # after the ContextHook that build_app adds

    def before(self, state):
        request = state.request
        request.token = None
        method = 'HEAD' if request.environ.get('alto.head') else request.method
        if is_public(method, request.path):
            return
        token_id = request.headers.get('X-Auth-Token')
        if not token_id and is_password_change(method, request.path):
            return
        if not token_id:
            raise exception.Unauthorized()
        try:
            token = request.provider.validate(token_id)
        except exception.NotFound:
            raise exception.Unauthorized()
        request.token = token
        request.context = context_from_token(token)
