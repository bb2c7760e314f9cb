"""Auto-allocated topology and the default external network."""

from tests.unit.network.conftest import member

DEMO = member('demo')
OTHER = member('other')
URL = '/auto-allocated-topology/%s'


def _fault(resp):
    return resp.json['NeutronError']


def _public(api, **attrs):
    net = api.network(name='public', **dict({'router:external': True}, **attrs))
    api.subnet(net['id'], cidr='203.0.113.0/24', enable_dhcp=False)
    return net


def _pool(api, prefix, length):
    return api.post('/subnetpools', {'subnetpool': {
        'name': 'default-%s' % length, 'prefixes': [prefix], 'default_prefixlen': length,
        'is_default': True, 'shared': True}}).json['subnetpool']


def test_one_default_external_network(api):
    first = _public(api, is_default=True)
    assert first['is_default'] is True
    resp = api.post('/networks', {'network': {'name': 'p2', 'router:external': True,
                                              'is_default': True}}, status=409)
    assert _fault(resp)['type'] == 'DefaultExternalNetworkExists'
    second = _public(api)
    api.put('/networks/%s' % second['id'], {'network': {'is_default': True}}, status=409)
    # Internal networks are never the default.
    internal = api.network(is_default=True)
    assert internal['is_default'] is False
    api.put('/networks/%s' % first['id'], {'network': {'is_default': False}})
    api.put('/networks/%s' % second['id'], {'network': {'is_default': True}})
    # Members cannot set it.
    api.post('/networks', {'network': {'name': 'n', 'is_default': True}}, DEMO, status=403)


def test_requirements_and_dry_run(api):
    fault = _fault(api.get(URL % 'demo' + '?fields=dry-run', DEMO, status=409))
    assert fault['type'] == 'AutoAllocationFailure'
    assert 'No default router:external network' in fault['message']
    _public(api, is_default=True)
    fault = _fault(api.get(URL % 'demo', DEMO, status=409))
    assert 'No default subnetpools defined' in fault['message']
    _pool(api, '10.128.0.0/16', 26)
    dry = api.get(URL % 'demo' + '?fields=dry-run', DEMO).json['auto_allocated_topology']
    assert dry['id'] == 'dry-run=pass' and dry['tenant_id'] == 'demo'
    # A dry run builds nothing.
    assert api.get('/networks?name=auto_allocated_network').json['networks'] == []
    api.get(URL % 'demo' + '?fields=name', DEMO, status=400)


def test_topology_is_built_once_and_deleted(api):
    public = _public(api, is_default=True)
    _pool(api, '10.128.0.0/16', 26)
    _pool(api, '2001:db8:abc::/48', 64)
    topo = api.get(URL % 'demo', DEMO).json['auto_allocated_topology']
    assert topo['tenant_id'] == 'demo'
    net = api.get('/networks/%s' % topo['id'], DEMO).json['network']
    assert net['name'] == 'auto_allocated_network' and net['project_id'] == 'demo'
    subnets = api.get('/subnets?network_id=%s' % net['id'], DEMO).json['subnets']
    assert sorted(s['ip_version'] for s in subnets) == [4, 6]
    assert {s['name'] for s in subnets} == {'auto_allocated_subnet_v4',
                                            'auto_allocated_subnet_v6'}
    router = api.get('/routers', DEMO).json['routers'][0]
    assert router['name'] == 'auto_allocated_router'
    assert router['external_gateway_info']['network_id'] == public['id']
    ports = api.get('/ports?device_id=%s&device_owner=network:router_interface'
                    % router['id'], DEMO).json['ports']
    assert {ip['subnet_id'] for p in ports for ip in p['fixed_ips']} == {
        s['id'] for s in subnets}
    # Asked again: the same network.
    again = api.get(URL % 'None', DEMO).json['auto_allocated_topology']
    assert again['id'] == topo['id']
    # Another project's topology is the admin's to ask for.
    api.get(URL % 'demo', OTHER, status=403)
    assert api.get(URL % 'other').json['auto_allocated_topology']['id'] != topo['id']
    api.delete(URL % 'demo', DEMO)
    api.get('/networks/%s' % topo['id'], DEMO, status=404)
    api.get('/routers/%s' % router['id'], DEMO, status=404)
    # Nothing left to delete is no error.
    api.delete(URL % 'demo', DEMO)


def test_extension_listed(api):
    assert api.get('/extensions/auto-allocated-topology').json['extension']['name']
