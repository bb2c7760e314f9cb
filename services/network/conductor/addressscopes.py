"""Address scopes: the subnet pools of one scope route to each other
without NAT; a pool joins a scope of its own IP version."""

from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import queries
from services.network.db import models

_Scope = models.AddressScope
COLUMNS = {'id': _Scope.id, 'name': _Scope.name, 'ip_version': _Scope.ip_version,
           'shared': _Scope.shared, 'project_id': _Scope.project_id,
           'tenant_id': _Scope.project_id}


def make_dict(scope):
    return {'id': scope.id, 'name': scope.name, 'ip_version': scope.ip_version,
            'shared': scope.shared, 'project_id': scope.project_id,
            'tenant_id': scope.project_id}


SCOPES = queries.Visible(
    _Scope, lambda i: exception.AddressScopeNotFound(address_scope_id=i), make_dict, COLUMNS,
    shared=_Scope.shared.is_(True))


def create(context, session, body):
    scope = _Scope(id=uuidutils.generate_uuid(), project_id=queries.new_project(context, body),
                   name=body.get('name', ''), ip_version=body['ip_version'],
                   shared=body.get('shared', False))
    session.add(scope)
    session.flush()
    return make_dict(scope)


def update(context, session, scope_id, body):
    scope = SCOPES.get_row(context, session, scope_id)
    if 'shared' in body and not body['shared'] and scope.shared:
        raise exception.InvalidInput(error_message='Shared address scope can\'t be unshared')
    for key in ('name', 'shared'):
        if key in body:
            setattr(scope, key, body[key])
    session.flush()
    return make_dict(scope)


def delete(context, session, scope_id):
    scope = SCOPES.get_row(context, session, scope_id)
    if session.query(models.SubnetPool.id).filter_by(address_scope_id=scope.id).first():
        raise exception.AddressScopeInUse(address_scope_id=scope.id)
    session.delete(scope)
    return {'id': scope_id}


def check_pool_scope(context, session, scope_id, ip_version, pool_project):
    """A subnet pool may join ``scope_id`` if the caller sees it, it is of the
    pool's IP version and it is the pool's project's or shared."""
    if scope_id is None:
        return
    scope = SCOPES.get_row(context, session, scope_id)
    if scope.ip_version != ip_version:
        raise exception.InvalidInput(error_message='Illegal subnetpool association: '
                                     'subnetpool of IP version %s cannot be associated with '
                                     'address scope %s of IP version %s'
                                     % (ip_version, scope_id, scope.ip_version))
    if not (scope.shared or scope.project_id == pool_project):
        raise exception.InvalidInput(error_message='Illegal subnetpool association: '
                                     'address scope %s is neither shared nor the subnet '
                                     "pool's project's" % scope_id)
