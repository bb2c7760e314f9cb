"""The DHCP agent's logic and dnsmasq files, with fakes for the conductor,
OVSDB, iproute2 and the dnsmasq process."""

import copy

import pytest

from services.network.agents.dhcp import agent as dhcp_agent
from services.network.agents.dhcp import dnsmasq
from services.network.agents.ovs import fake

NET = 'n' * 8 + '-0000-0000-0000-000000000001'
SUBNET = {'id': 'sub-1', 'network_id': NET, 'cidr': '10.0.0.0/24', 'ip_version': 4,
          'enable_dhcp': True, 'gateway_ip': '10.0.0.1', 'dns_nameservers': ['192.0.2.53'],
          'host_routes': []}
GUEST = {'id': 'port-guest', 'network_id': NET, 'mac_address': 'fa:16:3e:00:00:05',
         'device_owner': 'compute:nova', 'device_id': 'vm', 'dns_name': '',
         'status': 'DOWN', 'fixed_ips': [{'subnet_id': 'sub-1', 'ip_address': '10.0.0.5'}]}


def network(**extra):
    net = {'id': NET, 'admin_state_up': True, 'mtu': 1450, 'subnets': [dict(SUBNET)],
           'ports': [dict(GUEST)]}
    net.update(extra)
    return net


class FakePlugin:
    def __init__(self, networks):
        self.networks = {n['id']: n for n in networks}
        self.calls = []

    def report_state(self, context, agent_state):
        self.calls.append(('report_state', agent_state))

    def get_active_networks_info(self, context, host):
        self.calls.append(('active', host))
        return copy.deepcopy(list(self.networks.values()))  # as over RPC

    def get_network_info(self, context, network_id, host):
        self.calls.append(('network', network_id))
        return copy.deepcopy(self.networks.get(network_id))

    def create_dhcp_port(self, context, network_id, host, device_id):
        self.calls.append(('create_dhcp_port', network_id, device_id))
        port = {'id': 'port-dhcp', 'network_id': network_id, 'mac_address': 'fa:16:3e:00:00:02',
                'device_owner': 'network:dhcp', 'device_id': device_id, 'dns_name': '',
                'fixed_ips': [{'subnet_id': 'sub-1', 'ip_address': '10.0.0.2'}]}
        self.networks[network_id]['ports'].append(port)
        return copy.deepcopy(port)


class FakeIp:
    def __init__(self):
        self.ns = set()
        self.links = {}  # device -> namespace
        self.configured = {}

    def namespaces(self):
        return set(self.ns)

    def ensure_namespace(self, name):
        self.ns.add(name)

    def delete_namespace(self, name):
        self.ns.discard(name)

    def link_in(self, device, namespace=None):
        return self.links.get(device) == namespace

    def move_to(self, device, namespace):
        self.links[device] = namespace

    def configure(self, namespace, device, mac, cidrs, mtu=None):
        self.configured[device] = (namespace, mac, cidrs, mtu)


class FakeProcess:
    instances = []

    def __init__(self, network_id, directory, namespace, argv):
        self.network_id, self.directory, self.namespace, self.argv = \
            network_id, directory, namespace, argv
        self.running = False
        self.events = []
        FakeProcess.instances.append(self)

    def alive(self):
        return self.running

    def running_argv(self):
        return self.argv if self.running else None

    def start(self):
        self.running = True
        self.events.append('start')

    def reload(self):
        self.events.append('hup')
        return True

    def release_stale_leases(self, device):
        self.events.append('release')

    def stop(self):
        if self.running:
            self.events.append('stop')
        self.running = False


@pytest.fixture
def env(tmp_path):
    FakeProcess.instances = []
    plugin = FakePlugin([network()])
    ovs, ip = fake.FakeOvsdb(), FakeIp()
    agent = dhcp_agent.DhcpAgent(plugin, ovs, ip, 'node1', str(tmp_path), context=object(),
                                 process_class=FakeProcess)
    agent.init_host()
    agent.periodic_check()  # the first pass is the full sync
    return plugin, ovs, ip, agent, tmp_path


def test_full_sync_builds_namespace_port_and_dnsmasq(env):
    plugin, ovs, ip, agent, tmp = env
    ns = 'qdhcp-' + NET
    assert ns in ip.ns
    created = [c for c in plugin.calls if c[0] == 'create_dhcp_port']
    assert created == [('create_dhcp_port', NET, agent.device_id(NET))]
    dev = dhcp_agent.device_name('port-dhcp')
    assert len(dev) <= 15
    assert ovs.ports[dev]['iface_id'] == 'port-dhcp'
    assert ovs.ports[dev]['type'] == 'internal'
    assert ip.links[dev] == ns
    assert ip.configured[dev] == (ns, 'fa:16:3e:00:00:02', ['10.0.0.2/24'], 1450)
    hosts = (tmp / NET / 'host').read_text()
    assert 'fa:16:3e:00:00:05,host-10-0-0-5.openstacklocal,10.0.0.5\n' in hosts
    assert 'fa:16:3e:00:00:02,' in hosts
    opts = (tmp / NET / 'opts').read_text()
    assert 'tag:subnet-sub-1,option:router,10.0.0.1\n' in opts
    assert 'tag:subnet-sub-1,option:dns-server,192.0.2.53\n' in opts
    assert 'tag:subnet-sub-1,option:mtu,1450\n' in opts
    (process,) = FakeProcess.instances
    assert process.events == ['start']
    assert '--interface=%s' % dev in process.argv
    assert '--dhcp-range=set:subnet-sub-1,10.0.0.0,static,255.255.255.0,86400s' in process.argv
    assert agent.device_id(NET) == dhcp_agent.DhcpAgent(
        plugin, ovs, ip, 'node1', str(tmp), context=object()).device_id(NET)


def test_new_port_rewrites_hosts_and_hups(env):
    plugin, ovs, ip, agent, tmp = env
    new = dict(GUEST, id='port-2', mac_address='fa:16:3e:00:00:06',
               fixed_ips=[{'subnet_id': 'sub-1', 'ip_address': '10.0.0.6'}])
    plugin.networks[NET]['ports'].append(new)
    agent.port_update(None, new)
    assert '10.0.0.6' in (tmp / NET / 'host').read_text()
    (process,) = FakeProcess.instances
    assert process.events == ['start', 'hup', 'release']
    # A status change of a known port is no news for dnsmasq.
    agent.port_update(None, dict(new, status='ACTIVE'))
    assert process.events == ['start', 'hup', 'release']


def test_dead_dnsmasq_is_restarted(env):
    _, _, _, agent, _ = env
    (process,) = FakeProcess.instances
    process.running = False
    agent.periodic_check()
    assert process.events == ['start', 'start']


def test_dhcp_disabled_tears_down(env):
    plugin, ovs, ip, agent, tmp = env
    plugin.networks[NET]['subnets'][0]['enable_dhcp'] = False
    agent.subnet_update(None, plugin.networks[NET]['subnets'][0])
    assert 'qdhcp-' + NET not in ip.ns
    assert dhcp_agent.device_name('port-dhcp') not in ovs.ports
    assert FakeProcess.instances[0].events == ['start', 'stop']
    assert agent.networks == {}


def test_network_delete_and_stale_namespaces(env):
    plugin, ovs, ip, agent, tmp = env
    agent.network_delete(None, NET)
    assert 'qdhcp-' + NET not in ip.ns
    ip.ns.add('qdhcp-gone')
    ip.ns.add('qrouter-x')
    del plugin.networks[NET]
    agent._resync = True
    agent.periodic_check()
    assert ip.ns == {'qrouter-x'}


def test_subnet_change_restarts_with_new_command_line(env):
    plugin, ovs, ip, agent, tmp = env
    net = plugin.networks[NET]
    net['subnets'].append(dict(SUBNET, id='sub-2', cidr='10.0.1.0/24', gateway_ip='10.0.1.1'))
    agent.subnet_update(None, net['subnets'][1])
    # The DHCP port lacks an address on the new subnet: asked again.
    assert [c[0] for c in plugin.calls].count('create_dhcp_port') == 2
    (process,) = FakeProcess.instances
    assert process.events == ['start', 'stop', 'start']
    assert any('subnet-sub-2' in a for a in process.argv)


def test_report_state(env):
    plugin, _, _, agent, _ = env
    agent.report_state()
    (state,) = [c[1] for c in plugin.calls if c[0] == 'report_state']
    assert state['agent_type'] == 'DHCP agent'
    assert state['binary'] == 'neutron-dhcp-agent'
    assert state['configurations']['networks'] == 1
    assert state['resources_synced'] is True


class FakeProxy:
    instances = []

    def __init__(self, scope, scope_id, namespace, directory, unix_socket, port,
                 bind_host='0.0.0.0'):
        self.args = (scope, scope_id, namespace, unix_socket, port, bind_host)
        self.events = []
        self.running = False
        FakeProxy.instances.append(self)

    def ensure(self):
        if not self.running:
            self.running = True
            self.events.append('start')

    def stop(self):
        self.running = False
        self.events.append('stop')


def test_metadata_proxy_in_the_dhcp_namespace(tmp_path):
    FakeProcess.instances, FakeProxy.instances = [], []
    plugin = FakePlugin([network()])
    ovs, ip = fake.FakeOvsdb(), FakeIp()
    agent = dhcp_agent.DhcpAgent(plugin, ovs, ip, 'node1', str(tmp_path), context=object(),
                                 process_class=FakeProcess, metadata_route=True,
                                 metadata_socket='/run/md.sock', proxy_class=FakeProxy)
    agent.init_host()
    agent.periodic_check()
    ns = 'qdhcp-' + NET
    dev = dhcp_agent.device_name('port-dhcp')
    assert ip.configured[dev][2] == ['10.0.0.2/24', '169.254.169.254/32']
    (proxy,) = FakeProxy.instances
    assert proxy.args == ('network', NET, ns, '/run/md.sock', 80, '169.254.169.254')
    assert proxy.events == ['start']
    proxy.running = False  # died
    agent.periodic_check()
    assert proxy.events == ['start', 'start']
    assert '169.254.169.254/32,10.0.0.2' in (tmp_path / NET / 'opts').read_text()
    agent.network_delete(None, NET)
    assert proxy.events[-1] == 'stop' and ns not in ip.ns


def test_options_host_routes_carry_the_default_route_and_metadata():
    net = network()
    net['subnets'][0]['host_routes'] = [{'destination': '192.0.2.0/24',
                                         'nexthop': '10.0.0.254'}]
    dhcp_port = {'fixed_ips': [{'subnet_id': 'sub-1', 'ip_address': '10.0.0.2'}]}
    opts = dnsmasq.options_file(net, dhcp_port, metadata_route=True)
    assert ('tag:subnet-sub-1,option:classless-static-route,192.0.2.0/24,10.0.0.254,'
            '169.254.169.254/32,10.0.0.2,0.0.0.0/0,10.0.0.1\n') in opts


def test_hosts_skip_ports_off_dhcp_subnets_and_use_dns_name():
    net = network()
    net['ports'].append(dict(GUEST, id='p3', dns_name='web1', mac_address='fa:16:3e:00:00:07',
                             fixed_ips=[{'subnet_id': 'sub-1', 'ip_address': '10.0.0.7'},
                                        {'subnet_id': 'other', 'ip_address': '10.9.0.7'}]))
    hosts = dnsmasq.hosts_file(net, 'example.test')
    assert 'fa:16:3e:00:00:07,web1.example.test,10.0.0.7\n' in hosts
    assert '10.9.0.7' not in hosts


def test_stale_leases_are_those_the_hosts_file_no_longer_backs():
    hosts = ('fa:16:3e:00:00:05,host-10-0-0-5.openstacklocal,10.0.0.5\n'
             'FA:16:3E:00:00:07,vm.openstacklocal,10.0.0.7\n')
    leases = ('1764400000 fa:16:3e:00:00:05 10.0.0.5 host-10-0-0-5 *\n'
              # a deleted port's lease of an address another port has now
              '1764400000 fa:16:3e:00:00:99 10.0.0.7 old *\n'
              '1764400000 fa:16:3e:00:00:07 10.0.0.7 vm 01:fa:16:3e:00:00:07\n'
              # a deleted port's address nobody has
              '1764400000 fa:16:3e:00:00:98 10.0.0.9 gone *\n'
              'duid 00:01:00:01:2a:bb:cc:dd\n'
              '1764400000 1234 fd00::5 v6 00:02\n')
    assert dnsmasq.stale_leases(leases, hosts) == [('10.0.0.7', 'fa:16:3e:00:00:99'),
                                                   ('10.0.0.9', 'fa:16:3e:00:00:98')]


def test_release_runs_dhcp_release_in_the_namespace(tmp_path, monkeypatch):
    (tmp_path / 'host').write_text('fa:16:3e:00:00:05,a.openstacklocal,10.0.0.5\n')
    (tmp_path / 'leases').write_text('1 fa:16:3e:00:00:99 10.0.0.5 old *\n'
                                     '1 fa:16:3e:00:00:05 10.0.0.5 a *\n')
    calls = []
    monkeypatch.setattr(dnsmasq.subprocess, 'run', lambda argv, **kw: calls.append(argv))
    dnsmasq.Process(NET, str(tmp_path), 'qdhcp-x', []).release_stale_leases('tapdhcp')
    assert calls == [['ip', 'netns', 'exec', 'qdhcp-x', 'dhcp_release', 'tapdhcp', '10.0.0.5',
                      'fa:16:3e:00:00:99']]
    # No lease file yet (dnsmasq just started): nothing to do.
    (tmp_path / 'leases').unlink()
    dnsmasq.Process(NET, str(tmp_path), 'qdhcp-x', []).release_stale_leases('tapdhcp')
    assert len(calls) == 1


def test_process_finds_a_dnsmasq_an_earlier_agent_started(tmp_path):
    import subprocess
    import sys
    import time
    directory = str(tmp_path)
    argv = ['dnsmasq', '-c', 'import time; time.sleep(60)', '--pid-file=%s/pid' % directory]
    proc = subprocess.Popen(argv, executable=sys.executable)
    try:
        (tmp_path / 'pid').write_text('%d\n' % proc.pid)
        for _ in range(100):  # as dnsmasq does, once it runs
            with open('/proc/%d/cmdline' % proc.pid, 'rb') as f:
                if f.read():
                    break
            time.sleep(0.05)
        found = dnsmasq.Process(NET, directory, 'qdhcp-x', argv)
        assert found.pid() == proc.pid and found.running_argv() == argv
        # Another network's directory: not ours.
        other = dnsmasq.Process(NET, str(tmp_path / 'other'), 'qdhcp-x', argv)
        assert other.pid() is None
        found.stop()
        proc.wait(timeout=10)
        assert found.pid() is None
    finally:
        proc.kill()
        proc.wait()


def test_networks_of_other_agents(env):
    """A port on a network this agent does not serve asks nothing; a network
    the conductor no longer gives this agent (moved to another) is taken down."""
    plugin, ovs, ip, agent, tmp = env
    plugin.calls.clear()
    agent.port_update(None, dict(GUEST, network_id='elsewhere'))
    assert plugin.calls == []
    plugin.networks.pop(NET)  # get_network_info answers None for this host now
    agent.network_update(None, {'id': NET})
    assert 'qdhcp-' + NET not in ip.ns and agent.networks == {}
