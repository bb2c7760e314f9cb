"""/v3/registered_limits and /v3/limits (unified limits, flat model)."""

import pecan
from pecan import rest

from services.identity import exception
from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import limit as schemas
from services.identity.core import limit as limit_core

_FILTERS = ('service_id', 'region_id', 'resource_name')


class _LimitCollection(rest.RestController):
    """Create takes a list; the other verbs one entity."""

    member = collection = None
    create_schema = update_schema = None

    def view(self, ref):
        return views.limit(base.base_url(), self.collection, ref)

    def manager(self):
        return base.managers().limit

    def _method(self, verb):
        return getattr(self.manager(), '%s_%s' % (verb, self.member))

    @pecan.expose('json')
    def get_one(self, limit_id):
        ref = self._method('get')(limit_id)
        base.authorize('get_%s' % self.member, **self.target(ref))
        return {self.member: self.view(ref)}

    def target(self, ref):
        return {}

    @pecan.expose('json')
    def post(self):
        items = base.body(self.create_schema)[self.collection]
        base.authorize('create_%s' % self.member)
        refs = getattr(self.manager(), 'create_%s' % self.collection)(items)
        base.status(201)
        return {self.collection: [self.view(r) for r in refs]}

    @pecan.expose('json')
    def patch(self, limit_id=None):
        if limit_id is None:
            raise base.MethodNotAllowed(('GET', 'POST'))
        values = base.body(self.update_schema)[self.member]
        ref = self._method('get')(limit_id)
        base.authorize('update_%s' % self.member, **self.target(ref))
        return {self.member: self.view(self._method('update')(limit_id, values))}

    @pecan.expose('json')
    def put(self, limit_id=None, *remainder):
        raise base.MethodNotAllowed(('GET', 'POST') if limit_id is None
                                    else ('GET', 'PATCH', 'DELETE'))

    @pecan.expose('json')
    def delete(self, limit_id=None):
        if limit_id is None:
            raise base.MethodNotAllowed(('GET', 'POST'))
        ref = self._method('get')(limit_id)
        base.authorize('delete_%s' % self.member, **self.target(ref))
        self._method('delete')(limit_id)
        return base.no_content()


class RegisteredLimitsController(_LimitCollection):
    member = 'registered_limit'
    collection = 'registered_limits'
    create_schema = schemas.registered_limits_create
    update_schema = schemas.registered_limit_update

    @pecan.expose('json')
    def get_all(self, **params):
        base.authorize('list_registered_limits')
        refs = self.manager().list_registered_limits(base.hints_from(params, _FILTERS))
        return views.collection(base.base_url(), self.collection, self.collection,
                                [self.view(r) for r in refs])


class LimitModelController:

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('get_limit_model')
        return {'model': dict(limit_core.MODEL)}


class LimitsController(_LimitCollection):
    member = 'limit'
    collection = 'limits'
    create_schema = schemas.limits_create
    update_schema = schemas.limit_update
    model = LimitModelController()

    def target(self, ref):
        project_domain_id = None
        if ref.get('project_id'):
            try:
                project_domain_id = base.managers().resource.get_project(
                    ref['project_id'])['domain_id']
            except exception.ProjectNotFound:
                project_domain_id = None
        return {'project_id': ref.get('project_id'),
                'domain_id': ref.get('domain_id') or project_domain_id}

    @pecan.expose('json')
    def get_all(self, **params):
        base.authorize('list_limits')
        hints = base.hints_from(params, _FILTERS + ('project_id', 'domain_id'))
        refs = self.manager().list_limits(hints)
        # everybody may list; a caller sees the limits it may get
        refs = [r for r in refs
                if base.authorize('get_limit', do_raise=False, **self.target(r))]
        return views.collection(base.base_url(), self.collection, self.collection,
                                [self.view(r) for r in refs])
