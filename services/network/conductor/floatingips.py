"""Floating IPs: allocation on an external network and port association."""

import netaddr
from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import networks
from services.network.conductor import ports
from services.network.conductor import rbac
from services.network.conductor import queries
from services.network.conductor import quotas
from services.network.conductor import routers
from services.network.db import models

COLUMNS = queries.standard_columns(models.FloatingIP, 'floating_network_id',
                                   'floating_ip_address', 'fixed_ip_address', 'router_id',
                                   'status')
COLUMNS['port_id'] = models.FloatingIP.fixed_port_id
OWNER = 'network:floatingip'

# Ports a floating IP cannot point at: a network's DHCP server, and the
# external-side ports of routers and floating IPs themselves.
NOT_SERVICED = ('network:dhcp', 'network:router_gateway', 'network:floatingip')


def _ports_told(session, *port_ids):
    """The ports (id, device_owner, device_id) whose floating IPs changed,
    under ``_changed_ports`` of a result: the conductor tells compute of
    the servers among them (``network-changed``)."""
    told = []
    for port_id in dict.fromkeys(p for p in port_ids if p):
        port = session.get(models.Port, port_id)
        if port is not None:
            told.append({'id': port.id, 'device_owner': port.device_owner,
                         'device_id': port.device_id})
    return told


def make_dict(fip):
    result = queries.standard_dict(fip)
    result.update({
        'floating_ip_address': fip.floating_ip_address,
        'floating_network_id': fip.floating_network_id, 'router_id': fip.router_id,
        'port_id': fip.fixed_port_id, 'fixed_ip_address': fip.fixed_ip_address,
        'status': fip.status, 'port_forwardings': [], 'dns_name': '', 'dns_domain': '',
        'qos_policy_id': None,
    })
    return result


FLOATINGIPS = queries.Visible(
    models.FloatingIP, lambda i: exception.FloatingIPNotFound(floatingip_id=i), make_dict,
    COLUMNS)


def create(context, session, body):
    project_id = queries.new_project(context, body)
    net = networks.NETWORKS.get_row(context, session, body['floating_network_id'])
    if not rbac.external_for(session, net, project_id):
        raise exception.BadRequest(resource='floatingip', msg='Network %s is not a valid '
                                   'external network' % net.id)
    quotas.check(session, project_id, 'floatingip')
    fixed_ips = None
    if body.get('floating_ip_address') or body.get('subnet_id'):
        item = {}
        if body.get('floating_ip_address'):
            item['ip_address'] = body['floating_ip_address']
        if body.get('subnet_id'):
            item['subnet_id'] = body['subnet_id']
        fixed_ips = [item]
    fip_id = uuidutils.generate_uuid()
    port = ports.create(context.elevated(), session, {
        'network_id': net.id, 'project_id': '', 'device_owner': OWNER,
        'device_id': fip_id, 'fixed_ips': fixed_ips, 'name': ''})
    v4 = [ip for ip in port['fixed_ips'] if netaddr.IPAddress(ip['ip_address']).version == 4]
    if not v4:
        raise exception.BadRequest(resource='floatingip', msg='External network %s has no '
                                   'IPv4 subnet' % net.id)
    fip = models.FloatingIP(id=fip_id, project_id=project_id, floating_network_id=net.id,
                            floating_ip_address=v4[0]['ip_address'],
                            floating_port_id=port['id'], status='DOWN',
                            description=body.get('description', ''), revision_number=1)
    session.add(fip)
    session.flush()
    if body.get('port_id'):
        _associate(context, session, fip, body['port_id'], body.get('fixed_ip_address'))
    session.flush()
    result = make_dict(fip)
    result['_changed_ports'] = _ports_told(session, fip.fixed_port_id)
    return result


def _associate(context, session, fip, port_id, fixed_ip_address):
    port = ports.PORTS.get_row(context, session, port_id)
    if port.project_id != fip.project_id and not queries.is_admin(context):
        raise exception.PortNotFound(port_id=port_id)
    if port.device_owner in NOT_SERVICED:
        raise exception.BadRequest(resource='floatingip', msg='Port %s is unable to be '
                                   'assigned a floating IP' % port.id)
    v4 = [ip for ip in port.fixed_ips if netaddr.IPAddress(ip.ip_address).version == 4]
    if fixed_ip_address:
        chosen = [ip for ip in v4 if ip.ip_address == fixed_ip_address]
        if not chosen:
            raise exception.BadRequest(resource='floatingip', msg='Port %s does not have '
                                       'fixed ip %s' % (port.id, fixed_ip_address))
    elif len(v4) > 1:
        raise exception.BadRequest(resource='floatingip', msg='Port %s has multiple fixed '
                                   'IPv4 addresses. Must provide a specific IPv4 address '
                                   'when assigning a floating IP' % port.id)
    else:
        chosen = v4
    if not chosen:
        raise exception.BadRequest(resource='floatingip', msg='Cannot add floating IP to '
                                   'port %s that has no fixed IPv4 addresses' % port.id)
    fixed = chosen[0]
    router = routers.find_router_for(session, fip.floating_network_id, [fixed.subnet_id])
    if router is None:
        raise exception.ExternalGatewayForFloatingIPNotFound(
            external_network_id=fip.floating_network_id, subnet_id=fixed.subnet_id,
            port_id=port.id)
    other = session.query(models.FloatingIP).filter(
        models.FloatingIP.fixed_port_id == port.id,
        models.FloatingIP.fixed_ip_address == fixed.ip_address,
        models.FloatingIP.floating_network_id == fip.floating_network_id,
        models.FloatingIP.id != fip.id).first()
    if other is not None:
        raise exception.FloatingIPPortAlreadyAssociated(
            floating_ip_address=fip.floating_ip_address, fip_id=fip.id, port_id=port.id,
            fixed_ip=fixed.ip_address, net_id=fip.floating_network_id)
    fip.fixed_port_id, fip.fixed_ip_address, fip.router_id = (port.id, fixed.ip_address,
                                                              router.id)


def update(context, session, fip_id, body):
    fip = FLOATINGIPS.get_row(context, session, fip_id)
    before = (fip.fixed_port_id, fip.fixed_ip_address, fip.router_id)
    old_router = fip.router_id
    if 'description' in body:
        fip.description = body['description']
    if 'port_id' in body:
        if body['port_id']:
            _associate(context, session, fip, body['port_id'], body.get('fixed_ip_address'))
        else:
            fip.fixed_port_id = fip.fixed_ip_address = fip.router_id = None
            fip.status = 'DOWN'
    fip.revision_number += 1
    session.flush()
    result = make_dict(fip)
    result['_old_router_id'] = old_router if before[2] != fip.router_id else None
    if before[:2] != (fip.fixed_port_id, fip.fixed_ip_address):
        # the port it left and the one it joined
        result['_changed_ports'] = _ports_told(session, before[0], fip.fixed_port_id)
    return result


def delete(context, session, fip_id):
    fip = FLOATINGIPS.get_row(context, session, fip_id)
    router_id = fip.router_id
    changed = _ports_told(session, fip.fixed_port_id)
    port = session.get(models.Port, fip.floating_port_id)
    session.delete(fip)
    session.flush()
    if port is not None:
        session.delete(port)
    return {'id': fip_id, 'router_id': router_id, '_changed_ports': changed}
