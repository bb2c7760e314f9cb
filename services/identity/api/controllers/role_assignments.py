"""/v3/role_assignments."""

import pecan

from services.identity import exception
from services.identity.api.controllers import base
from services.identity.core import role_assignments


class RoleAssignmentsController:

    @pecan.expose('json')
    def index(self, **params):
        base.allow('GET')
        domain_id = base.context().domain_id
        base.authorize('list_role_assignments', domain_id=domain_id)
        m = base.managers()
        inherited = None
        if 'scope.OS-INHERIT:inherited_to' in params:
            inherited = params['scope.OS-INHERIT:inherited_to'] == 'projects'
        system = params.get('scope.system')
        entries = role_assignments.list_role_assignments(
            m, user_id=params.get('user.id'), group_id=params.get('group.id'),
            role_id=params.get('role.id'), project_id=params.get('scope.project.id'),
            domain_id=params.get('scope.domain.id'),
            system=bool(system) and system != 'false', inherited=inherited,
            effective=_flag(params, 'effective'),
            include_subtree=_flag(params, 'include_subtree'))
        if domain_id:
            entries = [e for e in entries if _in_domain(m, e, domain_id)]
        names = _flag(params, 'include_names')
        url = base.base_url()
        render = _Renderer(m, url, names)
        return {'role_assignments': [render(e) for e in entries],
                'links': {'self': url + '/role_assignments', 'previous': None,
                          'next': None}}


def _in_domain(m, entry, domain_id):
    """A domain reader sees the assignments on its domain and its projects."""
    if entry.get('domain_id'):
        return entry['domain_id'] == domain_id
    if entry.get('project_id'):
        try:
            return m.resource.get_project(entry['project_id'])['domain_id'] == domain_id
        except exception.NotFound:
            return False
    return False


def _flag(params, name):
    # keystone treats a bare "?effective" as true
    return name in params and base.parse_bool(params[name] or 'true')


class _Renderer:
    """Shapes entries, looking names up once per id."""

    def __init__(self, managers, url, include_names):
        self.m = managers
        self.url = url
        self.names = include_names
        self._cache = {}

    def _lookup(self, kind, entity_id):
        key = (kind, entity_id)
        if key not in self._cache:
            getter = {'user': self.m.identity.get_user, 'group': self.m.identity.get_group,
                      'project': self.m.resource.get_project,
                      'domain': self.m.resource.get_domain,
                      'role': self.m.assignment.get_role}[kind]
            try:
                self._cache[key] = getter(entity_id)
            except exception.NotFound:
                self._cache[key] = None
        return self._cache[key]

    def _ref(self, kind, entity_id):
        ref = {'id': entity_id}
        if not self.names:
            return ref
        entity = self._lookup(kind, entity_id)
        if entity is None:
            return ref
        if kind != 'domain' or entity.get('name'):
            ref['name'] = entity.get('name')
        domain_id = entity.get('domain_id')
        if domain_id:
            domain = self._lookup('domain', domain_id)
            ref['domain'] = {'id': domain_id, 'name': domain['name'] if domain else None}
        return ref

    def __call__(self, entry):
        body = {'role': self._ref('role', entry['role_id'])}
        actor = 'user' if entry.get('user_id') else 'group'
        body[actor] = self._ref(actor, entry['%s_id' % actor])
        if entry.get('system'):
            scope = {'system': {'all': True}}
            target = 'system'
        elif entry.get('project_id'):
            scope = {'project': self._ref('project', entry['project_id'])}
            target = 'projects/%s' % entry['project_id']
        else:
            scope = {'domain': self._ref('domain', entry['domain_id'])}
            target = 'domains/%s' % entry['domain_id']
        if entry.get('inherited'):
            scope['OS-INHERIT:inherited_to'] = 'projects'
        body['scope'] = scope
        actor_id = entry.get('via_group') or entry['%s_id' % actor]
        actor_path = 'groups' if entry.get('via_group') else '%ss' % actor
        prefix = self.url + ('/OS-INHERIT' if entry.get('inherited') else '')
        links = {'assignment': '%s/%s/%s/%s/roles/%s%s' % (
            prefix, target, actor_path, actor_id, entry.get('via_role') or entry['role_id'],
            '/inherited_to_projects' if entry.get('inherited') else '')}
        if entry.get('via_group'):
            links['membership'] = '%s/groups/%s/users/%s' % (self.url, entry['via_group'],
                                                             entry['user_id'])
        if entry.get('via_role'):
            links['prior_role'] = '%s/roles/%s' % (self.url, entry['via_role'])
        body['links'] = links
        return body
