"""OS-EP-FILTER: endpoints associated with projects, directly or through
endpoint groups (filters on interface, service_id and region_id).

A project with any association sees only those endpoints in its token
catalog; a project without one sees them all (keystone's
``return_all_endpoints_if_no_filter``).
"""

from services.identity import exception
from services.identity.core import ReadCache
from services.identity.core import new_id

FILTER_KEYS = ('interface', 'service_id', 'region_id')


class EndpointFilterManager:

    def __init__(self, conf, records, state, catalog, resource):
        self.conf = conf
        self.direct = records['project_endpoint']
        self.groups = records['endpoint_group']
        self.group_projects = records['project_endpoint_group']
        self.state = state
        self.catalog = catalog
        self.resource = resource
        self.cache = ReadCache(state, conf.token.validation_cache_time)

    # -- project <-> endpoint ------------------------------------------------
    def _direct(self, project_id, endpoint_id):
        return self.direct.list({'project_id': project_id, 'endpoint_id': endpoint_id})

    def add_endpoint_to_project(self, project_id, endpoint_id):
        self.resource.get_project(project_id)
        self.catalog.get_endpoint(endpoint_id)
        if not self._direct(project_id, endpoint_id):
            self.direct.create({'id': new_id(), 'project_id': project_id,
                                'endpoint_id': endpoint_id})
            self.state.bump()

    def check_endpoint_in_project(self, project_id, endpoint_id):
        self.resource.get_project(project_id)
        self.catalog.get_endpoint(endpoint_id)
        if not self._direct(project_id, endpoint_id):
            raise exception.NotFound('Endpoint %s is not associated with project %s.'
                                     % (endpoint_id, project_id))

    def remove_endpoint_from_project(self, project_id, endpoint_id):
        found = self._direct(project_id, endpoint_id)
        if not found:
            raise exception.NotFound('Endpoint %s is not associated with project %s.'
                                     % (endpoint_id, project_id))
        for ref in found:
            self.direct.delete(ref['id'])
        self.state.bump()

    def list_endpoints_for_project(self, project_id):
        self.resource.get_project(project_id)
        ids = self.endpoint_ids_for_project(project_id) or set()
        return [e for e in self.catalog.list_endpoints() if e['id'] in ids]

    def list_projects_for_endpoint(self, endpoint_id):
        self.catalog.get_endpoint(endpoint_id)
        ids = [r['project_id'] for r in self.direct.list({'endpoint_id': endpoint_id})]
        return self.resource.list_projects_by_ids(ids)

    # -- endpoint groups -------------------------------------------------------
    @staticmethod
    def _check_filters(filters):
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown or not filters:
            raise exception.ValidationError(
                reason='endpoint group filters are some of %s' % ', '.join(FILTER_KEYS))

    def create_group(self, values):
        self._check_filters(values['filters'])
        ref = self.groups.create({'id': new_id(), 'name': values['name'],
                                  'description': values.get('description'),
                                  'filters': values['filters']})
        self.state.bump()
        return ref

    def get_group(self, group_id):
        return self.groups.get(group_id)

    def list_groups(self, hints=None):
        return self.groups.list(hints or {})

    def update_group(self, group_id, changes):
        if 'filters' in changes:
            self._check_filters(changes['filters'])
        ref = self.groups.update(group_id, changes)
        self.state.bump()
        return ref

    def delete_group(self, group_id):
        self.groups.get(group_id)
        for ref in self.group_projects.list({'endpoint_group_id': group_id}):
            self.group_projects.delete(ref['id'])
        self.groups.delete(group_id)
        self.state.bump()

    def list_endpoints_in_group(self, group_id):
        group = self.groups.get(group_id)
        return [e for e in self.catalog.list_endpoints()
                if all(e.get(k) == v for k, v in group['filters'].items())]

    def _group_project(self, group_id, project_id):
        return self.group_projects.list({'endpoint_group_id': group_id,
                                         'project_id': project_id})

    def add_group_to_project(self, group_id, project_id):
        self.groups.get(group_id)
        self.resource.get_project(project_id)
        if not self._group_project(group_id, project_id):
            self.group_projects.create({'id': new_id(), 'endpoint_group_id': group_id,
                                        'project_id': project_id})
            self.state.bump()

    def check_group_in_project(self, group_id, project_id):
        self.groups.get(group_id)
        self.resource.get_project(project_id)
        if not self._group_project(group_id, project_id):
            raise exception.NotFound('Endpoint group %s is not associated with project %s.'
                                     % (group_id, project_id))

    def remove_group_from_project(self, group_id, project_id):
        found = self._group_project(group_id, project_id)
        if not found:
            raise exception.NotFound('Endpoint group %s is not associated with project %s.'
                                     % (group_id, project_id))
        for ref in found:
            self.group_projects.delete(ref['id'])
        self.state.bump()

    def list_projects_for_group(self, group_id):
        self.groups.get(group_id)
        ids = [r['project_id'] for r in self.group_projects.list(
            {'endpoint_group_id': group_id})]
        return self.resource.list_projects_by_ids(ids)

    def list_groups_for_project(self, project_id):
        self.resource.get_project(project_id)
        ids = {r['endpoint_group_id'] for r in self.group_projects.list(
            {'project_id': project_id})}
        return [g for g in self.groups.list({}) if g['id'] in ids]

    # -- what the token catalog shows ----------------------------------------
    def endpoint_ids_for_project(self, project_id):
        """The endpoint ids the project is limited to; None when it has no filter."""
        return self.cache.get(('ep-filter', project_id),
                              lambda: self._endpoint_ids(project_id))

    def _endpoint_ids(self, project_id):
        ids = {r['endpoint_id'] for r in self.direct.list({'project_id': project_id})}
        group_ids = [r['endpoint_group_id'] for r in self.group_projects.list(
            {'project_id': project_id})]
        if not ids and not group_ids:
            return None
        for group_id in group_ids:
            try:
                ids.update(e['id'] for e in self.list_endpoints_in_group(group_id))
            except exception.NotFound:
                continue
        return ids

    # -- cascades ----------------------------------------------------------------
    def delete_for_project(self, project_id):
        for ref in self.direct.list({'project_id': project_id}):
            self.direct.delete(ref['id'])
        for ref in self.group_projects.list({'project_id': project_id}):
            self.group_projects.delete(ref['id'])

    def delete_for_endpoint(self, endpoint_id):
        for ref in self.direct.list({'endpoint_id': endpoint_id}):
            self.direct.delete(ref['id'])
