"""``/v2.0/auto-allocated-topology/{project_id}``: GET builds (or shows) the
project's topology, ``?fields=dry-run`` only checks that it could; DELETE
takes it down."""

import pecan
from pecan import rest

from services.network import exception
from services.network.api import views
from services.network.api.controllers import base

DRY_RUN = 'dry-run'


def _project(project_id):
    """The project asked for: ``None`` (as some clients send it) is the
    caller's own; another project's needs the admin."""
    context = pecan.request.context
    if project_id in ('None', '') or project_id is None:
        project_id = context.project_id
    if not project_id:
        raise exception.PolicyNotAuthorized(action='get_auto_allocated_topology')
    return project_id


class AutoAllocatedTopologyController(rest.RestController):

    @pecan.expose('json')
    def get_all(self):
        raise base.method_not_allowed('GET', 'DELETE')

    @pecan.expose('json')
    def get_one(self, project_id, *rest_of_path):
        if rest_of_path:
            raise exception.ResourceNotFound()
        request = pecan.request
        project_id = _project(project_id)
        base.authorize('get_auto_allocated_topology', {'project_id': project_id})
        fields = [f for f in request.GET.getall('fields') if f]
        if any(f != DRY_RUN for f in fields):
            raise exception.BadRequest(resource='auto_allocate', msg='Unrecognized field')
        topology = request.conductor.get_auto_allocated_topology(
            request.context, project_id, dry_run=DRY_RUN in fields)
        return {'auto_allocated_topology': topology}

    @pecan.expose('json')
    def delete(self, project_id=None, *rest_of_path):
        if project_id is None:
            raise base.method_not_allowed('GET', 'DELETE')
        if rest_of_path:
            raise exception.ResourceNotFound()
        request = pecan.request
        project_id = _project(project_id)
        base.authorize('delete_auto_allocated_topology', {'project_id': project_id})
        request.conductor.delete_auto_allocated_topology(request.context, project_id)
        return views.no_content()
