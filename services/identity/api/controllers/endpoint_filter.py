"""/v3/OS-EP-FILTER: project-endpoint associations and endpoint groups."""

import pecan
from pecan import rest

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import endpoint_filter as schemas


def _mgr():
    return base.managers().endpoint_filter


def _endpoints(path, refs):
    url = base.base_url()
    return views.collection(url, 'OS-EP-FILTER/' + path, 'endpoints',
                            [views.endpoint(url, e) for e in refs])


def _projects(path, refs):
    url = base.base_url()
    return views.collection(url, 'OS-EP-FILTER/' + path, 'projects',
                            [views.project(url, p) for p in refs])


def _group_view(ref):
    return views.endpoint_group(base.base_url(), ref)


class ProjectEndpointsController:
    """/projects/{project_id}/endpoints[/{endpoint_id}]."""

    def __init__(self, project_id):
        self.project_id = project_id

    @pecan.expose('json')
    def _default(self, endpoint_id=None, *extra):
        if extra:
            pecan.abort(404)
        method = base.request().method
        if endpoint_id is None:
            base.allow('GET')
            base.authorize('list_endpoints_for_project')
            return _endpoints('projects/%s/endpoints' % self.project_id,
                              _mgr().list_endpoints_for_project(self.project_id))
        base.allow('GET', 'PUT', 'DELETE')
        if method == 'PUT':
            base.authorize('add_endpoint_to_project')
            _mgr().add_endpoint_to_project(self.project_id, endpoint_id)
        elif method == 'DELETE':
            base.authorize('remove_endpoint_from_project')
            _mgr().remove_endpoint_from_project(self.project_id, endpoint_id)
        else:
            base.authorize('check_endpoint_in_project')
            _mgr().check_endpoint_in_project(self.project_id, endpoint_id)
        return base.no_content()


class ProjectsController:

    @pecan.expose()
    def _lookup(self, project_id, *remainder):
        if remainder and remainder[0] == 'endpoints':
            return ProjectEndpointsController(project_id), remainder[1:]
        if remainder == ('endpoint_groups',):
            return ProjectGroupsController(project_id), ()
        pecan.abort(404)


class ProjectGroupsController:

    def __init__(self, project_id):
        self.project_id = project_id

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('list_endpoint_groups_for_project')
        refs = _mgr().list_groups_for_project(self.project_id)
        return views.collection(base.base_url(), 'OS-EP-FILTER/projects/%s/endpoint_groups'
                                % self.project_id, 'endpoint_groups',
                                [_group_view(r) for r in refs])


class EndpointProjectsController:

    def __init__(self, endpoint_id):
        self.endpoint_id = endpoint_id

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('list_projects_for_endpoint')
        return _projects('endpoints/%s/projects' % self.endpoint_id,
                         _mgr().list_projects_for_endpoint(self.endpoint_id))


class EndpointsController:

    @pecan.expose()
    def _lookup(self, endpoint_id, *remainder):
        if remainder == ('projects',):
            return EndpointProjectsController(endpoint_id), ()
        pecan.abort(404)


class GroupProjectsController:
    """/endpoint_groups/{id}/projects[/{project_id}]."""

    def __init__(self, group_id):
        self.group_id = group_id

    @pecan.expose('json')
    def _default(self, project_id=None, *extra):
        if extra:
            pecan.abort(404)
        method = base.request().method
        if project_id is None:
            base.allow('GET')
            base.authorize('list_projects_associated_with_endpoint_group')
            return _projects('endpoint_groups/%s/projects' % self.group_id,
                             _mgr().list_projects_for_group(self.group_id))
        base.allow('GET', 'PUT', 'DELETE')
        if method == 'PUT':
            base.authorize('add_endpoint_group_to_project')
            _mgr().add_group_to_project(self.group_id, project_id)
            return base.no_content()
        if method == 'DELETE':
            base.authorize('remove_endpoint_group_from_project')
            _mgr().remove_group_from_project(self.group_id, project_id)
            return base.no_content()
        base.authorize('get_endpoint_group_in_project')
        _mgr().check_group_in_project(self.group_id, project_id)
        project = base.managers().resource.get_project(project_id)
        return {'project': views.project(base.base_url(), project)}


class GroupEndpointsController:

    def __init__(self, group_id):
        self.group_id = group_id

    @pecan.expose('json')
    def index(self):
        base.allow('GET')
        base.authorize('list_endpoints_associated_with_endpoint_group')
        return _endpoints('endpoint_groups/%s/endpoints' % self.group_id,
                          _mgr().list_endpoints_in_group(self.group_id))


class EndpointGroupsController(base.Collection):
    member = 'endpoint_group'
    collection = 'endpoint_groups'
    filters = ('name',)
    create_schema = schemas.endpoint_group_create
    update_schema = schemas.endpoint_group_update

    def do_list(self, hints, params):
        return _mgr().list_groups(hints)

    def do_get(self, entity_id):
        return _mgr().get_group(entity_id)

    def do_create(self, values):
        return _mgr().create_group(values)

    def do_update(self, entity_id, values):
        return _mgr().update_group(entity_id, values)

    def do_delete(self, entity_id):
        _mgr().delete_group(entity_id)

    def view(self, ref):
        return _group_view(ref)

    @pecan.expose('json')
    def get_all(self, **params):
        # the collection lives under OS-EP-FILTER/
        body = super().get_all(**params)
        body['links']['self'] = base.base_url() + '/OS-EP-FILTER/endpoint_groups'
        return body

    @pecan.expose()
    def _lookup(self, group_id, *remainder):
        if remainder and remainder[0] == 'projects':
            return GroupProjectsController(group_id), remainder[1:]
        if remainder == ('endpoints',):
            return GroupEndpointsController(group_id), ()
        pecan.abort(404)


class OSEPFilterController(rest.RestController):
    endpoint_groups = EndpointGroupsController()
    projects = ProjectsController()
    endpoints = EndpointsController()
