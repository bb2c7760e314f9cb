"""Networks, subnets and ports through the API and the in-process conductor."""

from tests.unit.network.conftest import member


def _fault(resp):
    body = resp.json['NeutronError']
    assert set(body) == {'type', 'message', 'detail'}
    return body


def test_versions_and_resource_index(api):
    assert api.app.get('/').json['versions'][0]['id'] == 'v2.0'
    names = {r['collection'] for r in api.get('').json['resources']}
    assert {'networks', 'ports', 'security-groups', 'routers'} <= names


def test_network_crud_and_segment(api, notifier):
    net = api.network(name='n1')
    assert net['status'] == 'ACTIVE' and net['mtu'] == 1450
    assert net['provider:network_type'] == 'vxlan'
    assert ('network_update', ) == notifier.calls[-1][:1]
    shown = api.get('/networks/%s' % net['id']).json['network']
    assert shown['name'] == 'n1'
    updated = api.put('/networks/%s' % net['id'], {'network': {'name': 'n2'}}).json['network']
    assert updated['name'] == 'n2' and updated['revision_number'] == net['revision_number'] + 1
    assert [n['id'] for n in api.get('/networks?name=n2').json['networks']] == [net['id']]
    api.delete('/networks/%s' % net['id'])
    body = _fault(api.get('/networks/%s' % net['id'], status=404))
    assert body['type'] == 'NetworkNotFound'


def test_provider_attributes_are_admin_only(api):
    resp = api.post('/networks', {'network': {'name': 'x', 'provider:network_type': 'vlan',
                                              'provider:physical_network': 'physnet1'}},
                    headers=member('p1'), status=403)
    assert _fault(resp)['type'] == 'HTTPForbidden'
    net = api.network(**{'provider:network_type': 'vlan',
                         'provider:physical_network': 'physnet1',
                         'provider:segmentation_id': 1200})
    assert net['provider:segmentation_id'] == 1200
    resp = api.post('/networks', {'network': {'provider:network_type': 'vlan',
                                              'provider:physical_network': 'physnet1',
                                              'provider:segmentation_id': 1200}}, status=409)
    assert _fault(resp)['type'] == 'SegmentationIdInUse'
    flat = api.network(**{'provider:network_type': 'flat',
                          'provider:physical_network': 'ext'})
    assert flat['provider:segmentation_id'] is None and flat['mtu'] == 1500
    # A member does not see provider attributes of a shared network.
    api.put('/networks/%s' % flat['id'], {'network': {'shared': True}})
    seen = api.get('/networks/%s' % flat['id'], headers=member('p1')).json['network']
    assert 'provider:network_type' not in seen and seen['shared'] is True


def test_unknown_attribute_and_bad_json(api):
    resp = api.post('/networks', {'network': {'bogus': 1}}, status=400)
    assert 'bogus' in _fault(resp)['message']
    resp = api.app.post('/v2.0/networks', 'not json', status=400,
                        headers={'Content-Type': 'application/json'})
    assert _fault(resp)['type'] == 'HTTPBadRequest'


def test_subnet_validation(api):
    net = api.network()
    subnet = api.subnet(net['id'], dns_nameservers=['8.8.8.8'],
                        host_routes=[{'destination': '10.1.0.0/16', 'nexthop': '10.0.0.5'}])
    assert subnet['gateway_ip'] == '10.0.0.1'
    assert subnet['allocation_pools'] == [{'start': '10.0.0.2', 'end': '10.0.0.254'}]
    cases = [
        ({'cidr': '10.0.0.128/25'}, 400, 'InvalidInput'),            # overlap
        ({'cidr': '10.9.0.1/24'}, 400, 'InvalidInput'),              # host bits set
        ({'cidr': 'banana'}, 400, 'InvalidCIDR'),
        # A gateway outside the CIDR is allowed (test_conformance_fixes), not
        # the broadcast address.
        ({'cidr': '10.2.0.0/24', 'gateway_ip': '10.2.0.255'}, 400, 'InvalidInput'),
        ({'cidr': '10.2.0.0/24', 'allocation_pools': [
            {'start': '10.2.0.10', 'end': '10.2.0.20'},
            {'start': '10.2.0.15', 'end': '10.2.0.30'}]}, 409, 'OverlappingAllocationPools'),
        ({'cidr': '10.2.0.0/24', 'gateway_ip': '10.2.0.12', 'allocation_pools': [
            {'start': '10.2.0.10', 'end': '10.2.0.20'}]}, 409,
         'GatewayConflictWithAllocationPools'),
        ({'cidr': '10.2.0.0/24', 'allocation_pools': [
            {'start': '10.3.0.10', 'end': '10.3.0.20'}]}, 400, 'InvalidInput'),
        ({'cidr': '2001:db8::/64'}, 400, 'InvalidInput'),            # version mismatch
    ]
    for attrs, status, fault_type in cases:
        body = dict({'network_id': net['id'], 'ip_version': 4}, **attrs)
        resp = api.post('/subnets', {'subnet': body}, status=status)
        assert _fault(resp)['type'] == fault_type, attrs
    v6 = api.subnet(net['id'], cidr='2001:db8::/64', ip_version=6,
                    ipv6_address_mode='slaac', ipv6_ra_mode='slaac')
    port = api.port(net['id'])
    by_subnet = {ip['subnet_id']: ip['ip_address'] for ip in port['fixed_ips']}
    assert by_subnet[v6['id']].startswith('2001:db8::') and subnet['id'] in by_subnet


def test_fixed_ip_errors_and_exhaustion(api):
    net = api.network()
    subnet = api.subnet(net['id'], cidr='192.168.5.0/29',
                        allocation_pools=[{'start': '192.168.5.2', 'end': '192.168.5.3'}])
    port = api.port(net['id'], fixed_ips=[{'ip_address': '192.168.5.3'}])
    assert port['fixed_ips'] == [{'subnet_id': subnet['id'], 'ip_address': '192.168.5.3'}]
    resp = api.post('/ports', {'port': {'network_id': net['id'], 'fixed_ips': [
        {'subnet_id': subnet['id'], 'ip_address': '192.168.5.3'}]}}, status=409)
    assert _fault(resp)['type'] == 'IpAddressInUse'
    resp = api.post('/ports', {'port': {'network_id': net['id'], 'fixed_ips': [
        {'subnet_id': subnet['id'], 'ip_address': '192.168.9.3'}]}}, status=400)
    assert _fault(resp)['type'] == 'InvalidIpForSubnet'
    api.port(net['id'])
    resp = api.post('/ports', {'port': {'network_id': net['id']}}, status=409)
    assert _fault(resp)['type'] == 'IpAddressGenerationFailure'
    resp = api.delete('/networks/%s' % net['id'], status=409)
    assert _fault(resp)['type'] == 'NetworkInUse'
    resp = api.delete('/subnets/%s' % subnet['id'], status=409)
    assert _fault(resp)['type'] == 'SubnetInUse'
    ports = api.get('/ports?network_id=%s' % net['id']).json['ports']
    assert len(ports) == 2
    by_ip = api.get('/ports?fixed_ips=ip_address%3D192.168.5.3').json['ports']
    assert [p['id'] for p in by_ip] == [port['id']]


def test_port_update_security_and_binding(api):
    net = api.network()
    api.subnet(net['id'])
    port = api.port(net['id'], **{'binding:host_id': 'node1'})
    assert port['binding:vif_type'] == 'ovs' and len(port['security_groups']) == 1
    assert port['binding:vif_details']['bridge_name'] == 'br-int'
    resp = api.put('/ports/%s' % port['id'], {'port': {'port_security_enabled': False}},
                   status=400)
    assert _fault(resp)['type'] == 'InvalidInput'
    updated = api.put('/ports/%s' % port['id'], {'port': {
        'port_security_enabled': False, 'security_groups': []}}).json['port']
    assert updated['security_groups'] == [] and updated['port_security_enabled'] is False
    updated = api.put('/ports/%s' % port['id'], {'port': {
        'fixed_ips': [{'ip_address': '10.0.0.77'}]}}).json['port']
    assert [ip['ip_address'] for ip in updated['fixed_ips']] == ['10.0.0.77']


def test_projects_are_isolated(api):
    one, two = member('project-one'), member('project-two')
    net1 = api.network(headers=one)
    net2 = api.network(headers=two)
    s1 = api.subnet(net1['id'], headers=one)
    s2 = api.subnet(net2['id'], headers=two)
    assert s1['cidr'] == s2['cidr']
    assert [n['id'] for n in api.get('/networks', headers=one).json['networks']] == [net1['id']]
    api.get('/networks/%s' % net2['id'], headers=one, status=404)
    api.put('/networks/%s' % net2['id'], {'network': {'name': 'x'}}, headers=one, status=404)
    api.delete('/networks/%s' % net2['id'], headers=one, status=404)
    resp = api.post('/ports', {'port': {'network_id': net2['id']}}, headers=one, status=404)
    assert _fault(resp)['type'] == 'NetworkNotFound'
    # As upstream: naming another project is a bad request for a non-admin.
    resp = api.post('/networks', {'network': {'project_id': 'project-two'}}, headers=one,
                    status=400)
    assert _fault(resp)['type'] == 'HTTPBadRequest'
    assert len(api.get('/networks').json['networks']) == 2


def test_pagination_sorting_fields(api):
    for name in ('c', 'a', 'b'):
        api.network(name=name)
    page = api.get('/networks?limit=2&sort_key=name&sort_dir=asc&fields=name').json
    assert [n['name'] for n in page['networks']] == ['a', 'b']
    assert page['networks'][0] == {'name': 'a'}
    link = page['networks_links'][0]['href']
    assert 'marker=' in link
    nxt = api.app.get(link[link.index('/v2.0'):], headers={'X-Roles': 'admin'}).json
    assert [n['name'] for n in nxt['networks']] == ['c']
    api.get('/networks?limit=x', status=400)
    api.get('/networks?sort_key=bogus', status=400)
    api.get('/networks?shared=maybe', status=400)


def test_port_creates_and_updates_do_not_grow_the_validator_cache(api):
    # Body schemas are built once: one built per request would add a cached
    # validator (and its build cost) on every create and update.
    from common import validation
    net = api.network()
    port = api.port(net['id'])
    api.put('/ports/%s' % port['id'], {'port': {'name': 'p'}})
    api.put('/networks/%s' % net['id'], {'network': {'name': 'n'}})
    before = len(validation._VALIDATORS)
    for index in range(5):
        made = api.port(net['id'], name='port-%d' % index)
        api.put('/ports/%s' % made['id'], {'port': {'name': 'q-%d' % index}})
        api.put('/networks/%s' % net['id'], {'network': {'name': 'n-%d' % index}})
    assert len(validation._VALIDATORS) == before
