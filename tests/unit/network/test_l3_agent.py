"""The L3 agent: router plans, their nat tables, and the agent applying
them to fake namespaces, Open vSwitch and conductor."""

import pytest

from services.network.agents.l3 import agent as l3_agent
from services.network.agents.l3 import plan as plan_mod
from services.network.agents.ovs import fake

RID = 'a1b2c3d4-0000-4000-8000-000000000001'
NS = 'qrouter-' + RID


def _router(snat=True, fips=(), routes=(), gateway=True):
    router = {
        'id': RID, 'admin_state_up': True, 'routes': list(routes),
        'external_gateway_info': {'network_id': 'ext', 'enable_snat': snat},
        'gw_port': {'id': 'gwport-0000-1111', 'mac_address': 'fa:16:3e:00:00:01',
                    'network_id': 'ext', 'mtu': 1500,
                    'fixed_ips': [{'subnet_id': 'ext-sub', 'ip_address': '203.0.113.10'}],
                    'subnets': [{'id': 'ext-sub', 'cidr': '203.0.113.0/24',
                                 'gateway_ip': '203.0.113.1'}]},
        '_interfaces': [{'id': 'ifport-2222-3333', 'mac_address': 'fa:16:3e:00:00:02',
                         'network_id': 'net', 'mtu': 1450,
                         'fixed_ips': [{'subnet_id': 'sub', 'ip_address': '10.1.0.1'}],
                         'subnets': [{'id': 'sub', 'cidr': '10.1.0.0/24',
                                      'gateway_ip': '10.1.0.1'}]}],
        '_floatingips': [dict({'status': 'DOWN'}, **f) for f in fips],
    }
    if not gateway:
        router['gw_port'] = router['external_gateway_info'] = None
    return router


FIP = {'id': 'fip1', 'floating_ip_address': '203.0.113.20', 'fixed_ip_address': '10.1.0.5',
       'port_id': 'vm-port'}
FREE_FIP = {'id': 'fip2', 'floating_ip_address': '203.0.113.21', 'fixed_ip_address': None,
            'port_id': None}


def test_plan_of_a_router_with_gateway_and_floating_ip():
    plan = plan_mod.build(_router(fips=[FIP, FREE_FIP], routes=[
        {'destination': '192.0.2.0/24', 'nexthop': '10.1.0.9'}]))
    assert plan.namespace == NS
    assert [(d.name, d.port_id, d.mac, d.cidrs, d.mtu) for d in plan.internal] == [
        ('qr-ifport-2222', 'ifport-2222-3333', 'fa:16:3e:00:00:02', ['10.1.0.1/24'], 1450)]
    gw = plan.gateway
    assert (gw.name, gw.cidrs) == ('qg-gwport-0000', ['203.0.113.10/24', '203.0.113.20/32'])
    assert all(len(d.name) <= 14 for d in plan.devices)
    assert plan.routes == [('0.0.0.0/0', '203.0.113.1'), ('192.0.2.0/24', '10.1.0.9')]
    assert plan.fip_statuses == {'fip1': 'ACTIVE', 'fip2': 'DOWN'}
    assert (plan.snat_sources, plan.snat_address) == (['10.1.0.0/24'], '203.0.113.10')


def test_nat_table_rules():
    plan = plan_mod.build(_router(fips=[FIP]))
    assert plan_mod.nat_table(plan, 9697).splitlines() == [
        '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
        ':POSTROUTING ACCEPT [0:0]',
        '-A PREROUTING -d 169.254.169.254/32 -i qr-+ -p tcp -m tcp --dport 80 '
        '-j REDIRECT --to-ports 9697',
        '-A PREROUTING -d 203.0.113.20/32 -j DNAT --to-destination 10.1.0.5',
        '-A OUTPUT -d 203.0.113.20/32 -j DNAT --to-destination 10.1.0.5',
        '-A POSTROUTING -s 10.1.0.5/32 -o qg-gwport-0000 -j SNAT --to-source 203.0.113.20',
        '-A POSTROUTING -s 10.1.0.0/24 -o qg-gwport-0000 -j SNAT --to-source 203.0.113.10',
        'COMMIT']


def test_nat_table_without_snat_keeps_floating_ips():
    rules = plan_mod.nat_table(plan_mod.build(_router(snat=False, fips=[FIP])), None)
    assert '--to-source 203.0.113.20' in rules
    assert '--to-source 203.0.113.10' not in rules
    assert 'REDIRECT' not in rules


def test_router_without_gateway_only_routes_between_its_subnets():
    plan = plan_mod.build(_router(gateway=False))
    assert plan.gateway is None and plan.routes == [] and plan.snat_sources == []
    assert 'POSTROUTING -s' not in plan_mod.nat_table(plan, 9697)


class FakeIp:
    """Namespaces, devices, addresses and routes in memory; records commands."""

    def __init__(self):
        self.ns = {}  # name -> {'devices': {name: cidrs}, 'routes': set(), 'nat': None}
        self.root = set()
        self.commands = []
        self.fail_default_route = False

    def namespaces(self):
        return set(self.ns)

    def ensure_namespace(self, name):
        self.ns.setdefault(name, {'devices': {}, 'routes': set(), 'nat': None,
                                  'forwarding': False})

    def delete_namespace(self, name):
        self.ns.pop(name, None)

    def devices(self, namespace):
        return set(self.ns[namespace]['devices'])

    def move_to(self, device, namespace):
        self.root.discard(device)
        self.ns[namespace]['devices'][device] = []

    def configure(self, namespace, device, mac, cidrs, mtu=None, up=True):
        self.ns[namespace]['devices'][device] = list(cidrs)
        self.ns[namespace].setdefault('down', set()).discard(device)
        if not up:
            self.ns[namespace]['down'].add(device)

    def enable_forwarding(self, namespace, on=True):
        self.ns[namespace]['forwarding'] = on

    def gateway_routes(self, namespace):
        return set(self.ns[namespace]['routes'])

    def replace_route(self, namespace, destination, nexthop):
        if destination == '0.0.0.0/0' and self.fail_default_route:
            raise RuntimeError('Network is unreachable')
        self.ns[namespace]['routes'].add((destination, nexthop))

    def delete_route(self, namespace, destination, nexthop):
        self.ns[namespace]['routes'].discard((destination, nexthop))

    def wait_link(self, device):
        return device in self.root

    def spawn_in(self, namespace, argv):
        self.commands.append((namespace, list(argv)))

        class Done:
            def poll(self):
                return 0
        return Done()

    def in_namespace(self, namespace, argv, check=True, stdin=None):
        self.commands.append((namespace, list(argv)))
        if argv[0] == 'iptables-restore':
            self.ns[namespace]['nat'] = stdin
        elif argv[:3] == ['ip', 'link', 'del']:
            self.ns[namespace]['devices'].pop(argv[3], None)
        return 0, ''


class FakeOvs(fake.FakeOvsdb):
    def __init__(self, ip):
        super().__init__()
        self.ip = ip

    def add_internal_port(self, bridge, name, iface_id, mac):
        super().add_internal_port(bridge, name, iface_id, mac)
        self.ip.root.add(name)

    def del_port(self, name):
        super().del_port(name)
        for ns in self.ip.ns.values():
            ns['devices'].pop(name, None)


class FakeProxy:
    started = []
    stopped = []

    def __init__(self, scope, scope_id, namespace, directory, unix_socket, port):
        self.scope_id, self.namespace, self.port = scope_id, namespace, port
        self.running = False

    def ensure(self):
        if not self.running:
            self.running = True
            FakeProxy.started.append(self.scope_id)

    def stop(self):
        FakeProxy.stopped.append(self.scope_id)


class FakePlugin:
    def __init__(self):
        self.routers = {}
        self.calls = []
        self.fail = False

    def sync_routers(self, context, host, router_ids=None):
        if self.fail:
            raise RuntimeError('conductor away')
        self.calls.append(('sync', router_ids))
        return [r for rid, r in sorted(self.routers.items())
                if router_ids is None or rid in router_ids]

    def update_floatingip_statuses(self, context, router_id, fip_statuses):
        self.calls.append(('fips', router_id, dict(fip_statuses)))
        for fip in self.routers.get(router_id, {}).get('_floatingips', []):
            if fip['id'] in fip_statuses:
                fip['status'] = fip_statuses[fip['id']]

    def report_state(self, context, agent_state):
        self.calls.append(('report', agent_state))

    def of(self, kind):
        return [c[1:] for c in self.calls if c[0] == kind]


@pytest.fixture
def env(tmp_path, monkeypatch):
    FakeProxy.started, FakeProxy.stopped = [], []
    ip = FakeIp()
    ovs = FakeOvs(ip)
    plugin = FakePlugin()
    agent = l3_agent.L3Agent(plugin, ovs, ip, 'node1', str(tmp_path / 'l3'),
                             metadata_socket=str(tmp_path / 'md.sock'), context=object(),
                             arping='/bin/true', proxy_class=FakeProxy)
    return ip, ovs, plugin, agent


def test_start_builds_the_router_namespace(env):
    ip, ovs, plugin, agent = env
    plugin.routers[RID] = _router(fips=[FIP])
    agent.init_host()
    ns = ip.ns[NS]
    assert ns['forwarding']
    assert ns['devices'] == {'qr-ifport-2222': ['10.1.0.1/24'],
                             'qg-gwport-0000': ['203.0.113.10/24', '203.0.113.20/32']}
    assert ovs.ports['qr-ifport-2222']['iface_id'] == 'ifport-2222-3333'
    assert ovs.ports['qg-gwport-0000']['mac'] == 'fa:16:3e:00:00:01'
    assert ns['routes'] == {('0.0.0.0/0', '203.0.113.1')}
    assert 'DNAT --to-destination 10.1.0.5' in ns['nat']
    assert FakeProxy.started == [RID]
    assert plugin.of('fips') == [(RID, {'fip1': 'ACTIVE'})]
    # Gratuitous ARP for the new floating address, on the gateway device.
    assert (NS, ['/bin/true', '-U', '-I', 'qg-gwport-0000', '-c', '1',
                 '203.0.113.20']) in ip.commands
    agent.report_state()
    conf = plugin.of('report')[-1][0]
    assert conf['agent_type'] == 'L3 agent' and conf['binary'] == 'neutron-l3-agent'
    assert conf['configurations']['floating_ips'] == 1


def test_update_disassociates_a_floating_ip_and_adds_a_route(env):
    ip, ovs, plugin, agent = env
    plugin.routers[RID] = _router(fips=[FIP])
    agent.init_host()
    restores = sum(1 for c in ip.commands if c[1][0] == 'iptables-restore')
    router = _router(fips=[dict(FIP, port_id=None, fixed_ip_address=None)],
                     routes=[{'destination': '192.0.2.0/24', 'nexthop': '10.1.0.9'}])
    router['_floatingips'][0]['status'] = 'ACTIVE'
    plugin.routers[RID] = router
    agent.routers_updated(None, [RID])
    ns = ip.ns[NS]
    assert ns['devices']['qg-gwport-0000'] == ['203.0.113.10/24']
    assert '203.0.113.20' not in ns['nat']
    assert ns['routes'] == {('0.0.0.0/0', '203.0.113.1'), ('192.0.2.0/24', '10.1.0.9')}
    assert plugin.of('fips')[-1] == (RID, {'fip1': 'DOWN'})
    assert sum(1 for c in ip.commands if c[1][0] == 'iptables-restore') == restores + 1
    # The same router again: nothing to rewrite.
    agent.routers_updated(None, [RID])
    assert sum(1 for c in ip.commands if c[1][0] == 'iptables-restore') == restores + 1


def test_removed_gateway_and_interface_leave_the_namespace(env):
    ip, ovs, plugin, agent = env
    plugin.routers[RID] = _router()
    agent.init_host()
    router = _router(gateway=False)
    router['_interfaces'] = []
    plugin.routers[RID] = router
    agent.routers_updated(None, [RID])
    assert ip.ns[NS]['devices'] == {}
    assert 'qg-gwport-0000' not in ovs.ports and 'qr-ifport-2222' not in ovs.ports
    assert ip.ns[NS]['routes'] == set()


def test_router_deleted_or_no_longer_returned_removes_the_namespace(env):
    ip, ovs, plugin, agent = env
    plugin.routers[RID] = _router()
    agent.init_host()
    agent.router_deleted(None, RID)
    assert NS not in ip.ns and ovs.ports == {} and FakeProxy.stopped == [RID]
    agent.periodic_sync()
    assert NS in ip.ns
    plugin.routers[RID] = _router(fips=[FIP])
    agent.routers_updated(None, [RID])
    served = plugin.routers.pop(RID)  # moved to another agent: sync_routers leaves it out
    agent.routers_updated(None, [RID])
    assert NS not in ip.ns
    assert served['_floatingips'][0]['status'] == 'ACTIVE'
    assert plugin.of('fips')[-1] == (RID, {'fip1': 'DOWN'})


def test_plan_of_an_administratively_down_router():
    plan = plan_mod.build(dict(_router(fips=[FIP]), admin_state_up=False))
    assert not plan.enabled
    assert [(d.name, d.cidrs) for d in plan.devices] == [('qr-ifport-2222', []),
                                                         ('qg-gwport-0000', [])]
    assert plan.routes == [] and plan.floating_ips == [] and plan.snat_address is None
    assert plan.fip_statuses == {'fip1': 'DOWN'}
    assert plan_mod.nat_table(plan, 9697).splitlines()[5:] == ['COMMIT']


def test_admin_down_router_keeps_its_ports_plugged_and_serves_nothing(env):
    # Its ports stay bound (ACTIVE, as with Neutron's OVN back end; Tempest
    # waits for that before it removes a router interface).
    ip, ovs, plugin, agent = env
    plugin.routers[RID] = dict(_router(fips=[FIP]), admin_state_up=False)
    agent.init_host()
    ns = ip.ns[NS]
    assert ns['forwarding'] is False
    assert ns['devices'] == {'qr-ifport-2222': [], 'qg-gwport-0000': []}
    assert ns['down'] == {'qr-ifport-2222', 'qg-gwport-0000'}
    assert ovs.ports['qr-ifport-2222']['iface_id'] == 'ifport-2222-3333'
    assert ns['routes'] == set() and 'DNAT' not in ns['nat'] and 'REDIRECT' not in ns['nat']
    # Found down at start: a proxy an earlier agent left is stopped, none started.
    assert FakeProxy.started == [] and FakeProxy.stopped == [RID]
    assert plugin.of('fips') == []   # already DOWN
    # Up: served as usual.
    plugin.routers[RID]['admin_state_up'] = True
    agent.routers_updated(None, [RID])
    assert ns['forwarding'] is True and ns['down'] == set()
    assert ns['devices']['qr-ifport-2222'] == ['10.1.0.1/24']
    assert 'DNAT --to-destination 10.1.0.5' in ns['nat'] and FakeProxy.started == [RID]
    assert plugin.of('fips')[-1] == (RID, {'fip1': 'ACTIVE'})
    # Down again: addresses, routes, NAT, proxy and floating IP go; the ports stay.
    plugin.routers[RID]['admin_state_up'] = False
    agent.routers_updated(None, [RID])
    assert ns['devices'] == {'qr-ifport-2222': [], 'qg-gwport-0000': []}
    assert ns['routes'] == set() and 'DNAT' not in ns['nat']
    assert FakeProxy.stopped == [RID, RID]
    assert plugin.of('fips')[-1] == (RID, {'fip1': 'DOWN'})
    assert set(ovs.ports) == {'qr-ifport-2222', 'qg-gwport-0000'}


def test_full_sync_removes_stale_namespaces(env):
    ip, ovs, plugin, agent = env
    ip.ensure_namespace('qrouter-gone')
    ip.ns['qrouter-gone']['devices']['qr-old'] = []
    ovs.plug('br-int', 'qr-old', 'old-port')
    ip.ensure_namespace('qdhcp-net')  # not the L3 agent's
    agent.init_host()
    assert set(ip.ns) == {'qdhcp-net'} and 'qr-old' not in ovs.ports


def test_a_failing_router_reports_error_and_is_retried(env):
    ip, ovs, plugin, agent = env
    plugin.routers[RID] = _router(fips=[FIP])
    ip.fail_default_route = True
    agent.init_host()
    assert plugin.of('fips') == [(RID, {'fip1': 'ERROR'})]
    assert agent._resync
    ip.fail_default_route = False
    agent.periodic_sync()
    assert plugin.of('fips')[-1] == (RID, {'fip1': 'ACTIVE'})
    assert not agent._resync


def test_conductor_away_at_start_is_retried(env):
    ip, ovs, plugin, agent = env
    plugin.routers[RID] = _router()
    plugin.fail = True
    agent.init_host()
    assert NS not in ip.ns and agent._resync
    plugin.fail = False
    agent.periodic_sync()
    assert NS in ip.ns


def test_no_arping_is_logged_once(env, caplog):
    ip, ovs, plugin, agent = env
    caplog.set_level('INFO')
    agent.arping = 'alto-no-such-arping'
    plugin.routers[RID] = _router(fips=[FIP])
    agent.init_host()
    assert not any(c[1][0] == 'alto-no-such-arping' for c in ip.commands)
    assert 'no gratuitous ARP' in caplog.text
    plugin.routers[RID]['_floatingips'].append(dict(FIP, id='fip3', floating_ip_address='203.0.113.30'))
    agent.routers_updated(None, [RID])
    assert caplog.text.count('no gratuitous ARP') == 1


def test_start_reports_before_the_first_sync(env):
    """The conductor serves routers to known L3 agents only."""
    ip, ovs, plugin, agent = env
    agent.init_host()
    assert [c[0] for c in plugin.calls[:2]] == ['report', 'sync']


def test_report_state_while_a_router_is_first_applied(env):
    """The heartbeat may run while a router is applied for the first time (its
    entry has no plan yet): reported without it, not a crash."""
    ip, ovs, plugin, agent = env
    agent.routers['being-applied'] = {'plan': None, 'nat': None, 'proxy': None}
    agent.report_state()
    assert plugin.of('report')[-1][0]['configurations']['routers'] == 0
