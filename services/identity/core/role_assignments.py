"""``GET /v3/role_assignments``: direct or effective assignments.

An entry is a dict ``{role_id, user_id | group_id, project_id | domain_id |
system, inherited, via_group, via_role}``.  Effective listing expands group
assignments into one entry per member, inherited assignments into the
projects below the target, and implied roles, and then drops the
inherited and group entries themselves and every domain-specific role (it
never reaches a token; the global roles it implies stay), as keystone does.
"""

from services.identity import exception
from services.identity.core import assignment as assignment_mgr


def _entry(row):
    entry = {'role_id': row['role_id'], 'inherited': row['inherited'], 'via_group': None,
             'via_role': None}
    kind = assignment_mgr.target_kind(row['type'])
    if row['type'] in assignment_mgr.USER_TYPES:
        entry['user_id'] = row['actor_id']
    else:
        entry['group_id'] = row['actor_id']
    if kind == 'system':
        entry['system'] = True
    else:
        entry['%s_id' % kind] = row['target_id']
    return entry


def list_role_assignments(managers, user_id=None, group_id=None, role_id=None,
                          project_id=None, domain_id=None, system=None, inherited=None,
                          effective=False, include_subtree=False):
    if effective and group_id:
        raise exception.ValidationError(
            reason='effective and group.id cannot be combined')
    if include_subtree and not project_id:
        raise exception.ValidationError(reason='include_subtree needs scope.project.id')
    assignment = managers.assignment
    types = _types(project_id, domain_id, system)
    if not effective:
        actor_ids = [a for a in (user_id, group_id) if a]
        target_ids = None
        if project_id:
            target_ids = [project_id] + (managers.resource.list_subtree_ids(project_id)
                                         if include_subtree else [])
        elif domain_id:
            target_ids = [domain_id]
        rows = assignment.driver.list_assignments(
            types=types, actor_ids=actor_ids or None, target_ids=target_ids,
            role_ids=[role_id] if role_id else None, inherited=inherited)
        if user_id and not group_id:
            rows = [r for r in rows if r['type'] in assignment_mgr.USER_TYPES]
        if group_id and not user_id:
            rows = [r for r in rows if r['type'] not in assignment_mgr.USER_TYPES]
        return [_entry(r) for r in rows]

    actor_ids = None
    if user_id:
        actor_ids = [user_id] + [g['id'] for g in
                                 managers.identity.list_groups_for_user(user_id)]
    rows = assignment.driver.list_assignments(types=None, actor_ids=actor_ids)
    entries = []
    for row in rows:
        for entry in _expand_group(managers, _entry(row)):
            entries.extend(_expand_inherited(managers, entry))
    expanded = []
    roles = assignment.roles_by_id()
    for entry in entries:
        for implied in assignment.expand_implied([entry['role_id']]):
            if (roles.get(implied) or {}).get('domain_id'):
                continue  # domain-specific: only the global roles it implies count
            if implied == entry['role_id']:
                expanded.append(entry)
            else:
                expanded.append(dict(entry, role_id=implied, via_role=entry['role_id']))
    wanted_projects = None
    if project_id:
        wanted_projects = {project_id}
        if include_subtree:
            wanted_projects.update(managers.resource.list_subtree_ids(project_id))
    result, seen = [], set()
    for entry in expanded:
        if user_id and entry.get('user_id') != user_id:
            continue
        if role_id and entry['role_id'] != role_id:
            continue
        if wanted_projects is not None and entry.get('project_id') not in wanted_projects:
            continue
        if domain_id and entry.get('domain_id') != domain_id:
            continue
        if system and not entry.get('system'):
            continue
        if (project_id or domain_id) and entry.get('system'):
            continue
        key = (entry['role_id'], entry.get('user_id'), entry.get('project_id'),
               entry.get('domain_id'), entry.get('system'), entry['via_group'],
               entry['via_role'])
        if key not in seen:
            seen.add(key)
            result.append(entry)
    return result


def _types(project_id, domain_id, system):
    if project_id:
        return list(assignment_mgr.PROJECT_TYPES)
    if domain_id:
        return list(assignment_mgr.DOMAIN_TYPES)
    if system:
        return list(assignment_mgr.SYSTEM_TYPES)
    return None


def _expand_group(managers, entry):
    group_id = entry.get('group_id')
    if group_id is None:
        return [entry]
    try:
        members = managers.identity.list_users_in_group(group_id)
    except exception.NotFound:
        return []
    result = []
    for user in members:
        expanded = {k: v for k, v in entry.items() if k != 'group_id'}
        expanded['user_id'] = user['id']
        expanded['via_group'] = group_id
        result.append(expanded)
    return result


def _expand_inherited(managers, entry):
    if not entry['inherited']:
        return [entry]
    if entry.get('project_id'):
        project_ids = managers.resource.list_subtree_ids(entry['project_id'])
    elif entry.get('domain_id'):
        project_ids = [p['id'] for p in managers.resource.list_projects(
            {'domain_id': entry['domain_id']})]
    else:
        return []
    base_entry = {k: v for k, v in entry.items() if k not in ('project_id', 'domain_id')}
    return [dict(base_entry, project_id=pid, inherited=False,
                 inherited_from=entry.get('project_id') or entry.get('domain_id'))
            for pid in project_ids]

