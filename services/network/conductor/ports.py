"""Ports: MAC and fixed IPs, security groups, address pairs and binding."""

import json
import random

import netaddr
from oslo_config import cfg
from oslo_utils import uuidutils
import sqlalchemy as sa

from services.network import exception
from services.network.conductor import binding
from services.network.conductor import ipam
from services.network.conductor import networks
from services.network.conductor import queries
from services.network.conductor import qos
from services.network.conductor import quotas
from services.network.conductor import rbac
from services.network.conductor import securitygroups
from services.network.conductor import wire
from services.network.db import models

CONF = cfg.CONF
COLUMNS = queries.standard_columns(models.Port, 'network_id', 'mac_address',
                                   'admin_state_up', 'status', 'device_id', 'device_owner',
                                   'port_security_enabled')
COLUMNS['binding:host_id'] = models.Port.binding_host_id
COLUMNS['binding:vnic_type'] = models.Port.binding_vnic_type
# Ports that belong to routers and floating IPs are managed through those APIs.
L3_OWNERS = ('network:router_interface', 'network:router_gateway', 'network:floatingip')
# Device owners whose device_id names a router, or a floating IP.
ROUTER_OWNERS = ('network:router_interface', 'network:router_gateway',
                 'network:router_interface_distributed', 'network:router_centralized_snat',
                 'network:ha_router_replicated_interface', 'network:router_ha_interface')
FLOATINGIP_OWNER = 'network:floatingip'
# Network-service objects a port's device_id may name.
DEVICE_MODELS = (models.Router, models.FloatingIP)


def make_dict(port):
    result = _row_dict(port, [{'subnet_id': ip.subnet_id, 'ip_address': ip.ip_address}
                              for ip in port.fixed_ips],
                       [sg.security_group_id for sg in port.security_groups])
    result['tags'] = [t.tag for t in port.tag_rows]
    return result


PORTS = queries.Visible(models.Port, lambda i: exception.PortNotFound(port_id=i), make_dict,
                        COLUMNS)


def _fixed_ip_filters(query, values):
    """``fixed_ips=ip_address=1.2.3.4`` / ``fixed_ips=subnet_id=...`` /
    ``fixed_ips=ip_address_substr=10.0.`` (any address containing it) filters."""
    for value in values:
        key, _, wanted = str(value).partition('=')
        column = {'ip_address': models.IPAllocation.ip_address,
                  'ip_address_substr': models.IPAllocation.ip_address,
                  'subnet_id': models.IPAllocation.subnet_id}.get(key)
        if column is None:
            raise exception.InvalidInput(error_message='Invalid fixed_ips filter %s' % value)
        condition = (column.contains(wanted, autoescape=True)
                     if key == 'ip_address_substr' else column == wanted)
        sub = sa.select(models.IPAllocation.port_id).where(condition)
        query = query.filter(models.Port.id.in_(sub))
    return query


def get_all(context, session, filters=None, **page):
    return get_columns(context, session, filters, **page).to_dicts()


def get_columns(context, session, filters=None, fields=None, **page):
    """The page of ports as :class:`wire.Columns`, with only the attributes
    named in ``fields`` (plus ``id``) when it is given.

    Lists are the hot path (thousands of ports): plain column reads on the
    Core connection, the two child tables in one query each, and per-column
    rather than per-port work.
    """
    filters = dict(filters or {})
    query = PORTS.query(context, session)
    if 'fixed_ips' in filters:
        query = _fixed_ip_filters(query, filters.pop('fixed_ips'))
    if 'security_groups' in filters:
        sub = sa.select(models.PortSecurityGroup.port_id).where(
            models.PortSecurityGroup.security_group_id.in_(filters.pop('security_groups')))
        query = query.filter(models.Port.id.in_(sub))
    query = queries.page_query(query, models.Port, COLUMNS, filters, **page)
    keys = [k for k in LIST_KEYS if not fields or k in fields or k == 'id']
    # Columns by name: 'id' first, each read once (project_id serves tenant_id too).
    selected = {'id': models.Port.id}
    for key in keys:
        kind, source = _SOURCES[key]
        if kind in ('column', 'time', 'json'):
            selected.setdefault(source.key, source)
    connection = session.connection()
    rows = connection.execute(query.with_entities(*selected.values()).statement).all()
    if page.get('page_reverse'):
        rows.reverse()
    read = dict(zip(selected, zip(*rows))) if rows else dict.fromkeys(selected, ())
    ids = read['id']
    count = len(ids)
    columns = []
    for key in keys:
        kind, source = _SOURCES[key]
        if kind == 'column':
            columns.append(read[source.key])
        elif kind == 'time':
            columns.append([v.isoformat(timespec='seconds') + 'Z' if v else None
                            for v in read[source.key]])
        elif kind == 'json':
            columns.append(_json_column(read[source.key], _JSON_EMPTY[key]))
        elif kind == 'constant':
            columns.append([source() for _ in range(count)] if callable(source)
                           else [source] * count)
        else:
            children = source(connection, query)
            columns.append([children.get(port_id) or [] for port_id in ids])
    return wire.Columns(keys, columns)


def _fixed_ips_by_port(connection, page):
    ips = {}
    ids = page.with_entities(models.Port.id).subquery()
    table = models.IPAllocation
    for port_id, subnet_id, address in connection.execute(
            sa.select(table.port_id, table.subnet_id, table.ip_address)
            .join(ids, ids.c.id == table.port_id)
            .order_by(table.port_id, table.position)).all():
        ips.setdefault(port_id, []).append({'subnet_id': subnet_id, 'ip_address': address})
    return ips


def _tags_by_port(connection, page):
    tags = {}
    ids = page.with_entities(models.Port.id).subquery()
    table = models.Tag
    for port_id, tag in connection.execute(
            sa.select(table.resource_id, table.tag)
            .join(ids, ids.c.id == table.resource_id)
            .order_by(table.resource_id, table.tag)).all():
        tags.setdefault(port_id, []).append(tag)
    return tags


def _groups_by_port(connection, page):
    groups = {}
    ids = page.with_entities(models.Port.id).subquery()
    table = models.PortSecurityGroup
    for port_id, group_id in connection.execute(
            sa.select(table.port_id, table.security_group_id)
            .join(ids, ids.c.id == table.port_id)
            .order_by(table.port_id, table.security_group_id)).all():
        groups.setdefault(port_id, []).append(group_id)
    return groups


_EMPTY_JSON = {None: None, '{}': {}, '[]': [], 'null': None}


def _json(value):
    if not isinstance(value, str):
        return value
    if value in _EMPTY_JSON:
        empty = _EMPTY_JSON[value]
        return type(empty)() if empty is not None else None
    return json.loads(value)


def _json_column(values, empty):
    """Decode a column of JSON texts in one parse; empty or null reads as ``empty()``."""
    if all(type(v) is str for v in values):
        decoded = json.loads('[%s]' % ','.join(values))
    else:  # drivers that decode JSON themselves (PostgreSQL), or NULLs
        decoded = [_json(v) for v in values]
    return [v if v else empty() for v in decoded]


_Port = models.Port
# API attribute -> (kind, source), in the order a port's attributes are shown.
_SOURCES = {
    'id': ('column', _Port.id), 'project_id': ('column', _Port.project_id),
    'tenant_id': ('column', _Port.project_id), 'description': ('column', _Port.description),
    'created_at': ('time', _Port.created_at), 'updated_at': ('time', _Port.updated_at),
    'revision_number': ('column', _Port.revision_number), 'tags': ('children', _tags_by_port),
    'name': ('column', _Port.name), 'network_id': ('column', _Port.network_id),
    'mac_address': ('column', _Port.mac_address),
    'admin_state_up': ('column', _Port.admin_state_up), 'status': ('column', _Port.status),
    'device_id': ('column', _Port.device_id), 'device_owner': ('column', _Port.device_owner),
    'fixed_ips': ('children', _fixed_ips_by_port),
    'security_groups': ('children', _groups_by_port),
    'allowed_address_pairs': ('json', _Port.allowed_address_pairs),
    'port_security_enabled': ('column', _Port.port_security_enabled),
    'binding:host_id': ('column', _Port.binding_host_id),
    'binding:vnic_type': ('column', _Port.binding_vnic_type),
    'binding:profile': ('json', _Port.binding_profile),
    'binding:vif_type': ('column', _Port.binding_vif_type),
    'binding:vif_details': ('json', _Port.binding_vif_details),
    'extra_dhcp_opts': ('json', _Port.extra_dhcp_opts), 'dns_name': ('constant', ''),
    'dns_assignment': ('constant', list), 'ip_allocation': ('constant', 'immediate'),
    'propagate_uplink_status': ('constant', False),
    'qos_policy_id': ('column', _Port.qos_policy_id),
}
# JSON columns are read as text (decoded in bulk above), not by the column type.
for _key, (_kind, _column) in list(_SOURCES.items()):
    if _kind == 'json':
        _SOURCES[_key] = (_kind, sa.type_coerce(_column, sa.Text).label(_column.name))
LIST_KEYS = tuple(_SOURCES)
_JSON_EMPTY = {'allowed_address_pairs': list, 'binding:profile': dict,
               'binding:vif_details': dict, 'extra_dhcp_opts': list}


def _row_dict(row, fixed_ips, group_ids):
    # One dict literal: this runs once per port of every listing.
    return {
        'id': row.id, 'project_id': row.project_id, 'tenant_id': row.project_id,
        'description': row.description, 'created_at': queries.iso(row.created_at),
        'updated_at': queries.iso(row.updated_at), 'revision_number': row.revision_number,
        'tags': [], 'name': row.name, 'network_id': row.network_id,
        'mac_address': row.mac_address, 'admin_state_up': row.admin_state_up,
        'status': row.status, 'device_id': row.device_id, 'device_owner': row.device_owner,
        'fixed_ips': fixed_ips, 'security_groups': sorted(group_ids),
        'allowed_address_pairs': list(_json(row.allowed_address_pairs) or []),
        'port_security_enabled': row.port_security_enabled,
        'binding:host_id': row.binding_host_id, 'binding:vnic_type': row.binding_vnic_type,
        'binding:profile': _json(row.binding_profile) or {},
        'binding:vif_type': row.binding_vif_type,
        'binding:vif_details': _json(row.binding_vif_details) or {},
        'extra_dhcp_opts': list(_json(row.extra_dhcp_opts) or []), 'dns_name': '',
        'dns_assignment': [],
        'ip_allocation': 'immediate', 'propagate_uplink_status': False,
        'qos_policy_id': row.qos_policy_id,
    }


def _random_mac():
    prefix = CONF.network_conductor.base_mac.split(':')[:3]
    return ':'.join(prefix + ['%02x' % random.randint(0, 255) for _ in range(3)])


def _mac(session, network_id, requested):
    if requested is None:
        return _random_mac()
    try:
        mac = str(netaddr.EUI(requested, dialect=netaddr.mac_unix_expanded))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidInput(error_message="'%s' is not a valid MAC address"
                                     % requested)
    if session.query(models.Port.id).filter_by(network_id=network_id,
                                               mac_address=mac).first():
        raise exception.MacAddressInUse(net_id=network_id, mac=mac)
    return mac


def _dhcp_options(current, requested):
    """``extra_dhcp_opts`` after a create or update: an option is named by
    ``opt_name`` and ``ip_version`` (4 unless given); a given one replaces
    the option of that name, one with a null ``opt_value`` removes it."""
    options = {(o['opt_name'], o['ip_version']): o for o in current or []}
    for item in requested or []:
        version = int(item.get('ip_version') or 4)
        key = (item['opt_name'], version)
        if item.get('opt_value') is None:
            options.pop(key, None)
            continue
        options[key] = {'opt_name': item['opt_name'], 'opt_value': item['opt_value'],
                        'ip_version': version}
    return list(options.values())


def _address_pairs(pairs, mac):
    out = []
    for pair in pairs or []:
        try:
            ip = netaddr.IPNetwork(pair['ip_address'])
        except (KeyError, TypeError, netaddr.AddrFormatError, ValueError):
            raise exception.InvalidInput(error_message='Invalid allowed address pair %s'
                                         % (pair,))
        entry = {'ip_address': str(ip) if '/' in str(pair['ip_address']) else str(ip.ip),
                 'mac_address': pair.get('mac_address') or mac}
        if entry in out:
            raise exception.InvalidInput(error_message='Duplicate address pair %s' % (pair,))
        out.append(entry)
    return out


def _set_security_groups(context, session, port, group_ids):
    """Only groups of the port's own project (any, for an admin)."""
    for group_id in group_ids:
        group = session.get(models.SecurityGroup, group_id)
        if group is None or (group.project_id != port.project_id
                             and not queries.is_admin(context)):
            raise exception.SecurityGroupNotFound(id=group_id)
    port.security_groups = [models.PortSecurityGroup(security_group_id=g)
                            for g in sorted(set(group_ids))]


def check_device(context, session, project_id, net, device_owner, device_id):
    """A non-admin attaches a port of ``project_id`` only to devices of that
    project: a ``device_id`` naming a router or floating IP must be one of
    the project's, a router or floating IP device owner needs such a
    device, and other ``network:`` owners (DHCP, ...) need the project to
    own the network. Otherwise another project's router or network would
    count the port as its own (and delete it, or be blocked by it)."""
    if queries.is_admin(context):
        return
    if device_id:
        for model in DEVICE_MODELS:
            device = session.get(model, device_id)
            if device is not None and device.project_id != project_id:
                raise exception.DeviceIDNotOwnedByTenant(device_id=device_id)
    if not (device_owner or '').startswith('network:'):
        return
    if device_owner in ROUTER_OWNERS or device_owner == FLOATINGIP_OWNER:
        model = models.Router if device_owner in ROUTER_OWNERS else models.FloatingIP
        device = session.get(model, device_id) if device_id else None
        if device is None or device.project_id != project_id:
            raise exception.DeviceIDNotOwnedByTenant(device_id=device_id)
    elif net.project_id != project_id:
        raise exception.PolicyNotAuthorized(action='create_port:device_owner')


def create(context, session, body):
    net = networks.NETWORKS.get_row(context, session, body['network_id'])
    project_id = queries.new_project(context, body)
    # A port goes on a network of its own project or a shared one.
    if not (queries.is_admin(context) or rbac.shared_with(session, net, project_id)):
        raise exception.PolicyNotAuthorized(action='create_port:network_id')
    check_device(context, session, project_id, net, body.get('device_owner'),
                 body.get('device_id'))
    quotas.check(session, project_id, 'port')
    port = models.Port(
        id=uuidutils.generate_uuid(), project_id=project_id, network_id=net.id,
        name=body.get('name', ''), description=body.get('description', ''),
        mac_address=_mac(session, net.id, body.get('mac_address')),
        admin_state_up=body.get('admin_state_up', True), status='DOWN',
        device_id=body.get('device_id', ''), device_owner=body.get('device_owner', ''),
        port_security_enabled=body.get('port_security_enabled', net.port_security_enabled),
        binding_host_id=body.get('binding:host_id') or '',
        binding_vnic_type=body.get('binding:vnic_type', 'normal'),
        binding_profile=body.get('binding:profile') or {},
        extra_dhcp_opts=_dhcp_options([], body.get('extra_dhcp_opts')),
        qos_policy_id=qos.check_attach(context, session, body.get('qos_policy_id'),
                                       project_id),
        revision_number=1)
    subnets = session.query(models.Subnet).filter_by(network_id=net.id).all()
    ipam.allocate(session, port, subnets, body.get('fixed_ips'))
    _apply_security(context, session, port, body, creating=True)
    binding.bind(session, port)
    session.add(port)
    session.flush()
    return make_dict(port)


def _apply_security(context, session, port, body, creating):
    """Security groups and address pairs, which both need port security."""
    if 'allowed_address_pairs' in body:
        port.allowed_address_pairs = _address_pairs(body['allowed_address_pairs'],
                                                    port.mac_address)
    if 'security_groups' in body:
        _set_security_groups(context, session, port, body['security_groups'] or [])
    elif creating and port.port_security_enabled and \
            not port.device_owner.startswith('network:'):
        default = securitygroups.ensure_default(context, session, port.project_id)
        port.security_groups = [models.PortSecurityGroup(security_group_id=default)]
    if not port.port_security_enabled:
        if port.security_groups and 'security_groups' in body:
            raise exception.InvalidInput(error_message='Port security must be enabled in '
                                         'order to have security groups on the port')
        if port.allowed_address_pairs:
            raise exception.InvalidInput(error_message='Port security must be enabled in '
                                         'order to have allowed address pairs on a port')
        if port.security_groups:
            if creating:
                port.security_groups = []
            else:
                raise exception.InvalidInput(
                    error_message='Port has security group associated. Cannot disable port '
                                  'security until security group is removed')


def update(context, session, port_id, body):
    port = PORTS.get_row(context, session, port_id)
    if 'device_owner' in body or 'device_id' in body:
        check_device(context, session, port.project_id,
                     session.get(models.Network, port.network_id),
                     body.get('device_owner', port.device_owner),
                     body.get('device_id', port.device_id))
    before = make_dict(port)
    values = {k: body[k] for k in ('name', 'description', 'admin_state_up', 'device_id',
                                   'device_owner', 'port_security_enabled') if k in body}
    if 'mac_address' in body and body['mac_address'] != port.mac_address:
        if port.binding_vif_type not in (binding.UNBOUND, binding.FAILED):
            raise exception.Conflict(reason='Port %s is bound; its MAC address cannot change'
                                     % port.id)
        values['mac_address'] = _mac(session, port.network_id, body['mac_address'])
    if 'qos_policy_id' in body:
        values['qos_policy_id'] = qos.check_attach(context, session, body['qos_policy_id'],
                                                   port.project_id)
    if 'extra_dhcp_opts' in body:
        values['extra_dhcp_opts'] = _dhcp_options(port.extra_dhcp_opts,
                                                  body['extra_dhcp_opts'])
    for api_key, column in (('binding:host_id', 'binding_host_id'),
                            ('binding:vnic_type', 'binding_vnic_type'),
                            ('binding:profile', 'binding_profile')):
        if api_key in body:
            values[column] = body[api_key] or ({} if column == 'binding_profile' else '')
    queries.bump(port, values)
    if 'fixed_ips' in body:
        _reallocate(session, port, body['fixed_ips'] or [])
    _apply_security(context, session, port, body, creating=False)
    binding.bind(session, port)
    session.flush()
    result = make_dict(port)
    if result != before and port.revision_number == before['revision_number']:
        port.revision_number += 1
        result['revision_number'] = port.revision_number
    return result


def _reallocate(session, port, requested):
    keep = []
    wanted = []
    current = {(ip.subnet_id, ip.ip_address) for ip in port.fixed_ips}
    for item in requested:
        key = (item.get('subnet_id'), item.get('ip_address'))
        match = [c for c in current if (key[0] in (None, c[0])) and key[1] == c[1]]
        if key[1] is not None and match:
            keep.append(match[0])
        else:
            wanted.append(item)
    subnets = session.query(models.Subnet).filter_by(network_id=port.network_id).all()
    if not ipam.is_router_port(port):
        # A SLAAC address stays, as neutron keeps it, unless asked for again.
        auto = {s.id for s in subnets if ipam.is_auto_address(s)}
        asked = {item.get('subnet_id') for item in wanted}
        keep.extend(c for c in current if c[0] in auto and c[0] not in asked)
    port.fixed_ips = [ip for ip in port.fixed_ips if (ip.subnet_id, ip.ip_address) in keep]
    session.flush()
    ipam.allocate(session, port, subnets, wanted)


def _check_not_on_trunk(session, port_id):
    """A trunk's parent port or subport stays until it leaves the trunk."""
    trunk = session.query(models.Trunk.id).filter_by(port_id=port_id).first()
    if trunk is not None:
        raise exception.PortInUseAsTrunkParent(port_id=port_id, trunk_id=trunk[0])
    sub = session.get(models.TrunkSubport, port_id)
    if sub is not None:
        raise exception.PortInUseAsSubPort(port_id=port_id, trunk_id=sub.trunk_id)


def delete(context, session, port_id, l3_allowed=False):
    port = PORTS.get_row(context, session, port_id)
    if port.device_owner in L3_OWNERS and not l3_allowed:
        raise exception.Conflict(
            reason='Port %s cannot be deleted directly via the port API: has device owner %s'
            % (port.id, port.device_owner))
    _check_not_on_trunk(session, port.id)
    routers = set()
    for fip in session.query(models.FloatingIP).filter_by(fixed_port_id=port.id):
        routers.add(fip.router_id)
        fip.fixed_port_id = fip.fixed_ip_address = fip.router_id = None
        fip.status = 'DOWN'
    session.flush()
    session.delete(port)
    # The routers that served its floating IPs hear of it (their NAT rules go).
    return {'id': port_id, 'network_id': port.network_id, 'device_owner': port.device_owner,
            'device_id': port.device_id, '_fip_routers': sorted(r for r in routers if r)}
