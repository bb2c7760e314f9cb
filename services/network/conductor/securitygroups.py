"""Security groups and rules, with the per-project default group."""

import netaddr
from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import queries
from services.network.conductor import quotas
from services.network.db import models

SG_COLUMNS = queries.standard_columns(models.SecurityGroup, 'stateful')
RULE_COLUMNS = queries.standard_columns(
    models.SecurityGroupRule, 'security_group_id', 'remote_group_id', 'direction',
    'ethertype', 'protocol', 'port_range_min', 'port_range_max', 'remote_ip_prefix')
PROTOCOL_NUMBERS = {'icmp': 1, 'igmp': 2, 'tcp': 6, 'egp': 8, 'pgm': 113, 'udp': 17,
                    'dccp': 33, 'ipv6-encap': 41, 'ipv6-route': 43, 'ipv6-frag': 44,
                    'rsvp': 46, 'gre': 47, 'esp': 50, 'ah': 51, 'icmpv6': 58,
                    'ipv6-icmp': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ospf': 89,
                    'ipip': 94, 'vrrp': 112, 'l2tp': 115, 'sctp': 132, 'udplite': 136}
#: Protocols whose rules may carry a port range (tcp, udp, udplite, dccp, sctp).
PORT_PROTOCOL_NUMBERS = (6, 17, 33, 132, 136)
#: Protocols whose rules carry an ICMP type (port_range_min) and code (port_range_max).
ICMP_PROTOCOL_NUMBERS = (1, 58)
IPV6_ONLY_PROTOCOLS = ('icmpv6', 'ipv6-icmp', '58', 'ipv6-encap', 'ipv6-frag',
                       'ipv6-nonxt', 'ipv6-opts', 'ipv6-route')


def _normalized(prefix):
    """The network of ``prefix`` (``10.2.3.0/24`` for ``10.2.3.124/24``)."""
    return str(netaddr.IPNetwork(prefix).cidr) if prefix else None


def rule_dict(rule):
    result = queries.standard_dict(rule)
    result.pop('tags')
    result.update({
        'security_group_id': rule.security_group_id, 'direction': rule.direction,
        'ethertype': rule.ethertype, 'protocol': rule.protocol,
        'port_range_min': rule.port_range_min, 'port_range_max': rule.port_range_max,
        'remote_ip_prefix': rule.remote_ip_prefix, 'remote_group_id': rule.remote_group_id,
        'remote_address_group_id': None,
        'normalized_cidr': _normalized(rule.remote_ip_prefix),
        'belongs_to_default_sg': None,
    })
    return result


def make_dict(group):
    result = queries.standard_dict(group)
    result.update({'name': group.name, 'stateful': group.stateful, 'shared': False,
                   'security_group_rules': [rule_dict(r) for r in group.rules]})
    return result


def _new_rule(project_id, group_id, direction, ethertype, **extra):
    return models.SecurityGroupRule(id=uuidutils.generate_uuid(), project_id=project_id,
                                    security_group_id=group_id, direction=direction,
                                    ethertype=ethertype, description='', revision_number=0,
                                    **extra)


def _new_group(session, project_id, name, description, default_rules, is_default=False):
    group = models.SecurityGroup(id=uuidutils.generate_uuid(), project_id=project_id,
                                 name=name, description=description, revision_number=1)
    for ethertype in ('IPv4', 'IPv6'):
        group.rules.append(_new_rule(project_id, group.id, 'egress', ethertype))
        if is_default:
            group.rules.append(_new_rule(project_id, group.id, 'ingress', ethertype,
                                         remote_group_id=group.id))
    session.add(group)
    session.flush()
    return group


def ensure_default(context, session, project_id):
    """The project's ``default`` group, created on first need.

    The ``default_security_groups`` key means only one writer wins; a loser's
    transaction fails with a duplicate and the manager retries it.
    """
    if not project_id:
        return None
    row = session.get(models.DefaultSecurityGroup, project_id)
    if row is not None:
        return row.security_group_id
    group = _new_group(session, project_id, 'default', 'Default security group', True,
                       is_default=True)
    session.add(models.DefaultSecurityGroup(project_id=project_id,
                                            security_group_id=group.id))
    session.flush()
    return group.id


GROUPS = queries.Visible(
    models.SecurityGroup, lambda i: exception.SecurityGroupNotFound(id=i), make_dict,
    SG_COLUMNS)


def get_all(context, session, filters=None, **page):
    if not queries.is_admin(context):
        ensure_default(context, session, context.project_id)
    return GROUPS.get_all(context, session, filters, **page)


def create(context, session, body):
    project_id = queries.new_project(context, body)
    if body.get('name') == 'default':
        raise exception.SecurityGroupDefaultAlreadyExists()
    ensure_default(context, session, project_id)
    quotas.check(session, project_id, 'security_group')
    group = _new_group(session, project_id, body.get('name', ''),
                       body.get('description', ''), False)
    group.stateful = body.get('stateful', True)
    return make_dict(group)


def update(context, session, group_id, body):
    group = GROUPS.get_row(context, session, group_id)
    if 'name' in body and body['name'] != group.name:
        if _is_default(session, group):
            raise exception.SecurityGroupCannotUpdateDefault()
        if body['name'] == 'default':
            # One group per project is called default: the project's own.
            raise exception.SecurityGroupDefaultAlreadyExists()
    queries.bump(group, {k: body[k] for k in ('name', 'description', 'stateful') if k in body})
    session.flush()
    return make_dict(group)


def _is_default(session, group):
    row = session.get(models.DefaultSecurityGroup, group.project_id)
    return row is not None and row.security_group_id == group.id


def delete(context, session, group_id):
    group = GROUPS.get_row(context, session, group_id)
    if _is_default(session, group) and not queries.is_admin(context):
        raise exception.SecurityGroupCannotRemoveDefault()
    if session.query(models.PortSecurityGroup).filter_by(security_group_id=group.id).first():
        raise exception.SecurityGroupInUse(id=group.id, reason='in use')
    session.query(models.DefaultSecurityGroup).filter_by(security_group_id=group.id).delete()
    session.delete(group)
    return {'id': group_id}


# -- rules -----------------------------------------------------------------

RULES = queries.Visible(
    models.SecurityGroupRule, lambda i: exception.SecurityGroupRuleNotFound(id=i), rule_dict,
    RULE_COLUMNS)


def _normalize_protocol(protocol):
    if protocol in (None, 'any', ''):
        return None
    value = str(protocol).lower()
    if value in PROTOCOL_NUMBERS:
        return value
    try:
        number = int(value)
    except ValueError:
        raise exception.InvalidInput(error_message='Security group rule protocol %s not '
                                     'supported' % protocol)
    if not 0 <= number <= 255:
        raise exception.InvalidInput(error_message='Security group rule protocol %s not '
                                     'supported' % protocol)
    return str(number)


def _protocol_number(protocol):
    if protocol is None:
        return None
    if protocol in PROTOCOL_NUMBERS:
        return PROTOCOL_NUMBERS[protocol]
    return int(protocol)


def _validate_ports(protocol, low, high):
    """Neutron's port/ICMP checks, in neutron's order and with its words."""
    if low is None and high is None:
        return
    for value in (low, high):
        if value is not None and not 0 <= value <= 65535:
            raise exception.SecurityGroupInvalidPortValue(port=value)
    if protocol is None:
        raise exception.SecurityGroupProtocolRequiredWithPorts()
    number = _protocol_number(protocol)
    if number in PORT_PROTOCOL_NUMBERS:
        if low == 0 or high == 0:
            raise exception.SecurityGroupInvalidPortValue(port=0)
        if low is None or high is None or low > high:
            raise exception.SecurityGroupInvalidPortRange()
    elif number in ICMP_PROTOCOL_NUMBERS:
        for field, attr, value in (('type', 'port_range_min', low),
                                   ('code', 'port_range_max', high)):
            if value is not None and not 0 <= value <= 255:
                raise exception.SecurityGroupInvalidIcmpValue(field=field, attr=attr,
                                                              value=value)
        if low is None:
            raise exception.SecurityGroupMissingIcmpType(value=high)
    else:
        raise exception.SecurityGroupInvalidProtocolForPort(protocol=protocol)


def _validate_ethertype(protocol, ethertype):
    if ethertype == 'IPv4' and protocol in IPV6_ONLY_PROTOCOLS:
        raise exception.SecurityGroupEthertypeConflictWithProtocol(
            ethertype=ethertype, protocol=protocol)


def create_rule(context, session, body):
    group = GROUPS.get_row(context, session, body['security_group_id'])
    project_id = body.get('project_id') or group.project_id
    if not queries.owned_by(context, group):
        raise exception.PolicyNotAuthorized(action='create_security_group_rule')
    quotas.check(session, project_id, 'security_group_rule')
    direction = body.get('direction')
    ethertype = body.get('ethertype', 'IPv4')
    protocol = _normalize_protocol(body.get('protocol'))
    low, high = body.get('port_range_min'), body.get('port_range_max')
    _validate_ports(protocol, low, high)
    _validate_ethertype(protocol, ethertype)
    prefix = body.get('remote_ip_prefix')
    remote_group = body.get('remote_group_id')
    if prefix and remote_group:
        raise exception.InvalidInput(error_message='Only remote_ip_prefix or remote_group_id '
                                     'may be provided')
    if prefix:
        try:
            net = netaddr.IPNetwork(prefix)
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise exception.InvalidCIDR(input=prefix)
        if ('IPv%d' % net.version) != ethertype:
            raise exception.InvalidInput(error_message='Conflicting value ethertype %s for '
                                         'CIDR %s' % (ethertype, prefix))
        # kept as given, as neutron does; normalized_cidr shows its network
        prefix = str(net)
    if remote_group:
        GROUPS.get_row(context, session, remote_group)
    values = dict(direction=direction, ethertype=ethertype, protocol=protocol,
                  port_range_min=low, port_range_max=high, remote_ip_prefix=prefix,
                  remote_group_id=remote_group)
    def same(rule, key, value):
        if key == 'remote_ip_prefix':
            return _normalized(rule.remote_ip_prefix) == _normalized(value)
        return getattr(rule, key) == value
    for rule in group.rules:
        if all(same(rule, k, v) for k, v in values.items()):
            raise exception.SecurityGroupRuleExists(rule_id=rule.id)
    rule = _new_rule(project_id, group.id, **values)
    rule.description = body.get('description', '')
    group.rules.append(rule)
    group.revision_number += 1
    try:
        session.flush()
    except db_exc.DBReferenceError:
        raise exception.SecurityGroupNotFound(id=remote_group or group.id)
    return rule_dict(rule)


def delete_rule(context, session, rule_id):
    rule = RULES.get_row(context, session, rule_id)
    group_id = rule.security_group_id
    session.delete(rule)
    return {'id': rule_id, 'security_group_id': group_id}
