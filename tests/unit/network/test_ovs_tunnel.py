"""VXLAN between hosts on the Open vSwitch agent ([ovs] local_ip, br-tun)."""

import pytest

from services.network.agents.ovs import agent as ovs_agent
from services.network.agents.ovs import fake
from services.network.agents.ovs import tunnel
from tests.unit.network.test_ovs_agent import FakePlugin


class TunnelPlugin(FakePlugin):
    def __init__(self, endpoints):
        super().__init__()
        self.endpoints = list(endpoints)

    def tunnel_sync(self, context, tunnel_ip, tunnel_type, host):
        self.calls.append(('tunnel_sync', tunnel_ip, tunnel_type, host))
        return list(self.endpoints)


@pytest.fixture
def env():
    ovs = fake.FakeOvsdb()
    ofctl = fake.FakeOfctl()
    plugin = TunnelPlugin(['192.0.2.2', '192.0.2.1'])  # our own address is skipped
    tunnels = tunnel.TunnelBridge(ovs, ofctl, '192.0.2.1', 'br-int', sleep=lambda s: None)
    agent = ovs_agent.OVSAgent(ovs, plugin, 'node1', bridge='br-int', context=object(),
                               tunnels=tunnels)
    agent.init_host()
    agent.report_state()  # the heartbeat brings the endpoints
    return ovs, ofctl, plugin, agent


def _ofport(ovs, name):
    return ovs.ports[name]['ofport']


def _vxlan_port(plugin, port_id, network_id, vni):
    plugin.add(port_id, network_id)
    plugin.ports[port_id].update(network_type='vxlan', physical_network=None,
                                 segmentation_id=vni)


def test_port_name_fits_an_interface_name():
    assert tunnel.port_name('192.0.2.2') == 'vxlan-c0000202'
    assert len(tunnel.port_name('255.255.255.255')) <= 15


def test_setup_builds_br_tun_with_a_tunnel_per_other_host(env):
    ovs, ofctl, plugin, agent = env
    assert ovs.bridges == {'br-int': 'netdev', 'br-tun': 'netdev'}
    assert ovs.ports['patch-tun']['bridge'] == 'br-int'
    assert ovs.ports['patch-tun']['peer'] == 'patch-int'
    assert ovs.ports['patch-int']['bridge'] == 'br-tun'
    assert ('tunnel_sync', '192.0.2.1', 'vxlan', 'node1') in plugin.calls
    assert [n for n, p in ovs.ports.items() if p['type'] == 'vxlan'] == ['vxlan-c0000202']
    assert ovs.ports['vxlan-c0000202']['options'] == {
        'remote_ip': '192.0.2.2', 'local_ip': '192.0.2.1', 'key': 'flow', 'dst_port': '4789'}
    assert ofctl.flows['br-tun'] == {'priority=0': 'drop'}
    config = [c for c in plugin.calls if c[0] == 'report_state'][-1][1]['configurations']
    assert (config['tunnel_types'], config['tunneling_ip']) == (['vxlan'], '192.0.2.1')


def test_vxlan_networks_translate_local_vlan_and_vni_and_stay_apart(env):
    ovs, ofctl, plugin, agent = env
    _vxlan_port(plugin, 'vm1', 'net-a', 1001)
    _vxlan_port(plugin, 'vm2', 'net-b', 1002)
    plugin.add('vm3', 'net-v')
    plugin.ports['vm3'].update(network_type='vlan', physical_network='physnet1',
                               segmentation_id=5)
    for name, port_id in (('tap1', 'vm1'), ('tap2', 'vm2'), ('tap3', 'vm3')):
        ovs.plug('br-int', name, port_id)
    agent.scan()
    patch, vx = _ofport(ovs, 'patch-int'), _ofport(ovs, 'vxlan-c0000202')
    tag_a, tag_b = ovs.ports['tap1']['tag'], ovs.ports['tap2']['tag']
    assert tag_a != tag_b
    assert ofctl.flows['br-tun'] == {
        'priority=0': 'drop',
        'priority=2,in_port=%d,dl_vlan=%d' % (patch, tag_a):
            'strip_vlan,set_tunnel:1001,output:%d' % vx,
        'priority=2,tun_id=1001': 'mod_vlan_vid:%d,output:%d' % (tag_a, patch),
        'priority=2,in_port=%d,dl_vlan=%d' % (patch, tag_b):
            'strip_vlan,set_tunnel:1002,output:%d' % vx,
        'priority=2,tun_id=1002': 'mod_vlan_vid:%d,output:%d' % (tag_b, patch),
    }  # the VLAN network's tag crosses nothing
    # The last port of net-a leaves: its translations go.
    ovs.del_port('tap1')
    agent.scan()
    assert 'priority=2,tun_id=1001' not in ofctl.flows['br-tun']
    assert 'priority=2,tun_id=1002' in ofctl.flows['br-tun']


def test_hosts_coming_and_going_by_fanout(env):
    ovs, ofctl, plugin, agent = env
    _vxlan_port(plugin, 'vm1', 'net-a', 1001)
    ovs.plug('br-int', 'tap1', 'vm1')
    agent.scan()
    patch, tag = _ofport(ovs, 'patch-int'), ovs.ports['tap1']['tag']
    out = 'priority=2,in_port=%d,dl_vlan=%d' % (patch, tag)
    agent.tunnel_update(None, '192.0.2.3', 'vxlan', host='node3')
    agent.tunnel_update(None, '192.0.2.1', 'vxlan', host='node1')  # our own: ignored
    ports = sorted(_ofport(ovs, n) for n in ('vxlan-c0000202', 'vxlan-c0000203'))
    assert ofctl.flows['br-tun'][out] == 'strip_vlan,set_tunnel:1001,%s' % ','.join(
        'output:%d' % p for p in ports)
    agent.tunnel_delete(None, '192.0.2.2', 'vxlan')
    assert 'vxlan-c0000202' not in ovs.ports
    assert ofctl.flows['br-tun'][out] == 'strip_vlan,set_tunnel:1001,output:%d' % \
        _ofport(ovs, 'vxlan-c0000203')
    agent.tunnel_delete(None, '192.0.2.3', 'vxlan')
    assert ofctl.flows['br-tun'][out] == 'drop'


def test_resync_asks_the_endpoints_again_and_restores_flows(env):
    ovs, ofctl, plugin, agent = env
    _vxlan_port(plugin, 'vm1', 'net-a', 1001)
    ovs.plug('br-int', 'tap1', 'vm1')
    agent.scan()
    plugin.endpoints = ['192.0.2.4']
    ofctl.flows.clear()  # Open vSwitch restarted
    agent._resync = True
    agent.scan()
    agent.report_state()
    assert [n for n, p in ovs.ports.items() if p['type'] == 'vxlan'] == ['vxlan-c0000204']
    assert ofctl.flows['br-tun']['priority=2,tun_id=1001'].startswith('mod_vlan_vid:')


def test_no_local_ip_no_tunnels():
    ovs, plugin = fake.FakeOvsdb(), TunnelPlugin(['192.0.2.2'])
    agent = ovs_agent.OVSAgent(ovs, plugin, 'node1', context=object())
    agent.init_host()
    agent.tunnel_update(None, '192.0.2.3', 'vxlan', host='node3')
    assert 'br-tun' not in ovs.bridges and not any(c[0] == 'tunnel_sync' for c in plugin.calls)
