"""Provider bridges of the Open vSwitch agent ([ovs] bridge_mappings)."""

import pytest

from services.network.agents.ovs import agent as ovs_agent
from services.network.agents.ovs import fake
from services.network.agents.ovs import provider
from tests.unit.network.test_ovs_agent import FakePlugin


def test_parse_mappings():
    assert provider.parse_mappings(['public:br-ex', ' phys2 : br-p2 ']) == {
        'public': 'br-ex', 'phys2': 'br-p2'}
    assert provider.parse_mappings([]) == {}
    for bad in (['public'], ['public:'], [':br-ex'], ['a:br-x', 'a:br-y'],
                ['a:br-x', 'b:br-x']):
        with pytest.raises(ValueError):
            provider.parse_mappings(bad)


def test_translation_flows_flat_and_vlan():
    flat = provider.translation_flows('flat', None, 5, 10, 20)
    assert flat == {'int': ('priority=3,in_port=10,vlan_tci=0x0000/0x1fff',
                            'mod_vlan_vid:5,NORMAL'),
                    'phy': ('priority=4,in_port=20,dl_vlan=5', 'strip_vlan,NORMAL')}
    vlan = provider.translation_flows('vlan', 1234, 6, 10, 20)
    assert vlan == {'int': ('priority=3,in_port=10,dl_vlan=1234', 'mod_vlan_vid:6,NORMAL'),
                    'phy': ('priority=4,in_port=20,dl_vlan=6', 'mod_vlan_vid:1234,NORMAL')}


@pytest.fixture
def env():
    ovs = fake.FakeOvsdb()
    ofctl = fake.FakeOfctl()
    plugin = FakePlugin()
    bridges = provider.ProviderBridges(ovs, ofctl, {'public': 'br-ex', 'phys2': 'br-p2'},
                                       'br-int', sleep=lambda s: None)
    agent = ovs_agent.OVSAgent(ovs, plugin, 'node1', bridge='br-int', context=object(),
                               provider=bridges)
    agent.init_host()
    return ovs, ofctl, plugin, agent


def _ofport(ovs, name):
    return ovs.ports[name]['ofport']


def test_setup_makes_bridges_patches_and_drops(env):
    ovs, ofctl, plugin, agent = env
    assert ovs.bridges == {'br-int': 'netdev', 'br-ex': 'netdev', 'br-p2': 'netdev'}
    assert ovs.ports['int-br-ex']['bridge'] == 'br-int'
    assert ovs.ports['int-br-ex']['peer'] == 'phy-br-ex'
    assert ovs.ports['phy-br-ex']['bridge'] == 'br-ex'
    assert ovs.ports['phy-br-ex']['peer'] == 'int-br-ex'
    phy = _ofport(ovs, 'phy-br-ex')
    assert ofctl.flows['br-ex'] == {'priority=0': 'NORMAL',
                                    'priority=2,in_port=%d' % phy: 'drop'}
    assert ofctl.flows['br-int']['priority=2,in_port=%d' % _ofport(ovs, 'int-br-ex')] == \
        'drop'
    agent.report_state()
    state = plugin.calls[-1][1]
    assert state['configurations']['bridge_mappings'] == {'public': 'br-ex',
                                                          'phys2': 'br-p2'}


def test_a_flat_network_port_gets_translation_flows_until_its_last_port_goes(env):
    ovs, ofctl, plugin, agent = env
    plugin.add('qg1', 'ext')
    plugin.ports['qg1'].update(network_type='flat', physical_network='public',
                               segmentation_id=None)
    plugin.add('vm1', 'tenant')
    plugin.ports['vm1'].update(network_type='vxlan', physical_network=None,
                               segmentation_id=77)
    ovs.plug('br-int', 'qg-1', 'qg1')
    ovs.plug('br-int', 'tap1', 'vm1')
    agent.scan()
    tag = ovs.ports['qg-1']['tag']
    int_port, phy_port = _ofport(ovs, 'int-br-ex'), _ofport(ovs, 'phy-br-ex')
    assert ofctl.flows['br-int']['priority=3,in_port=%d,vlan_tci=0x0000/0x1fff'
                                 % int_port] == 'mod_vlan_vid:%d,NORMAL' % tag
    assert ofctl.flows['br-ex']['priority=4,in_port=%d,dl_vlan=%d' % (phy_port, tag)] == \
        'strip_vlan,NORMAL'
    # The tenant network never reaches a physical bridge.
    assert not any('mod_vlan_vid:%d' % ovs.ports['tap1']['tag'] in a
                   for a in ofctl.flows['br-int'].values())
    assert list(ofctl.flows['br-p2']) == ['priority=0', 'priority=2,in_port=%d'
                                          % _ofport(ovs, 'phy-br-p2')]
    # The last port of the network leaves: its flows go.
    ovs.del_port('qg-1')
    agent.scan()
    assert not any(m.startswith('priority=4') for m in ofctl.flows['br-ex'])
    assert not any(m.startswith('priority=3') for m in ofctl.flows['br-int'])


def test_vlan_network_on_an_unmapped_physnet_is_left_alone(env):
    ovs, ofctl, plugin, agent = env
    plugin.add('p1', 'net-v')
    plugin.ports['p1'].update(network_type='vlan', physical_network='physnet9',
                              segmentation_id=1001)
    plugin.add('p2', 'net-w')
    plugin.ports['p2'].update(network_type='vlan', physical_network='phys2',
                              segmentation_id=1002)
    ovs.plug('br-int', 'tap1', 'p1')
    ovs.plug('br-int', 'tap2', 'p2')
    agent.scan()
    tag = ovs.ports['tap2']['tag']
    assert ofctl.flows['br-p2']['priority=4,in_port=%d,dl_vlan=%d'
                                % (_ofport(ovs, 'phy-br-p2'), tag)] == \
        'mod_vlan_vid:1002,NORMAL'
    assert ofctl.flows['br-int']['priority=3,in_port=%d,dl_vlan=1002'
                                 % _ofport(ovs, 'int-br-p2')] == 'mod_vlan_vid:%d,NORMAL' % tag
    assert 'mod_vlan_vid:1001,NORMAL' not in ofctl.flows['br-int'].values()


def test_resync_puts_flows_back(env):
    ovs, ofctl, plugin, agent = env
    plugin.add('qg1', 'ext')
    plugin.ports['qg1'].update(network_type='flat', physical_network='public')
    ovs.plug('br-int', 'qg-1', 'qg1')
    agent.scan()
    ofctl.flows.clear()  # Open vSwitch restarted
    agent._resync = True
    agent.scan()
    assert any(m.startswith('priority=4') for m in ofctl.flows['br-ex'])
    assert 'priority=0' in ofctl.flows['br-ex']
