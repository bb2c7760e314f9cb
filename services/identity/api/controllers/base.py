"""What every identity controller shares: request body, policy, links,
list filters and a CRUD collection base."""

import pecan
import webob.exc
from pecan import rest

from common import policy as common_policy
from common import validation
from common import wsgi
from services.identity import exception
from services.identity.api import policies

_FALSE = ('0', 'false', 'no', 'off', 'f', 'n')


def request():
    return pecan.request


def managers():
    return pecan.request.managers


def context():
    return pecan.request.context


def token():
    return pecan.request.token


def base_url():
    return wsgi.base_url(pecan.request.managers.conf, pecan.request) + '/v3'


def body(schema):
    """The request's JSON body, validated against ``schema`` (400 otherwise)."""
    return validation.validate(schema, validation.parse_json(pecan.request.body))


def is_scoped(ctx):
    return bool(ctx.project_id or ctx.domain_id or ctx.system_scope)


def authorize(action, do_raise=True, **target):
    """Enforce ``identity:<action>`` against a flat target; with
    ``do_raise=False`` only say whether it passes.

    Target keys whose value is None are left out, so a rule that names them
    fails instead of comparing "None" with an unset credential.  An unscoped
    token passes only the actions ``policies.UNSCOPED_ACTIONS`` lists.
    """
    ctx = pecan.request.context
    if not is_scoped(ctx) and action not in policies.UNSCOPED_ACTIONS:
        if not do_raise:
            return False
        raise exception.Forbidden('This call needs a token scoped to a project, a domain '
                                  'or the system.')
    full = {'target_%s' % k: v for k, v in target.items() if v is not None}
    return common_policy.authorize(pecan.request.enforcer, ctx, 'identity:' + action, full,
                                   do_raise=do_raise)


def allow(*methods):
    """405, with keystone's body and an Allow header, for any other method."""
    if pecan.request.method not in methods:
        raise MethodNotAllowed(methods)


def status(code):
    pecan.response.status = code


def no_content():
    pecan.response.status = 204
    return None


def parse_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in _FALSE


def hints_from(params, allowed, booleans=('enabled',)):
    """Exact-match filters for the query parameters ``allowed``."""
    hints = {}
    for name in allowed:
        if name in params:
            value = params[name]
            hints[name] = parse_bool(value) if name in booleans else value
    return hints


class Collection(rest.RestController):
    """CRUD for one collection; subclasses name the manager calls and view.

    Handlers follow the five beats: validate, authorize, call the manager,
    shape with the view, return.
    """

    member = None           # e.g. 'domain'
    collection = None       # e.g. 'domains'
    filters = ('name',)
    create_schema = None
    update_schema = None
    #: a domain-scoped token lists only its domain's entities (keystone's domain reader)
    domain_owned = False

    # -- manager calls, overridden per collection ----------------------------
    def do_list(self, hints, params):
        raise NotImplementedError

    def do_get(self, entity_id):
        raise NotImplementedError

    def do_create(self, values):
        raise NotImplementedError

    def do_update(self, entity_id, values):
        raise NotImplementedError

    def do_delete(self, entity_id):
        raise NotImplementedError

    def view(self, ref):
        raise NotImplementedError

    def target(self, ref):
        return {}

    # -- verbs -----------------------------------------------------------------
    @pecan.expose('json')
    def get_all(self, **params):
        hints = hints_from(params, self.filters)
        domain_id = context().domain_id if self.domain_owned else None
        authorize('list_%s' % self.collection, domain_id=domain_id)
        if domain_id:
            hints['domain_id'] = domain_id
        refs = self.do_list(hints, params)
        base = base_url()
        return {self.collection: [self.view(ref) for ref in refs],
                'links': {'self': '%s/%s' % (base, self.collection),
                          'previous': None, 'next': None}}

    @pecan.expose('json')
    def get_one(self, entity_id):
        ref = self.do_get(entity_id)
        authorize('get_%s' % self.member, **self.target(ref))
        return {self.member: self.view(ref)}

    @pecan.expose('json')
    def put(self, entity_id=None, *remainder):
        raise MethodNotAllowed(('GET', 'POST') if entity_id is None
                               else ('GET', 'PATCH', 'DELETE'))

    @pecan.expose('json')
    def post(self):
        values = body(self.create_schema)[self.member]
        authorize('create_%s' % self.member, **self.target(values))
        ref = self.do_create(values)
        status(201)
        return {self.member: self.view(ref)}

    @pecan.expose('json')
    def patch(self, entity_id=None):
        if entity_id is None:
            raise MethodNotAllowed(('GET', 'POST'))
        values = body(self.update_schema)[self.member]
        values.pop('id', None)
        ref = self.do_get(entity_id)
        authorize('update_%s' % self.member, **self.target(ref))
        ref = self.do_update(entity_id, values)
        return {self.member: self.view(ref)}

    @pecan.expose('json')
    def delete(self, entity_id=None):
        if entity_id is None:
            raise MethodNotAllowed(('GET', 'POST'))
        ref = self.do_get(entity_id)
        authorize('delete_%s' % self.member, **self.target(ref))
        self.do_delete(entity_id)
        return no_content()


class MethodNotAllowed(webob.exc.HTTPMethodNotAllowed):
    explanation = 'The method is not allowed for the requested URL.'

    def __init__(self, methods):
        allowed = sorted(set(methods) | ({'HEAD'} if 'GET' in methods else set()))
        super().__init__(detail='The method is not allowed for the requested URL.',
                         headers=[('Allow', ', '.join(allowed))])


def not_found():
    raise exception.NotFound()
