"""IP address management: pools, gateways and safe concurrent allocation.

Allocation picks a random free address near the start of the pools and
inserts it; the ``ip_allocations`` primary key (subnet, address) rejects a
duplicate even when another conductor process chose the same address at the
same moment, and the manager retries the whole transaction.
"""

import random

import netaddr
import sqlalchemy as sa

from services.network import exception
from services.network.db import models

AUTO_ADDRESS_MODES = ('slaac', 'dhcpv6-stateless')
#: Ports that may hold any address of a SLAAC subnet (a router's own address).
ROUTER_PORT_OWNERS = ('network:router_interface', 'network:router_gateway',
                      'network:router_interface_distributed',
                      'network:router_centralized_snat',
                      'network:ha_router_replicated_interface')
_PROBES = 16


def default_pools(cidr, gateway_ip):
    """Every usable address of ``cidr`` except the gateway, as IPRanges."""
    net = netaddr.IPNetwork(cidr)
    if net.version == 4:
        if net.prefixlen >= 31:
            first, last = net.first, net.last
        else:
            first, last = net.first + 1, net.last - 1
    else:
        first, last = net.first + 1, net.last
    if first > last:
        return []
    ranges = netaddr.IPSet(netaddr.IPRange(first, last))
    if gateway_ip:
        ranges.remove(netaddr.IPAddress(gateway_ip))
    return list(ranges.iter_ipranges())


def validate_pools(cidr, pools):
    """``pools``: ``[{'start', 'end'}]`` -> IPRanges, checked against ``cidr``."""
    net = netaddr.IPNetwork(cidr)
    ranges = []
    for pool in pools:
        try:
            start, end = netaddr.IPAddress(pool['start']), netaddr.IPAddress(pool['end'])
        except (KeyError, TypeError, netaddr.AddrFormatError, ValueError):
            raise exception.InvalidAllocationPool(pool=pool)
        if start.version != net.version or end.version != net.version or start > end:
            raise exception.InvalidAllocationPool(pool='%s-%s' % (pool['start'], pool['end']))
        if start not in net or end not in net:
            raise exception.InvalidInput(error_message='The allocation pool %s-%s spans '
                                         'beyond the subnet cidr %s' % (start, end, cidr))
        if net.version == 4 and net.prefixlen < 31 and (
                start == net.network or end == net.broadcast):
            raise exception.InvalidAllocationPool(pool='%s-%s' % (start, end))
        ranges.append(netaddr.IPRange(start, end))
    for i, one in enumerate(ranges):
        for other in ranges[i + 1:]:
            if one.first <= other.last and other.first <= one.last:
                raise exception.OverlappingAllocationPools(pool_1=one, pool_2=other,
                                                           subnet_cidr=cidr)
    return ranges


def check_gateway(gateway_ip, ranges):
    if not gateway_ip:
        return
    address = netaddr.IPAddress(gateway_ip)
    for rng in ranges:
        if address in rng:
            raise exception.GatewayConflictWithAllocationPools(ip_address=gateway_ip,
                                                               pool=str(rng))


def pools_of(subnet):
    return [netaddr.IPRange(p.first_ip, p.last_ip) for p in subnet.allocation_pools]


def is_auto_address(subnet):
    """SLAAC or DHCPv6-stateless: hosts form their address from the prefix and
    their MAC (EUI-64), so it is computed, never taken from the pools."""
    return subnet.ip_version == 6 and (subnet.ipv6_address_mode in AUTO_ADDRESS_MODES
                                       or subnet.ipv6_ra_mode in AUTO_ADDRESS_MODES)


def is_router_port(port):
    return (port.device_owner or '') in ROUTER_PORT_OWNERS


def _allocated(session, subnet_id, candidates=None):
    query = session.query(models.IPAllocation.ip_address).filter(
        models.IPAllocation.subnet_id == subnet_id)
    if candidates is not None:
        query = query.filter(models.IPAllocation.ip_address.in_(candidates))
    return {row[0] for row in query}


def _pick_free(session, subnet, pending=()):
    pools = pools_of(subnet)
    size = sum(p.size for p in pools)
    if not size:
        return None
    # Sparse pools: a few random probes answer in one small query.
    probes = set()
    for _ in range(min(_PROBES, size)):
        offset = random.randrange(size)
        for pool in pools:
            if offset < pool.size:
                probes.add(str(netaddr.IPAddress(pool.first + offset, subnet.ip_version)))
                break
            offset -= pool.size
    free = probes - _allocated(session, subnet.id, list(probes)) - set(pending)
    if free:
        return random.choice(sorted(free))
    # Dense pools: scan for free addresses, then spread writers over a window.
    taken = _allocated(session, subnet.id) | set(pending)
    window = []
    for pool in pools:
        for value in range(pool.first, pool.last + 1):
            address = str(netaddr.IPAddress(value, subnet.ip_version))
            if address not in taken:
                window.append(address)
                if len(window) >= 32:
                    return random.choice(window)
    return random.choice(window) if window else None


def _add(session, port, subnet, address):
    port.fixed_ips.append(models.IPAllocation(
        subnet_id=subnet.id, ip_address=address, network_id=subnet.network_id,
        position=len(port.fixed_ips)))


def _check_specific(session, port, subnet, address, network_id):
    try:
        ip = netaddr.IPAddress(address)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidInput(error_message="'%s' is not a valid IP address" % address)
    net = netaddr.IPNetwork(subnet.cidr)
    if ip not in net or (net.version == 4 and net.prefixlen < 31
                         and ip in (net.network, net.broadcast)):
        raise exception.InvalidIpForSubnet(ip_address=address)
    address = str(ip)
    if _allocated(session, subnet.id, [address]) or address in _pending(port, subnet):
        raise exception.IpAddressInUse(net_id=network_id, ip_address=address)
    return address


def allocate(session, port, subnets, requested):
    """Give ``port`` its fixed IPs.

    :param subnets: the network's subnets (rows).
    :param requested: ``None`` for automatic allocation, otherwise the API's
        ``fixed_ips`` list of ``{'subnet_id', 'ip_address'}``.
    """
    by_id = {s.id: s for s in subnets}
    if requested is None:
        _allocate_automatic(session, port, subnets)
        return
    for item in requested:
        subnet_id, address = item.get('subnet_id'), item.get('ip_address')
        if subnet_id is not None and subnet_id not in by_id:
            raise exception.InvalidInput(
                error_message='Failed to create port on network %s, because fixed_ips '
                              'included invalid subnet %s' % (port.network_id, subnet_id))
        if subnet_id is None:
            if address is None:
                raise exception.InvalidInput(error_message='fixed_ips need a subnet_id '
                                                           'or an ip_address')
            subnet = _subnet_for_address(subnets, address, port.network_id)
        else:
            subnet = by_id[subnet_id]
        if address is not None:
            if is_auto_address(subnet) and not is_router_port(port):
                raise exception.InvalidInput(
                    error_message='IPv6 address %s cannot be given to a port on subnet %s: '
                                  'the subnet uses automatic (SLAAC) addresses'
                                  % (address, subnet.id))
            _add(session, port, subnet, _check_specific(session, port, subnet, address,
                                                        port.network_id))
        elif is_auto_address(subnet):
            _add(session, port, subnet, str(eui64(subnet.cidr, port.mac_address)))
        else:
            chosen = _pick_free(session, subnet, _pending(port, subnet))
            if chosen is None:
                raise exception.IpAddressGenerationFailure(net_id=port.network_id)
            _add(session, port, subnet, chosen)


def _pending(port, subnet):
    return {ip.ip_address for ip in port.fixed_ips if ip.subnet_id == subnet.id}


def _subnet_for_address(subnets, address, network_id):
    try:
        ip = netaddr.IPAddress(address)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidInput(error_message="'%s' is not a valid IP address" % address)
    for subnet in subnets:
        if ip in netaddr.IPNetwork(subnet.cidr):
            return subnet
    raise exception.InvalidIpForNetwork(ip_address=address)


def _allocate_automatic(session, port, subnets):
    """One address from the first IPv4 subnet with room, one from the first
    stateful IPv6 subnet with room, and one on every SLAAC subnet."""
    done_versions = set()
    failed = False
    for subnet in sorted(subnets, key=lambda s: s.created_at):
        if is_auto_address(subnet):
            if not is_router_port(port):
                _add(session, port, subnet, str(eui64(subnet.cidr, port.mac_address)))
            continue
        if subnet.ip_version in done_versions:
            continue
        chosen = _pick_free(session, subnet)
        if chosen is None:
            failed = True
            continue
        _add(session, port, subnet, chosen)
        done_versions.add(subnet.ip_version)
    if failed and not port.fixed_ips:
        raise exception.IpAddressGenerationFailure(net_id=port.network_id)


def eui64(cidr, mac):
    """The modified EUI-64 address of ``mac`` in the /64 prefix ``cidr``."""
    return netaddr.EUI(mac).ipv6(netaddr.IPNetwork(cidr).network)


def add_auto_address(session, port, subnet):
    """A new SLAAC subnet gives every existing port (but a router's) its address."""
    if is_router_port(port) or any(ip.subnet_id == subnet.id for ip in port.fixed_ips):
        return False
    _add(session, port, subnet, str(eui64(subnet.cidr, port.mac_address)))
    return True


def usage(session, subnet):
    """``(total_ips, used_ips)`` of one subnet, as network-ip-availability counts."""
    total = sum(p.size for p in pools_of(subnet))
    used = session.query(sa.func.count()).select_from(models.IPAllocation).filter(
        models.IPAllocation.subnet_id == subnet.id).scalar()
    return total, used
