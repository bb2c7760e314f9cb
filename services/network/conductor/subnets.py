"""Subnets: CIDR and pool validation, gateway, DNS and host routes."""

import netaddr
from oslo_utils import uuidutils
import sqlalchemy as sa

from services.network import exception
from services.network.conductor import ipam
from services.network.conductor import networks
from services.network.conductor import queries
from services.network.conductor import rbac
from services.network.conductor import quotas
from services.network.conductor import subnetpools
from services.network.db import models

COLUMNS = queries.standard_columns(models.Subnet, 'network_id', 'ip_version', 'cidr',
                                   'gateway_ip', 'enable_dhcp', 'ipv6_ra_mode',
                                   'ipv6_address_mode', 'subnetpool_id')
IPV6_MODES = ('slaac', 'dhcpv6-stateful', 'dhcpv6-stateless')


def make_dict(subnet):
    result = queries.standard_dict(subnet)
    result.update({
        'name': subnet.name, 'network_id': subnet.network_id,
        'ip_version': subnet.ip_version, 'cidr': subnet.cidr,
        'gateway_ip': subnet.gateway_ip, 'enable_dhcp': subnet.enable_dhcp,
        'ipv6_ra_mode': subnet.ipv6_ra_mode, 'ipv6_address_mode': subnet.ipv6_address_mode,
        'allocation_pools': [{'start': p.first_ip, 'end': p.last_ip}
                             for p in subnet.allocation_pools],
        'dns_nameservers': list(subnet.dns_nameservers or []),
        'host_routes': list(subnet.host_routes or []),
        'subnetpool_id': subnet.subnetpool_id, 'segment_id': None,
        'service_types': [], 'dns_publish_fixed_ip': False,
    })
    return result


def _on_shared_network(context):
    """Another project's subnet shows on a shared network (flag or an RBAC
    grant to the caller) or on the caller's own network; an external
    network's subnets stay its owner's."""
    net = models.Network
    return models.Subnet.network_id.in_(sa.select(net.id).where(sa.or_(
        net.project_id == context.project_id, net.shared.is_(True),
        net.id.in_(rbac.granted(context.project_id, rbac.SHARED)))))


SUBNETS = queries.Visible(models.Subnet, lambda i: exception.SubnetNotFound(subnet_id=i),
                          make_dict, COLUMNS, shared=_on_shared_network)


def _parse_cidr(cidr, ip_version):
    try:
        net = netaddr.IPNetwork(cidr)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidCIDR(input=cidr)
    if '/' not in str(cidr):
        raise exception.InvalidInput(error_message="'%s' isn't a recognized IP subnet cidr"
                                     % cidr)
    if net.ip != net.network:
        raise exception.InvalidInput(
            error_message="'%s' isn't a recognized IP subnet cidr, '%s' is recommended"
            % (cidr, net.cidr))
    if net.version != ip_version:
        raise exception.InvalidInput(error_message='Cidr %s does not match ip_version %s'
                                     % (cidr, ip_version))
    if net.prefixlen == 0:
        raise exception.InvalidInput(error_message='0 is not allowed as CIDR prefix length')
    return net


def _check_overlap(session, network_id, net, exclude=None):
    for other in session.query(models.Subnet).filter_by(network_id=network_id):
        if other.id != exclude and netaddr.IPNetwork(other.cidr).version == net.version and (
                netaddr.IPSet(netaddr.IPNetwork(other.cidr)) & netaddr.IPSet(net)):
            raise exception.SubnetOverlap(cidr=str(net), net_id=network_id)


def _gateway(net, body):
    if 'gateway_ip' not in body:
        return str(netaddr.IPAddress(net.first + 1, net.version)) if net.size > 2 else None
    value = body['gateway_ip']
    if value is None:
        return None
    try:
        gateway = netaddr.IPAddress(value)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidInput(error_message="'%s' is not a valid IP address" % value)
    # A gateway outside the CIDR is allowed (an on-link route reaches it).
    if gateway.version != net.version:
        raise exception.InvalidInput(error_message='Gateway is not valid on subnet')
    if gateway in net and net.version == 4 and net.prefixlen < 31 and gateway in (
            net.network, net.broadcast):
        raise exception.InvalidInput(error_message='Gateway is not valid on subnet')
    return str(gateway)


def _nameservers(values):
    out = []
    for value in values or []:
        try:
            address = str(netaddr.IPAddress(value))
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise exception.InvalidInput(error_message="'%s' is not a valid nameserver"
                                         % value)
        if address in out:
            raise exception.InvalidInput(error_message="Duplicate nameserver '%s'" % value)
        out.append(address)
    return out


def _host_routes(values, version):
    out = []
    for route in values or []:
        try:
            dest = netaddr.IPNetwork(route['destination'])
            hop = netaddr.IPAddress(route['nexthop'])
        except (KeyError, TypeError, netaddr.AddrFormatError, ValueError):
            raise exception.InvalidInput(error_message='Invalid host route %s' % (route,))
        if dest.version != version or hop.version != version:
            raise exception.InvalidInput(error_message='Host route %s does not match the '
                                         'subnet IP version' % (route,))
        entry = {'destination': str(dest.cidr), 'nexthop': str(hop)}
        if entry in out:
            raise exception.InvalidInput(error_message='Duplicate hostroute %s' % (route,))
        out.append(entry)
    return out


def _set_pools(subnet, ranges):
    subnet.allocation_pools = [
        models.AllocationPool(id=uuidutils.generate_uuid(), first_ip=str(r[0]),
                              last_ip=str(r[-1]), position=i)
        for i, r in enumerate(ranges)]


def _check_ipv6_modes(net, ip_version, ra_mode, address_mode, enable_dhcp):
    """Neutron's rules for ``ipv6_ra_mode`` / ``ipv6_address_mode``."""
    if not (ra_mode or address_mode):
        return
    if ip_version == 4:
        raise exception.InvalidInput(error_message='ipv6_ra_mode or ipv6_address_mode cannot '
                                     'be set when ip_version is 4')
    if not enable_dhcp:
        raise exception.InvalidInput(error_message='ipv6_ra_mode or ipv6_address_mode cannot '
                                     'be set when enable_dhcp is set to False')
    if ra_mode and address_mode and ra_mode != address_mode:
        raise exception.InvalidInput(error_message='ipv6_ra_mode set to %s with '
                                     'ipv6_address_mode set to %s is not valid: when both '
                                     'are set they must be the same' % (ra_mode, address_mode))
    if (ra_mode in ipam.AUTO_ADDRESS_MODES or address_mode in ipam.AUTO_ADDRESS_MODES) \
            and net.prefixlen != 64:
        raise exception.InvalidInput(error_message='Invalid CIDR %s for IPv6 address mode: '
                                     'EUI-64 addresses need a /64 prefix' % net)


def _resolve_cidr(session, context, body, ip_version):
    pool = None
    if body.get('subnetpool_id'):
        pool = subnetpools.POOLS.get_row(context, session, body['subnetpool_id'])
    elif body.get('use_default_subnetpool'):
        pool = subnetpools.default_pool(session, ip_version)
        if pool is None:
            raise exception.BadRequest(resource='subnets',
                                       msg='No default subnetpool found for IPv%s'
                                           % ip_version)
    cidr = body.get('cidr')
    if pool is None:
        if not cidr:
            raise exception.BadRequest(resource='subnets',
                                       msg='a cidr must be specified in the absence of '
                                           'a subnet pool')
        return _parse_cidr(cidr, ip_version), None
    if pool.ip_version != ip_version:
        raise exception.InvalidInput(error_message='ip_version does not match the subnet pool')
    if cidr:
        _parse_cidr(cidr, ip_version)
    chosen = subnetpools.allocate_prefix(session, pool, cidr, body.get('prefixlen'))
    return netaddr.IPNetwork(chosen), pool.id


def create(context, session, body):
    net_row = networks.NETWORKS.get_row(context, session, body['network_id'])
    if not queries.owned_by(context, net_row):
        raise exception.PolicyNotAuthorized(action='create_subnet')
    project_id = queries.new_project(context, body)
    quotas.check(session, project_id, 'subnet')
    ip_version = body.get('ip_version', 4)
    net, pool_id = _resolve_cidr(session, context, body, ip_version)
    _check_overlap(session, net_row.id, net)
    ra_mode, address_mode = body.get('ipv6_ra_mode'), body.get('ipv6_address_mode')
    _check_ipv6_modes(net, ip_version, ra_mode, address_mode, body.get('enable_dhcp', True))
    gateway = _gateway(net, body)
    if body.get('allocation_pools'):
        ranges = ipam.validate_pools(str(net), body['allocation_pools'])
        ipam.check_gateway(gateway, ranges)
    else:
        ranges = ipam.default_pools(str(net), gateway)
    subnet = models.Subnet(
        id=uuidutils.generate_uuid(), project_id=project_id, name=body.get('name', ''),
        description=body.get('description', ''), network_id=net_row.id,
        subnetpool_id=pool_id, ip_version=ip_version, cidr=str(net), gateway_ip=gateway,
        enable_dhcp=body.get('enable_dhcp', True), ipv6_ra_mode=ra_mode,
        ipv6_address_mode=address_mode,
        dns_nameservers=_nameservers(body.get('dns_nameservers')),
        host_routes=_host_routes(body.get('host_routes'), ip_version), revision_number=1)
    _set_pools(subnet, ranges)
    session.add(subnet)
    session.flush()
    net_row.revision_number += 1
    if ipam.is_auto_address(subnet):
        for port in session.query(models.Port).filter_by(network_id=net_row.id):
            if ipam.add_auto_address(session, port, subnet):
                port.revision_number += 1
        session.flush()
    return make_dict(subnet)


def update(context, session, subnet_id, body):
    subnet = SUBNETS.get_row(context, session, subnet_id)
    if not queries.owned_by(context, subnet):
        raise exception.PolicyNotAuthorized(action='update_subnet')
    for key in ('cidr', 'ip_version', 'network_id', 'ipv6_ra_mode', 'ipv6_address_mode'):
        if key in body:
            raise exception.BadRequest(resource='subnet',
                                       msg='Cannot update read-only attribute %s' % key)
    if body.get('enable_dhcp') is False and (subnet.ipv6_ra_mode or subnet.ipv6_address_mode):
        raise exception.InvalidInput(error_message='Cannot disable enable_dhcp with ipv6 '
                                     'attributes set')
    net = netaddr.IPNetwork(subnet.cidr)
    values = {k: body[k] for k in ('name', 'description', 'enable_dhcp') if k in body}
    if 'dns_nameservers' in body:
        values['dns_nameservers'] = _nameservers(body['dns_nameservers'])
    if 'host_routes' in body:
        values['host_routes'] = _host_routes(body['host_routes'], subnet.ip_version)
    if 'gateway_ip' in body:
        values['gateway_ip'] = _gateway(net, body)
    gateway = values.get('gateway_ip', subnet.gateway_ip)
    if 'allocation_pools' in body:
        ranges = ipam.validate_pools(subnet.cidr, body['allocation_pools'] or [])
        ipam.check_gateway(gateway, ranges)
        _set_pools(subnet, ranges)
        values['revision_number'] = subnet.revision_number
    elif 'gateway_ip' in body:
        ipam.check_gateway(gateway, ipam.pools_of(subnet))
    changed = queries.bump(subnet, values)
    if 'allocation_pools' in body and not changed:
        subnet.revision_number += 1
    session.flush()
    return make_dict(subnet)


def delete(context, session, subnet_id):
    subnet = SUBNETS.get_row(context, session, subnet_id)
    if not queries.owned_by(context, subnet):
        raise exception.PolicyNotAuthorized(action='delete_subnet')
    allocations = session.query(models.IPAllocation, models.Port).join(
        models.Port, models.Port.id == models.IPAllocation.port_id).filter(
        models.IPAllocation.subnet_id == subnet.id).all()
    net = session.get(models.Network, subnet.network_id)
    automatic = ipam.is_auto_address(subnet)
    for allocation, port in allocations:
        # A SLAAC address goes with its subnet; a router interface on it stays.
        if automatic and not ipam.is_router_port(port):
            continue
        if not networks.auto_deleted(net, port):
            raise exception.SubnetInUse(subnet_id=subnet.id,
                                        reason='One or more ports have an IP allocation '
                                               'from this subnet')
    for allocation, port in allocations:
        session.delete(allocation)
    session.flush()
    session.delete(subnet)
    return {'id': subnet_id, 'network_id': subnet.network_id}
