"""Routers, floating IPs, security groups, quotas, agents and the rest."""

from tests.unit.network.conftest import member


def _fault(resp):
    return resp.json['NeutronError']


def _topology(api, headers=None):
    public = api.network(name='public', **{'router:external': True,
                                           'provider:network_type': 'flat',
                                           'provider:physical_network': 'public'})
    api.subnet(public['id'], cidr='203.0.113.0/24', enable_dhcp=False)
    net = api.network(name='private', headers=headers)
    subnet = api.subnet(net['id'], headers=headers)
    return public, net, subnet


def test_router_gateway_interfaces_and_floating_ip(api, notifier):
    project = member('demo')
    public, net, subnet = _topology(api, project)
    router = api.post('/routers', {'router': {'name': 'r1'}}, project).json['router']
    router = api.put('/routers/%s' % router['id'], {'router': {
        'external_gateway_info': {'network_id': public['id']}}}, project).json['router']
    gw = router['external_gateway_info']
    assert gw['enable_snat'] is True and gw['external_fixed_ips'][0]['ip_address'].startswith(
        '203.0.113.')
    info = api.put('/routers/%s/add_router_interface' % router['id'],
                   {'subnet_id': subnet['id']}, project).json
    assert info['subnet_id'] == subnet['id'] and info['port_id']
    resp = api.put('/routers/%s/add_router_interface' % router['id'],
                   {'subnet_id': subnet['id']}, project, status=400)
    assert 'already has a port' in _fault(resp)['message']
    resp = api.delete('/ports/%s' % info['port_id'], project, status=409)
    resp = api.delete('/networks/%s' % net['id'], project, status=409)
    assert _fault(resp)['type'] == 'NetworkInUse'
    router = api.put('/routers/%s' % router['id'], {'router': {'routes': [
        {'destination': '172.16.0.0/16', 'nexthop': '10.0.0.9'}]}}, project).json['router']
    assert router['routes'] == [{'destination': '172.16.0.0/16', 'nexthop': '10.0.0.9'}]
    api.put('/routers/%s' % router['id'], {'router': {'routes': [
        {'destination': '172.16.0.0/16', 'nexthop': '192.0.2.1'}]}}, project, status=400)

    vm_port = api.port(net['id'], project)
    # Choosing the address is the admin's (for the project), as upstream.
    api.post('/floatingips', {'floatingip': {
        'floating_network_id': public['id'], 'floating_ip_address': '203.0.113.50'}},
        project, status=403)
    fip = api.post('/floatingips', {'floatingip': {
        'floating_network_id': public['id'], 'floating_ip_address': '203.0.113.50',
        'project_id': 'demo'}}).json['floatingip']
    assert fip['floating_ip_address'] == '203.0.113.50' and fip['port_id'] is None
    assert fip['project_id'] == 'demo'
    api.post('/floatingips', {'floatingip': {
        'floating_network_id': public['id'], 'floating_ip_address': '203.0.113.50'}},
        status=409)
    fip = api.put('/floatingips/%s' % fip['id'], {'floatingip': {'port_id': vm_port['id']}},
                  project).json['floatingip']
    assert fip['router_id'] == router['id']
    assert fip['fixed_ip_address'] == vm_port['fixed_ips'][0]['ip_address']
    assert ('routers_updated', ) == notifier.calls[-1][:1]
    resp = api.put('/routers/%s/remove_router_interface' % router['id'],
                   {'subnet_id': subnet['id']}, project, status=409)
    assert _fault(resp)['type'] == 'RouterInterfaceInUseByFloatingIP'
    api.put('/floatingips/%s' % fip['id'], {'floatingip': {'port_id': None}}, project)
    api.put('/routers/%s/remove_router_interface' % router['id'],
            {'subnet_id': subnet['id']}, project)
    resp = api.put('/routers/%s/remove_router_interface' % router['id'],
                   {'subnet_id': subnet['id']}, project, status=404)
    assert _fault(resp)['type'] == 'RouterInterfaceNotFoundForSubnet'
    api.delete('/floatingips/%s' % fip['id'], project)
    api.delete('/routers/%s' % router['id'], project)
    api.delete('/ports/%s' % vm_port['id'], project)
    api.delete('/networks/%s' % net['id'], project)


def test_floating_ip_needs_router_and_external_net(api):
    project = member('demo')
    public, net, subnet = _topology(api, project)
    resp = api.post('/floatingips', {'floatingip': {'floating_network_id': net['id']}},
                    project, status=400)
    port = api.port(net['id'], project)
    resp = api.post('/floatingips', {'floatingip': {'floating_network_id': public['id'],
                                                    'port_id': port['id']}}, project,
                    status=404)
    assert _fault(resp)['type'] == 'ExternalGatewayForFloatingIPNotFound'


def test_security_groups(api, notifier):
    project = member('sg-project')
    groups = api.get('/security-groups', project).json['security_groups']
    assert [g['name'] for g in groups] == ['default']
    assert len(groups[0]['security_group_rules']) == 4
    sg = api.post('/security-groups', {'security_group': {'name': 'web'}},
                  project).json['security_group']
    rule = api.post('/security-group-rules', {'security_group_rule': {
        'security_group_id': sg['id'], 'direction': 'ingress', 'protocol': 'tcp',
        'port_range_min': 80, 'port_range_max': 80, 'remote_ip_prefix': '0.0.0.0/0'}},
        project).json['security_group_rule']
    assert rule['protocol'] == 'tcp'
    assert notifier.calls[-1][0] == 'security_groups_rule_updated'
    resp = api.post('/security-group-rules', {'security_group_rule': {
        'security_group_id': sg['id'], 'direction': 'ingress', 'protocol': 'tcp',
        'port_range_min': 80, 'port_range_max': 80, 'remote_ip_prefix': '0.0.0.0/0'}},
        project, status=409)
    assert _fault(resp)['type'] == 'SecurityGroupRuleExists'
    api.post('/security-group-rules', {'security_group_rule': {
        'security_group_id': sg['id'], 'direction': 'ingress', 'protocol': 'tcp',
        'port_range_min': 90, 'port_range_max': 80}}, project, status=400)
    api.post('/security-group-rules', {'security_group_rule': {
        'security_group_id': sg['id'], 'direction': 'sideways'}}, project, status=400)
    api.get('/security-groups/%s' % sg['id'], member('other'), status=404)
    net = api.network(headers=project)
    api.subnet(net['id'], headers=project)
    port = api.port(net['id'], project, security_groups=[sg['id']])
    resp = api.delete('/security-groups/%s' % sg['id'], project, status=409)
    assert _fault(resp)['type'] == 'SecurityGroupInUse'
    api.delete('/ports/%s' % port['id'], project)
    api.delete('/security-group-rules/%s' % rule['id'], project)
    api.delete('/security-groups/%s' % sg['id'], project)


def test_quotas(api):
    project = member('quota-project')
    api.put('/quotas/quota-project', {'quota': {'network': 1}})
    api.put('/quotas/quota-project', {'quota': {'network': 1}}, project, status=403)
    assert api.get('/quotas/quota-project', project).json['quota']['network'] == 1
    api.network(headers=project)
    resp = api.post('/networks', {'network': {}}, project, status=409)
    assert _fault(resp)['type'] == 'OverQuota'
    details = api.get('/quotas/quota-project/details.json', project).json['quota']
    assert details['network'] == {'limit': 1, 'used': 1, 'reserved': 0}
    assert api.get('/quotas/quota-project/default').json['quota']['network'] == 100
    assert [q['project_id'] for q in api.get('/quotas').json['quotas']] == ['quota-project']
    api.put('/quotas/quota-project', {'quota': {'bogus': 1}}, status=400)
    api.put('/quotas/quota-project', {'quota': {'network': 0, 'check_limit': True}},
            status=400)
    api.delete('/quotas/quota-project')
    assert api.get('/quotas/quota-project').json['quota']['network'] == 100


def test_extensions_ip_availability_and_zones(api):
    aliases = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert {'router', 'security-group', 'quotas', 'external-net'} <= aliases
    assert api.get('/extensions/router').json['extension']['alias'] == 'router'
    assert _fault(api.get('/extensions/nope', status=404))['type'] == 'ExtensionNotFound'
    net = api.network(name='avail')
    api.subnet(net['id'], cidr='10.5.0.0/28')
    api.port(net['id'])
    item = api.get('/network-ip-availabilities/%s' % net['id']).json[
        'network_ip_availability']
    assert (item['total_ips'], item['used_ips']) == (13, 1)
    api.get('/network-ip-availabilities', member('x'), status=403)
    assert api.get('/availability_zones').json['availability_zones'] == []


def test_deleting_an_external_network_takes_its_floating_ips(api):
    net = api.network(name='ext', **{'router:external': True})
    api.subnet(net['id'], cidr='198.51.100.0/24', enable_dhcp=False)
    fip = api.post('/floatingips', {'floatingip': {'floating_network_id': net['id']}}
                   ).json['floatingip']
    api.delete('/networks/%s' % net['id'])
    api.get('/floatingips/%s' % fip['id'], status=404)
    assert api.get('/ports?network_id=%s' % net['id']).json['ports'] == []
