"""``/v2.0/quotas``: per-project limits, defaults and usage details."""

import pecan
from pecan import rest

from common import exception as common_exc
from common import validation
from services.network import exception
from services.network.api import schemas
from services.network.api import views
from services.network.api.controllers import base


def _checked(project_id):
    """A project ID the quotas table can hold (else 400, not a database error)."""
    if len(project_id) > 255 or '\x00' in project_id:
        raise exception.BadRequest(resource='quota', msg='Invalid project ID')
    return project_id


class QuotasController(rest.RestController):

    @pecan.expose('json')
    def get_all(self):
        base.authorize('list_quotas', None)
        return {'quotas': pecan.request.conductor.list_quotas(pecan.request.context)}

    @pecan.expose('json')
    def get_one(self, project_id, *rest_of_path):
        request = pecan.request
        if len(rest_of_path) > 1:
            raise exception.ResourceNotFound()
        view = rest_of_path[0] if rest_of_path else None
        if project_id == 'tenant':
            return {'tenant': {'tenant_id': request.context.project_id,
                               'project_id': request.context.project_id}}
        base.authorize('get_quota', {'project_id': _checked(project_id)})
        if view is None:
            quota = request.conductor.get_quota(request.context, project_id)
        elif view == 'default':
            quota = request.conductor.get_quota_defaults(request.context)
        elif view == 'details':
            quota = request.conductor.get_quota_details(request.context, project_id)
        else:
            raise exception.ResourceNotFound()
        return {'quota': quota}

    @pecan.expose('json')
    def post(self, *args):
        if args:
            raise base.method_not_allowed('GET', 'PUT', 'DELETE')
        raise base.method_not_allowed('GET')

    @pecan.expose('json')
    def put(self, project_id=None, *rest_of_path):
        if project_id is None:
            raise base.method_not_allowed('GET')
        if rest_of_path:
            raise exception.ResourceNotFound()
        request = pecan.request
        base.authorize('update_quota', {'project_id': _checked(project_id)})
        body = base.read_json()
        try:
            validation.validate(schemas.QUOTA, body)
        except common_exc.ValidationError as exc:
            raise exception.BadRequest(resource='quota', msg=exc.message)
        return {'quota': request.conductor.update_quota(request.context, project_id,
                                                        body['quota'])}

    @pecan.expose('json')
    def delete(self, project_id=None, *rest_of_path):
        if project_id is None:
            raise base.method_not_allowed('GET')
        if rest_of_path:
            raise exception.ResourceNotFound()
        request = pecan.request
        base.authorize('delete_quota', {'project_id': _checked(project_id)})
        request.conductor.delete_quota(request.context, project_id)
        return views.no_content()
