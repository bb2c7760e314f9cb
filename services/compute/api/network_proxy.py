"""nova's network proxy APIs, answered from the network service.

nova kept these after nova-network went away, as thin proxies to Neutron:
security groups and their rules, floating IPs and their pools, networks
(all below 2.36), the addFloatingIp / removeFloatingIp and addFixedIp /
removeFixedIp server actions (up to 2.43) and addSecurityGroup /
removeSecurityGroup (every version).  Every
call goes through the compute API's network client with the caller's own
token, so the network service decides what the caller sees and may change;
this module turns Neutron's shapes into nova's and Neutron's refusals into
nova's status codes.
"""

import ipaddress

from oslo_config import cfg
from oslo_utils import uuidutils

from common import exception as base_exc
from services.compute import clients
from services.compute import exception

CONF = cfg.CONF


def _call(context, method, path, params=None, body=None):
    return clients.network_client().proxy(context, method, path, params=params, body=body)


def _message(body, status):
    error = (body or {}).get('NeutronError') if isinstance(body, dict) else None
    return (error or {}).get('message') or 'The network service refused (%d).' % status


def _expect(result, not_found=None, refused=None):
    """The body of a 2xx answer; otherwise nova's condition for it: 404 as
    ``not_found``, 403 as itself, other 4xx as ``refused`` (a 400)."""
    status, body = result
    if status < 300:
        return body
    message = _message(body, status)
    if status == 404:
        raise not_found or exception.NotFound(message)
    if status == 403:
        raise base_exc.Forbidden(message)
    raise refused or exception.Invalid(reason=message)


def _id_param(ids):
    return {'id': sorted(ids)}


# -- security groups -----------------------------------------------------------

def check_group_property(value, name):
    """nova's rule for a group's name and description: a string of 1 to 255
    characters once stripped (the value itself is kept as given)."""
    if not isinstance(value, str):
        raise exception.Invalid(reason='Security group %s is not a string or unicode' % name)
    stripped = value.strip()
    if not stripped:
        raise exception.Invalid(reason='%s has a minimum character requirement of 1.' % name)
    if len(stripped) > 255:
        raise exception.Invalid(reason='%s has more than 255 characters.' % name)


def check_group_id(group_id):
    if not uuidutils.is_uuid_like(str(group_id)):
        raise exception.Invalid(reason='Security group id should be uuid')
    return str(group_id)


def _ports(lo, hi, protocol):
    if protocol and lo is None and hi is None:
        return (1, 65535) if protocol.upper() in ('TCP', 'UDP') else (-1, -1)
    return lo, hi


def rule_view(rule, groups_by_id):
    protocol = rule.get('protocol')
    lo, hi = _ports(rule.get('port_range_min'), rule.get('port_range_max'), protocol)
    view = {'id': rule['id'], 'parent_group_id': rule['security_group_id'],
            'ip_protocol': protocol, 'from_port': lo, 'to_port': hi,
            'group': {}, 'ip_range': {}}
    if rule.get('remote_group_id'):
        group = groups_by_id.get(rule['remote_group_id']) or {}
        view['group'] = {'name': group.get('name') or '',
                         'tenant_id': group.get('project_id') or group.get('tenant_id') or ''}
    else:
        view['ip_range'] = {'cidr': rule.get('remote_ip_prefix') or '0.0.0.0/0'}
    return view


def group_view(group, groups_by_id):
    """nova's view of a group: only its ingress rules (nova never showed
    Neutron's egress rules)."""
    return {'id': group['id'], 'name': group.get('name') or '',
            'description': group.get('description') or '',
            'tenant_id': group.get('project_id') or group.get('tenant_id') or '',
            'rules': [rule_view(rule, groups_by_id)
                      for rule in group.get('security_group_rules') or []
                      if rule.get('direction') == 'ingress']}


def _views(context, groups):
    known = {g['id']: g for g in groups}
    remote = {rule['remote_group_id'] for g in groups
              for rule in g.get('security_group_rules') or []
              if rule.get('remote_group_id') and rule['remote_group_id'] not in known}
    if remote:
        body = _expect(_call(context, 'GET', '/security-groups', _id_param(remote)))
        known.update({g['id']: g for g in body.get('security_groups', [])})
    return [group_view(g, known) for g in groups]


def list_groups(context, all_projects=False):
    params = None if all_projects else {'project_id': context.project_id}
    groups = _expect(_call(context, 'GET', '/security-groups', params))['security_groups']
    return _views(context, groups)


def _group(context, group_id):
    group_id = check_group_id(group_id)
    return _expect(_call(context, 'GET', '/security-groups/%s' % group_id),
                   exception.ProxiedSecurityGroupNotFound(group_id=group_id))['security_group']


def get_group(context, group_id):
    return _views(context, [_group(context, group_id)])[0]


def create_group(context, name, description):
    check_group_property(name, 'name')
    check_group_property(description, 'description')
    body = {'security_group': {'name': name, 'description': description}}
    group = _expect(_call(context, 'POST', '/security-groups', body=body))['security_group']
    return _views(context, [group])[0]


def update_group(context, group_id, name, description):
    group_id = check_group_id(group_id)
    check_group_property(name, 'name')
    check_group_property(description, 'description')
    body = {'security_group': {'name': name, 'description': description}}
    group = _expect(_call(context, 'PUT', '/security-groups/%s' % group_id, body=body),
                    exception.ProxiedSecurityGroupNotFound(group_id=group_id))['security_group']
    return _views(context, [group])[0]


def delete_group(context, group_id):
    """Neutron's refusals (the default group, a group in use) are nova's 400."""
    group_id = check_group_id(group_id)
    _expect(_call(context, 'DELETE', '/security-groups/%s' % group_id),
            exception.ProxiedSecurityGroupNotFound(group_id=group_id))


def _protocol(value):
    text = str(value).strip()
    if text.upper() in ('TCP', 'UDP', 'ICMP'):
        return text.lower()
    if text.isdigit() and 0 <= int(text) <= 255:
        return text
    raise exception.Invalid(reason='Invalid IP protocol %s.' % value)


def _port_number(value, lo, hi, what, from_port, to_port):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise exception.Invalid(reason='Invalid port range %s:%s. %s' % (
            from_port, to_port, 'Ports must be integers.'))
    if not lo <= number <= hi:
        raise exception.Invalid(reason='Invalid port range %s:%s. %s' % (from_port, to_port,
                                                                          what))
    return number


def _rule_ports(protocol, from_port, to_port):
    """Neutron's port_range_min/max for nova's from_port/to_port."""
    if protocol in ('tcp', 'udp'):
        lo = _port_number(from_port, 1, 65535, 'Valid %s ports should be between 1-65535'
                          % protocol.upper(), from_port, to_port)
        hi = _port_number(to_port, 1, 65535, 'Valid %s ports should be between 1-65535'
                          % protocol.upper(), from_port, to_port)
        if lo > hi:
            raise exception.Invalid(reason='Invalid port range %s:%s. Former value cannot '
                                           'be greater than the later' % (from_port, to_port))
        return lo, hi
    if protocol == 'icmp':
        kind = _port_number(from_port, -1, 255, 'Type and Code must be integers for ICMP '
                            'protocol type', from_port, to_port)
        code = _port_number(to_port, -1, 255, 'Type and Code must be integers for ICMP '
                            'protocol type', from_port, to_port)
        if kind == -1 and code != -1:
            raise exception.Invalid(reason='Invalid port range %s:%s. ICMP code needs a type'
                                    % (from_port, to_port))
        return (None if kind == -1 else kind), (None if code == -1 else code)
    return None, None


def _cidr(value):
    """``value`` when it is a CIDR, kept as given (host bits too), as nova passes
    it to the network service."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        ipaddress.ip_network(value, strict=False)
        return value
    except ValueError:
        raise exception.Invalid(reason='Invalid cidr %s.' % value)


def _same_rule(a, b):
    def key(rule):
        prefix = rule.get('remote_ip_prefix')
        if prefix in ('0.0.0.0/0', '::/0'):
            prefix = None
        return (rule.get('direction'), rule.get('ethertype'), rule.get('protocol'),
                rule.get('port_range_min'), rule.get('port_range_max'), prefix,
                rule.get('remote_group_id'))
    return key(a) == key(b)


def create_rule(context, args):
    """An ingress rule of ``parent_group_id`` from nova's fields."""
    parent = _group(context, args['parent_group_id'])
    group_id, protocol = args.get('group_id'), args.get('ip_protocol')
    from_port, to_port = args.get('from_port'), args.get('to_port')
    rule = {'security_group_id': parent['id'], 'direction': 'ingress', 'ethertype': 'IPv4'}
    if group_id is not None:
        rule['remote_group_id'] = _group(context, group_id)['id']
    else:
        cidr = _cidr(args.get('cidr') or '0.0.0.0/0')
        rule['remote_ip_prefix'] = cidr
        rule['ethertype'] = 'IPv6' if ':' in cidr else 'IPv4'
    if protocol is not None and from_port is not None and to_port is not None:
        rule['protocol'] = _protocol(protocol)
        rule['port_range_min'], rule['port_range_max'] = _rule_ports(
            rule['protocol'], from_port, to_port)
    elif protocol is not None or from_port is not None or to_port is not None:
        raise exception.Invalid(reason='Not enough parameters to build a valid rule.')
    if any(_same_rule(rule, dict({'port_range_min': None, 'port_range_max': None,
                                  'protocol': None}, **existing))
           for existing in parent.get('security_group_rules') or []):
        raise exception.Invalid(reason='This rule already exists in group %s' % parent['id'])
    created = _expect(_call(context, 'POST', '/security-group-rules',
                            body={'security_group_rule': rule}))['security_group_rule']
    return rule_view(created, {parent['id']: parent} if group_id is None else
                     {g['id']: g for g in (parent, _group(context, group_id))})


def delete_rule(context, rule_id):
    if not uuidutils.is_uuid_like(str(rule_id)):
        raise exception.Invalid(reason='Security group id should be uuid')
    _expect(_call(context, 'DELETE', '/security-group-rules/%s' % rule_id),
            exception.SecurityGroupRuleNotFound(rule_id=rule_id))


def _instance_ports(context, instance):
    return _expect(_call(context, 'GET', '/ports', {'device_id': instance.uuid}))['ports']


def instance_groups(context, instance):
    """The groups on the server's ports, sorted as nova sorts them."""
    ids = {g for port in _instance_ports(context, instance)
           for g in port.get('security_groups') or []}
    if not ids:
        return []
    groups = _expect(_call(context, 'GET', '/security-groups', _id_param(ids)))
    views = _views(context, groups['security_groups'])
    return sorted(views, key=lambda g: (g['tenant_id'], g['name']))


def _find_group(context, project_id, name_or_id):
    groups = _expect(_call(context, 'GET', '/security-groups',
                           {'project_id': project_id}))['security_groups']
    matches = [g for g in groups if g['id'] == name_or_id] or \
        [g for g in groups if g.get('name') == name_or_id]
    if not matches:
        raise exception.ProxiedSecurityGroupNotFound(group_id=name_or_id)
    if len(matches) > 1:
        raise exception.Conflict(reason='Multiple security_group matches found for name '
                                        "'%s', use an ID to be more specific." % name_or_id)
    return matches[0]


def _set_port_groups(context, port, group_ids):
    _expect(_call(context, 'PUT', '/ports/%s' % port['id'],
                  body={'port': {'security_groups': group_ids}}))


def add_to_instance(context, instance, name):
    """Put group ``name`` (or ID) of the server's project on every port of
    the server; the names the server shows follow.  Returns the group."""
    group = _find_group(context, instance.project_id, name)
    ports = _instance_ports(context, instance)
    if not ports:
        raise exception.NotFound('instance_id %s could not be found as device id on any '
                                 'ports' % instance.uuid)
    for port in ports:
        if port.get('port_security_enabled') is False:
            raise exception.Invalid(reason='Network requires port_security_enabled and '
                                           'subnet associated in order to apply security '
                                           'groups.')
    for port in ports:
        current = list(port.get('security_groups') or [])
        if group['id'] not in current:
            _set_port_groups(context, port, current + [group['id']])
    return group


def remove_from_instance(context, instance, name):
    """Take group ``name`` off the server's ports: a 404 when no port has it."""
    group = _find_group(context, instance.project_id, name)
    found = False
    for port in _instance_ports(context, instance):
        current = list(port.get('security_groups') or [])
        if group['id'] in current:
            current.remove(group['id'])
            _set_port_groups(context, port, current)
            found = True
    if not found:
        raise exception.NotFound('Security group %s not associated with the instance %s'
                                 % (name, instance.uuid))
    return group


# -- floating IPs ------------------------------------------------------------

def _external_networks(context):
    return _expect(_call(context, 'GET', '/networks',
                         {'router:external': 'True'}))['networks']


def pools(context):
    return [{'name': n.get('name') or n['id']} for n in _external_networks(context)]


def _fip_views(context, fips):
    names = {n['id']: n.get('name') or n['id'] for n in _external_networks(context)}
    port_ids = {f['port_id'] for f in fips if f.get('port_id')}
    devices = {}
    if port_ids:
        ports = _expect(_call(context, 'GET', '/ports', _id_param(port_ids)))['ports']
        devices = {p['id']: p.get('device_id') or None for p in ports
                   if (p.get('device_owner') or '').startswith('compute:')}
    return [{'id': f['id'], 'ip': f.get('floating_ip_address'),
             'fixed_ip': f.get('fixed_ip_address'),
             'pool': names.get(f.get('floating_network_id'), f.get('floating_network_id')),
             'instance_id': devices.get(f.get('port_id'))} for f in fips]


def list_floating_ips(context):
    fips = _expect(_call(context, 'GET', '/floatingips',
                         {'project_id': context.project_id}))['floatingips']
    return _fip_views(context, fips)


def get_floating_ip(context, fip_id):
    if not uuidutils.is_uuid_like(str(fip_id)):
        raise exception.FloatingIpNotFound(id=fip_id)
    fip = _expect(_call(context, 'GET', '/floatingips/%s' % fip_id),
                  exception.FloatingIpNotFound(id=fip_id))['floatingip']
    return _fip_views(context, [fip])[0]


def allocate_floating_ip(context, pool=None):
    pool = pool or CONF.compute_api.default_floating_pool
    networks = _external_networks(context)
    matches = [n for n in networks if n['id'] == pool] or \
        [n for n in networks if n.get('name') == pool]
    if not matches:
        raise exception.FloatingIpPoolNotFound()
    if len(matches) > 1:
        raise exception.Conflict(reason='Multiple floating IP pools matches found for name '
                                        "'%s'" % pool)
    status, body = _call(context, 'POST', '/floatingips', body={
        'floatingip': {'floating_network_id': matches[0]['id']}})
    if status >= 300:
        kind = ((body or {}).get('NeutronError') or {}).get('type') \
            if isinstance(body, dict) else None
        if kind == 'OverQuota':
            raise exception.FloatingIpLimitExceeded(pool=pool)
        if status in (404, 409) or kind in ('IpAddressGenerationFailure',
                                            'ExternalGatewayForFloatingIPNotFound'):
            raise exception.NoMoreFloatingIps(pool=pool)
        _expect((status, body))
    return _fip_views(context, [body['floatingip']])[0]


def release_floating_ip(context, fip_id):
    if not uuidutils.is_uuid_like(str(fip_id)):
        raise exception.FloatingIpNotFound(id=fip_id)
    _expect(_call(context, 'DELETE', '/floatingips/%s' % fip_id),
            exception.FloatingIpNotFound(id=fip_id))


def _fip_by_address(context, address):
    fips = _expect(_call(context, 'GET', '/floatingips',
                         {'floating_ip_address': address}))['floatingips']
    if not fips:
        raise exception.FloatingIpNotFoundForAddress()
    return fips[0]


def associate(context, instance, address, fixed_address=None):
    """nova's addFloatingIp: onto the port holding ``fixed_address`` (by
    default the server's first IPv4 address)."""
    vifs = instance.network_info or []
    if not vifs:
        raise exception.Invalid(reason='Instance network is not ready yet')
    fixed = [(ip['ip_address'], vif['port_id']) for vif in vifs
             for ip in vif.get('fixed_ips') or []]
    if not fixed:
        raise exception.Invalid(reason='No fixed IPs associated to instance')
    if fixed_address:
        chosen = [f for f in fixed if f[0] == fixed_address]
        if not chosen:
            raise exception.Invalid(reason='Specified fixed address not assigned to instance')
    else:
        chosen = [f for f in fixed if ipaddress.ip_address(f[0]).version == 4]
        if not chosen:
            raise exception.Invalid(reason='Unable to associate floating IP %s to any fixed '
                                           'IPs for instance %s. Instance has no fixed IPv4 '
                                           'addresses to associate.' % (address, instance.uuid))
    fixed_address, port_id = chosen[0]
    fip = _fip_by_address(context, address)
    status, body = _call(context, 'PUT', '/floatingips/%s' % fip['id'], body={
        'floatingip': {'port_id': port_id, 'fixed_ip_address': fixed_address}})
    if status == 403:
        raise base_exc.Forbidden(_message(body, status))
    if status >= 300:
        raise exception.Invalid(reason='Unable to associate floating IP %s to fixed IP %s for '
                                       'instance %s. Error: %s' % (
                                           address, fixed_address, instance.uuid,
                                           _message(body, status)))


def disassociate(context, instance, address):
    """nova's removeFloatingIp: 409 unless the address is on this server."""
    fip = _fip_by_address(context, address)
    ports = {vif['port_id'] for vif in instance.network_info or []}
    if not fip.get('port_id') or fip['port_id'] not in ports:
        raise exception.Conflict(reason='Floating IP %s is not associated with instance %s.'
                                 % (address, instance.uuid))
    _expect(_call(context, 'PUT', '/floatingips/%s' % fip['id'],
                  body={'floatingip': {'port_id': None}}))


# -- fixed IPs (multinic) -------------------------------------------------------

def _set_fixed_ips(context, port, fixed_ips):
    return _call(context, 'PUT', '/ports/%s' % port['id'],
                 body={'port': {'fixed_ips': fixed_ips}})


def add_fixed_ip(context, instance, network_id):
    """nova's addFixedIp: one more address on the server's port on
    ``network_id``, from the first of the network's subnets that has one
    free (400 when the server has no port there or no subnet has room)."""
    ports = [p for p in _instance_ports(context, instance) if p['network_id'] == network_id]
    if not ports:
        raise exception.Invalid(reason='Network %s is not attached to instance %s.'
                                % (network_id, instance.uuid))
    port = ports[0]
    subnets = _expect(_call(context, 'GET', '/subnets', {'network_id': network_id}))['subnets']
    for subnet in subnets:
        kept = [{'subnet_id': ip['subnet_id'], 'ip_address': ip['ip_address']}
                for ip in port.get('fixed_ips') or []]
        status, _body = _set_fixed_ips(context, port, kept + [{'subnet_id': subnet['id']}])
        if status < 300:
            return
        if status == 403:
            raise base_exc.Forbidden(_message(_body, status))
    raise exception.NoMoreFixedIps(network_id=network_id)


def remove_fixed_ip(context, instance, address):
    """nova's removeFixedIp: the address taken off the server's port that
    holds it (400 when none does)."""
    for port in _instance_ports(context, instance):
        fixed_ips = port.get('fixed_ips') or []
        kept = [{'subnet_id': ip['subnet_id'], 'ip_address': ip['ip_address']}
                for ip in fixed_ips if ip['ip_address'] != address]
        if len(kept) < len(fixed_ips):
            _expect(_set_fixed_ips(context, port, kept))
            return
    raise exception.FixedIpNotFoundForInstance(instance_uuid=instance.uuid, ip=address)


# -- networks ------------------------------------------------------------------

_NETWORK_FIELDS = ('id', 'cidr', 'netmask', 'gateway', 'broadcast', 'dns1', 'dns2',
                   'cidr_v6', 'gateway_v6', 'label', 'netmask_v6')
_NETWORK_ADMIN_FIELDS = ('created_at', 'updated_at', 'deleted_at', 'deleted', 'injected',
                         'bridge', 'vlan', 'vpn_public_address', 'vpn_public_port',
                         'vpn_private_address', 'dhcp_start', 'project_id', 'host',
                         'bridge_interface', 'multi_host', 'priority', 'rxtx_base', 'mtu',
                         'dhcp_server', 'enable_dhcp', 'share_address')


def network_view(context, network):
    """os-networks: nova's nova-network fields, of which a Neutron network
    fills the ID and the label (admins see the admin-only ones, empty)."""
    fields = _NETWORK_FIELDS + (_NETWORK_ADMIN_FIELDS if context.is_admin else ())
    view = dict.fromkeys(fields)
    view.update(id=network['id'], label=network.get('name') or '')
    return view


def _network(context, network_id):
    if not uuidutils.is_uuid_like(str(network_id)):
        raise exception.ProxiedNetworkNotFound(network_id=network_id)
    return _expect(_call(context, 'GET', '/networks/%s' % network_id),
                   exception.ProxiedNetworkNotFound(network_id=network_id))['network']


def list_networks(context):
    return _expect(_call(context, 'GET', '/networks'))['networks']


def get_network(context, network_id):
    return _network(context, network_id)


def tenant_network_views(context, networks):
    """os-tenant-networks: id, label and the network's first subnet's CIDR
    (IPv4 first)."""
    ids = {n['id'] for n in networks}
    cidrs = {}
    if ids:
        subnets = _expect(_call(context, 'GET', '/subnets',
                                {'network_id': sorted(ids)}))['subnets']
        for subnet in sorted(subnets, key=lambda s: s.get('ip_version', 4)):
            cidrs.setdefault(subnet['network_id'], subnet.get('cidr'))
    return [{'id': n['id'], 'label': n.get('name') or '', 'cidr': cidrs.get(n['id'])}
            for n in networks]
