"""Network RBAC policies: sharing a network with one project or all
(``access_as_shared``) and offering it as external (``access_as_external``).

A ``*`` row and the network's ``shared``/``external`` flag are one fact:
each keeps the other in step.
"""

from oslo_db import exception as db_exc
from oslo_utils import uuidutils
import sqlalchemy as sa

from services.network import exception
from services.network.conductor import queries
from services.network.db import models

SHARED, EXTERNAL = 'access_as_shared', 'access_as_external'
FLAGS = {SHARED: 'shared', EXTERNAL: 'external'}
WILDCARD = '*'
_Rbac = models.NetworkRBAC
COLUMNS = {'id': _Rbac.id, 'project_id': _Rbac.project_id, 'tenant_id': _Rbac.project_id,
           'object_id': _Rbac.object_id, 'action': _Rbac.action,
           'target_tenant': _Rbac.target_project, 'target_project': _Rbac.target_project}


def granted(project_id, action=None):
    """Select of the network IDs ``project_id`` is granted (``action`` or any)."""
    query = sa.select(_Rbac.object_id).where(_Rbac.target_project.in_([project_id,
                                                                       WILDCARD]))
    if action:
        query = query.where(_Rbac.action == action)
    return query


def _has(session, net, project_id, action):
    if getattr(net, FLAGS[action]) or net.project_id == project_id:
        return True
    return session.query(_Rbac.id).filter(
        _Rbac.object_id == net.id, _Rbac.action == action,
        _Rbac.target_project.in_([project_id, WILDCARD])).first() is not None


def shared_with(session, net, project_id):
    """Whether ``project_id`` may put ports on ``net``."""
    return _has(session, net, project_id, SHARED)


def external_for(session, net, project_id):
    """Whether ``net`` is external to ``project_id`` (gateways, floating IPs)."""
    return bool(net.external) or session.query(_Rbac.id).filter(
        _Rbac.object_id == net.id, _Rbac.action == EXTERNAL,
        _Rbac.target_project.in_([project_id, WILDCARD])).first() is not None


def grants_for(session, project_id, network_ids):
    """``{network_id: {action, ...}}`` granted to ``project_id``."""
    result = {}
    if not network_ids:
        return result
    for object_id, action in session.query(_Rbac.object_id, _Rbac.action).filter(
            _Rbac.object_id.in_(list(network_ids)),
            _Rbac.target_project.in_([project_id, WILDCARD])):
        result.setdefault(object_id, set()).add(action)
    return result


def sync_wildcards(session, net):
    """``*`` rows for the network's flags, none for flags it lacks."""
    for action, flag in FLAGS.items():
        row = session.query(_Rbac).filter_by(object_id=net.id, action=action,
                                             target_project=WILDCARD).first()
        if getattr(net, flag) and row is None:
            session.add(_Rbac(id=uuidutils.generate_uuid(), project_id=net.project_id,
                              object_id=net.id, target_project=WILDCARD, action=action))
        elif not getattr(net, flag) and row is not None:
            session.delete(row)


def make_dict(row):
    return {'id': row.id, 'project_id': row.project_id, 'tenant_id': row.project_id,
            'object_type': 'network', 'object_id': row.object_id, 'action': row.action,
            'target_tenant': row.target_project, 'target_project': row.target_project}


POLICIES = queries.Visible(
    _Rbac, lambda i: exception.RbacPolicyNotFound(id=i, object_type='network'), make_dict,
    COLUMNS)


def get_all(context, session, filters=None, **page):
    filters = dict(filters or {})
    if filters.pop('object_type', ['network']) and 'network' not in filters.get(
            'object_type', ['network']):
        return []
    return POLICIES.get_all(context, session, filters, **page)


def _network(context, session, network_id):
    net = session.get(models.Network, network_id)
    if net is None or not queries.owned_by(context, net):
        # Only the network's own project (or an admin) shares it.
        raise exception.NetworkNotFound(net_id=network_id)
    return net


def _target(context, body):
    target = body.get('target_project', body.get('target_tenant'))
    if not target:
        raise exception.InvalidInput(error_message='target_tenant is required')
    if target == WILDCARD and not queries.is_admin(context):
        raise exception.PolicyNotAuthorized(action='create_rbac_policy:target_tenant')
    return target


def create(context, session, body):
    if body.get('object_type') != 'network':
        raise exception.InvalidInput(error_message="Invalid object_type '%s': only "
                                     "network" % body.get('object_type'))
    net = _network(context, session, body['object_id'])
    target = _target(context, body)
    row = _Rbac(id=uuidutils.generate_uuid(), project_id=queries.new_project(context, body),
                object_id=net.id, target_project=target, action=body['action'])
    if session.query(_Rbac.id).filter_by(object_id=net.id, target_project=target,
                                         action=row.action).first():
        raise exception.DuplicateRbacPolicy()
    session.add(row)
    if target == WILDCARD:
        setattr(net, FLAGS[row.action], True)
        net.revision_number += 1
    try:
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.DuplicateRbacPolicy()
    return make_dict(row)


def _check_unused(session, row, net, target=None):
    """Refuse to take access away from projects that use it."""
    target = row.target_project if target is None else target
    if row.action != SHARED:
        return
    users = {p for (p,) in session.query(models.Port.project_id).filter(
        models.Port.network_id == net.id,
        models.Port.project_id.notin_([net.project_id, ''])).distinct()}
    others = session.query(_Rbac).filter(_Rbac.object_id == net.id, _Rbac.action == SHARED,
                                         _Rbac.id != row.id).all()
    covered = {o.target_project for o in others}
    if WILDCARD in covered:
        return
    lost = users - covered if target == WILDCARD else users & {target} - covered
    if lost:
        raise exception.RbacPolicyInUse(object_id=net.id)


def update(context, session, policy_id, body):
    row = POLICIES.get_row(context, session, policy_id)
    net = session.get(models.Network, row.object_id)
    target = _target(context, body)
    if target != row.target_project:
        _check_unused(session, row, net)
        if WILDCARD in (target, row.target_project):
            setattr(net, FLAGS[row.action], target == WILDCARD)
        row.target_project = target
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.DuplicateRbacPolicy()
    return make_dict(row)


def delete(context, session, policy_id):
    row = POLICIES.get_row(context, session, policy_id)
    net = session.get(models.Network, row.object_id)
    _check_unused(session, row, net)
    if row.target_project == WILDCARD:
        setattr(net, FLAGS[row.action], False)
        net.revision_number += 1
    session.delete(row)
    return {'id': policy_id}
