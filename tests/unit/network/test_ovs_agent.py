"""The Open vSwitch agent's logic against an in-memory OVSDB and a fake conductor."""

import pytest

from services.network.agents.ovs import agent as ovs_agent
from services.network.agents.ovs import fake
from services.network.agents.ovs import ovsdb

BR = 'br-int'


class FakePlugin:
    """What the conductor answers; records the agent's calls."""

    def __init__(self):
        self.ports = {}  # port id -> details
        self.calls = []
        self.fail = False
        self.fail_list = False
        self.refuse = set()

    def add(self, port_id, network_id, admin_state_up=True):
        self.ports[port_id] = {'device': port_id, 'port_id': port_id,
                               'network_id': network_id, 'admin_state_up': admin_state_up}

    def report_state(self, context, agent_state):
        self.calls.append(('report_state', agent_state))
        return 'alive'

    def get_devices_details_list(self, context, devices, agent_id, host):
        if self.fail:
            raise RuntimeError('conductor away')
        self.calls.append(('details', sorted(devices)))
        return [self.ports.get(d, {'device': d}) for d in devices]

    def update_device_up(self, context, device, agent_id, host):
        self.calls.append(('up', device))
        return True

    def update_device_down(self, context, device, agent_id, host):
        self.calls.append(('down', device))
        return True

    def update_device_list(self, context, devices_up, devices_down, agent_id, host):
        """As the conductor's 1.3 call: ``refuse`` ids fail."""
        self.calls.append(('list', list(devices_up), list(devices_down)))
        if self.fail_list:
            raise RuntimeError('conductor away')
        result = {'devices_up': [], 'failed_devices_up': [], 'devices_down': [],
                  'failed_devices_down': []}
        for kind, devices in (('up', devices_up), ('down', devices_down)):
            for device in devices:
                if device in self.refuse:
                    result['failed_devices_%s' % kind].append(device)
                else:
                    self.calls.append((kind, device))
                    result['devices_%s' % kind].append(device)
        return result

    def of(self, kind):
        return [c[1] for c in self.calls if c[0] == kind]


@pytest.fixture
def env():
    ovs = fake.FakeOvsdb()
    plugin = FakePlugin()
    agent = ovs_agent.OVSAgent(ovs, plugin, 'node1', bridge=BR, context=object())
    agent.init_host()
    return ovs, plugin, agent


def test_init_host_makes_a_netdev_bridge(env):
    ovs, _, _ = env
    assert ovs.bridges == {BR: 'netdev'}


def test_ports_get_one_tag_per_network_and_go_up(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    plugin.add('p2', 'net-a')
    plugin.add('p3', 'net-b')
    for i, pid in enumerate(('p1', 'p2', 'p3')):
        ovs.plug(BR, 'vnet%d' % i, pid)
    ovs.plug('br-other', 'vnet9', 'p9')  # another bridge: not ours
    agent.scan()
    tags = {p['iface_id']: p['tag'] for p in ovs.ports.values()}
    assert tags['p1'] == tags['p2'] != tags['p3']
    assert tags['p9'] is None
    assert {tags['p1'], tags['p3']} <= set(range(1, 4095))
    assert sorted(plugin.of('up')) == ['p1', 'p2', 'p3']
    # Nothing new: the next pass asks nothing.
    plugin.calls.clear()
    agent.scan()
    assert plugin.calls == []


def test_unknown_port_stays_dead(env):
    ovs, plugin, agent = env
    ovs.plug(BR, 'vnet0', 'stranger')
    agent.scan()
    assert ovs.ports['vnet0']['tag'] == ovsdb.DEAD_VLAN
    assert plugin.of('up') == []


def test_unready_interface_waits(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    ovs.plug(BR, 'vnet0', 'p1')
    ovs.ports['vnet0']['ofport'] = -1
    agent.scan()
    assert plugin.of('up') == []
    ovs.ports['vnet0']['ofport'] = 7
    agent.scan()
    assert plugin.of('up') == ['p1']


def test_port_leaving_goes_down_and_frees_the_tag(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    ovs.plug(BR, 'vnet0', 'p1')
    agent.scan()
    assert agent.local_vlan('net-a') is not None
    ovs.del_port('vnet0')
    agent.scan()
    assert plugin.of('down') == ['p1']
    assert agent.local_vlan('net-a') is None


def test_a_guest_replugged_between_passes_is_wired_again_without_going_down(env):
    """A hard reboot: libvirt deletes the guest's OVS port and adds a new one
    (another name and ofport, no tag) with the same port id before the next pass."""
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    ovs.plug(BR, 'vnet0', 'p1')
    agent.scan()
    tag = ovs.ports['vnet0']['tag']
    ovs.del_port('vnet0')
    ovs.plug(BR, 'vnet1', 'p1')
    plugin.calls.clear()
    agent.scan()
    assert ovs.ports['vnet1']['tag'] == tag
    assert plugin.of('up') == ['p1'] and plugin.of('down') == []
    assert agent.local_vlan('net-a') == tag
    # the same name on another ofport (libvirt reused it) is a new port as well
    ovs.ports['vnet1'].update(ofport=ovs.ports['vnet1']['ofport'] + 100, tag=None)
    agent.scan()
    assert ovs.ports['vnet1']['tag'] == tag
    plugin.calls.clear()
    agent.scan()
    assert plugin.calls == []


def test_admin_down_port_is_cut_off(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a', admin_state_up=False)
    ovs.plug(BR, 'vnet0', 'p1')
    agent.scan()
    assert ovs.ports['vnet0']['tag'] == ovsdb.DEAD_VLAN
    assert plugin.of('up') == []
    # Set up again: the update notification rewires it.
    plugin.add('p1', 'net-a', admin_state_up=True)
    agent.port_update(None, {'id': 'p1', 'network_id': 'net-a', 'admin_state_up': True,
                             'status': 'DOWN'})
    agent.scan()
    assert ovs.ports['vnet0']['tag'] == agent.local_vlan('net-a')
    assert plugin.of('up') == ['p1']


def test_status_only_update_is_no_news(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    ovs.plug(BR, 'vnet0', 'p1')
    agent.scan()
    plugin.calls.clear()
    agent.port_update(None, {'id': 'p1', 'network_id': 'net-a', 'admin_state_up': True,
                             'status': 'ACTIVE'})
    agent.scan()
    assert plugin.calls == []


def test_deleted_port_is_cut_off_at_once(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    ovs.plug(BR, 'vnet0', 'p1')
    agent.scan()
    agent.port_delete(None, 'p1', 'net-a')
    assert ovs.ports['vnet0']['tag'] == ovsdb.DEAD_VLAN


def test_restart_resyncs_and_keeps_the_tags(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    plugin.add('p2', 'net-b')
    ovs.plug(BR, 'vnet0', 'p1')
    ovs.plug(BR, 'vnet1', 'p2')
    agent.scan()
    before = {n: p['tag'] for n, p in ovs.ports.items()}
    # The same bridge, a fresh agent process: swap the tags' allocation order.
    ovs.set_tag('vnet0', 7)
    ovs.set_tag('vnet1', 9)
    plugin.calls.clear()
    fresh = ovs_agent.OVSAgent(ovs, plugin, 'node1', bridge=BR, context=object())
    fresh.init_host()
    fresh.scan()
    assert sorted(plugin.of('up')) == ['p1', 'p2']
    assert (ovs.ports['vnet0']['tag'], ovs.ports['vnet1']['tag']) == (7, 9)
    assert before != {n: p['tag'] for n, p in ovs.ports.items()}


def test_failed_pass_means_full_resync(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    ovs.plug(BR, 'vnet0', 'p1')
    plugin.fail = True
    with pytest.raises(RuntimeError):
        agent.scan()
    plugin.fail = False
    agent.scan()
    assert plugin.of('up') == ['p1']


def test_a_resync_reports_every_port_in_one_call(env):
    ovs, plugin, agent = env
    for i in range(5):
        plugin.add('p%d' % i, 'net-a')
        ovs.plug(BR, 'vnet%d' % i, 'p%d' % i)
    plugin.add('off', 'net-a', admin_state_up=False)
    ovs.plug(BR, 'vnet9', 'off')
    fresh = ovs_agent.OVSAgent(ovs, plugin, 'node1', bridge=BR, context=object())
    fresh.init_host()
    fresh.scan()
    assert [c for c in plugin.calls if c[0] == 'list'] == [
        ('list', ['p0', 'p1', 'p2', 'p3', 'p4'], ['off'])]
    # A pass with nothing to report makes no call.
    plugin.calls.clear()
    fresh.scan()
    assert plugin.calls == []


def test_ports_the_conductor_could_not_take_are_reported_again(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    plugin.add('p2', 'net-a')
    ovs.plug(BR, 'vnet1', 'p1')
    ovs.plug(BR, 'vnet2', 'p2')
    plugin.refuse = {'p2'}
    agent.scan()
    assert plugin.of('up') == ['p1']
    plugin.refuse = set()
    plugin.calls.clear()
    agent.scan()
    assert [c for c in plugin.calls if c[0] == 'list'] == [('list', ['p2'], [])]
    assert plugin.of('up') == ['p2']
    # A port gone whose DOWN is refused is reported again, though no longer wired.
    plugin.refuse = {'p1'}
    ovs.del_port('vnet1')
    agent.scan()
    assert plugin.of('down') == []
    plugin.refuse = set()
    agent.scan()
    assert plugin.of('down') == ['p1']


def test_a_refused_admin_down_is_reported_again(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    ovs.plug(BR, 'vnet1', 'p1')
    agent.scan()
    plugin.add('p1', 'net-a', admin_state_up=False)
    agent.port_update(None, {'id': 'p1', 'network_id': 'net-a', 'admin_state_up': False})
    plugin.refuse = {'p1'}
    agent.scan()
    assert plugin.of('down') == []
    plugin.refuse = set()
    agent.scan()
    assert plugin.of('down') == ['p1']
    assert ovs.ports['vnet1']['tag'] == ovsdb.DEAD_VLAN


def test_a_failed_report_resyncs_and_keeps_the_downs(env):
    ovs, plugin, agent = env
    plugin.add('p1', 'net-a')
    plugin.add('p2', 'net-a')
    ovs.plug(BR, 'vnet1', 'p1')
    ovs.plug(BR, 'vnet2', 'p2')
    agent.scan()
    ovs.del_port('vnet1')
    plugin.calls.clear()
    plugin.fail_list = True
    with pytest.raises(RuntimeError):
        agent.scan()
    plugin.fail_list = False
    agent.scan()
    assert [c for c in plugin.calls if c[0] == 'list'][-1] == ('list', ['p2'], ['p1'])


def test_report_state(env):
    ovs, plugin, agent = env
    agent.report_state()
    agent.report_state()
    first, second = plugin.of('report_state')
    assert first['agent_type'] == 'Open vSwitch agent'
    assert first['binary'] == 'neutron-openvswitch-agent'
    assert first['configurations']['integration_bridge'] == BR
    assert first['configurations']['datapath_type'] == 'netdev'
    assert first['start_flag'] is True and second['start_flag'] is False


def test_vlans_run_out():
    vlans = ovs_agent.LocalVlans()
    for i in range(ovs_agent.MAX_VLAN):
        vlans.get('net-%d' % i)
    with pytest.raises(RuntimeError):
        vlans.get('one-too-many')
