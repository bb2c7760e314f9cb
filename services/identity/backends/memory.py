"""In-memory identity drivers: the reference implementation for tests.

State lives in plain dicts behind one lock per driver.  Everything going
in or out is deep-copied, so a caller can never mutate stored state.
"""

import copy
import threading

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import filtering
from services.identity.backends import shapes


def _duplicate(kind, detail):
    return exception.Conflict(
        'Conflict occurred attempting to store %s - Duplicate entry found '
        'with %s.' % (kind, detail))


def _filtered(refs, hints):
    return [copy.deepcopy(r) for r in refs if filtering.matches_hints(r, hints)]


class _LockedDriver:
    def __init__(self):
        self._lock = threading.RLock()


class ResourceDriver(_LockedDriver, base.ResourceDriver):

    def __init__(self):
        super().__init__()
        self._domains = {}
        self._projects = {}

    # domains

    def _check_domain_name(self, name, exclude_id=None):
        for d in self._domains.values():
            if d['name'] == name and d['id'] != exclude_id:
                raise _duplicate('domain', 'name %s' % name)

    def create_domain(self, domain):
        ref = shapes.shape('domain', domain)
        ref['tags'] = filtering.normalize_tags(ref['tags'])
        with self._lock:
            if ref['id'] in self._domains:
                raise _duplicate('domain', 'ID %s' % ref['id'])
            self._check_domain_name(ref['name'])
            self._domains[ref['id']] = ref
            return copy.deepcopy(ref)

    def _domain(self, domain_id):
        try:
            return self._domains[domain_id]
        except KeyError:
            raise exception.DomainNotFound(domain_id=domain_id)

    def get_domain(self, domain_id):
        with self._lock:
            return copy.deepcopy(self._domain(domain_id))

    def get_domain_by_name(self, name):
        with self._lock:
            for d in self._domains.values():
                if d['name'] == name:
                    return copy.deepcopy(d)
        raise exception.DomainNotFound(domain_id=name)

    def list_domains(self, hints=None):
        with self._lock:
            return _filtered(self._domains.values(), hints)

    def update_domain(self, domain_id, changes):
        with self._lock:
            ref = shapes.apply_changes('domain', self._domain(domain_id), changes)
            ref['tags'] = filtering.normalize_tags(ref['tags'])
            self._check_domain_name(ref['name'], exclude_id=domain_id)
            self._domains[domain_id] = ref
            return copy.deepcopy(ref)

    def delete_domain(self, domain_id):
        with self._lock:
            self._domain(domain_id)
            del self._domains[domain_id]

    # projects

    def _check_project_name(self, ref):
        for p in self._projects.values():
            if (p['name'] == ref['name'] and p['domain_id'] == ref['domain_id']
                    and p['id'] != ref['id']):
                raise _duplicate('project', 'name %s at domain ID %s'
                                 % (ref['name'], ref['domain_id']))

    def create_project(self, project):
        ref = shapes.shape('project', project)
        ref['tags'] = filtering.normalize_tags(ref['tags'])
        with self._lock:
            if ref['id'] in self._projects:
                raise _duplicate('project', 'ID %s' % ref['id'])
            self._check_project_name(ref)
            self._projects[ref['id']] = ref
            return copy.deepcopy(ref)

    def _project(self, project_id):
        try:
            return self._projects[project_id]
        except KeyError:
            raise exception.ProjectNotFound(project_id=project_id)

    def get_project(self, project_id):
        with self._lock:
            return copy.deepcopy(self._project(project_id))

    def get_project_by_name(self, name, domain_id):
        with self._lock:
            for p in self._projects.values():
                if p['name'] == name and p['domain_id'] == domain_id:
                    return copy.deepcopy(p)
        raise exception.ProjectNotFound(project_id=name)

    def list_projects(self, hints=None, tags=None, tags_any=None,
                      not_tags=None, not_tags_any=None):
        with self._lock:
            return [copy.deepcopy(p) for p in self._projects.values()
                    if filtering.matches_hints(p, hints)
                    and filtering.matches_tags(p['tags'], tags, tags_any,
                                               not_tags, not_tags_any)]

    def list_projects_by_ids(self, project_ids):
        wanted = set(project_ids or ())
        with self._lock:
            return [copy.deepcopy(p) for p in self._projects.values()
                    if p['id'] in wanted]

    def list_project_children(self, project_id):
        with self._lock:
            return [copy.deepcopy(p) for p in self._projects.values()
                    if p['parent_id'] == project_id]

    def update_project(self, project_id, changes):
        with self._lock:
            ref = shapes.apply_changes('project', self._project(project_id), changes)
            ref['tags'] = filtering.normalize_tags(ref['tags'])
            self._check_project_name(ref)
            self._projects[project_id] = ref
            return copy.deepcopy(ref)

    def delete_project(self, project_id):
        with self._lock:
            self._project(project_id)
            del self._projects[project_id]


class IdentityDriver(_LockedDriver, base.IdentityDriver):

    def __init__(self):
        super().__init__()
        self._users = {}
        self._groups = {}
        self._memberships = set()   # (user_id, group_id)
        self._password_history = {}  # user_id -> [hash, ...], oldest first

    # users

    def _check_user_name(self, ref):
        for u in self._users.values():
            if (u['name'] == ref['name'] and u['domain_id'] == ref['domain_id']
                    and u['id'] != ref['id']):
                raise _duplicate('user', 'name %s at domain ID %s'
                                 % (ref['name'], ref['domain_id']))

    def create_user(self, user):
        ref = shapes.shape('user', user)
        with self._lock:
            if ref['id'] in self._users:
                raise _duplicate('user', 'ID %s' % ref['id'])
            self._check_user_name(ref)
            self._users[ref['id']] = ref
            return copy.deepcopy(ref)

    def _user(self, user_id):
        try:
            return self._users[user_id]
        except KeyError:
            raise exception.UserNotFound(user_id=user_id)

    def get_user(self, user_id):
        with self._lock:
            return copy.deepcopy(self._user(user_id))

    def get_user_by_name(self, name, domain_id):
        with self._lock:
            for u in self._users.values():
                if u['name'] == name and u['domain_id'] == domain_id:
                    return copy.deepcopy(u)
        raise exception.UserNotFound(user_id=name)

    def list_users(self, hints=None):
        with self._lock:
            return _filtered(self._users.values(), hints)

    def update_user(self, user_id, changes):
        with self._lock:
            ref = shapes.apply_changes('user', self._user(user_id), changes)
            self._check_user_name(ref)
            self._users[user_id] = ref
            return copy.deepcopy(ref)

    def delete_user(self, user_id):
        with self._lock:
            self._user(user_id)
            del self._users[user_id]
            self._memberships = {m for m in self._memberships if m[0] != user_id}
            self._password_history.pop(user_id, None)

    # password history

    def add_password_history(self, user_id, password_hash, created_at):
        with self._lock:
            self._user(user_id)
            self._password_history.setdefault(user_id, []).append(password_hash)

    def list_password_history(self, user_id, limit):
        if limit <= 0:
            return []
        with self._lock:
            return list(reversed(self._password_history.get(user_id, [])[-limit:]))

    # groups

    def _check_group_name(self, ref):
        for g in self._groups.values():
            if (g['name'] == ref['name'] and g['domain_id'] == ref['domain_id']
                    and g['id'] != ref['id']):
                raise _duplicate('group', 'name %s at domain ID %s'
                                 % (ref['name'], ref['domain_id']))

    def create_group(self, group):
        ref = shapes.shape('group', group)
        with self._lock:
            if ref['id'] in self._groups:
                raise _duplicate('group', 'ID %s' % ref['id'])
            self._check_group_name(ref)
            self._groups[ref['id']] = ref
            return copy.deepcopy(ref)

    def _group(self, group_id):
        try:
            return self._groups[group_id]
        except KeyError:
            raise exception.GroupNotFound(group_id=group_id)

    def get_group(self, group_id):
        with self._lock:
            return copy.deepcopy(self._group(group_id))

    def get_group_by_name(self, name, domain_id):
        with self._lock:
            for g in self._groups.values():
                if g['name'] == name and g['domain_id'] == domain_id:
                    return copy.deepcopy(g)
        raise exception.GroupNotFound(group_id=name)

    def list_groups(self, hints=None):
        with self._lock:
            return _filtered(self._groups.values(), hints)

    def update_group(self, group_id, changes):
        with self._lock:
            ref = shapes.apply_changes('group', self._group(group_id), changes)
            self._check_group_name(ref)
            self._groups[group_id] = ref
            return copy.deepcopy(ref)

    def delete_group(self, group_id):
        with self._lock:
            self._group(group_id)
            del self._groups[group_id]
            self._memberships = {m for m in self._memberships if m[1] != group_id}

    # membership

    def add_user_to_group(self, user_id, group_id):
        with self._lock:
            self._user(user_id)
            self._group(group_id)
            self._memberships.add((user_id, group_id))

    def remove_user_from_group(self, user_id, group_id):
        with self._lock:
            if (user_id, group_id) not in self._memberships:
                raise exception.MembershipNotFound(user_id=user_id, group_id=group_id)
            self._memberships.discard((user_id, group_id))

    def check_user_in_group(self, user_id, group_id):
        with self._lock:
            return (user_id, group_id) in self._memberships

    def list_groups_for_user(self, user_id, hints=None):
        with self._lock:
            self._user(user_id)
            groups = [self._groups[g] for u, g in self._memberships if u == user_id]
            return _filtered(groups, hints)

    def list_users_in_group(self, group_id, hints=None):
        with self._lock:
            self._group(group_id)
            users = [self._users[u] for u, g in self._memberships if g == group_id]
            return _filtered(users, hints)


class AssignmentDriver(_LockedDriver, base.AssignmentDriver):

    def __init__(self):
        super().__init__()
        self._roles = {}
        self._implied = set()       # (prior_role_id, implied_role_id)
        self._assignments = set()   # (type, actor_id, target_id, role_id, inherited)

    # roles

    def _check_role_name(self, ref):
        for r in self._roles.values():
            if (r['name'] == ref['name'] and r['domain_id'] == ref['domain_id']
                    and r['id'] != ref['id']):
                raise _duplicate('role', 'name %s at domain ID %s'
                                 % (ref['name'], ref['domain_id']))

    def create_role(self, role):
        ref = shapes.shape('role', role)
        with self._lock:
            if ref['id'] in self._roles:
                raise _duplicate('role', 'ID %s' % ref['id'])
            self._check_role_name(ref)
            self._roles[ref['id']] = ref
            return copy.deepcopy(ref)

    def _role(self, role_id):
        try:
            return self._roles[role_id]
        except KeyError:
            raise exception.RoleNotFound(role_id=role_id)

    def get_role(self, role_id):
        with self._lock:
            return copy.deepcopy(self._role(role_id))

    def get_role_by_name(self, name, domain_id=None):
        with self._lock:
            for r in self._roles.values():
                if r['name'] == name and r['domain_id'] == domain_id:
                    return copy.deepcopy(r)
        raise exception.RoleNotFound(role_id=name)

    def list_roles(self, hints=None):
        with self._lock:
            return _filtered(self._roles.values(), hints)

    def list_roles_by_ids(self, role_ids):
        wanted = set(role_ids or ())
        with self._lock:
            return [copy.deepcopy(r) for r in self._roles.values() if r['id'] in wanted]

    def update_role(self, role_id, changes):
        with self._lock:
            ref = shapes.apply_changes('role', self._role(role_id), changes)
            self._check_role_name(ref)
            self._roles[role_id] = ref
            return copy.deepcopy(ref)

    def delete_role(self, role_id):
        with self._lock:
            self._role(role_id)
            del self._roles[role_id]
            self._implied = {i for i in self._implied if role_id not in i}
            self._assignments = {a for a in self._assignments if a[3] != role_id}

    # implied roles

    def create_implied_role(self, prior_role_id, implied_role_id):
        with self._lock:
            self._role(prior_role_id)
            self._role(implied_role_id)
            self._implied.add((prior_role_id, implied_role_id))
        return {'prior_role_id': prior_role_id, 'implied_role_id': implied_role_id}

    def get_implied_role(self, prior_role_id, implied_role_id):
        with self._lock:
            if (prior_role_id, implied_role_id) not in self._implied:
                raise exception.ImpliedRoleNotFound(
                    prior_role_id=prior_role_id, implied_role_id=implied_role_id)
        return {'prior_role_id': prior_role_id, 'implied_role_id': implied_role_id}

    def delete_implied_role(self, prior_role_id, implied_role_id):
        with self._lock:
            self.get_implied_role(prior_role_id, implied_role_id)
            self._implied.discard((prior_role_id, implied_role_id))

    def list_implied_roles(self, prior_role_id=None):
        with self._lock:
            return [{'prior_role_id': p, 'implied_role_id': i}
                    for p, i in sorted(self._implied)
                    if prior_role_id is None or p == prior_role_id]

    # assignments

    @staticmethod
    def _key(assignment_type, actor_id, target_id, role_id, inherited):
        if assignment_type not in base.ASSIGNMENT_TYPES:
            raise exception.ValidationError(
                reason='unknown assignment type %s' % assignment_type)
        return (assignment_type, actor_id, target_id, role_id, bool(inherited))

    def create_assignment(self, assignment_type, actor_id, target_id, role_id,
                          inherited=False):
        key = self._key(assignment_type, actor_id, target_id, role_id, inherited)
        with self._lock:
            self._role(role_id)
            self._assignments.add(key)

    def delete_assignment(self, assignment_type, actor_id, target_id, role_id,
                          inherited=False):
        key = self._key(assignment_type, actor_id, target_id, role_id, inherited)
        with self._lock:
            if key not in self._assignments:
                raise exception.RoleAssignmentNotFound(
                    role_id=role_id, actor_id=actor_id, target_id=target_id)
            self._assignments.discard(key)

    def check_assignment(self, assignment_type, actor_id, target_id, role_id,
                         inherited=False):
        key = self._key(assignment_type, actor_id, target_id, role_id, inherited)
        with self._lock:
            return key in self._assignments

    def list_assignments(self, types=None, actor_ids=None, target_ids=None,
                         role_ids=None, inherited=None):
        filters = [(0, types), (1, actor_ids), (2, target_ids), (3, role_ids)]
        filters = [(i, set(values)) for i, values in filters if values is not None]
        with self._lock:
            rows = [a for a in self._assignments
                    if all(a[i] in values for i, values in filters)
                    and (inherited is None or a[4] == bool(inherited))]
        return [{'type': a[0], 'actor_id': a[1], 'target_id': a[2],
                 'role_id': a[3], 'inherited': a[4]}
                for a in sorted(rows)]

    def delete_assignments_for_actor(self, actor_id):
        with self._lock:
            self._assignments = {a for a in self._assignments if a[1] != actor_id}

    def delete_assignments_for_target(self, target_id):
        with self._lock:
            self._assignments = {a for a in self._assignments if a[2] != target_id}


class CatalogDriver(_LockedDriver, base.CatalogDriver):

    def __init__(self):
        super().__init__()
        self._regions = {}
        self._services = {}
        self._endpoints = {}

    # regions

    def _region(self, region_id):
        try:
            return self._regions[region_id]
        except KeyError:
            raise exception.RegionNotFound(region_id=region_id)

    def create_region(self, region):
        ref = shapes.shape('region', region)
        with self._lock:
            if ref['id'] in self._regions:
                raise _duplicate('region', 'ID %s' % ref['id'])
            if ref['parent_region_id'] is not None:
                self._region(ref['parent_region_id'])
            self._regions[ref['id']] = ref
            return copy.deepcopy(ref)

    def get_region(self, region_id):
        with self._lock:
            return copy.deepcopy(self._region(region_id))

    def list_regions(self, hints=None):
        with self._lock:
            return _filtered(self._regions.values(), hints)

    def update_region(self, region_id, changes):
        with self._lock:
            ref = shapes.apply_changes('region', self._region(region_id), changes)
            if ref['parent_region_id'] is not None:
                self._region(ref['parent_region_id'])
            self._regions[region_id] = ref
            return copy.deepcopy(ref)

    def delete_region(self, region_id):
        with self._lock:
            self._region(region_id)
            if any(r['parent_region_id'] == region_id for r in self._regions.values()):
                raise exception.Conflict(
                    'Region %s still has child regions.' % region_id)
            if any(e['region_id'] == region_id for e in self._endpoints.values()):
                raise exception.Conflict(
                    'Region %s still has endpoints.' % region_id)
            del self._regions[region_id]

    # services

    def _service(self, service_id):
        try:
            return self._services[service_id]
        except KeyError:
            raise exception.ServiceNotFound(service_id=service_id)

    def create_service(self, service):
        ref = shapes.shape('service', service)
        with self._lock:
            if ref['id'] in self._services:
                raise _duplicate('service', 'ID %s' % ref['id'])
            self._services[ref['id']] = ref
            return copy.deepcopy(ref)

    def get_service(self, service_id):
        with self._lock:
            return copy.deepcopy(self._service(service_id))

    def list_services(self, hints=None):
        with self._lock:
            return _filtered(self._services.values(), hints)

    def update_service(self, service_id, changes):
        with self._lock:
            ref = shapes.apply_changes('service', self._service(service_id), changes)
            self._services[service_id] = ref
            return copy.deepcopy(ref)

    def delete_service(self, service_id):
        with self._lock:
            self._service(service_id)
            del self._services[service_id]
            self._endpoints = {k: e for k, e in self._endpoints.items()
                               if e['service_id'] != service_id}

    # endpoints

    def _endpoint(self, endpoint_id):
        try:
            return self._endpoints[endpoint_id]
        except KeyError:
            raise exception.EndpointNotFound(endpoint_id=endpoint_id)

    def _check_endpoint_refs(self, ref):
        self._service(ref['service_id'])
        if ref['region_id'] is not None:
            self._region(ref['region_id'])

    def create_endpoint(self, endpoint):
        ref = shapes.shape('endpoint', endpoint)
        with self._lock:
            if ref['id'] in self._endpoints:
                raise _duplicate('endpoint', 'ID %s' % ref['id'])
            self._check_endpoint_refs(ref)
            self._endpoints[ref['id']] = ref
            return copy.deepcopy(ref)

    def get_endpoint(self, endpoint_id):
        with self._lock:
            return copy.deepcopy(self._endpoint(endpoint_id))

    def list_endpoints(self, hints=None):
        with self._lock:
            return _filtered(self._endpoints.values(), hints)

    def update_endpoint(self, endpoint_id, changes):
        with self._lock:
            ref = shapes.apply_changes('endpoint', self._endpoint(endpoint_id), changes)
            self._check_endpoint_refs(ref)
            self._endpoints[endpoint_id] = ref
            return copy.deepcopy(ref)

    def delete_endpoint(self, endpoint_id):
        with self._lock:
            self._endpoint(endpoint_id)
            del self._endpoints[endpoint_id]

    def get_catalog(self):
        with self._lock:
            catalog = []
            for svc in self._services.values():
                if not svc['enabled']:
                    continue
                endpoints = [
                    {'id': e['id'], 'interface': e['interface'],
                     'region': e['region_id'], 'region_id': e['region_id'],
                     'url': e['url']}
                    for e in self._endpoints.values()
                    if e['service_id'] == svc['id'] and e['enabled']]
                catalog.append({'id': svc['id'], 'type': svc['type'],
                                'name': svc['name'], 'endpoints': endpoints})
            return catalog


class ApplicationCredentialDriver(_LockedDriver, base.ApplicationCredentialDriver):

    def __init__(self):
        super().__init__()
        self._creds = {}

    def create_application_credential(self, app_cred):
        ref = shapes.shape('app_cred', app_cred)
        ref['roles'] = [{'id': r['id']} for r in ref['roles']]
        with self._lock:
            if ref['id'] in self._creds:
                raise _duplicate('application credential', 'ID %s' % ref['id'])
            for c in self._creds.values():
                if c['user_id'] == ref['user_id'] and c['name'] == ref['name']:
                    raise _duplicate('application credential', 'name %s for user %s'
                                     % (ref['name'], ref['user_id']))
            self._creds[ref['id']] = ref
            return copy.deepcopy(ref)

    def get_application_credential(self, app_cred_id):
        with self._lock:
            try:
                return copy.deepcopy(self._creds[app_cred_id])
            except KeyError:
                raise exception.ApplicationCredentialNotFound(app_cred_id=app_cred_id)

    def get_application_credential_by_name(self, user_id, name):
        with self._lock:
            for c in self._creds.values():
                if c['user_id'] == user_id and c['name'] == name:
                    return copy.deepcopy(c)
        raise exception.ApplicationCredentialNotFound(app_cred_id=name)

    def list_application_credentials(self, user_id, hints=None):
        with self._lock:
            mine = [c for c in self._creds.values() if c['user_id'] == user_id]
            return _filtered(mine, hints)

    def delete_application_credential(self, app_cred_id):
        with self._lock:
            if app_cred_id not in self._creds:
                raise exception.ApplicationCredentialNotFound(app_cred_id=app_cred_id)
            del self._creds[app_cred_id]

    def delete_application_credentials_for_user(self, user_id):
        with self._lock:
            self._creds = {k: c for k, c in self._creds.items()
                           if c['user_id'] != user_id}

    def delete_application_credentials_for_user_on_project(self, user_id, project_id):
        with self._lock:
            self._creds = {k: c for k, c in self._creds.items()
                           if not (c['user_id'] == user_id
                                   and c['project_id'] == project_id)}


class RevokeDriver(_LockedDriver, base.RevokeDriver):

    def __init__(self):
        super().__init__()
        self._events = {}

    def add_event(self, event):
        ref = shapes.shape('revoke_event', event)
        with self._lock:
            if ref['id'] in self._events:
                raise _duplicate('revocation event', 'ID %s' % ref['id'])
            self._events[ref['id']] = ref
            return copy.deepcopy(ref)

    def list_events(self, last_fetch=None):
        with self._lock:
            events = [copy.deepcopy(e) for e in self._events.values()
                      if last_fetch is None or e['revoked_at'] > last_fetch]
        return sorted(events, key=lambda e: e['revoked_at'])

    def prune_expired_events(self, before):
        with self._lock:
            self._events = {k: e for k, e in self._events.items()
                            if e['issued_before'] is None
                            or e['issued_before'] >= before}


class CredentialDriver(_LockedDriver, base.CredentialDriver):

    def __init__(self):
        super().__init__()
        self._creds = {}

    def create_credential(self, credential):
        ref = shapes.shape('credential', credential)
        with self._lock:
            if ref['id'] in self._creds:
                raise _duplicate('credential', 'ID %s' % ref['id'])
            self._creds[ref['id']] = ref
            return copy.deepcopy(ref)

    def _cred(self, credential_id):
        try:
            return self._creds[credential_id]
        except KeyError:
            raise exception.CredentialNotFound(credential_id=credential_id)

    def get_credential(self, credential_id):
        with self._lock:
            return copy.deepcopy(self._cred(credential_id))

    def list_credentials(self, hints=None):
        with self._lock:
            return _filtered(self._creds.values(), hints)

    def update_credential(self, credential_id, changes):
        with self._lock:
            ref = shapes.apply_changes('credential', self._cred(credential_id), changes)
            self._creds[credential_id] = ref
            return copy.deepcopy(ref)

    def swap_encrypted_blob(self, credential_id, old_blob, new_blob, key_hash):
        with self._lock:
            ref = self._creds.get(credential_id)
            if ref is None or ref['encrypted_blob'] != old_blob:
                return False
            ref['encrypted_blob'] = new_blob
            ref['key_hash'] = key_hash
            return True

    def delete_credential(self, credential_id):
        with self._lock:
            self._cred(credential_id)
            del self._creds[credential_id]

    def delete_credentials_for_user(self, user_id):
        with self._lock:
            self._creds = {k: c for k, c in self._creds.items() if c['user_id'] != user_id}

    def delete_credentials_for_project(self, project_id):
        with self._lock:
            self._creds = {k: c for k, c in self._creds.items()
                           if c['project_id'] != project_id}
