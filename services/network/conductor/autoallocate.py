"""Auto-allocated topology (``auto-allocated-topology``): on first ask, a
project gets a network with one subnet per default subnet pool (IPv4, IPv6)
and a router from it to the default external network (``is_default``).

What it needs (checked by ``?fields=dry-run`` too): a default external
network and at least one default subnet pool. Asking again answers the same
network; deleting takes the router, its interfaces, the subnets and the
network away.
"""

from common import exception as common_exc
from services.network import exception
from services.network.conductor import networks
from services.network.conductor import routers
from services.network.conductor import subnetpools
from services.network.conductor import subnets
from services.network.db import models

NETWORK_NAME = 'auto_allocated_network'
ROUTER_NAME = 'auto_allocated_router'
SUBNET_NAME = 'auto_allocated_subnet_v%d'
#: What a step of building the topology may meet (pools full, quotas, ...).
_UNMET = (common_exc.BadRequest, common_exc.NotFound, common_exc.Conflict)


def _requirements(session):
    """``(external network, [default pools])``, or the 409 neutron answers."""
    external = networks.default_external(session)
    if external is None:
        raise exception.AutoAllocationFailure(reason='No default router:external network')
    pools = [p for p in (subnetpools.default_pool(session, v) for v in (4, 6)) if p]
    if not pools:
        raise exception.AutoAllocationFailure(reason='No default subnetpools defined')
    return external, pools


def _answer(project_id, network_id):
    return {'id': network_id, 'tenant_id': project_id, 'project_id': project_id}


def get(context, session, project_id, dry_run=False):
    row = session.get(models.AutoAllocatedTopology, project_id)
    if dry_run:
        _requirements(session)
        return _answer(project_id, 'dry-run=pass')
    if row is not None:
        return _answer(project_id, row.network_id)
    external, pools = _requirements(session)
    # The resources are the project's; the shared default pools and the
    # external network are reached with the conductor's own rights.
    # One transaction: a step that fails leaves nothing behind.
    admin = context.elevated()
    try:
        net = networks.create(admin, session, {'name': NETWORK_NAME,
                                               'project_id': project_id})
        subnet_ids = [subnets.create(admin, session, {
            'name': SUBNET_NAME % pool.ip_version, 'network_id': net['id'],
            'project_id': project_id, 'ip_version': pool.ip_version,
            'subnetpool_id': pool.id})['id'] for pool in pools]
    except _UNMET as exc:
        raise exception.AutoAllocationFailure(
            reason='Unable to provide a project network (%s)' % exc)
    try:
        router = routers.create(admin, session, {
            'name': ROUTER_NAME, 'project_id': project_id,
            'external_gateway_info': {'network_id': external.id}})
        for subnet_id in subnet_ids:
            routers.add_interface(admin, session, router['id'], {'subnet_id': subnet_id})
    except _UNMET as exc:
        raise exception.AutoAllocationFailure(
            reason='Unable to provide external connectivity (%s)' % exc)
    session.add(models.AutoAllocatedTopology(project_id=project_id, network_id=net['id'],
                                             router_id=router['id']))
    session.flush()
    return dict(_answer(project_id, net['id']), _new_router_id=router['id'])


def delete(context, session, project_id):
    """Take the topology down (nothing to do when the project has none);
    returns what went, for the agents."""
    row = session.get(models.AutoAllocatedTopology, project_id)
    if row is None:
        return None
    admin = context.elevated()
    network_id, router_id = row.network_id, row.router_id
    session.delete(row)
    session.flush()
    if router_id and session.get(models.Router, router_id) is not None:
        for port in routers.interface_ports(session, router_id):
            if port.network_id == network_id:
                routers.remove_interface(admin, session, router_id, {'port_id': port.id})
        if not routers.interface_ports(session, router_id):
            routers.delete(admin, session, router_id)
    result = networks.delete(admin, session, network_id)
    return {'network_id': network_id, 'router_id': router_id,
            'purged': result.get('_purged', [])}
