"""A small Neutron v2.0 stand-in behind ``FakeNetworkClient.proxy``: the
calls the compute API's nova-network proxies make (security groups and
rules, floating IPs, networks, subnets, ports), over the fake client's
JSON stores.  Unit tests only; the real network service answers these in
every deployment.

Ports of the fake client may carry group names (the fake has every group a
user names at create): they are read as the project's group of that name,
made on first need.
"""

import ipaddress
import re
import uuid

_ROUTES = []


def _route(method, pattern):
    def register(func):
        _ROUTES.append((method, re.compile('^%s$' % pattern), func))
        return func
    return register


def _error(status, kind, message):
    return status, {'NeutronError': {'type': kind, 'message': message, 'detail': ''}}


def _as_list(value):
    if value is None:
        return None
    return value if isinstance(value, list) else [value]


class FakeNeutron:
    def __init__(self, networks, ports, groups, floatingips):
        self.networks, self.ports = networks, ports
        self.groups, self.floatingips = groups, floatingips

    def call(self, context, method, path, params=None, body=None):
        for route_method, regex, func in _ROUTES:
            found = regex.match(path)
            if found and route_method == method:
                return func(self, context, params or {}, body or {}, *found.groups())
        return _error(404, 'HTTPNotFound', 'The resource could not be found.')

    # -- helpers -----------------------------------------------------------
    @staticmethod
    def _visible(context, item):
        return context.is_admin or item.get('project_id') in (None, context.project_id)

    def _ensure_group(self, data, project_id, name):
        for group in data.values():
            if group['project_id'] == project_id and group['name'] == name:
                return group
        group_id = str(uuid.uuid4())
        data[group_id] = {
            'id': group_id, 'name': name, 'project_id': project_id, 'tenant_id': project_id,
            'description': 'Default security group' if name == 'default' else '',
            'security_group_rules': [
                {'id': str(uuid.uuid4()), 'security_group_id': group_id,
                 'direction': 'egress', 'ethertype': ethertype, 'protocol': None,
                 'port_range_min': None, 'port_range_max': None, 'remote_ip_prefix': None,
                 'remote_group_id': None} for ethertype in ('IPv4', 'IPv6')]}
        return data[group_id]

    def _group_ids(self, port):
        """A fake port's groups as IDs (names resolved in its project)."""
        project = port.get('project_id') or 'fake-project'

        def resolve(data):
            return [g if g in data else self._ensure_group(data, project, g)['id']
                    for g in port.get('security_groups') or []]
        return self.groups.update(resolve)

    def _port_view(self, port):
        return dict(port, security_groups=self._group_ids(port),
                    device_owner=port.get('device_owner') or
                    ('compute:nova' if port.get('device_id') else ''))

    # -- security groups ---------------------------------------------------
    @_route('GET', '/security-groups')
    def list_groups(self, context, params, body):
        self.groups.update(lambda data: self._ensure_group(data, context.project_id,
                                                           'default'))
        ids, project = _as_list(params.get('id')), params.get('project_id')
        groups = [g for g in self.groups.read().values() if self._visible(context, g)
                  and (ids is None or g['id'] in ids)
                  and (project is None or g['project_id'] == project)]
        return 200, {'security_groups': groups}

    @_route('GET', '/security-groups/([^/]+)')
    def show_group(self, context, params, body, group_id):
        group = self.groups.read().get(group_id)
        if group is None or not self._visible(context, group):
            return _error(404, 'SecurityGroupNotFound', 'Security group %s does not exist'
                          % group_id)
        return 200, {'security_group': group}

    @_route('POST', '/security-groups')
    def create_group(self, context, params, body):
        fields = body['security_group']

        def create(data):
            group = self._ensure_group(data, context.project_id, str(uuid.uuid4()))
            group.update(name=fields.get('name', ''), description=fields.get('description', ''))
            return group
        return 201, {'security_group': self.groups.update(create)}

    @_route('PUT', '/security-groups/([^/]+)')
    def update_group(self, context, params, body, group_id):
        status, found = self.show_group(context, params, body, group_id)
        if status != 200:
            return status, found

        def update(data):
            data[group_id].update({k: v for k, v in body['security_group'].items()
                                   if k in ('name', 'description')})
            return data[group_id]
        return 200, {'security_group': self.groups.update(update)}

    @_route('DELETE', '/security-groups/([^/]+)')
    def delete_group(self, context, params, body, group_id):
        status, found = self.show_group(context, params, body, group_id)
        if status != 200:
            return status, found
        if found['security_group']['name'] == 'default' and not context.is_admin:
            return _error(409, 'SecurityGroupCannotRemoveDefault',
                          'Insufficient rights for removing default security group.')
        if any(group_id in self._group_ids(p) for p in self.ports.read().values()):
            return _error(409, 'SecurityGroupInUse', 'Security Group %s in use.' % group_id)

        def delete(data):
            del data[group_id]
            for group in data.values():
                group['security_group_rules'] = [
                    r for r in group['security_group_rules']
                    if r.get('remote_group_id') != group_id]
        self.groups.update(delete)
        return 204, {}

    @_route('POST', '/security-group-rules')
    def create_rule(self, context, params, body):
        fields = dict({'protocol': None, 'port_range_min': None, 'port_range_max': None,
                       'remote_ip_prefix': None, 'remote_group_id': None},
                      **body['security_group_rule'])
        status, found = self.show_group(context, params, body, fields['security_group_id'])
        if status != 200:
            return status, found
        rule = dict(fields, id=str(uuid.uuid4()))

        def create(data):
            rules = data[fields['security_group_id']]['security_group_rules']
            if any({k: r.get(k) for k in fields} == fields for r in rules):
                return None
            rules.append(rule)
            return rule
        created = self.groups.update(create)
        if created is None:
            return _error(409, 'SecurityGroupRuleExists', 'Security group rule already exists.')
        return 201, {'security_group_rule': created}

    @_route('DELETE', '/security-group-rules/([^/]+)')
    def delete_rule(self, context, params, body, rule_id):
        def delete(data):
            for group in data.values():
                for rule in group['security_group_rules']:
                    if rule['id'] == rule_id and self._visible(context, group):
                        group['security_group_rules'].remove(rule)
                        return True
            return False
        if not self.groups.update(delete):
            return _error(404, 'SecurityGroupRuleNotFound', 'Security group rule %s does '
                          'not exist' % rule_id)
        return 204, {}

    # -- ports, networks, subnets ----------------------------------------------
    @_route('GET', '/ports')
    def list_ports(self, context, params, body):
        ids, device = _as_list(params.get('id')), params.get('device_id')
        ports = [self._port_view(p) for p in self.ports.read().values()
                 if (ids is None or p['id'] in ids) and
                 (device is None or p.get('device_id') == device)]
        return 200, {'ports': ports}

    @_route('PUT', '/ports/([^/]+)')
    def update_port(self, context, params, body, port_id):
        def update(data):
            if port_id not in data:
                return None
            data[port_id].update({k: v for k, v in body['port'].items()
                                  if k == 'security_groups'})
            if 'fixed_ips' in body['port']:
                data[port_id]['fixed_ips'] = self._fixed_ips(data, data[port_id],
                                                             body['port']['fixed_ips'])
            return data[port_id]
        port = self.ports.update(update)
        if port is None:
            return _error(404, 'PortNotFound', 'Port %s could not be found.' % port_id)
        return 200, {'port': self._port_view(port)}

    def _fixed_ips(self, data, port, requested):
        """The port's new addresses: those asked by address kept, one free
        address of the network (the fake's one subnet) for each asked by
        subnet only."""
        network = self.networks.read()[port['network_id']]
        used = {ip['ip_address'] for p in data.values() for ip in p.get('fixed_ips') or []}
        hosts = list(ipaddress.ip_network(network.get('cidr', '192.0.2.0/24'),
                                          strict=False).hosts())[1:]
        result = []
        for entry in requested:
            address = entry.get('ip_address') or next(
                (str(ip) for ip in hosts if str(ip) not in used), None)
            used.add(address)
            result.append({'ip_address': address, 'subnet_id': entry['subnet_id']})
        return result

    def _networks(self, context):
        return [n for n in self.networks.read().values()
                if n.get('shared', True) or self._visible(context, n)]

    @_route('GET', '/networks')
    def list_networks(self, context, params, body):
        nets = self._networks(context)
        if 'router:external' in params:
            nets = [n for n in nets if n.get('router:external')]
        return 200, {'networks': nets}

    @_route('GET', '/networks/([^/]+)')
    def show_network(self, context, params, body, network_id):
        nets = {n['id']: n for n in self._networks(context)}
        if network_id not in nets:
            return _error(404, 'NetworkNotFound', 'Network %s could not be found.'
                          % network_id)
        return 200, {'network': nets[network_id]}

    @_route('GET', '/subnets')
    def list_subnets(self, context, params, body):
        ids = _as_list(params.get('network_id'))
        return 200, {'subnets': [
            {'id': n['id'], 'network_id': n['id'], 'ip_version': 4,
             'cidr': n.get('cidr', '192.0.2.0/24')} for n in self._networks(context)
            if ids is None or n['id'] in ids]}

    # -- floating IPs ------------------------------------------------------------
    @_route('GET', '/floatingips')
    def list_fips(self, context, params, body):
        project, address = params.get('project_id'), params.get('floating_ip_address')
        port = params.get('port_id')
        return 200, {'floatingips': [
            f for f in self.floatingips.read().values() if self._visible(context, f)
            and (project is None or f['project_id'] == project)
            and (address is None or f['floating_ip_address'] == address)
            and (port is None or f.get('port_id') == port)]}

    @_route('GET', '/floatingips/([^/]+)')
    def show_fip(self, context, params, body, fip_id):
        fip = self.floatingips.read().get(fip_id)
        if fip is None or not self._visible(context, fip):
            return _error(404, 'FloatingIPNotFound', 'Floating IP %s could not be found'
                          % fip_id)
        return 200, {'floatingip': fip}

    @_route('POST', '/floatingips')
    def create_fip(self, context, params, body):
        network = self.networks.read().get(body['floatingip']['floating_network_id'])
        if not network or not network.get('router:external'):
            return _error(404, 'NetworkNotFound', 'Network could not be found.')
        subnet = ipaddress.ip_network(network.get('cidr', '203.0.113.0/24'))

        def allocate(data):
            used = {f['floating_ip_address'] for f in data.values()}
            free = next((str(ip) for ip in subnet.hosts() if str(ip) not in used), None)
            if free is None:
                return None
            fip = {'id': str(uuid.uuid4()), 'floating_ip_address': free,
                   'floating_network_id': network['id'], 'project_id': context.project_id,
                   'tenant_id': context.project_id, 'port_id': None,
                   'fixed_ip_address': None, 'status': 'DOWN'}
            data[fip['id']] = fip
            return fip
        fip = self.floatingips.update(allocate)
        if fip is None:
            return _error(409, 'IpAddressGenerationFailure', 'No more IP addresses available.')
        return 201, {'floatingip': fip}

    @_route('PUT', '/floatingips/([^/]+)')
    def update_fip(self, context, params, body, fip_id):
        status, found = self.show_fip(context, params, body, fip_id)
        if status != 200:
            return status, found
        port_id = body['floatingip'].get('port_id')
        if port_id and any(f['port_id'] == port_id and f['id'] != fip_id
                           for f in self.floatingips.read().values()):
            return _error(409, 'FloatingIPPortAlreadyAssociated',
                          'Port %s already has a floating IP.' % port_id)

        fixed = body['floatingip'].get('fixed_ip_address') or self._first_v4(port_id)

        def update(data):
            data[fip_id].update(port_id=port_id, fixed_ip_address=fixed if port_id else None)
            return data[fip_id]
        return 200, {'floatingip': self.floatingips.update(update)}

    def _first_v4(self, port_id):
        """The address a floating IP takes on a port when none is named."""
        port = self.ports.read().get(port_id) or {}
        return next((ip['ip_address'] for ip in port.get('fixed_ips') or []
                     if ipaddress.ip_address(ip['ip_address']).version == 4), None)

    @_route('DELETE', '/floatingips/([^/]+)')
    def delete_fip(self, context, params, body, fip_id):
        status, found = self.show_fip(context, params, body, fip_id)
        if status != 200:
            return status, found
        self.floatingips.update(lambda data: data.pop(fip_id))
        return 204, {}
