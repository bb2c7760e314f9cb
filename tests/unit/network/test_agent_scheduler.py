"""Agent scheduling: routers bound to L3 agents, networks to DHCP agents
(``l3_agent_scheduler``, ``dhcp_agent_scheduler``), through the API and the
agent RPC."""

import contextlib
import datetime

import pytest
from oslo_config import cfg
from oslo_utils import timeutils

from common import context
from services.network.agents.rpc import rpcapi as agent_rpcapi
from services.network.conductor import manager
from tests.unit.network.conftest import member

CONF = cfg.CONF


def _state(agent_type, host):
    binary = {'L3 agent': 'neutron-l3-agent', 'DHCP agent': 'neutron-dhcp-agent'}[agent_type]
    return {'agent_type': agent_type, 'binary': binary, 'topic': 'x', 'host': host,
            'configurations': {}, 'start_flag': True}


def _register(plugin, agent_type, *hosts):
    ctx = context.get_admin_context()
    for host in hosts:
        plugin.report_state(ctx, _state(agent_type, host))


def _agent_ids(api, agent_type):
    return {a['host']: a['id'] for a in api.get('/agents').json['agents']
            if a['agent_type'] == agent_type}


def _router(api, name='r'):
    return api.post('/routers', {'router': {'name': name}}).json['router']


@contextlib.contextmanager
def _at(seconds):
    """The conductor's clock ``seconds`` from now."""
    timeutils.set_time_override(timeutils.utcnow() + datetime.timedelta(seconds=seconds))
    try:
        yield
    finally:
        timeutils.clear_time_override()


@pytest.fixture
def plugin(conductor):
    return agent_rpcapi.PluginAPI()


def test_routers_go_to_the_least_loaded_l3_agent_and_only_it_serves_them(api, plugin):
    _register(plugin, 'L3 agent', 'host1', 'host2')
    ids = _agent_ids(api, 'L3 agent')
    routers = [_router(api, 'r%d' % i) for i in range(3)]
    hosts = []
    for router in routers:
        agents = api.get('/routers/%s/l3-agents' % router['id']).json['agents']
        assert len(agents) == 1 and agents[0]['alive']
        hosts.append(agents[0]['host'])
    assert sorted(hosts) == ['host1', 'host1', 'host2']
    ctx = context.get_admin_context()
    for host in ('host1', 'host2'):
        served = {r['id'] for r in plugin.sync_routers(ctx, host)}
        listed = {r['id'] for r in api.get('/agents/%s/l3-routers' % ids[host]).json['routers']}
        assert served == listed == {r['id'] for r, h in zip(routers, hosts) if h == host}
        # A fanout's router ids are filtered the same way.
        assert {r['id'] for r in plugin.sync_routers(
            ctx, host, [r['id'] for r in routers])} == served
    assert plugin.sync_routers(ctx, 'nohost') == []


def test_add_and_remove_router_on_an_agent(api, plugin, notifier):
    _register(plugin, 'L3 agent', 'host1', 'host2')
    _register(plugin, 'DHCP agent', 'host1')
    ids = _agent_ids(api, 'L3 agent')
    router = _router(api)
    owner = api.get('/routers/%s/l3-agents' % router['id']).json['agents'][0]['host']
    other = 'host2' if owner == 'host1' else 'host1'
    body = {'router_id': router['id']}
    resp = api.post('/agents/%s/l3-routers' % ids[other], body, status=409)
    assert resp.json['NeutronError']['type'] == 'RouterHostedByL3Agent'
    # The same agent again changes nothing.
    assert api.post('/agents/%s/l3-routers' % ids[owner], body).json is None
    notifier.calls.clear()
    api.delete('/agents/%s/l3-routers/%s' % (ids[owner], router['id']))
    assert ('routers_updated', ([router['id']],), {}) in notifier.calls
    assert api.get('/routers/%s/l3-agents' % router['id']).json['agents'] == []
    assert plugin.sync_routers(context.get_admin_context(), owner, [router['id']]) == []
    resp = api.delete('/agents/%s/l3-routers/%s' % (ids[owner], router['id']), status=409)
    assert resp.json['NeutronError']['type'] == 'RouterNotHostedByL3Agent'
    api.post('/agents/%s/l3-routers' % ids[other], body)
    assert [a['host'] for a in api.get('/routers/%s/l3-agents' % router['id']).json[
        'agents']] == [other]
    # Wrong agent type, unknown agent or router, bad body.
    dhcp = _agent_ids(api, 'DHCP agent')['host1']
    resp = api.post('/agents/%s/l3-routers' % dhcp, body, status=400)
    assert resp.json['NeutronError']['type'] == 'InvalidL3Agent'
    api.post('/agents/nope/l3-routers', body, status=404)
    api.post('/agents/%s/l3-routers' % ids[other], {'router_id': 'nope'}, status=404)
    api.post('/agents/%s/l3-routers' % ids[other], {'router': 'x'}, status=400)
    api.get('/routers/nope/l3-agents', status=404)
    # A disabled agent takes no routers.
    api.put('/agents/%s' % ids[owner], {'agent': {'admin_state_up': False}})
    api.delete('/agents/%s/l3-routers/%s' % (ids[other], router['id']))
    resp = api.post('/agents/%s/l3-routers' % ids[owner], body, status=400)
    assert resp.json['NeutronError']['type'] == 'InvalidL3Agent'


def test_scheduling_is_admin_only(api, plugin):
    _register(plugin, 'L3 agent', 'host1')
    _register(plugin, 'DHCP agent', 'host1')
    l3 = _agent_ids(api, 'L3 agent')['host1']
    dhcp = _agent_ids(api, 'DHCP agent')['host1']
    mine = member('p1')
    router = api.post('/routers', {'router': {'name': 'r'}}, mine).json['router']
    net = api.network(mine)
    for path in ('/routers/%s/l3-agents' % router['id'], '/networks/%s/dhcp-agents' % net['id'],
                 '/agents/%s/l3-routers' % l3, '/agents/%s/dhcp-networks' % dhcp):
        api.get(path, mine, status=403)
    api.post('/agents/%s/l3-routers' % l3, {'router_id': router['id']}, mine, status=403)
    api.post('/agents/%s/dhcp-networks' % dhcp, {'network_id': net['id']}, mine, status=403)
    api.delete('/agents/%s/l3-routers/%s' % (l3, router['id']), mine, status=403)
    api.delete('/agents/%s/dhcp-networks/%s' % (dhcp, net['id']), mine, status=403)
    assert len(api.get('/routers/%s/l3-agents' % router['id']).json['agents']) == 1


def test_a_syncing_l3_agent_takes_routers_no_agent_has(api, plugin):
    router = _router(api)  # no L3 agent yet
    assert api.get('/routers/%s/l3-agents' % router['id']).json['agents'] == []
    _register(plugin, 'L3 agent', 'host1')
    ctx = context.get_admin_context()
    # A fanout's sync does not schedule; the agent's full sync does.
    assert plugin.sync_routers(ctx, 'host1', [router['id']]) == []
    assert [r['id'] for r in plugin.sync_routers(ctx, 'host1')] == [router['id']]


def test_l3_failover_moves_routers_of_a_dead_agent(api, plugin, notifier):
    _register(plugin, 'L3 agent', 'host1')
    router = _router(api)
    mgr = manager.NetworkConductorManager(notifier)
    with _at(600):
        _register(plugin, 'L3 agent', 'host2')  # host1 is dead by now
        mgr.reschedule_from_dead_agents()
        assert [a['host'] for a in api.get('/routers/%s/l3-agents' % router['id']).json[
            'agents']] == ['host1']  # failover is off by default
        CONF.set_override('allow_automatic_l3agent_failover', True, group='agent_scheduler')
        try:
            notifier.calls.clear()
            mgr.reschedule_from_dead_agents()
        finally:
            CONF.clear_override('allow_automatic_l3agent_failover', group='agent_scheduler')
        assert [a['host'] for a in api.get('/routers/%s/l3-agents' % router['id']).json[
            'agents']] == ['host2']
        assert ('routers_updated', ([router['id']],), {}) in notifier.calls


def test_networks_go_to_dhcp_agents_per_network(api, plugin, notifier):
    _register(plugin, 'DHCP agent', 'host1', 'host2')
    ids = _agent_ids(api, 'DHCP agent')
    ctx = context.get_admin_context()
    net = api.network()
    assert api.get('/networks/%s/dhcp-agents' % net['id']).json['agents'] == []
    api.subnet(net['id'])
    agents = api.get('/networks/%s/dhcp-agents' % net['id']).json['agents']
    assert len(agents) == 1
    owner = agents[0]['host']
    other = 'host2' if owner == 'host1' else 'host1'
    assert [n['id'] for n in plugin.get_active_networks_info(ctx, owner)] == [net['id']]
    assert plugin.get_active_networks_info(ctx, other) == []
    assert plugin.get_network_info(ctx, net['id'], other) is None
    assert plugin.get_network_info(ctx, net['id'], owner)['id'] == net['id']
    assert [n['id'] for n in api.get('/agents/%s/dhcp-networks' % ids[owner]).json[
        'networks']] == [net['id']]
    # A second agent by hand; the first one's DHCP port goes with its binding.
    dhcp_port = plugin.create_dhcp_port(ctx, net['id'], owner, 'dhcp-' + owner)
    notifier.calls.clear()
    api.post('/agents/%s/dhcp-networks' % ids[other], {'network_id': net['id']})
    assert notifier.calls[-1] == ('network_update', ({'id': net['id']},), {})
    resp = api.post('/agents/%s/dhcp-networks' % ids[other], {'network_id': net['id']},
                    status=409)
    assert resp.json['NeutronError']['type'] == 'NetworkHostedByDHCPAgent'
    assert len(api.get('/networks/%s/dhcp-agents' % net['id']).json['agents']) == 2
    api.delete('/agents/%s/dhcp-networks/%s' % (ids[owner], net['id']))
    api.get('/ports/%s' % dhcp_port['id'], status=404)
    assert plugin.get_network_info(ctx, net['id'], owner) is None
    resp = api.delete('/agents/%s/dhcp-networks/%s' % (ids[owner], net['id']), status=409)
    assert resp.json['NeutronError']['type'] == 'NetworkNotHostedByDhcpAgent'
    l3_type = _state('L3 agent', 'host1')
    plugin.report_state(ctx, l3_type)
    l3 = _agent_ids(api, 'L3 agent')['host1']
    resp = api.post('/agents/%s/dhcp-networks' % l3, {'network_id': net['id']}, status=400)
    assert resp.json['NeutronError']['type'] == 'InvalidDHCPAgent'


def test_dhcp_agents_per_network_and_auto_schedule(api, plugin):
    ctx = context.get_admin_context()
    net = api.network()
    api.subnet(net['id'])  # no DHCP agent yet: nobody serves it
    no_dhcp = api.network()
    api.subnet(no_dhcp['id'], enable_dhcp=False)
    CONF.set_override('dhcp_agents_per_network', 2, group='agent_scheduler')
    try:
        _register(plugin, 'DHCP agent', 'host1', 'host2')
        # Each agent's full sync takes the networks short of agents.
        for host in ('host1', 'host2'):
            assert [n['id'] for n in plugin.get_active_networks_info(ctx, host)] == [
                net['id']]
        assert len(api.get('/networks/%s/dhcp-agents' % net['id']).json['agents']) == 2
        assert api.get('/networks/%s/dhcp-agents' % no_dhcp['id']).json['agents'] == []
        _register(plugin, 'DHCP agent', 'host3')
        assert plugin.get_active_networks_info(ctx, 'host3') == []
    finally:
        CONF.clear_override('dhcp_agents_per_network', group='agent_scheduler')


def test_dhcp_failover_replaces_a_dead_agent(api, plugin, notifier):
    _register(plugin, 'DHCP agent', 'host1')
    net = api.network()
    api.subnet(net['id'])
    mgr = manager.NetworkConductorManager(notifier)
    with _at(600):
        mgr.reschedule_from_dead_agents()  # no live agent to take it: it stays
        assert [a['host'] for a in api.get('/networks/%s/dhcp-agents' % net['id']).json[
            'agents']] == ['host1']
        _register(plugin, 'DHCP agent', 'host2')
        notifier.calls.clear()
        mgr.reschedule_from_dead_agents()  # allow_automatic_dhcp_failover is on by default
        assert [a['host'] for a in api.get('/networks/%s/dhcp-agents' % net['id']).json[
            'agents']] == ['host2']
        assert ('network_update', ({'id': net['id']},), {}) in notifier.calls


def test_router_and_network_delete_take_their_bindings(api, plugin):
    _register(plugin, 'L3 agent', 'host1')
    _register(plugin, 'DHCP agent', 'host1')
    router = _router(api)
    net = api.network()
    api.subnet(net['id'])
    api.delete('/routers/%s' % router['id'])
    api.delete('/networks/%s' % net['id'])
    assert api.get('/agents/%s/l3-routers' % _agent_ids(api, 'L3 agent')['host1']).json == {
        'routers': []}
    assert api.get('/agents/%s/dhcp-networks' % _agent_ids(api, 'DHCP agent')[
        'host1']).json == {'networks': []}


def test_agent_type_filter_ignores_case(api, plugin):
    # Tempest's DHCP agent scheduler tests look for agent_type=DHCP Agent.
    _register(plugin, 'DHCP agent', 'host1')
    _register(plugin, 'L3 agent', 'host2')
    for spelling in ('DHCP agent', 'DHCP Agent', 'dhcp AGENT'):
        listed = api.get('/agents?agent_type=' + spelling).json['agents']
        assert [a['host'] for a in listed] == ['host1'], spelling
    assert api.get('/agents?agent_type=DHCP').json['agents'] == []
    both = api.get('/agents?agent_type=dhcp agent&agent_type=l3 agent').json['agents']
    assert sorted(a['host'] for a in both) == ['host1', 'host2']
