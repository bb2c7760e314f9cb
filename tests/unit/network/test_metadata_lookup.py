"""The conductor's side of the metadata path and of the L3 agent's sync,
through the real agent RPC client (PluginAPI 1.1 ``get_metadata_port``)."""

from common import context
from services.network.agents.rpc import rpcapi as agent_rpcapi


def _topology(api):
    public = api.network(**{'router:external': True, 'provider:network_type': 'flat',
                            'provider:physical_network': 'public'})
    api.subnet(public['id'], cidr='203.0.113.0/24', enable_dhcp=False,
               gateway_ip='203.0.113.1')
    net = api.network()
    subnet = api.subnet(net['id'], cidr='10.1.0.0/24')
    router = api.post('/routers', {'router': {'name': 'r', 'external_gateway_info': {
        'network_id': public['id']}}}).json['router']
    api.put('/routers/%s/add_router_interface' % router['id'], {'subnet_id': subnet['id']})
    return public, net, subnet, router


def test_sync_routers_gives_the_external_subnets(api, conductor):
    plugin = agent_rpcapi.PluginAPI()
    plugin.report_state(context.get_admin_context(), {
        'agent_type': 'L3 agent', 'binary': 'neutron-l3-agent', 'topic': 'l3_agent',
        'host': 'node1', 'configurations': {}})
    public, _, _, router = _topology(api)
    synced = plugin.sync_routers(context.get_admin_context(), 'node1', [router['id']])
    gw = synced[0]['gw_port']
    assert [s['gateway_ip'] for s in gw['subnets']] == ['203.0.113.1']
    assert gw['subnets'][0]['network_id'] == public['id']
    # Each side's MTU, for the router's devices (a VXLAN network's is smaller).
    assert gw['mtu'] == public['mtu']
    assert synced[0]['_interfaces'][0]['mtu'] == api.get(
        '/networks/%s' % synced[0]['_interfaces'][0]['network_id']).json['network']['mtu']


def test_metadata_port_by_address_and_router(api, conductor):
    plugin = agent_rpcapi.PluginAPI()
    ctx = context.get_admin_context()
    _, net, _, router = _topology(api)
    vm = api.port(net['id'], device_owner='compute:nova', device_id='instance-1')
    address = vm['fixed_ips'][0]['ip_address']
    found = plugin.get_metadata_port(ctx, address, router_id=router['id'])
    assert found == {'id': vm['id'], 'device_id': 'instance-1',
                     'project_id': vm['project_id'], 'network_id': net['id']}
    assert plugin.get_metadata_port(ctx, address, network_id=net['id']) == found
    # Another router, another network, an unknown address: nothing.
    other = api.post('/routers', {'router': {'name': 'r2'}}).json['router']
    assert plugin.get_metadata_port(ctx, address, router_id=other['id']) is None
    assert plugin.get_metadata_port(ctx, address, network_id='nope') is None
    assert plugin.get_metadata_port(ctx, '10.1.0.250', router_id=router['id']) is None
    # The router's own interface address is no server's.
    gw_ip = [p for p in api.get('/ports?device_id=%s' % router['id']).json['ports']
             if p['device_owner'] == 'network:router_interface'][0]['fixed_ips'][0]
    assert plugin.get_metadata_port(ctx, gw_ip['ip_address'],
                                    router_id=router['id']) is None


def test_deleting_a_port_with_a_floating_ip_updates_its_router(api, conductor, notifier):
    public, net, _, router = _topology(api)
    vm = api.port(net['id'])
    api.post('/floatingips', {'floatingip': {'floating_network_id': public['id'],
                                             'port_id': vm['id']}})
    notifier.calls.clear()
    api.delete('/ports/%s' % vm['id'])
    assert ('routers_updated', ([router['id']],), {}) in notifier.calls
    other = api.port(net['id'])
    notifier.calls.clear()
    api.delete('/ports/%s' % other['id'])
    assert not [c for c in notifier.calls if c[0] == 'routers_updated']
