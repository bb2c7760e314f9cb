"""Role grants: /v3/{projects|domains}/{id}/{users|groups}/{id}/roles[/{role}],
/v3/system/{users|groups}/{id}/roles[/{role}] and the OS-INHERIT variants."""

import pecan

from services.identity.api import views
from services.identity.api.controllers import base


class GrantsController:

    def __init__(self, target_kind, target_id, actor_kind, inherited=False):
        self.target_kind = target_kind
        self.target_id = target_id
        self.actor_kind = actor_kind
        self.inherited = inherited

    def _target(self):
        """``domain_id``: the domain granted on, or the granted project's domain."""
        if self.target_kind == 'domain':
            return {'domain_id': self.target_id}
        if self.target_kind == 'project':
            project = base.managers().resource.get_project(self.target_id)
            return {'project_id': project['id'], 'domain_id': project.get('domain_id')}
        return {}

    def _policy(self, verb):
        return ('%s_system_grant' % verb if self.target_kind == 'system'
                else '%s_grant' % verb)

    @pecan.expose('json')
    def _default(self, actor_id=None, roles=None, role_id=None, *extra):
        # OS-INHERIT paths end in /inherited_to_projects
        if self.inherited:
            if role_id == 'inherited_to_projects' and not extra:
                role_id = None
            elif extra == ('inherited_to_projects',):
                extra = ()
            else:
                pecan.abort(404)
        if actor_id is None or roles != 'roles' or extra:
            pecan.abort(404)
        m = base.managers().assignment
        method = base.request().method
        args = (self.actor_kind, actor_id, self.target_kind, self.target_id)
        if role_id is None:
            base.allow('GET')
        else:
            base.allow('GET', 'PUT', 'DELETE')
        target = self._target()
        if role_id is None:
            base.authorize('list_system_grants' if self.target_kind == 'system'
                           else 'list_grants', **target)
            roles = m.list_grants(*args, inherited=self.inherited)
            url = base.base_url()
            return views.collection(url, '%ss/%s/%ss/%s/roles' % (
                self.target_kind, self.target_id, self.actor_kind, actor_id), 'roles',
                [views.role(url, r) for r in roles])
        if method == 'PUT':
            base.authorize(self._policy('create'), **target)
            m.create_grant(role_id, *args, inherited=self.inherited)
            return base.no_content()
        if method == 'GET':
            base.authorize(self._policy('check'), **target)
            m.check_grant(role_id, *args, inherited=self.inherited)
            return base.no_content()
        if method == 'DELETE':
            base.authorize(self._policy('revoke'), **target)
            m.delete_grant(role_id, *args, inherited=self.inherited)
            return base.no_content()
        pecan.abort(405)


class SystemController:
    """/v3/system/{users|groups}/{id}/roles[/{role}]."""

    @pecan.expose()
    def _lookup(self, kind, *remainder):
        if kind in ('users', 'groups'):
            return GrantsController('system', 'system', kind[:-1]), remainder
        pecan.abort(404)


class InheritController:
    """/v3/OS-INHERIT/{projects|domains}/{id}/{users|groups}/{id}/roles/..."""

    @pecan.expose()
    def _lookup(self, kind, target_id=None, actor_kind=None, *remainder):
        if kind in ('projects', 'domains') and target_id and actor_kind in ('users', 'groups'):
            return GrantsController(kind[:-1], target_id, actor_kind[:-1],
                                    inherited=True), remainder
        pecan.abort(404)
