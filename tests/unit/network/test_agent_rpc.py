"""The agent-facing RPC served by the conductor, through the real client."""

import datetime

import oslo_messaging as messaging
import pytest
from oslo_utils import timeutils

from common import context
from services.network import exception
from services.network.agents.rpc import rpcapi as agent_rpcapi
from tests.unit import rpc_contract
from tests.unit.network.conftest import member

OVS_STATE = {'agent_type': 'Open vSwitch agent', 'binary': 'alto-ovs-agent',
             'topic': 'N/A', 'host': 'node1', 'availability_zone': 'az1',
             'configurations': {'integration_bridge': 'br-int', 'datapath_type': 'netdev'},
             'start_flag': True}
DHCP_STATE = {'agent_type': 'DHCP agent', 'binary': 'alto-dhcp-agent', 'topic': 'dhcp_agent',
              'host': 'node1', 'availability_zone': 'az1', 'configurations': {}}


def _plugin(conductor):
    return agent_rpcapi.PluginAPI()


def test_report_state_agents_and_zones(api, conductor):
    plugin = _plugin(conductor)
    ctx = context.get_admin_context()
    assert plugin.report_state(ctx, OVS_STATE) == 'alive'
    plugin.report_state(ctx, DHCP_STATE)
    agents = api.get('/agents').json['agents']
    assert {a['agent_type'] for a in agents} == {'Open vSwitch agent', 'DHCP agent'}
    assert all(a['alive'] for a in agents)
    zones = api.get('/availability_zones').json['availability_zones']
    assert zones == [{'name': 'az1', 'resource': 'network', 'state': 'available'}]
    ovs = [a for a in agents if a['agent_type'] == 'Open vSwitch agent'][0]
    api.put('/agents/%s' % ovs['id'], {'agent': {'admin_state_up': False}})
    assert api.get('/agents', member('p')).json == {'agents': []}  # neutron's answer
    # A disabled agent's host gets binding_failed.
    net = api.network()
    api.subnet(net['id'])
    port = api.port(net['id'], **{'binding:host_id': 'node1'})
    assert port['binding:vif_type'] == 'binding_failed'
    api.delete('/agents/%s' % ovs['id'])
    api.get('/agents/%s' % ovs['id'], status=404)


def test_agent_goes_dead_without_heartbeats(api, conductor):
    plugin = _plugin(conductor)
    plugin.report_state(context.get_admin_context(), OVS_STATE)
    later = timeutils.utcnow() + datetime.timedelta(seconds=600)
    timeutils.set_time_override(later)
    try:
        assert api.get('/agents').json['agents'][0]['alive'] is False
    finally:
        timeutils.clear_time_override()


def test_device_details_status_and_security_rules(api, conductor, notifier):
    plugin = _plugin(conductor)
    ctx = context.get_admin_context()
    plugin.report_state(ctx, OVS_STATE)
    net = api.network(**{'provider:network_type': 'vlan',
                         'provider:physical_network': 'physnet1',
                         'provider:segmentation_id': 1500})
    api.subnet(net['id'])
    sg = api.post('/security-groups', {'security_group': {'name': 'app'}}).json[
        'security_group']
    api.post('/security-group-rules', {'security_group_rule': {
        'security_group_id': sg['id'], 'direction': 'ingress', 'ethertype': 'IPv4',
        'remote_group_id': sg['id']}})
    one = api.port(net['id'], security_groups=[sg['id']], **{'binding:host_id': 'node1'})
    two = api.port(net['id'], security_groups=[sg['id']])
    details = plugin.get_device_details(ctx, one['id'], 'agent', 'node1')
    assert (details['network_type'], details['physical_network'],
            details['segmentation_id']) == ('vlan', 'physnet1', 1500)
    assert details['mac_address'] == one['mac_address']
    assert plugin.get_devices_details_list(ctx, ['nope'], 'agent', 'node1') == [
        {'device': 'nope'}]
    assert plugin.update_device_up(ctx, one['id'], 'agent', 'node1') is True
    assert api.get('/ports/%s' % one['id']).json['port']['status'] == 'ACTIVE'
    assert notifier.calls[-1][0] == 'port_update'
    assert plugin.update_device_up(ctx, one['id'], 'agent', 'other-host') is False
    plugin.update_device_down(ctx, one['id'], 'agent', 'node1')
    assert api.get('/ports/%s' % one['id']).json['port']['status'] == 'DOWN'
    rules = plugin.security_group_rules_for_devices(ctx, [one['id']])[one['id']]
    remote = [r for r in rules['security_group_rules'] if r.get('remote_group_id')]
    assert sorted(remote[0]['remote_ips']) == sorted(
        [one['fixed_ips'][0]['ip_address'], two['fixed_ips'][0]['ip_address']])
    # Several devices in one call (a resync): each with its own details, the
    # same expanded rules; an unknown device is left out.
    both = plugin.security_group_rules_for_devices(ctx, [one['id'], two['id'], 'missing'])
    assert sorted(both) == sorted([one['id'], two['id']])
    assert both[one['id']] == rules
    assert both[two['id']]['mac_address'] == two['mac_address']
    assert both[two['id']]['security_group_rules'] == rules['security_group_rules']
    # A member's allowed address pairs count as its addresses, as in neutron.
    api.put('/ports/%s' % two['id'], {'port': {'allowed_address_pairs': [
        {'ip_address': '10.99.0.0/24'}]}})
    rules = plugin.security_group_rules_for_devices(ctx, [one['id']])[one['id']]
    remote = [r for r in rules['security_group_rules'] if r.get('remote_group_id')]
    assert '10.99.0.0/24' in remote[0]['remote_ips']


def _status(api, port_id):
    return api.get('/ports/%s' % port_id).json['port']['status']


def test_device_list_sets_many_ports_in_one_call(api, conductor, notifier):
    plugin = _plugin(conductor)
    ctx = context.get_admin_context()
    plugin.report_state(ctx, OVS_STATE)
    net = api.network()
    api.subnet(net['id'])
    ports = [api.port(net['id'], **{'binding:host_id': 'node1'})['id'] for _ in range(4)]
    elsewhere = api.port(net['id'], **{'binding:host_id': 'node2'})['id']
    notifier.calls.clear()
    result = plugin.update_device_list(ctx, ports[:3] + [elsewhere, 'missing'], [ports[3]],
                                       'agent', 'node1')
    # A port unknown or bound to another host is done: reporting it again changes nothing.
    assert result == {'devices_up': ports[:3] + [elsewhere, 'missing'],
                      'failed_devices_up': [], 'devices_down': [ports[3]],
                      'failed_devices_down': []}
    assert [_status(api, p) for p in ports] == ['ACTIVE'] * 3 + ['DOWN']
    assert _status(api, elsewhere) == 'DOWN'
    # One fanout per port that changed (the fourth was DOWN already).
    assert sorted(c[1][0]['id'] for c in notifier.calls if c[0] == 'port_update') == sorted(
        ports[:3])
    notifier.calls.clear()
    result = plugin.update_device_list(ctx, [], ports[:2], 'agent', 'node1')
    assert result['devices_down'] == ports[:2]
    assert [_status(api, p) for p in ports] == ['DOWN', 'DOWN', 'ACTIVE', 'DOWN']
    assert len(notifier.calls) == 2


def test_device_list_one_port_failing_fails_alone(api, conductor, monkeypatch):
    """The one transaction fails: each port gets its own, and only the
    port that fails again is reported failed."""
    from services.network.conductor import dataplane

    plugin = _plugin(conductor)
    ctx = context.get_admin_context()
    net = api.network()
    api.subnet(net['id'])
    good, bad = [api.port(net['id'], **{'binding:host_id': 'node1'})['id'] for _ in range(2)]
    real = dataplane.set_port_status

    def flaky(session, port_id, host, status):
        if port_id == bad:
            raise RuntimeError('deadlock')
        return real(session, port_id, host, status)

    monkeypatch.setattr(dataplane, 'set_port_status', flaky)
    result = plugin.update_device_list(ctx, [good, bad], [], 'agent', 'node1')
    assert result == {'devices_up': [good], 'failed_devices_up': [bad], 'devices_down': [],
                      'failed_devices_down': []}
    assert (_status(api, good), _status(api, bad)) == ('ACTIVE', 'DOWN')


def test_device_list_under_a_1_2_cap_is_one_call_per_device():
    def answer(method, kwargs):
        if kwargs['device'] == 'bad':
            raise messaging.RemoteError('DBDeadlock', 'deadlock')
        return True

    recorder = rpc_contract.RecordingClient(answer=answer, version_cap='1.2')
    plugin = rpc_contract.client_without_transport(agent_rpcapi.PluginAPI, recorder)
    result = plugin.update_device_list(object(), ['a', 'bad'], ['c'], 'agent', 'node1')
    assert [(s.method, s.prepared['version'], s.kwargs['device']) for s in recorder.sent] == [
        ('update_device_up', '1.0', 'a'), ('update_device_up', '1.0', 'bad'),
        ('update_device_down', '1.0', 'c')]
    assert result == {'devices_up': ['a'], 'failed_devices_up': ['bad'],
                      'devices_down': ['c'], 'failed_devices_down': []}
    # Uncapped: one 1.3 call.
    recorder = rpc_contract.RecordingClient(answer=lambda method, kwargs: {})
    plugin = rpc_contract.client_without_transport(agent_rpcapi.PluginAPI, recorder)
    plugin.update_device_list(object(), ['a', 'b'], ['c'], 'agent', 'node1')
    assert [(s.method, s.prepared['version']) for s in recorder.sent] == [
        ('update_device_list', '1.3')]


def test_dhcp_and_l3_sync(api, conductor):
    plugin = _plugin(conductor)
    ctx = context.get_admin_context()
    # The network and router are scheduled to node1's agents (the only ones).
    plugin.report_state(ctx, DHCP_STATE)
    plugin.report_state(ctx, dict(DHCP_STATE, agent_type='L3 agent', topic='l3_agent'))
    public = api.network(**{'router:external': True, 'provider:network_type': 'flat',
                            'provider:physical_network': 'public'})
    api.subnet(public['id'], cidr='203.0.113.0/24', enable_dhcp=False)
    net = api.network()
    subnet = api.subnet(net['id'])
    dhcp = plugin.create_dhcp_port(ctx, net['id'], 'node1', 'dhcp-node1')
    assert dhcp['device_owner'] == 'network:dhcp' and dhcp['fixed_ips']
    assert plugin.create_dhcp_port(ctx, net['id'], 'node1', 'dhcp-node1')['id'] == dhcp['id']
    active = plugin.get_active_networks_info(ctx, 'node1')
    assert [n['id'] for n in active] == [net['id']]
    assert {p['id'] for p in active[0]['ports']} == {dhcp['id']}
    # The DHCP port does not keep the network or subnet alive.
    router = api.post('/routers', {'router': {'name': 'r', 'external_gateway_info': {
        'network_id': public['id']}}}).json['router']
    api.put('/routers/%s/add_router_interface' % router['id'], {'subnet_id': subnet['id']})
    vm = api.port(net['id'])
    fip = api.post('/floatingips', {'floatingip': {'floating_network_id': public['id'],
                                                   'port_id': vm['id']}}).json['floatingip']
    synced = plugin.sync_routers(ctx, 'node1', [router['id']])
    assert synced[0]['gw_port']['network_id'] == public['id']
    assert synced[0]['_interfaces'][0]['subnets'][0]['id'] == subnet['id']
    assert synced[0]['_floatingips'][0]['id'] == fip['id']
    plugin.update_floatingip_statuses(ctx, router['id'], {fip['id']: 'ACTIVE'})
    assert api.get('/floatingips/%s' % fip['id']).json['floatingip']['status'] == 'ACTIVE'
    # Administratively down: still the agent's (it keeps the ports plugged, serves nothing).
    api.put('/routers/%s' % router['id'], {'router': {'admin_state_up': False}})
    synced = plugin.sync_routers(ctx, 'node1', [router['id']])
    assert [(r['id'], r['admin_state_up']) for r in synced] == [(router['id'], False)]
    assert synced[0]['_interfaces'][0]['subnets'][0]['id'] == subnet['id']


def test_tunnel_sync_and_endpoints_coming_and_going(api, conductor, notifier):
    plugin = _plugin(conductor)
    ctx = context.get_admin_context()
    for host, address in (('node1', '192.0.2.1'), ('node2', '192.0.2.2')):
        plugin.report_state(ctx, dict(OVS_STATE, host=host, configurations=dict(
            OVS_STATE['configurations'], tunnel_types=['vxlan'], tunneling_ip=address)))
    plugin.report_state(ctx, dict(OVS_STATE, host='node3'))  # no tunnels there
    assert plugin.tunnel_sync(ctx, '192.0.2.1', 'vxlan', 'node1') == ['192.0.2.2']
    assert notifier.calls[-1] == ('tunnel_update', ('192.0.2.1', 'vxlan', 'node1'), {})
    assert plugin.tunnel_sync(ctx, '192.0.2.9', 'gre', 'node9') == []
    node2 = [a for a in api.get('/agents').json['agents'] if a['host'] == 'node2'][0]
    api.delete('/agents/%s' % node2['id'])
    assert notifier.calls[-1] == ('tunnel_delete', ('192.0.2.2', 'vxlan'), {})
    assert plugin.tunnel_sync(ctx, '192.0.2.1', 'vxlan', 'node1') == []


def test_dhcp_port_of_a_network_deleted_meanwhile_is_not_found(api, conductor):
    """A DHCP agent may ask for its port of a network deleted since: NotFound
    (an expected error, no traceback in the conductor's log)."""
    plugin = _plugin(conductor)
    ctx = context.get_admin_context()
    net = api.network()
    api.delete('/networks/%s' % net['id'])
    with pytest.raises(exception.NetworkNotFound):
        plugin.create_dhcp_port(ctx, net['id'], 'node1', 'dhcp-node1')
