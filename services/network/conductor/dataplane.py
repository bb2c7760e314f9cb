"""What agents need to program the data plane: device details, security
group rules, DHCP networks and L3 routers (served by the agent RPC)."""

import json

from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import floatingips
from services.network.conductor import networks
from services.network.conductor import ports
from services.network.conductor import routers
from services.network.conductor import securitygroups
from services.network.conductor import subnets
from services.network.db import models


def device_details(session, port_id, host):
    port = session.get(models.Port, port_id)
    if port is None:
        return {'device': port_id}
    net = session.get(models.Network, port.network_id)
    segment = net.segments[0] if net.segments else None
    return {
        'device': port_id, 'port_id': port.id, 'mac_address': port.mac_address,
        'network_id': port.network_id, 'admin_state_up': port.admin_state_up,
        'network_type': segment.network_type if segment else None,
        'physical_network': (segment.physical_network or None) if segment else None,
        'segmentation_id': (segment.segmentation_id if segment and
                            segment.network_type != 'flat' else None),
        'mtu': net.mtu,
        'fixed_ips': [{'subnet_id': ip.subnet_id, 'ip_address': ip.ip_address}
                      for ip in port.fixed_ips],
        'device_owner': port.device_owner, 'device_id': port.device_id,
        'port_security_enabled': port.port_security_enabled,
        'security_groups': sorted(sg.security_group_id for sg in port.security_groups),
        'allowed_address_pairs': list(port.allowed_address_pairs or []),
        'binding_host_id': port.binding_host_id,
    }


def set_port_status(session, port_id, host, status):
    """``(port dict, changed)``; ``(None, False)`` for a port that does not
    exist or is bound to another host."""
    port = session.get(models.Port, port_id)
    if port is None:
        return None, False
    if host and port.binding_host_id and port.binding_host_id != host:
        return None, False
    changed = port.status != status
    if changed:
        port.status = status
        port.revision_number += 1
    session.flush()
    return ports.make_dict(port), changed


def _member_ips(session, group_ids):
    """``{group_id: [ip, ...]}``: addresses of ports in each remote group,
    their allowed address pairs (an address or a CIDR) included, as neutron
    counts them."""
    members = {g: [] for g in group_ids}
    if not group_ids:
        return members
    rows = session.query(models.PortSecurityGroup.security_group_id,
                         models.IPAllocation.ip_address).join(
        models.IPAllocation,
        models.IPAllocation.port_id == models.PortSecurityGroup.port_id).filter(
        models.PortSecurityGroup.security_group_id.in_(list(group_ids)))
    for group_id, address in rows:
        members[group_id].append(address)
    pairs = session.query(models.PortSecurityGroup.security_group_id,
                          models.Port.allowed_address_pairs).join(
        models.Port, models.Port.id == models.PortSecurityGroup.port_id).filter(
        models.PortSecurityGroup.security_group_id.in_(list(group_ids)))
    for group_id, value in pairs:
        for pair in (json.loads(value) if isinstance(value, str) else value) or ():
            if pair.get('ip_address') not in members[group_id]:
                members[group_id].append(pair['ip_address'])
    return members


def security_group_rules_for_devices(session, devices):
    """Each device's details with the rules of its groups, a remote group's
    rule carrying the group's member addresses of its family (``remote_ips``).
    Rules and members are read once for all the devices of the call: a host
    resyncing 200 ports of one group asks for all of them at once."""
    # One query loads the ports and their networks (with their eager
    # relationships) into the session, held here so that device_details
    # finds them there instead of querying per port.
    ports = session.query(models.Port).filter(
        models.Port.id.in_(list(devices))).all() if devices else []
    nets = session.query(models.Network).filter(  # noqa: F841  (held in the session)
        models.Network.id.in_({p.network_id for p in ports})).all() if ports else []
    found = {p.id for p in ports}
    details = {port_id: device_details(session, port_id, None)
               for port_id in devices if port_id in found}
    group_ids = sorted({g for d in details.values() for g in d['security_groups']})
    rules = session.query(models.SecurityGroupRule).filter(
        models.SecurityGroupRule.security_group_id.in_(group_ids)).all() if group_ids else []
    members = _member_ips(session, {r.remote_group_id for r in rules if r.remote_group_id})
    by_group = {}
    for rule in rules:
        entry = {k: v for k, v in securitygroups.rule_dict(rule).items()
                 if k in ('security_group_id', 'direction', 'ethertype', 'protocol',
                          'port_range_min', 'port_range_max', 'remote_ip_prefix',
                          'remote_group_id')}
        if rule.remote_group_id:
            family = 4 if rule.ethertype == 'IPv4' else 6
            entry['remote_ips'] = sorted(ip for ip in members[rule.remote_group_id]
                                         if (':' in ip) == (family == 6))
        by_group.setdefault(rule.security_group_id, []).append(entry)
    for item in details.values():
        item['security_group_rules'] = [dict(r) for g in item['security_groups']
                                        for r in by_group.get(g, ())]
    return details


def network_info(session, network_id):
    net = session.get(models.Network, network_id)
    if net is None:
        return None
    result = networks.make_dict(net)
    result['subnets'] = [subnets.make_dict(s) for s in net.subnets]
    result['ports'] = [ports.make_dict(p) for p in
                       session.query(models.Port).filter_by(network_id=network_id)]
    return result


def active_networks(session, network_ids):
    """Those of ``network_ids`` (a DHCP agent's) with at least one
    DHCP-enabled subnet."""
    if not network_ids:
        return []
    ids = {row[0] for row in session.query(models.Subnet.network_id).filter(
        models.Subnet.enable_dhcp.is_(True), models.Subnet.network_id.in_(network_ids))}
    return [network_info(session, net_id) for net_id in sorted(ids)]


def create_dhcp_port(context, session, network_id, host, device_id):
    existing = session.query(models.Port).filter_by(network_id=network_id,
                                                    device_owner='network:dhcp',
                                                    device_id=device_id).first()
    if existing is not None:
        existing.binding_host_id = host
        session.flush()
        return ports.make_dict(existing)
    net = session.get(models.Network, network_id)
    if net is None:                  # deleted while its DHCP agent was setting it up
        raise exception.NetworkNotFound(net_id=network_id)
    dhcp_subnets = [{'subnet_id': s.id} for s in net.subnets if s.enable_dhcp]
    return ports.create(context.elevated(), session, {
        'network_id': network_id, 'project_id': net.project_id, 'name': '',
        'device_owner': 'network:dhcp', 'device_id': device_id or uuidutils.generate_uuid(),
        'binding:host_id': host, 'fixed_ips': dhcp_subnets})


def router_info(session, router):
    result = routers.make_dict(router)
    result['gw_port'] = None
    if router.gw_port is not None:
        # The L3 agent needs the external subnets' prefixes and gateways.
        gw_port = result['gw_port'] = ports.make_dict(router.gw_port)
        gw_port['subnets'] = [subnets.make_dict(session.get(models.Subnet, ip.subnet_id))
                              for ip in router.gw_port.fixed_ips]
        gw_port['mtu'] = session.get(models.Network, router.gw_port.network_id).mtu
    interfaces = []
    for port in routers.interface_ports(session, router.id):
        item = ports.make_dict(port)
        item['subnets'] = [subnets.make_dict(session.get(models.Subnet, ip.subnet_id))
                           for ip in port.fixed_ips]
        item['mtu'] = session.get(models.Network, port.network_id).mtu
        interfaces.append(item)
    result['_interfaces'] = interfaces
    result['_floatingips'] = [floatingips.make_dict(f) for f in session.query(
        models.FloatingIP).filter_by(router_id=router.id)]
    return result


def sync_routers(session, router_ids):
    """The L3 agent's view of ``router_ids`` (one administratively down too:
    the agent plugs its ports and serves nothing)."""
    if not router_ids:
        return []
    query = session.query(models.Router).filter(models.Router.id.in_(router_ids))
    return [router_info(session, r) for r in query.order_by(models.Router.id)]


def update_floatingip_statuses(session, router_id, fip_statuses):
    for fip_id, status in fip_statuses.items():
        fip = session.get(models.FloatingIP, fip_id)
        if fip is not None and fip.status != status:
            fip.status = status
            fip.revision_number += 1
    session.flush()


def metadata_port(session, ip_address, router_id=None, network_id=None):
    """The port behind a metadata request: the one holding ``ip_address``
    on a network the router has an interface on (``router_id``), or on
    ``network_id``. ``{'id', 'device_id', 'project_id', 'network_id'}`` or
    None (no such port, or one that is not a server's)."""
    if router_id:
        network_ids = {p.network_id for p in routers.interface_ports(session, router_id)}
    else:
        network_ids = {network_id} if network_id else set()
    if not network_ids or not ip_address:
        return None
    rows = session.query(models.Port).join(
        models.IPAllocation, models.IPAllocation.port_id == models.Port.id).filter(
        models.IPAllocation.ip_address == ip_address,
        models.IPAllocation.network_id.in_(sorted(network_ids))).all()
    # A server's port; never a router's, DHCP or floating IP port.
    servers = [p for p in rows if p.device_id and p.device_owner.startswith('compute:')]
    if len(servers) != 1:
        return None
    port = servers[0]
    return {'id': port.id, 'device_id': port.device_id, 'project_id': port.project_id,
            'network_id': port.network_id}
