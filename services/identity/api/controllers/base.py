"""What every identity controller shares: request body, policy, links,
list filters and a CRUD collection base."""

import pecan
from pecan import rest

from common import policy as common_policy
from common import validation
from common import wsgi
from services.identity import exception

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


def authorize(action, do_raise=True, **target):
    """Enforce ``identity:<action>`` against a flat target; with
    ``do_raise=False`` only say whether it passes."""
    ctx = pecan.request.context
    full = {'user_id': ctx.user_id, 'project_id': ctx.project_id}
    full.update({'target_%s' % k: v for k, v in target.items()})
    return common_policy.authorize(pecan.request.enforcer, ctx, 'identity:' + action, full,
                                   do_raise=do_raise)


def is_admin():
    return 'admin' in (pecan.request.context.roles or [])


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
        authorize('list_%s' % self.collection)
        refs = self.do_list(hints_from(params, self.filters), params)
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
    def post(self):
        values = body(self.create_schema)[self.member]
        authorize('create_%s' % self.member, **self.target(values))
        ref = self.do_create(values)
        status(201)
        return {self.member: self.view(ref)}

    @pecan.expose('json')
    def patch(self, entity_id):
        values = body(self.update_schema)[self.member]
        values.pop('id', None)
        ref = self.do_get(entity_id)
        authorize('update_%s' % self.member, **self.target(ref))
        ref = self.do_update(entity_id, values)
        return {self.member: self.view(ref)}

    @pecan.expose('json')
    def delete(self, entity_id):
        ref = self.do_get(entity_id)
        authorize('delete_%s' % self.member, **self.target(ref))
        self.do_delete(entity_id)
        return no_content()


def not_found():
    raise exception.NotFound()
