"""Domains and projects: hierarchy, tags and deletion cascades."""

from services.identity import exception
import copy

from services.identity.core import ReadCache
from services.identity.core import new_id

#: what a project is; any other key a client sends is kept in ``extra``
PROJECT_FIELDS = ('id', 'name', 'domain_id', 'parent_id', 'description', 'enabled', 'tags',
                  'is_domain', 'options', 'links')


def _extra(values):
    return {k: v for k, v in values.items() if k not in PROJECT_FIELDS}


class ResourceManager:

    def __init__(self, conf, driver, state, revoke):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.revoke = revoke
        self.managers = None  # set by build_managers
        self.cache = ReadCache(state, conf.token.validation_cache_time)

    # -- domains -----------------------------------------------------------
    def create_domain(self, values, domain_id=None):
        ref = {'id': domain_id or new_id(), 'name': values['name'],
               'description': values.get('description') or '',
               'enabled': values.get('enabled', True), 'tags': list(values.get('tags') or [])}
        ref = self.driver.create_domain(ref)
        self.state.bump()
        return ref

    def get_domain(self, domain_id):
        return copy.deepcopy(self.cache.get(('domain', domain_id),
                                            lambda: self.driver.get_domain(domain_id)))

    def get_domain_by_name(self, name):
        return copy.deepcopy(self.cache.get(('domain-name', name),
                                            lambda: self.driver.get_domain_by_name(name)))

    def list_domains(self, hints=None):
        return self.driver.list_domains(hints or {})

    def update_domain(self, domain_id, changes):
        ref = self.driver.update_domain(domain_id, changes)
        if changes.get('enabled') is False:
            self.revoke.revoke_domain(domain_id)
        self.state.bump()
        return ref

    def delete_domain(self, domain_id):
        domain = self.get_domain(domain_id)
        if domain['enabled']:
            raise exception.Forbidden(
                'Cannot delete a domain that is enabled, please disable it first.')
        managers = self.managers
        projects = self.driver.list_projects({'domain_id': domain_id})
        for project in self._leaves_first(projects):
            self._delete_project_data(project['id'])
            self.driver.delete_project(project['id'])
        for user in managers.identity.list_users({'domain_id': domain_id}):
            managers.identity.delete_user(user['id'])
        for group in managers.identity.list_groups({'domain_id': domain_id}):
            managers.identity.delete_group(group['id'])
        for role in managers.assignment.list_roles({'domain_id': domain_id}):
            managers.assignment.delete_role(role['id'])
        managers.assignment.driver.delete_assignments_for_target(domain_id)
        managers.domain_config.delete_for_domain(domain_id)
        self.driver.delete_domain(domain_id)
        self.revoke.revoke_domain(domain_id)
        self.state.bump()

    # -- projects ----------------------------------------------------------
    def create_project(self, values):
        domain_id = values.get('domain_id')
        parent_id = values.get('parent_id')
        if parent_id is not None and parent_id == domain_id:
            parent_id = None  # keystone shows a top-level project's domain as its parent
        if parent_id is not None:
            try:
                parent = self.get_project(parent_id)
            except exception.ProjectNotFound:
                # a domain id as parent means a top-level project in it
                try:
                    self.get_domain(parent_id)
                except exception.DomainNotFound:
                    raise exception.ValidationError(
                        reason='parent %s is neither a project nor a domain' % parent_id)
                if domain_id and domain_id != parent_id:
                    raise exception.ValidationError(
                        reason='a project must be in the domain of its parent')
                domain_id, parent_id = parent_id, None
            else:
                if domain_id and domain_id != parent['domain_id']:
                    raise exception.ValidationError(
                        reason='a project must be in the domain of its parent')
                domain_id = parent['domain_id']
        domain_id = domain_id or self.conf.identity.default_domain_id
        self.get_domain(domain_id)      # 404 when unknown, as keystone
        ref = {'id': new_id(), 'name': values['name'], 'domain_id': domain_id,
               'parent_id': parent_id, 'description': values.get('description') or '',
               'enabled': values.get('enabled', True), 'tags': list(values.get('tags') or []),
               'extra': _extra(values)}
        ref = self.driver.create_project(ref)
        self.state.bump()
        return ref

    def get_project(self, project_id):
        return copy.deepcopy(self.cache.get(('project', project_id),
                                            lambda: self.driver.get_project(project_id)))

    def get_project_by_name(self, name, domain_id):
        return copy.deepcopy(self.cache.get(
            ('project-name', name, domain_id),
            lambda: self.driver.get_project_by_name(name, domain_id)))

    def list_projects(self, hints=None, **tag_filters):
        return self.driver.list_projects(hints or {}, **tag_filters)

    def list_projects_by_ids(self, project_ids):
        return self.driver.list_projects_by_ids(list(project_ids)) if project_ids else []

    def update_project(self, project_id, changes):
        current = self.driver.get_project(project_id)
        for key in ('domain_id', 'parent_id'):
            if key in changes and changes[key] != current.get(key):
                if key == 'parent_id' and changes[key] in (None, current['domain_id']) \
                        and current.get('parent_id') is None:
                    continue
                raise exception.ValidationError(reason='Update of `%s` is not allowed.' % key)
        extra = _extra(changes)
        changes = {k: v for k, v in changes.items() if k not in extra}
        if extra:
            changes['extra'] = dict(current.get('extra') or {}, **extra)
        ref = self.driver.update_project(project_id, changes)
        if changes.get('enabled') is False:
            self.revoke.revoke_project(project_id)
        self.state.bump()
        return ref

    def delete_project(self, project_id, cascade=False):
        self.get_project(project_id)
        children = self.driver.list_project_children(project_id)
        if children and not cascade:
            raise exception.Forbidden(
                'Cannot delete project %s: it has child projects.' % project_id)
        subtree = [project_id] + self.list_subtree_ids(project_id)
        for pid in reversed(subtree):
            self._delete_project_data(pid)
            self.driver.delete_project(pid)
        self.state.bump()

    def _delete_project_data(self, project_id):
        self.managers.assignment.driver.delete_assignments_for_target(project_id)
        self.managers.credential.delete_for_project(project_id)
        self.managers.trust.delete_for_project(project_id)
        self.managers.limit.delete_for_project(project_id)
        self.managers.endpoint_filter.delete_for_project(project_id)
        self.revoke.revoke_project(project_id)

    def list_ancestor_ids(self, project):
        """Parent, grandparent, ... of ``project`` (a ref), nearest first."""
        ids = []
        seen = {project['id']}
        parent_id = project.get('parent_id')
        while parent_id and parent_id not in seen:
            seen.add(parent_id)
            ids.append(parent_id)
            try:
                parent_id = self.get_project(parent_id).get('parent_id')
            except exception.ProjectNotFound:
                break
        return ids

    def list_subtree_ids(self, project_id):
        """Every descendant of ``project_id``, parents before children."""
        ids = []
        frontier = [project_id]
        while frontier:
            current = frontier.pop(0)
            for child in self.driver.list_project_children(current):
                if child['id'] not in ids:
                    ids.append(child['id'])
                    frontier.append(child['id'])
        return ids

    @staticmethod
    def _leaves_first(projects):
        by_id = {p['id']: p for p in projects}

        def depth(p):
            d, seen = 0, set()
            while p.get('parent_id') in by_id and p['id'] not in seen:
                seen.add(p['id'])
                p = by_id[p['parent_id']]
                d += 1
            return d
        return sorted(projects, key=depth, reverse=True)

    # -- tags --------------------------------------------------------------
    def add_project_tag(self, project_id, tag):
        project = self.get_project(project_id)
        tags = list(project['tags'])
        if tag not in tags:
            tags.append(tag)
            project = self.update_project(project_id, {'tags': tags})
        return project

    def remove_project_tag(self, project_id, tag):
        project = self.get_project(project_id)
        if tag not in project['tags']:
            raise exception.NotFound('Tag %s not found on project %s.' % (tag, project_id))
        return self.update_project(project_id,
                                   {'tags': [t for t in project['tags'] if t != tag]})
