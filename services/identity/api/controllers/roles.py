"""/v3/roles, implied roles and /v3/role_inferences."""

import pecan

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import assignment as schemas


class RolesController(base.Collection):
    member = 'role'
    collection = 'roles'
    filters = ('name', 'domain_id')
    create_schema = schemas.role_create
    update_schema = schemas.role_update

    def do_list(self, hints, params):
        # without domain_id keystone lists the global roles
        hints.setdefault('domain_id', None)
        return base.managers().assignment.list_roles(hints)

    def do_get(self, entity_id):
        return base.managers().assignment.get_role(entity_id)

    def do_create(self, values):
        values.pop('options', None)
        return base.managers().assignment.create_role(values)

    def do_update(self, entity_id, values):
        values.pop('options', None)
        return base.managers().assignment.update_role(entity_id, values)

    def do_delete(self, entity_id):
        base.managers().assignment.delete_role(entity_id)

    def view(self, ref):
        return views.role(base.base_url(), ref)

    @pecan.expose()
    def _lookup(self, role_id, *remainder):
        if remainder and remainder[0] == 'implies':
            return ImpliesController(role_id), remainder[1:]
        pecan.abort(404)


class ImpliesController:
    """/v3/roles/{prior}/implies[/{implied}]."""

    def __init__(self, prior_role_id):
        self.prior_role_id = prior_role_id

    @pecan.expose('json')
    def _default(self, implied_role_id=None, *extra):
        if extra:
            pecan.abort(404)
        m = base.managers().assignment
        method = base.request().method
        url = base.base_url()
        if implied_role_id is None:
            if method != 'GET':
                pecan.abort(405)
            base.authorize('list_implied_roles')
            prior = m.get_role(self.prior_role_id)
            roles = m.roles_by_id()
            implies = [views.role_ref(url, roles[rule['implied_role_id']])
                       for rule in m.list_implied_roles(self.prior_role_id)
                       if rule['implied_role_id'] in roles]
            return {'role_inference': {'prior_role': views.role_ref(url, prior),
                                       'implies': implies},
                    'links': {'self': '%s/roles/%s/implies' % (url, prior['id'])}}
        if method == 'PUT':
            base.authorize('create_implied_role')
            m.create_implied_role(self.prior_role_id, implied_role_id)
            base.status(201)
        elif method == 'GET':
            base.authorize('get_implied_role')
            m.get_implied_role(self.prior_role_id, implied_role_id)
            if base.request().environ.get('alto.head'):
                return base.no_content()   # keystone's check: 204, no body
        elif method == 'DELETE':
            base.authorize('delete_implied_role')
            m.delete_implied_role(self.prior_role_id, implied_role_id)
            return base.no_content()
        else:
            pecan.abort(405)
        return views.implied_role(url, m.get_role(self.prior_role_id),
                                  m.get_role(implied_role_id))


class RoleInferencesController:
    """/v3/role_inferences: every implied-role rule, grouped by prior role."""

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('list_role_inference_rules')
        m = base.managers().assignment
        roles = m.roles_by_id()
        url = base.base_url()
        grouped = {}
        for rule in m.list_implied_roles():
            prior, implied = rule['prior_role_id'], rule['implied_role_id']
            if prior in roles and implied in roles:
                grouped.setdefault(prior, []).append(views.role_ref(url, roles[implied]))
        return {'role_inferences': [
            {'prior_role': views.role_ref(url, roles[prior]), 'implies': implies}
            for prior, implies in grouped.items()],
            'links': {'self': url + '/role_inferences', 'previous': None, 'next': None}}
