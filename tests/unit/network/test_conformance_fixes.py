"""Behaviour neutron's API reference and Tempest expect: gateways outside the
CIDR, floating IPs on router ports, agents and subnets as non-admins, the
default security group name, DVR as non-admin, port filters, extra DHCP
options and atomic extra routes."""

from tests.unit.network.conftest import member

DEMO = member('demo')
OTHER = member('other')


def _fault(resp):
    return resp.json['NeutronError']


def _public(api):
    public = api.network(name='public', **{'router:external': True})
    api.subnet(public['id'], cidr='203.0.113.0/24', enable_dhcp=False)
    return public


def test_gateway_outside_the_cidr(api):
    net = api.network(DEMO)
    subnet = api.subnet(net['id'], headers=DEMO, gateway_ip='192.168.99.1')
    assert subnet['gateway_ip'] == '192.168.99.1'
    # The whole range is allocatable: the gateway takes none of it.
    assert subnet['allocation_pools'] == [{'start': '10.0.0.1', 'end': '10.0.0.254'}]
    subnet = api.put('/subnets/%s' % subnet['id'], {'subnet': {'gateway_ip': '10.1.0.1'}},
                     DEMO).json['subnet']
    assert subnet['gateway_ip'] == '10.1.0.1'
    resp = api.put('/subnets/%s' % subnet['id'], {'subnet': {'gateway_ip': '2001:db8::1'}},
                   DEMO, status=400)
    assert _fault(resp)['type'] == 'InvalidInput'
    resp = api.post('/subnets', {'subnet': {'network_id': net['id'], 'cidr': '10.9.0.0/24',
                                            'ip_version': 4, 'gateway_ip': '10.9.0.255'}},
                    DEMO, status=400)


def test_floating_ip_on_a_port_added_to_a_router(api):
    public = _public(api)
    net = api.network(DEMO)
    subnet = api.subnet(net['id'], headers=DEMO)
    port = api.port(net['id'], DEMO)
    router = api.post('/routers', {'router': {'name': 'r', 'external_gateway_info': {
        'network_id': public['id']}}}, DEMO).json['router']
    api.put('/routers/%s/add_router_interface' % router['id'], {'port_id': port['id']}, DEMO)
    fip = api.post('/floatingips', {'floatingip': {'floating_network_id': public['id']}},
                   DEMO).json['floatingip']
    fip = api.put('/floatingips/%s' % fip['id'], {'floatingip': {'port_id': port['id']}},
                  DEMO).json['floatingip']
    assert fip['router_id'] == router['id'] and fip['port_id'] == port['id']
    assert fip['fixed_ip_address'] == port['fixed_ips'][0]['ip_address']
    # A VM port on the same subnet too.
    vm = api.port(net['id'], DEMO)
    other = api.post('/floatingips', {'floatingip': {
        'floating_network_id': public['id'], 'port_id': vm['id']}}, DEMO).json['floatingip']
    assert other['router_id'] == router['id']
    # Not the DHCP server's port.
    dhcp = api.port(net['id'], DEMO, device_owner='network:dhcp')
    resp = api.put('/floatingips/%s' % other['id'], {'floatingip': {'port_id': dhcp['id']}},
                   DEMO, status=400)
    assert 'unable to be assigned a floating IP' in _fault(resp)['message']
    assert subnet


def test_agents_list_empty_for_non_admins(api, conductor):
    from common import context
    from services.network.agents.rpc import rpcapi as agent_rpcapi
    from tests.unit.network.test_agent_rpc import OVS_STATE

    agent_rpcapi.PluginAPI().report_state(context.get_admin_context(), OVS_STATE)
    agents = api.get('/agents').json['agents']
    assert len(agents) == 1
    assert api.get('/agents', DEMO).json == {'agents': []}
    api.get('/agents/%s' % agents[0]['id'], DEMO, status=404)
    api.put('/agents/%s' % agents[0]['id'], {'agent': {'description': 'x'}}, DEMO,
            status=404)


def test_external_networks_subnets_stay_their_owners(api):
    public = _public(api)
    shared = api.network(name='shared', shared=True)
    shared_subnet = api.subnet(shared['id'], cidr='10.50.0.0/24')
    listed = {s['id'] for s in api.get('/subnets', DEMO).json['subnets']}
    assert listed == {shared_subnet['id']}
    public_subnet = public['subnets'] or api.get('/networks/%s' % public['id']).json[
        'network']['subnets']
    api.get('/subnets/%s' % public_subnet[0], DEMO, status=404)
    # The network is still seen, as neutron shows it.
    api.get('/networks/%s' % public['id'], DEMO)
    # An admin-made subnet on a project's own network is the project's to see.
    own = api.network(DEMO)
    admin_made = api.subnet(own['id'], cidr='10.60.0.0/24')
    assert api.get('/subnets/%s' % admin_made['id'], DEMO).json['subnet']['id'] == \
        admin_made['id']
    assert admin_made['id'] in {s['id'] for s in api.get('/subnets', DEMO).json['subnets']}
    api.get('/subnets/%s' % admin_made['id'], OTHER, status=404)
    # Members still use the external network for floating IPs and gateways.
    api.post('/floatingips', {'floatingip': {'floating_network_id': public['id']}}, DEMO)


def test_default_security_group_name_is_taken(api):
    resp = api.post('/security-groups', {'security_group': {'name': 'default'}}, DEMO,
                    status=409)
    assert _fault(resp)['type'] == 'SecurityGroupDefaultAlreadyExists'
    group = api.post('/security-groups', {'security_group': {'name': 'g'}},
                     DEMO).json['security_group']
    resp = api.put('/security-groups/%s' % group['id'],
                   {'security_group': {'name': 'default'}}, DEMO, status=409)
    assert _fault(resp)['type'] == 'SecurityGroupDefaultAlreadyExists'
    default = [g for g in api.get('/security-groups?name=default', DEMO).json[
        'security_groups']][0]
    resp = api.put('/security-groups/%s' % default['id'],
                   {'security_group': {'name': 'other'}}, DEMO, status=409)
    assert _fault(resp)['type'] == 'SecurityGroupCannotUpdateDefault'
    api.put('/security-groups/%s' % default['id'],
            {'security_group': {'description': 'd'}}, DEMO)


def test_rule_port_out_of_range_message(api):
    group = api.post('/security-groups', {'security_group': {'name': 'g'}},
                     DEMO).json['security_group']
    for low, high, bad in ((-16, 80, -16), (80, 65536, 65536)):
        resp = api.post('/security-group-rules', {'security_group_rule': {
            'security_group_id': group['id'], 'direction': 'ingress', 'protocol': 'tcp',
            'port_range_min': low, 'port_range_max': high}}, DEMO, status=400)
        assert 'Invalid value for port %s' % bad in _fault(resp)['message']


def test_distributed_and_ha_routers(api):
    for key in ('distributed', 'ha'):
        for value in (True, False):
            api.post('/routers', {'router': {'name': 'r', key: value}}, DEMO, status=403)
        api.post('/routers', {'router': {'name': 'r', key: True}}, status=400)
        router = api.post('/routers', {'router': {'name': 'r', key: False}}).json['router']
        assert router[key] is False


def test_ip_address_substr_filter(api):
    net = api.network(DEMO)
    api.subnet(net['id'], cidr='10.100.0.0/24', headers=DEMO)
    one = api.port(net['id'], DEMO, fixed_ips=[{'ip_address': '10.100.0.12'}])
    two = api.port(net['id'], DEMO, fixed_ips=[{'ip_address': '10.100.0.21'}])

    def found(value):
        return {p['id'] for p in api.get('/ports?fixed_ips=ip_address_substr=%s' % value,
                                         DEMO).json['ports']}
    assert found('10.100.0.1') == {one['id']}
    assert found('0.2') == {two['id']}
    assert found('100.0') == {one['id'], two['id']}
    assert found('%25') == set()  # a LIKE wildcard matches only itself


def test_extra_dhcp_opts(api):
    net = api.network(DEMO)
    api.subnet(net['id'], headers=DEMO)
    opts = [{'opt_name': 'bootfile-name', 'opt_value': 'pxelinux.0'},
            {'opt_name': 'tftp-server', 'opt_value': '123.123.123.123', 'ip_version': 4}]
    port = api.port(net['id'], DEMO, extra_dhcp_opts=opts)
    want = [dict(o, ip_version=4) for o in opts]
    assert sorted(port['extra_dhcp_opts'], key=str) == sorted(want, key=str)
    assert api.get('/ports/%s' % port['id'], DEMO).json['port']['extra_dhcp_opts'] == \
        port['extra_dhcp_opts']
    listed = api.get('/ports?id=%s' % port['id'], DEMO).json['ports'][0]
    assert listed['extra_dhcp_opts'] == port['extra_dhcp_opts']
    port = api.put('/ports/%s' % port['id'], {'port': {'extra_dhcp_opts': [
        {'opt_name': 'bootfile-name', 'opt_value': 'changed'},
        {'opt_name': 'tftp-server', 'opt_value': None},
        {'opt_name': 'server-ip-address', 'opt_value': '2001:db8::1', 'ip_version': 6}]}},
        DEMO).json['port']
    assert sorted(port['extra_dhcp_opts'], key=str) == sorted([
        {'opt_name': 'bootfile-name', 'opt_value': 'changed', 'ip_version': 4},
        {'opt_name': 'server-ip-address', 'opt_value': '2001:db8::1', 'ip_version': 6}],
        key=str)
    api.put('/ports/%s' % port['id'], {'port': {'extra_dhcp_opts': [{'opt_value': 'x'}]}},
            DEMO, status=400)


def test_add_and_remove_extraroutes(api):
    net = api.network(DEMO)
    subnet = api.subnet(net['id'], headers=DEMO)
    router = api.post('/routers', {'router': {'name': 'r'}}, DEMO).json['router']
    api.put('/routers/%s/add_router_interface' % router['id'], {'subnet_id': subnet['id']},
            DEMO)
    path = '/routers/%s/' % router['id']
    one = {'destination': '10.10.0.0/24', 'nexthop': '10.0.0.10'}
    two = {'destination': '10.20.0.0/24', 'nexthop': '10.0.0.20'}
    body = api.put(path + 'add_extraroutes', {'router': {'routes': [one, two]}}, DEMO).json
    assert body['router']['routes'] == [one, two]
    body = api.put(path + 'add_extraroutes', {'router': {'routes': [one]}}, DEMO).json
    assert body['router']['routes'] == [one, two]
    body = api.put(path + 'remove_extraroutes', {'router': {'routes': [
        one, {'destination': '10.99.0.0/24', 'nexthop': '10.0.0.99'}]}}, DEMO).json
    assert body['router']['routes'] == [two]
    api.put(path + 'add_extraroutes', {'router': {'routes': [
        {'destination': '10.30.0.0/24', 'nexthop': '192.0.2.1'}]}}, DEMO, status=400)
    api.put(path + 'add_extraroutes', {'routes': [one]}, DEMO, status=400)
    api.put(path + 'add_extraroutes', {'router': {'routes': [one]}}, OTHER, status=404)
    reader = {'X-Project-Id': 'demo', 'X-User-Id': 'r', 'X-Roles': 'reader'}
    api.put(path + 'add_extraroutes', {'router': {'routes': [one]}}, reader, status=403)
    assert api.get('/routers/%s' % router['id'], DEMO).json['router']['routes'] == [two]
    aliases = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert {'extraroute-atomic', 'extra_dhcp_opt', 'standard-attr-tag'} <= aliases


def _rule(api, group, status, **fields):
    body = dict({'security_group_id': group['id'], 'direction': 'ingress'}, **fields)
    return api.post('/security-group-rules', {'security_group_rule': body}, DEMO,
                    status=status)


def test_rule_port_and_icmp_checks(api):
    group = api.post('/security-groups', {'security_group': {'name': 'g'}},
                     DEMO).json['security_group']
    cases = [
        ('tcp', -16, 80, 'SecurityGroupInvalidPortValue', 'Invalid value for port -16'),
        ('tcp', 80, 79, 'SecurityGroupInvalidPortRange',
         'port_range_min must be <= port_range_max'),
        ('tcp', 80, 65536, 'SecurityGroupInvalidPortValue', 'Invalid value for port 65536'),
        ('tcp', None, 6, 'SecurityGroupInvalidPortRange',
         'port_range_min must be <= port_range_max'),
        ('tcp', -16, 65536, 'SecurityGroupInvalidPortValue', 'Invalid value for port'),
        ('tcp', 0, 10, 'SecurityGroupInvalidPortValue', 'Invalid value for port 0'),
        ('icmp', 1, 256, 'SecurityGroupInvalidIcmpValue', 'Invalid value for ICMP code'),
        ('icmp', -1, 25, 'SecurityGroupInvalidPortValue', 'Invalid value'),
        ('icmp', None, 6, 'SecurityGroupMissingIcmpType',
         'ICMP type (port-range-min) is missing'),
        ('icmp', 300, 1, 'SecurityGroupInvalidIcmpValue', 'Invalid value for ICMP type'),
        (None, 22, 22, 'SecurityGroupProtocolRequiredWithPorts', 'protocol'),
        ('gre', 1, 2, 'SecurityGroupInvalidProtocolForPort', 'gre'),
        ('47', 1, 2, 'SecurityGroupInvalidProtocolForPort', '47'),
    ]
    for protocol, low, high, kind, text in cases:
        fault = _fault(_rule(api, group, 400, protocol=protocol, port_range_min=low,
                             port_range_max=high))
        assert (fault['type'], text in fault['message']) == (kind, True), (protocol, low, high)
    # What neutron accepts.
    for protocol, low, high in (('tcp', 22, 22), ('udp', 1, 65535), ('icmp', 8, None),
                                ('icmp', 0, 0), ('icmp', 3, 255), ('6', 80, 81),
                                ('sctp', 5, 6), ('icmp', None, None)):
        _rule(api, group, 201, protocol=protocol, port_range_min=low, port_range_max=high)


def test_rule_ethertype_against_protocol_and_prefix(api):
    group = api.post('/security-groups', {'security_group': {'name': 'g'}},
                     DEMO).json['security_group']
    fault = _fault(_rule(api, group, 400, protocol='ipv6-icmp', ethertype='IPv4'))
    assert fault['type'] == 'SecurityGroupEthertypeConflictWithProtocol'
    _rule(api, group, 201, protocol='ipv6-icmp', ethertype='IPv6')
    for ethertype, prefix in (('IPv6', '10.0.0.0/24'), ('IPv4', '2001:db8::/64')):
        fault = _fault(_rule(api, group, 400, protocol='tcp', ethertype=ethertype,
                             remote_ip_prefix=prefix))
        assert 'Conflicting value ethertype' in fault['message']
    for prefix in ('192.168.1./24', '192.168.1.1/33', 'bad_prefix', '256'):
        _rule(api, group, 400, protocol='tcp', remote_ip_prefix=prefix)
    for remote in ('bad_group_id', '6b1f2b7e-4b53-4e0b-9d52-3f5f3d7c0a11'):
        _rule(api, group, 404, protocol='tcp', remote_group_id=remote)
    _rule(api, group, 400, protocol='bad_protocol_name')
    _rule(api, group, 400, protocol='udp', ethertype='bad_ethertype')
    _rule(api, {'id': '6b1f2b7e-4b53-4e0b-9d52-3f5f3d7c0a12'}, 404)


def test_rule_prefix_kept_as_given_with_its_normalized_cidr(api):
    # As neutron: remote_ip_prefix as given, normalized_cidr its network (nova's
    # os-security-group-rules then shows the cidr Tempest sent).
    group = api.post('/security-groups', {'security_group': {'name': 'g'}},
                     DEMO).json['security_group']
    body = {'security_group_rule': {'security_group_id': group['id'], 'direction': 'ingress',
                                    'protocol': 'tcp', 'port_range_min': 22,
                                    'port_range_max': 22, 'remote_ip_prefix': '10.2.3.124/24'}}
    rule = api.post('/security-group-rules', body, DEMO, status=201).json['security_group_rule']
    assert (rule['remote_ip_prefix'], rule['normalized_cidr']) == ('10.2.3.124/24', '10.2.3.0/24')
    shown = api.get('/security-group-rules/%s' % rule['id'], DEMO).json['security_group_rule']
    assert shown['normalized_cidr'] == '10.2.3.0/24'
    # the same network spelled otherwise is the same rule
    body['security_group_rule']['remote_ip_prefix'] = '10.2.3.0/24'
    api.post('/security-group-rules', body, DEMO, status=409)
