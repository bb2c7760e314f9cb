"""Routers: external gateway with SNAT, interfaces and static routes."""

import netaddr
from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import networks
from services.network.conductor import ports
from services.network.conductor import queries
from services.network.conductor import quotas
from services.network.conductor import rbac
from services.network.conductor import subnets
from services.network.db import models

COLUMNS = queries.standard_columns(models.Router, 'status', 'admin_state_up')
INTERFACE = 'network:router_interface'
GATEWAY = 'network:router_gateway'


def make_dict(router):
    result = queries.standard_dict(router)
    gateway = None
    if router.gw_port is not None:
        gateway = {'network_id': router.gw_port.network_id,
                   'enable_snat': router.enable_snat,
                   'external_fixed_ips': [{'subnet_id': ip.subnet_id,
                                           'ip_address': ip.ip_address}
                                          for ip in router.gw_port.fixed_ips]}
    result.update({
        'name': router.name, 'status': router.status,
        'admin_state_up': router.admin_state_up, 'external_gateway_info': gateway,
        'routes': list(router.routes or []), 'distributed': False, 'ha': False,
        'flavor_id': None, 'availability_zone_hints': [], 'availability_zones': ['nova'],
        'enable_ndp_proxy': None,
    })
    return result


ROUTERS = queries.Visible(
    models.Router, lambda i: exception.RouterNotFound(router_id=i), make_dict, COLUMNS)


def interface_ports(session, router_id):
    """The router's interfaces: its interface ports of its own project (a
    port of another project that names the router is never one of them)."""
    router = session.get(models.Router, router_id)
    if router is None:
        return []
    return _interface_query(session, router).all()


def _interface_query(session, router):
    return session.query(models.Port).filter_by(device_id=router.id, device_owner=INTERFACE,
                                                project_id=router.project_id)


def _refuse_dvr_ha(body):
    """Only centralized, single-node routers exist here."""
    for key in ('distributed', 'ha'):
        if body.get(key):
            raise exception.InvalidInput(error_message='%s routers are not supported'
                                         % ('Distributed' if key == 'distributed' else 'HA'))


def create(context, session, body):
    _refuse_dvr_ha(body)
    project_id = queries.new_project(context, body)
    quotas.check(session, project_id, 'router')
    router = models.Router(id=uuidutils.generate_uuid(), project_id=project_id,
                           name=body.get('name', ''), description=body.get('description', ''),
                           admin_state_up=body.get('admin_state_up', True),
                           routes=[], revision_number=1)
    session.add(router)
    session.flush()
    if body.get('external_gateway_info'):
        _set_gateway(context, session, router, body['external_gateway_info'])
    session.flush()
    return make_dict(router)


def _set_gateway(context, session, router, info):
    network_id = info.get('network_id')
    if not network_id:
        raise exception.BadRequest(resource='router', msg='external_gateway_info needs a '
                                                          'network_id')
    net = networks.NETWORKS.get_row(context, session, network_id)
    if not rbac.external_for(session, net, router.project_id):
        raise exception.BadRequest(resource='router', msg='Network %s is not a valid '
                                   'external network' % network_id)
    if 'enable_snat' in info and info['enable_snat'] is not None:
        router.enable_snat = info['enable_snat']
    fixed_ips = info.get('external_fixed_ips') or None
    if router.gw_port is not None:
        if router.gw_port.network_id == network_id and fixed_ips is None:
            return
        _clear_gateway(context, session, router)
    port = ports.create(context.elevated(), session, {
        'network_id': network_id, 'project_id': '', 'device_owner': GATEWAY,
        'device_id': router.id, 'fixed_ips': fixed_ips, 'name': '',
        'admin_state_up': True})
    router.gw_port_id = port['id']
    session.flush()
    session.refresh(router)


def _clear_gateway(context, session, router):
    if router.gw_port is None:
        return
    if session.query(models.FloatingIP.id).filter_by(router_id=router.id).first():
        raise exception.Conflict(reason='Gateway cannot be updated for router %s, since a '
                                 'gateway to external network %s is required by one or '
                                 'more floating IPs' % (router.id, router.gw_port.network_id))
    old = router.gw_port
    router.gw_port_id = None
    session.flush()
    session.delete(old)
    session.flush()
    session.refresh(router)


def _validate_routes(session, router, routes):
    cidrs = [netaddr.IPNetwork(s.cidr) for s in _attached_subnets(session, router.id)]
    out = []
    for route in routes or []:
        try:
            dest = netaddr.IPNetwork(route['destination'])
            hop = netaddr.IPAddress(route['nexthop'])
        except (KeyError, TypeError, netaddr.AddrFormatError, ValueError):
            raise exception.InvalidInput(error_message='Invalid route %s' % (route,))
        if not any(hop in cidr for cidr in cidrs):
            raise exception.BadRequest(resource='router', msg='Invalid format for routes: '
                                       'the nexthop %s is not connected with router' % hop)
        entry = {'destination': str(dest.cidr), 'nexthop': str(hop)}
        if entry not in out:
            out.append(entry)
    return out


def _attached_subnets(session, router_id):
    ids = {ip.subnet_id for p in interface_ports(session, router_id) for ip in p.fixed_ips}
    return session.query(models.Subnet).filter(models.Subnet.id.in_(ids)).all() if ids else []


def update(context, session, router_id, body):
    router = ROUTERS.get_row(context, session, router_id)
    _refuse_dvr_ha(body)
    values = {k: body[k] for k in ('name', 'description', 'admin_state_up') if k in body}
    if 'routes' in body:
        values['routes'] = _validate_routes(session, router, body['routes'])
    changed = queries.bump(router, values)
    if 'external_gateway_info' in body:
        info = body['external_gateway_info']
        if info and info.get('network_id'):
            _set_gateway(context, session, router, info)
        else:
            _clear_gateway(context, session, router)
        if not changed:
            router.revision_number += 1
    session.flush()
    return make_dict(router)


def update_extraroutes(context, session, router_id, routes, remove=False):
    """Add ``routes`` to the router's (``extraroute-atomic``), or remove those
    it has; the others stay. Returns the router."""
    router = ROUTERS.get_row(context, session, router_id)
    current = list(router.routes or [])
    if remove:
        gone = []
        for route in routes:
            try:
                gone.append({'destination': str(netaddr.IPNetwork(route['destination']).cidr),
                             'nexthop': str(netaddr.IPAddress(route['nexthop']))})
            except (KeyError, TypeError, netaddr.AddrFormatError, ValueError):
                raise exception.InvalidInput(error_message='Invalid route %s' % (route,))
        wanted = [r for r in current if r not in gone]
    else:
        wanted = current + [r for r in _validate_routes(session, router, routes)
                            if r not in current]
    queries.bump(router, {'routes': wanted})
    session.flush()
    return make_dict(router)


def delete(context, session, router_id):
    router = ROUTERS.get_row(context, session, router_id)
    if interface_ports(session, router.id):
        raise exception.RouterInUse(router_id=router.id, reason='still has ports')
    _clear_gateway(context, session, router)
    session.delete(router)
    return {'id': router_id}


def _interface_info(router, port, subnet_ids):
    return {'id': router.id, 'tenant_id': router.project_id, 'project_id': router.project_id,
            'port_id': port.id, 'network_id': port.network_id,
            'subnet_id': subnet_ids[0] if subnet_ids else None, 'subnet_ids': subnet_ids}


def _check_not_attached(session, router, subnet):
    new = netaddr.IPSet(netaddr.IPNetwork(subnet.cidr))
    for other in _attached_subnets(session, router.id):
        if other.id == subnet.id:
            raise exception.BadRouterInterface(
                msg='Router already has a port on subnet %s' % subnet.id)
        if netaddr.IPSet(netaddr.IPNetwork(other.cidr)) & new:
            raise exception.BadRouterInterface(
                msg='Cidr %s of subnet %s overlaps with cidr %s of subnet %s'
                % (subnet.cidr, subnet.id, other.cidr, other.id))


def _ipv6_port_on(session, router, subnet):
    """The router's interface port on ``subnet``'s network that carries only
    IPv6 subnets, which a further IPv6 subnet joins."""
    if subnet.ip_version != 6:
        return None
    for port in _interface_query(session, router).filter_by(network_id=subnet.network_id):
        if port.fixed_ips and all(netaddr.IPAddress(ip.ip_address).version == 6
                                  for ip in port.fixed_ips):
            return port
    return None


def add_interface(context, session, router_id, info):
    router = ROUTERS.get_row(context, session, router_id)
    if bool(info.get('subnet_id')) == bool(info.get('port_id')):
        raise exception.BadRouterInterface(msg='Either subnet_id or port_id must be '
                                               'specified')
    if info.get('port_id'):
        port_row = ports.PORTS.get_row(context, session, info['port_id'])
        if port_row.project_id != router.project_id:
            raise exception.BadRouterInterface(
                msg='Port %s belongs to another project than router %s'
                % (port_row.id, router.id))
        if port_row.device_id or port_row.device_owner:
            raise exception.PortInUse(port_id=port_row.id, net_id=port_row.network_id,
                                      device_id=port_row.device_id or port_row.device_owner)
        if not port_row.fixed_ips:
            raise exception.BadRouterInterface(msg='Router port must have at least one '
                                                   'fixed IP')
        for ip in port_row.fixed_ips:
            _check_not_attached(session, router, session.get(models.Subnet, ip.subnet_id))
        port_row.device_id, port_row.device_owner = router.id, INTERFACE
        port_row.security_groups = []
        port_row.revision_number += 1
        session.flush()
        return _interface_info(router, port_row, [ip.subnet_id for ip in port_row.fixed_ips])
    subnet = subnets.SUBNETS.get_row(context, session, info['subnet_id'])
    if not subnet.gateway_ip:
        raise exception.BadRouterInterface(msg='Subnet for router interface must have a '
                                               'gateway IP')
    if not queries.owned_by(context, subnet) and not queries.owned_by(
            context, networks.NETWORKS.get_row(context, session, subnet.network_id)):
        raise exception.PolicyNotAuthorized(action='add_router_interface')
    _check_not_attached(session, router, subnet)
    shared = _ipv6_port_on(session, router, subnet)
    if shared is not None:
        # IPv6 subnets of one network share the router's port there, as in neutron.
        shared.fixed_ips.append(models.IPAllocation(
            subnet_id=subnet.id, ip_address=subnet.gateway_ip,
            network_id=subnet.network_id, position=len(shared.fixed_ips)))
        shared.revision_number += 1
        router.revision_number += 1
        session.flush()
        return _interface_info(router, shared, [subnet.id])
    port = ports.create(context.elevated(), session, {
        'network_id': subnet.network_id, 'project_id': router.project_id,
        'device_owner': INTERFACE, 'device_id': router.id, 'name': '',
        'fixed_ips': [{'subnet_id': subnet.id, 'ip_address': subnet.gateway_ip}]})
    port_row = session.get(models.Port, port['id'])
    return _interface_info(router, port_row, [subnet.id])


def remove_interface(context, session, router_id, info):
    router = ROUTERS.get_row(context, session, router_id)
    if info.get('port_id'):
        port = _interface_query(session, router).filter_by(id=info['port_id']).first()
        if port is None:
            raise exception.RouterInterfaceNotFound(router_id=router.id,
                                                    port_id=info['port_id'])
    elif info.get('subnet_id'):
        port = next((p for p in interface_ports(session, router.id)
                     if any(ip.subnet_id == info['subnet_id'] for ip in p.fixed_ips)), None)
        if port is None:
            raise exception.RouterInterfaceNotFoundForSubnet(router_id=router.id,
                                                             subnet_id=info['subnet_id'])
    else:
        raise exception.BadRouterInterface(msg='Either subnet_id or port_id must be '
                                               'specified')
    subnet_ids = [ip.subnet_id for ip in port.fixed_ips]
    if info.get('subnet_id') and not info.get('port_id') and len(subnet_ids) > 1:
        # One of several IPv6 subnets on a shared port: only its address goes.
        subnet_ids = [info['subnet_id']]
    for subnet_id in subnet_ids:
        cidr = netaddr.IPNetwork(session.get(models.Subnet, subnet_id).cidr)
        for fip in session.query(models.FloatingIP).filter_by(router_id=router.id):
            if fip.fixed_ip_address and netaddr.IPAddress(fip.fixed_ip_address) in cidr:
                raise exception.RouterInterfaceInUseByFloatingIP(router_id=router.id,
                                                                 subnet_id=subnet_id)
    info_out = _interface_info(router, port, subnet_ids)
    if len(subnet_ids) < len(port.fixed_ips):
        port.fixed_ips = [ip for ip in port.fixed_ips if ip.subnet_id not in subnet_ids]
        port.revision_number += 1
    else:
        session.delete(port)
    session.flush()
    remaining = [r for r in router.routes or [] if _attached_hop(session, router, r)]
    if remaining != list(router.routes or []):
        router.routes = remaining
    router.revision_number += 1
    return info_out


def _attached_hop(session, router, route):
    hop = netaddr.IPAddress(route['nexthop'])
    return any(hop in netaddr.IPNetwork(s.cidr) for s in _attached_subnets(session, router.id))


def find_router_for(session, external_network_id, subnet_ids):
    """A router with a gateway on ``external_network_id`` and an interface on
    one of ``subnet_ids``, as floating IP association needs."""
    candidates = session.query(models.Router).join(
        models.Port, models.Router.gw_port_id == models.Port.id).filter(
        models.Port.network_id == external_network_id).all()
    for router in candidates:
        attached = {ip.subnet_id for p in interface_ports(session, router.id)
                    for ip in p.fixed_ips}
        if attached & set(subnet_ids):
            return router
    return None
