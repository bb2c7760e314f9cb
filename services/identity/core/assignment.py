"""Roles, implied roles and role assignments, and the effective roles of a
user on a scope (group membership, inheritance down the project tree and
implied roles all expanded)."""

from services.identity import exception
from services.identity.backends import base
from services.identity.core import new_id

PROJECT_TYPES = (base.USER_PROJECT, base.GROUP_PROJECT)
DOMAIN_TYPES = (base.USER_DOMAIN, base.GROUP_DOMAIN)
SYSTEM_TYPES = (base.USER_SYSTEM, base.GROUP_SYSTEM)
USER_TYPES = (base.USER_PROJECT, base.USER_DOMAIN, base.USER_SYSTEM)


def assignment_type(actor_kind, target_kind):
    return {('user', 'project'): base.USER_PROJECT, ('group', 'project'): base.GROUP_PROJECT,
            ('user', 'domain'): base.USER_DOMAIN, ('group', 'domain'): base.GROUP_DOMAIN,
            ('user', 'system'): base.USER_SYSTEM,
            ('group', 'system'): base.GROUP_SYSTEM}[(actor_kind, target_kind)]


def target_kind(atype):
    if atype in PROJECT_TYPES:
        return 'project'
    if atype in DOMAIN_TYPES:
        return 'domain'
    return 'system'


class AssignmentManager:

    def __init__(self, conf, driver, state, revoke, resource, identity):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.revoke = revoke
        self.trust = None  # set by build_managers: trust tokens of a lost role
        self.resource = resource
        self.identity = identity
        self._cache_version = None
        self._roles = {}
        self._implies = {}
        self._effective = {}

    # -- caches of slow-changing data --------------------------------------
    def _check_cache(self):
        if self._cache_version != self.state.value:
            version = self.state.value
            roles = {r['id']: r for r in self.driver.list_roles({})}
            implies = {}
            for rule in self.driver.list_implied_roles():
                implies.setdefault(rule['prior_role_id'], []).append(rule['implied_role_id'])
            self._roles, self._implies, self._effective = roles, implies, {}
            self._cache_version = version

    def roles_by_id(self):
        self._check_cache()
        return self._roles

    def is_global(self, role_id):
        """Whether ``role_id`` is a known global role.  Domain-specific
        roles are never effective: they only carry the roles they imply."""
        self._check_cache()
        role = self._roles.get(role_id)
        return role is not None and not role.get('domain_id')

    def grants_anything(self, role_id):
        """Whether an assignment of ``role_id`` yields an effective role."""
        return any(self.is_global(r) for r in self.expand_implied([role_id]))

    def expand_implied(self, role_ids):
        """``role_ids`` plus every role they imply, transitively."""
        self._check_cache()
        result = []
        seen = set()
        stack = list(role_ids)
        while stack:
            role_id = stack.pop(0)
            if role_id in seen:
                continue
            seen.add(role_id)
            result.append(role_id)
            stack.extend(self._implies.get(role_id, ()))
        return result

    # -- roles ---------------------------------------------------------------
    def create_role(self, values):
        domain_id = values.get('domain_id')
        if domain_id:
            try:
                self.resource.get_domain(domain_id)
            except exception.DomainNotFound:
                raise exception.ValidationError(reason='domain %s does not exist' % domain_id)
        ref = {'id': values.get('id') or new_id(), 'name': values['name'],
               'domain_id': domain_id, 'description': values.get('description')}
        ref = self.driver.create_role(ref)
        self.state.bump()
        return ref

    def get_role(self, role_id):
        return self.driver.get_role(role_id)

    def get_role_by_name(self, name, domain_id=None):
        return self.driver.get_role_by_name(name, domain_id)

    def list_roles(self, hints=None):
        return self.driver.list_roles(hints or {})

    def update_role(self, role_id, changes):
        ref = self.driver.update_role(role_id, changes)
        self.state.bump()
        return ref

    def delete_role(self, role_id):
        self.get_role(role_id)
        self.driver.delete_role(role_id)
        self.revoke.revoke_role(role_id)
        self.state.bump()

    # -- implied roles -------------------------------------------------------
    def create_implied_role(self, prior_role_id, implied_role_id):
        prior = self.get_role(prior_role_id)
        implied = self.get_role(implied_role_id)
        if implied['name'] in self.conf.assignment.prohibited_implied_role:
            raise exception.InvalidImpliedRole(role_id=implied_role_id)
        if implied.get('domain_id') and not prior.get('domain_id'):
            # a domain-specific role may imply any role, its own domain's, another
            # domain's or a global one; only a global role may not imply one
            raise exception.InvalidImpliedRole(
                'A global role cannot imply a domain-specific role.')
        if prior_role_id in self.expand_implied([implied_role_id]):
            raise exception.Forbidden('Role %s already implies %s: no cycles.'
                                      % (implied_role_id, prior_role_id))
        ref = self.driver.create_implied_role(prior_role_id, implied_role_id)
        self.state.bump()
        return ref

    def get_implied_role(self, prior_role_id, implied_role_id):
        self.get_role(prior_role_id)
        self.get_role(implied_role_id)
        try:
            return self.driver.get_implied_role(prior_role_id, implied_role_id)
        except exception.NotFound:
            raise exception.ImpliedRoleNotFound(prior_role_id=prior_role_id,
                                                implied_role_id=implied_role_id)

    def delete_implied_role(self, prior_role_id, implied_role_id):
        self.get_implied_role(prior_role_id, implied_role_id)
        self.driver.delete_implied_role(prior_role_id, implied_role_id)
        self.revoke.revoke_role(prior_role_id)
        self.state.bump()

    def list_implied_roles(self, prior_role_id=None):
        if prior_role_id is not None:
            self.get_role(prior_role_id)
        return self.driver.list_implied_roles(prior_role_id)

    # -- grants --------------------------------------------------------------
    def _check_grant_parties(self, role_id, actor_kind, actor_id, tkind, target_id):
        self.get_role(role_id)
        if actor_kind == 'user':
            self.identity.get_user(actor_id)
        else:
            self.identity.get_group(actor_id)
        if tkind == 'project':
            self.resource.get_project(target_id)
        elif tkind == 'domain':
            self.resource.get_domain(target_id)

    def create_grant(self, role_id, actor_kind, actor_id, tkind, target_id, inherited=False):
        self._check_grant_parties(role_id, actor_kind, actor_id, tkind, target_id)
        role = self.get_role(role_id)
        if role.get('domain_id') and tkind == 'project' and \
                self.resource.get_project(target_id)['domain_id'] != role['domain_id']:
            raise exception.DomainSpecificRoleMismatch(role_id=role_id, project_id=target_id)
        self.driver.create_assignment(assignment_type(actor_kind, tkind), actor_id,
                                      target_id, role_id, inherited)
        self.state.bump()

    def check_grant(self, role_id, actor_kind, actor_id, tkind, target_id, inherited=False):
        self._check_grant_parties(role_id, actor_kind, actor_id, tkind, target_id)
        if not self.driver.check_assignment(assignment_type(actor_kind, tkind), actor_id,
                                            target_id, role_id, inherited):
            raise exception.RoleAssignmentNotFound(role_id=role_id, actor_id=actor_id,
                                                   target_id=target_id)

    def delete_grant(self, role_id, actor_kind, actor_id, tkind, target_id, inherited=False):
        self.check_grant(role_id, actor_kind, actor_id, tkind, target_id, inherited)
        self.driver.delete_assignment(assignment_type(actor_kind, tkind), actor_id,
                                      target_id, role_id, inherited)
        users = [actor_id] if actor_kind == 'user' else [
            u['id'] for u in self.identity.list_users_in_group(actor_id)]
        project_id = target_id if tkind == 'project' and not inherited else None
        for user_id in users:
            self.revoke.revoke_user(user_id, project_id=project_id)
            if self.trust is not None:
                self.trust.revoke_tokens_for_user(user_id, project_id)
        self.state.bump()

    def list_grants(self, actor_kind, actor_id, tkind, target_id, inherited=False):
        self._check_grant_parties_no_role(actor_kind, actor_id, tkind, target_id)
        rows = self.driver.list_assignments(
            types=[assignment_type(actor_kind, tkind)], actor_ids=[actor_id],
            target_ids=[target_id], inherited=inherited)
        roles = self.roles_by_id()
        return [roles[r['role_id']] for r in rows if r['role_id'] in roles]

    def _check_grant_parties_no_role(self, actor_kind, actor_id, tkind, target_id):
        if actor_kind == 'user':
            self.identity.get_user(actor_id)
        else:
            self.identity.get_group(actor_id)
        if tkind == 'project':
            self.resource.get_project(target_id)
        elif tkind == 'domain':
            self.resource.get_domain(target_id)

    # -- effective roles -------------------------------------------------------
    def get_effective_role_ids(self, user_id, project=None, domain_id=None, system=False):
        """Role ids ``user_id`` holds on the scope, implied roles included.

        ``project`` is a project ref (the caller has it already).
        """
        self._check_cache()
        key = (user_id, project['id'] if project else None, domain_id, system)
        cached = self._effective.get(key)
        if cached is not None:
            return cached
        version = self.state.value
        actors = [user_id] + [g['id'] for g in self.identity.list_groups_for_user(user_id)]
        direct = []
        if project is not None:
            ancestors = self.resource.list_ancestor_ids(project)
            rows = self.driver.list_assignments(
                types=list(PROJECT_TYPES + DOMAIN_TYPES), actor_ids=actors,
                target_ids=[project['id'], project['domain_id']] + ancestors)
            for row in rows:
                if row['type'] in PROJECT_TYPES:
                    if row['target_id'] == project['id'] and not row['inherited']:
                        direct.append(row['role_id'])
                    elif row['target_id'] in ancestors and row['inherited']:
                        direct.append(row['role_id'])
                elif row['target_id'] == project['domain_id'] and row['inherited']:
                    direct.append(row['role_id'])
        elif domain_id is not None:
            rows = self.driver.list_assignments(types=list(DOMAIN_TYPES), actor_ids=actors,
                                                target_ids=[domain_id], inherited=False)
            direct = [row['role_id'] for row in rows]
        elif system:
            rows = self.driver.list_assignments(types=list(SYSTEM_TYPES), actor_ids=actors,
                                                target_ids=[base.SYSTEM_TARGET])
            direct = [row['role_id'] for row in rows]
        # domain-specific roles never reach a token, only the global roles they imply
        role_ids = [r for r in self.expand_implied(direct) if self.is_global(r)]
        if version == self.state.value:
            self._effective[key] = role_ids
        return role_ids

    def get_effective_roles(self, user_id, project=None, domain_id=None, system=False):
        roles = self.roles_by_id()
        return [roles[r] for r in self.get_effective_role_ids(user_id, project, domain_id,
                                                              system)]

    def list_projects_for_user(self, user_id):
        """Projects where ``user_id`` has at least one effective role."""
        actors = [user_id] + [g['id'] for g in self.identity.list_groups_for_user(user_id)]
        rows = self.driver.list_assignments(types=list(PROJECT_TYPES + DOMAIN_TYPES),
                                            actor_ids=actors)
        project_ids = set()
        for row in rows:
            if not self.grants_anything(row['role_id']):
                continue
            if row['type'] in PROJECT_TYPES:
                if not row['inherited']:
                    project_ids.add(row['target_id'])
                else:
                    project_ids.update(self.resource.list_subtree_ids(row['target_id']))
            elif row['inherited']:
                project_ids.update(p['id'] for p in self.resource.list_projects(
                    {'domain_id': row['target_id']}))
        return self.resource.list_projects_by_ids(sorted(project_ids))

    def list_domains_for_user(self, user_id):
        actors = [user_id] + [g['id'] for g in self.identity.list_groups_for_user(user_id)]
        rows = self.driver.list_assignments(types=list(DOMAIN_TYPES), actor_ids=actors,
                                            inherited=False)
        domains = []
        for domain_id in sorted({row['target_id'] for row in rows
                                 if self.grants_anything(row['role_id'])}):
            try:
                domains.append(self.resource.get_domain(domain_id))
            except exception.DomainNotFound:
                continue
        return domains

    def has_system_roles(self, user_id):
        return bool(self.get_effective_role_ids(user_id, system=True))
