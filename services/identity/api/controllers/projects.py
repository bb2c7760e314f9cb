"""/v3/projects: hierarchy, tags and role grants on projects."""

import pecan
import webob

from services.identity import exception
from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.controllers import grants
from services.identity.api.schemas import resource as schemas

_TAG_FILTERS = ('tags', 'tags-any', 'not-tags', 'not-tags-any')


def tag_filters(params):
    return {name.replace('-', '_'): [t for t in params[name].split(',') if t]
            for name in _TAG_FILTERS if params.get(name)}


class ProjectsController(base.Collection):
    member = 'project'
    collection = 'projects'
    filters = ('name', 'domain_id', 'enabled', 'parent_id')
    create_schema = schemas.project_create
    update_schema = schemas.project_update
    domain_owned = True

    def do_list(self, hints, params):
        m = base.managers()
        if base.parse_bool(params.get('is_domain', 'false')):
            # keystone lists its domains as the is_domain projects
            domains = m.resource.list_domains(
                {k: v for k, v in hints.items() if k in ('name', 'enabled')})
            if hints.get('domain_id') or hints.get('parent_id'):
                return []
            return [dict(d, is_domain=True) for d in domains]
        parent = hints.get('parent_id')
        if parent is not None:
            try:
                m.resource.get_domain(parent)
                # keystone shows a domain as the parent of its top projects
                hints['parent_id'] = None
                hints['domain_id'] = parent
            except exception.DomainNotFound:
                pass
        return m.resource.list_projects(hints, **tag_filters(params))

    def do_get(self, entity_id):
        resource = base.managers().resource
        try:
            return resource.get_project(entity_id)
        except exception.ProjectNotFound:
            # a domain is also keystone's is_domain project of the same id
            try:
                return dict(resource.get_domain(entity_id), is_domain=True)
            except exception.DomainNotFound:
                raise exception.ProjectNotFound(project_id=entity_id)

    def do_create(self, values):
        resource = base.managers().resource
        if values.pop('is_domain', False):
            if values.get('parent_id') or values.get('domain_id'):
                raise exception.ValidationError(
                    reason='a project acting as a domain has no parent and no domain')
            domain = resource.create_domain({k: values[k] for k in
                                             ('name', 'description', 'enabled', 'tags')
                                             if k in values})
            return dict(domain, is_domain=True)
        return resource.create_project(values)

    def do_update(self, entity_id, values):
        resource = base.managers().resource
        if self.do_get(entity_id).get('is_domain'):
            return dict(resource.update_domain(entity_id, {
                k: values[k] for k in ('name', 'description', 'enabled', 'tags')
                if k in values}), is_domain=True)
        return resource.update_project(entity_id, values)

    def do_delete(self, entity_id):
        resource = base.managers().resource
        if self.do_get(entity_id).get('is_domain'):
            resource.delete_domain(entity_id)
        else:
            resource.delete_project(entity_id)

    def view(self, ref):
        if ref.get('is_domain'):
            return views.domain_as_project(base.base_url(), ref)
        return views.project(base.base_url(), ref)

    def target(self, ref):
        if ref.get('is_domain'):
            return {'project_id': ref.get('id'), 'project_domain_id': ref.get('id')}
        return {'project_id': ref.get('id'), 'project_domain_id': ref.get('domain_id')}

    @pecan.expose('json')
    def get_one(self, entity_id, **params):
        ref = self.do_get(entity_id)
        base.authorize('get_project', **self.target(ref))
        body = self.view(ref)
        m = base.managers()
        if base.parse_bool(params.get('parents_as_ids', 'false')):
            body['parents'] = _nested_ids(m.resource.list_ancestor_ids(ref))
        if base.parse_bool(params.get('subtree_as_ids', 'false')):
            body['subtree'] = _subtree_ids(m, ref['id'])
        return {'project': body}

    @pecan.expose()
    def _lookup(self, project_id, *remainder):
        if remainder and remainder[0] in ('users', 'groups'):
            actor_kind = remainder[0][:-1]
            return grants.GrantsController('project', project_id, actor_kind), remainder[1:]
        if remainder and remainder[0] == 'tags':
            return ProjectTagsController(project_id), remainder[1:]
        pecan.abort(404)


def _nested_ids(ancestor_ids):
    nested = None
    for ancestor_id in reversed(ancestor_ids):
        nested = {ancestor_id: nested}
    return nested


def _subtree_ids(m, project_id):
    return {child['id']: _subtree_ids(m, child['id']) or None
            for child in m.resource.driver.list_project_children(project_id)} or None


class ProjectTagsController:
    """/v3/projects/{id}/tags[/{tag}]."""

    def __init__(self, project_id):
        self.project_id = project_id

    @pecan.expose('json')
    def _default(self, tag=None, *extra):
        if extra:
            pecan.abort(404)
        m = base.managers()
        method = base.request().method
        project = m.resource.get_project(self.project_id)
        target = {'project_id': project['id'], 'project_domain_id': project['domain_id']}
        if tag is None:
            base.allow('GET', 'PUT', 'DELETE')
            if method == 'GET':
                base.authorize('list_project_tags', **target)
                return {'tags': project['tags']}
            if method == 'PUT':
                tags = base.body(schemas.project_tags)['tags']
                base.authorize('update_project_tags', **target)
                return {'tags': m.resource.update_project(project['id'],
                                                          {'tags': tags})['tags']}
            if method == 'DELETE':
                base.authorize('delete_project_tags', **target)
                m.resource.update_project(project['id'], {'tags': []})
                return base.no_content()
        base.allow('GET', 'PUT', 'DELETE')
        if method == 'GET':
            base.authorize('get_project_tag', **target)
            if tag not in project['tags']:
                raise exception.NotFound('Tag %s not found on project %s.'
                                         % (tag, project['id']))
            return base.no_content()
        if method == 'PUT':
            base.authorize('create_project_tag', **target)
            if len(tag) > 255 or ',' in tag or '/' in tag:
                raise exception.ValidationError(reason='invalid tag %r' % tag)
            m.resource.add_project_tag(project['id'], tag)
            # keystone answers 201 with no body at all (not a JSON null)
            return webob.Response(status=201, content_type=None)
        if method == 'DELETE':
            base.authorize('delete_project_tag', **target)
            m.resource.remove_project_tag(project['id'], tag)
            return base.no_content()
        pecan.abort(405)
