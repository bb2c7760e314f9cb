"""The security-group firewall's flows, from ports and rules to OpenFlow,
against a recording bridge and a fake conductor."""

import ipaddress

import pytest

from services.network.agents.ovs import agent as ovs_agent
from services.network.agents.ovs import fake
from services.network.agents.ovs import firewall
from services.network.agents.ovs import firewall_flows as ff
from services.network.agents.ovs import ofctl

MAC = 'fa:16:3e:00:00:01'


def rule(direction='ingress', ethertype='IPv4', **extra):
    return dict({'direction': direction, 'ethertype': ethertype, 'protocol': None,
                 'port_range_min': None, 'port_range_max': None, 'remote_ip_prefix': None,
                 'remote_group_id': None, 'security_group_id': 'sg1'}, **extra)


def port(rules=(), ofport=5, tag=3, **extra):
    return dict({'device': 'p1', 'mac_address': MAC, 'port_security_enabled': True,
                 'device_owner': 'compute:nova', 'security_groups': ['sg1'],
                 'fixed_ips': [{'subnet_id': 's', 'ip_address': '10.0.0.5'}],
                 'allowed_address_pairs': [], 'security_group_rules': list(rules),
                 'ofport': ofport, 'tag': tag, 'zone': ofport}, **extra)


def rule_flows(flows, table):
    return [f for f in flows if f.startswith('table=%d,priority=50,' % table)]


def test_port_range_masks_cover_exactly():
    for low, high in ((1, 65535), (22, 22), (1000, 1999), (80, 81), (1024, 65535),
                      (0, 0), (65535, 65535), (5, 4100)):
        covered = set()
        for match in ff.port_range_masks(low, high):
            value, _, mask = match.partition('/')
            value, mask = int(value, 0), int(mask or '0xffff', 0)
            covered |= {p for p in range(65536) if p & mask == value}
        assert covered == set(range(low, high + 1)), (low, high)
    assert ff.port_range_masks(22, 22) == ['22']


def test_filtered_port_anti_spoofing_and_dispatch():
    flows = ff.port_flows(port(), {})
    cookie = '%#x' % ff.port_cookie(5)
    assert all('cookie=%s,' % cookie in f for f in flows)
    assert any(f.startswith('table=0,priority=100,') and 'in_port=5' in f
               and 'resubmit(,71)' in f for f in flows)
    spoof = [f for f in flows if f.startswith('table=71,')]
    assert any('ip,dl_src=%s,nw_src=10.0.0.5' % MAC in f and 'resubmit(,72)' in f
               for f in spoof)
    assert any('arp,dl_src=%s,arp_sha=%s,arp_spa=10.0.0.5' % (MAC, MAC) in f for f in spoof)
    # DHCP client from the port's MAC (any source address, 0.0.0.0 included).
    assert any('udp,dl_src=%s,tp_src=68,tp_dst=67' % MAC in f and 'nw_src' not in f
               for f in spoof)
    # The EUI-64 link-local address of its MAC.
    assert any('ipv6,dl_src=%s,ipv6_src=fe80::f816:3eff:fe00:1' % MAC in f for f in spoof)
    # Nothing from another source address.
    assert not any('nw_src=10.0.0.6' in f for f in spoof)
    dispatch = [f for f in flows if f.startswith('table=81,')]
    assert any('reg4=3,dl_dst=%s' % MAC in f and 'load:0x5->NXM_NX_REG7[]' in f
               for f in dispatch)
    assert any('dl_vlan=3,dl_dst=%s' % MAC in f and 'strip_vlan' in f for f in dispatch)
    # No security group rule: no new connection allowed either way.
    assert rule_flows(flows, ff.INGRESS_RULES) == rule_flows(flows, ff.EGRESS_RULES) == []


def test_base_flows_guard_what_a_guest_may_never_send():
    base = ff.base_flows()
    for match in ('udp,tp_src=67,tp_dst=68', 'udp6,tp_src=547,tp_dst=546',
                  'icmp6,icmp_type=134'):
        assert any(f.startswith('table=71,priority=95,') and match in f
                   and f.endswith('actions=drop') for f in base)
    # Established replies and related packets pass unless the connection was marked.
    assert any('table=83,priority=80' in f and 'ct_state=+est+rpl+trk,ct_mark=0,ip,' in f
               and f.endswith('output:NXM_NX_REG7[0..15]') for f in base)
    assert any('table=83,priority=90' in f and 'ct_mark=0x1' in f and f.endswith('drop')
               for f in base)
    assert any('table=73,priority=40' in f and 'load:0x1->NXM_NX_CT_MARK[]' in f
               for f in base)
    assert 'table=81,priority=0,cookie=%#x,actions=NORMAL' % ff.BASE_COOKIE in base


def test_tcp_port_range_rule():
    flows = ff.port_flows(port([rule(protocol='tcp', port_range_min=1000,
                                     port_range_max=1999)]), CONJ)
    ingress = rule_flows(flows, ff.INGRESS_RULES)
    assert ingress and all('reg7=5,ct_state=+trk,tcp,tp_dst=' in f for f in ingress)
    assert all('ct(commit,zone=NXM_NX_REG6[0..15],exec(load:0->NXM_NX_CT_MARK[])),'
               'output:NXM_NX_REG7[0..15]' in f for f in ingress)
    assert len(ingress) == len(ff.port_range_masks(1000, 1999))
    single = ff.port_flows(port([rule(protocol='6', port_range_min=22, port_range_max=22)]), {})
    assert [f.split('ct_state=+trk,')[1].split(',actions')[0]
            for f in rule_flows(single, ff.INGRESS_RULES)] == ['tcp,tp_dst=22']


def test_icmp_type_and_code_and_ipv6_icmp():
    flows = ff.port_flows(port([
        rule(protocol='icmp', port_range_min=8, port_range_max=0),
        rule(protocol='icmp', port_range_min=3),
        rule(ethertype='IPv6', protocol='icmp'),
        rule(ethertype='IPv6', protocol='ipv6-icmp', port_range_min=128)]), CONJ)
    matches = [f.split('ct_state=+trk,')[1].split(',actions')[0]
               for f in rule_flows(flows, ff.INGRESS_RULES)]
    assert matches == ['icmp,icmp_type=8,icmp_code=0', 'icmp,icmp_type=3', 'icmp6',
                       'icmp6,icmp_type=128']


CONJ = {('ingress', 4, 'sg2'): 7, ('ingress', 4, 'sg3'): 8, ('egress', 6, 'sg2'): 9}


def test_remote_prefix_group_and_egress():
    flows = ff.port_flows(port([
        rule(protocol='udp', port_range_min=53, port_range_max=53,
             remote_ip_prefix='192.0.2.0/24'),
        rule(remote_group_id='sg2', remote_ips=['10.0.0.7', '10.0.0.8', 'fd00::7']),
        rule(remote_group_id='sg3', remote_ips=[]),
        rule(remote_ip_prefix='::/0'),  # the other family: nothing
        rule('egress', remote_ip_prefix='0.0.0.0/0'),
        rule('egress', 'IPv6', protocol='tcp', remote_ip_prefix='2001:db8::/32')]), CONJ)
    ingress = [f.split('ct_state=+trk,')[1].split(',actions')[0]
               for f in rule_flows(flows, ff.INGRESS_RULES)]
    assert ingress == ['udp,nw_src=192.0.2.0/24,tp_dst=53']
    # A remote group is the port's half of a conjunction; the addresses are shared.
    conj = [f for f in flows if f.startswith('table=83,priority=45,')]
    assert [f.split('cookie=%#x,' % ff.port_cookie(5))[1] for f in conj] == [
        'reg7=5,ct_state=+trk,ip,actions=conjunction(7,2/2),conjunction(8,2/2)']
    egress = rule_flows(flows, ff.EGRESS_RULES)
    assert [f.split('ct_state=+trk,')[1].split(',actions')[0] for f in egress] == [
        'ip', 'tcp6,ipv6_dst=2001:db8::/32']
    assert all('reg5=5,' in f and f.endswith('resubmit(,81)') for f in egress)


def test_remote_group_address_sets_are_shared():
    sets = {('ingress', 4, 'sg2'): ['10.0.0.7', '10.0.0.8', 'fd00::7'],
            ('ingress', 4, 'sg3'): ['10.0.0.8'], ('egress', 6, 'sg2'): ['fd00::7']}
    flows = ff.remote_set_flows(sets, CONJ)
    assert all(',cookie=%#x,' % ff.REMOTE_COOKIE in f for f in flows)
    body = sorted(f.split(',cookie=%#x,' % ff.REMOTE_COOKIE)[1] for f in flows)
    accept_in = 'ct(commit,zone=NXM_NX_REG6[0..15],exec(load:0->NXM_NX_CT_MARK[])),'
    assert body == sorted([
        'conj_id=7,ip,actions=' + accept_in + 'output:NXM_NX_REG7[0..15]',
        'conj_id=8,ip,actions=' + accept_in + 'output:NXM_NX_REG7[0..15]',
        'conj_id=9,ipv6,actions=' + accept_in + 'resubmit(,81)',
        'ct_state=+trk,ip,nw_src=10.0.0.7,actions=conjunction(7,1/2)',
        # An address in two groups: one flow naming both conjunctions.
        'ct_state=+trk,ip,nw_src=10.0.0.8,actions=conjunction(7,1/2),conjunction(8,1/2)',
        'ct_state=+trk,ipv6,ipv6_dst=fd00::7,actions=conjunction(9,1/2)'])
    assert all(f.startswith(('table=83,priority=45,', 'table=73,priority=45,'))
               for f in flows)


def test_unmatchable_port_range_allows_nothing():
    flows = ff.port_flows(port([rule(protocol='dccp', port_range_min=5, port_range_max=6),
                                rule(protocol='gre')]), CONJ)
    assert [f.split('ct_state=+trk,')[1].split(',actions')[0]
            for f in rule_flows(flows, ff.INGRESS_RULES)] == ['ip,nw_proto=47']


def test_allowed_address_pairs_and_ipv6():
    other = 'fa:16:3e:00:00:99'
    flows = ff.port_flows(port(
        fixed_ips=[{'ip_address': '10.0.0.5'}, {'ip_address': 'fd00::5'}],
        allowed_address_pairs=[{'ip_address': '10.0.0.100', 'mac_address': MAC},
                               {'ip_address': '10.1.0.0/24', 'mac_address': other}]), CONJ)
    spoof = [f for f in flows if f.startswith('table=71,')]
    assert any('ip,dl_src=%s,nw_src=10.0.0.100' % MAC in f for f in spoof)
    assert any('arp,dl_src=%s,arp_sha=%s,arp_spa=10.1.0.0/24' % (other, other) in f
               for f in spoof)
    assert any('ipv6,dl_src=%s,ipv6_src=fd00::5' % MAC in f for f in spoof)
    assert any('icmp_type=136,icmp_code=0,nd_target=fd00::5' in f for f in spoof)
    # The pair's MAC is the port's too: traffic to it is filtered as the port's.
    assert any('reg4=3,dl_dst=%s' % other in f for f in flows if f.startswith('table=81,'))
    assert not any('nw_src=10.0.0.6' in f for f in spoof)


@pytest.mark.parametrize('extra', [{'port_security_enabled': False},
                                   {'device_owner': 'network:dhcp'},
                                   {'device_owner': 'network:router_interface'}])
def test_unfiltered_ports_only_join_the_dispatch(extra):
    flows = ff.port_flows(port([rule(protocol='tcp')], **extra), {})
    assert flows == ['table=0,priority=100,cookie=%#x,in_port=5,'
                     'actions=load:0x3->NXM_NX_REG4[],resubmit(,81)' % ff.port_cookie(5)]


def test_link_local():
    assert ff.link_local('fa:16:3e:00:00:01') == str(
        ipaddress.IPv6Address('fe80::f816:3eff:fe00:1'))


# -- the firewall's state and bundles --------------------------------------------------------

class FakePlugin:
    def __init__(self):
        self.ports = {}
        self.calls = []

    def security_group_rules_for_devices(self, context, devices):
        self.calls.append(sorted(devices))
        return {d: self.ports[d] for d in devices if d in self.ports}


def _details(port_id, rules=(), groups=('sg1',), ips=('10.0.0.5',), mac=MAC, **extra):
    return dict({'device': port_id, 'mac_address': mac, 'port_security_enabled': True,
                 'device_owner': 'compute:nova', 'security_groups': list(groups),
                 'fixed_ips': [{'ip_address': ip} for ip in ips],
                 'allowed_address_pairs': [], 'security_group_rules': list(rules)}, **extra)


@pytest.fixture
def fw():
    plugin = FakePlugin()
    bridge = ofctl.RecordingBridge()
    return firewall.OVSFirewall(bridge, plugin, context=object()), plugin, bridge


def test_full_sync_is_one_bundle_and_later_changes_touch_one_port(fw):
    wall, plugin, bridge = fw
    plugin.ports['a'] = _details('a', [rule(protocol='icmp')])
    plugin.ports['b'] = _details('b', mac='fa:16:3e:00:00:02', ips=['10.0.0.6'])
    wall.sync({'a': {'ofport': 1, 'tag': 1}, 'b': {'ofport': 2, 'tag': 1}})
    assert len(bridge.bundles) == 1
    assert bridge.bundles[0][0] == ofctl.delete_cookie(ff.COOKIE_PREFIX, ff.COOKIE_MASK)
    assert bridge.with_cookie(ff.BASE_COOKIE) == ff.base_flows()
    assert any('icmp' in f for f in rule_flows(bridge.with_cookie(ff.port_cookie(1)), 83))
    # Nothing changed: no bundle, no RPC.
    wall.sync({'a': {'ofport': 1, 'tag': 1}, 'b': {'ofport': 2, 'tag': 1}})
    assert len(bridge.bundles) == 1 and len(plugin.calls) == 1
    # A rule of sg1 went away: a's flows are replaced in one bundle, b's are not touched.
    plugin.ports['a'] = _details('a', [])
    wall.security_groups_rule_updated(['sg1'])
    assert plugin.calls[-1] == ['a', 'b']
    last = bridge.bundles[-1]
    assert last[0] == ofctl.delete_cookie(ff.port_cookie(1))
    assert rule_flows(bridge.with_cookie(ff.port_cookie(1)), 83) == []
    wall.security_groups_rule_updated(['sg-other'])
    assert len(bridge.bundles) == 2  # nothing for a group no port uses
    # b leaves the bridge: its flows go.
    wall.sync({'a': {'ofport': 1, 'tag': 1}})
    assert bridge.with_cookie(ff.port_cookie(2)) == []
    assert bridge.with_cookie(ff.port_cookie(1))


def test_member_and_port_updates_refresh_the_ports_that_reference_them(fw):
    wall, plugin, bridge = fw
    remote = rule(remote_group_id='sg2', remote_ips=['10.0.0.9'])
    plugin.ports['a'] = _details('a', [remote])
    plugin.ports['b'] = _details('b', mac='fa:16:3e:00:00:02', ips=['10.0.0.6'])
    wall.sync({'a': {'ofport': 1, 'tag': 1}, 'b': {'ofport': 2, 'tag': 1}})
    plugin.ports['c'] = _details('c', [remote], mac='fa:16:3e:00:00:03', ips=['10.0.0.3'])
    wall.sync({'a': {'ofport': 1, 'tag': 1}, 'b': {'ofport': 2, 'tag': 1},
               'c': {'ofport': 3, 'tag': 1}})
    assert any('nw_src=10.0.0.9,' in f for f in bridge.with_cookie(ff.REMOTE_COOKIE))
    port_a = bridge.with_cookie(ff.port_cookie(1))
    for pid in ('a', 'c'):
        plugin.ports[pid]['security_group_rules'] = [
            dict(remote, remote_ips=['10.0.0.9', '10.0.0.10'])]
    bundles = len(bridge.bundles)
    wall.security_groups_member_updated(['sg2'])
    # One port that uses the group is asked; only the shared address flows change.
    assert plugin.calls[-1] == ['a'] and len(bridge.bundles) == bundles + 1
    assert bridge.bundles[-1][0] == ofctl.delete_cookie(ff.REMOTE_COOKIE)
    assert any('nw_src=10.0.0.10,' in f for f in bridge.with_cookie(ff.REMOTE_COOKIE))
    assert bridge.with_cookie(ff.port_cookie(1)) == port_a
    # A member's status update (still in sg2): nothing to re-read.
    calls = len(plugin.calls)
    wall.port_update({'id': 'x', 'fixed_ips': [{'ip_address': '10.0.0.10'}],
                      'security_groups': ['sg2'], 'status': 'ACTIVE'})
    assert len(plugin.calls) == calls
    # A remote port left sg2: its port update names its address; the set is re-read.
    for pid in ('a', 'c'):
        plugin.ports[pid]['security_group_rules'] = [dict(remote, remote_ips=['10.0.0.9'])]
    wall.port_update({'id': 'x', 'fixed_ips': [{'ip_address': '10.0.0.10'}],
                      'security_groups': []})
    assert plugin.calls[-1] == ['a']
    assert not any('10.0.0.10' in f for f in bridge.with_cookie(ff.REMOTE_COOKIE))
    # The last ports using sg2 go: so do its address flows.
    wall.sync({'b': {'ofport': 2, 'tag': 1}})
    assert bridge.with_cookie(ff.REMOTE_COOKIE) == []
    # b's own update with nothing new (its status): no work.
    calls = len(plugin.calls)
    wall.port_update(dict(plugin.ports['b'], id='b', status='ACTIVE'))
    assert len(plugin.calls) == calls
    # b gets an address pair: its flows follow.
    plugin.ports['b'] = dict(plugin.ports['b'], allowed_address_pairs=[
        {'ip_address': '10.0.0.200', 'mac_address': 'fa:16:3e:00:00:02'}])
    wall.port_update(dict(plugin.ports['b'], id='b'))
    assert any('nw_src=10.0.0.200' in f for f in bridge.with_cookie(ff.port_cookie(2)))


def test_a_failed_bundle_makes_the_next_sync_full(fw):
    wall, plugin, bridge = fw
    plugin.ports['a'] = _details('a', [rule(protocol='icmp')])
    wall.sync({'a': {'ofport': 1, 'tag': 1}})
    bridge.fail = True
    with pytest.raises(RuntimeError):
        wall.security_groups_rule_updated(['sg1'])
    assert wall.needs_full
    wall.security_groups_rule_updated(['sg1'])  # waits for the full resync
    bridge.fail = False
    wall.sync({'a': {'ofport': 1, 'tag': 1}})
    assert bridge.bundles[-1][0] == ofctl.delete_cookie(ff.COOKIE_PREFIX, ff.COOKIE_MASK)
    assert not wall.needs_full


def test_a_port_the_conductor_forgot_loses_its_flows(fw):
    wall, plugin, bridge = fw
    plugin.ports['a'] = _details('a')
    wall.sync({'a': {'ofport': 1, 'tag': 1}})
    del plugin.ports['a']
    wall.sync({'a': {'ofport': 1, 'tag': 1}}, changed={'a'})
    assert bridge.with_cookie(ff.port_cookie(1)) == [] and 'a' not in wall.ports


# -- the agent's hook ------------------------------------------------------------------------

class AgentPlugin(FakePlugin):
    def report_state(self, context, agent_state):
        return 'alive'

    def get_devices_details_list(self, context, devices, agent_id, host):
        return [dict(self.ports[d], network_id='net', admin_state_up=self.ports[d].get(
            'admin_state_up', True)) if d in self.ports else {'device': d} for d in devices]

    def update_device_up(self, context, device, agent_id, host):
        return True

    def update_device_down(self, context, device, agent_id, host):
        return True

    def update_device_list(self, context, devices_up, devices_down, agent_id, host):
        return {'devices_up': list(devices_up), 'failed_devices_up': [],
                'devices_down': list(devices_down), 'failed_devices_down': []}


def test_agent_scan_programs_and_removes_port_flows():
    ovs = fake.FakeOvsdb()
    plugin = AgentPlugin()
    bridge = ofctl.RecordingBridge()
    wall = firewall.OVSFirewall(bridge, plugin, context=object())
    agent = ovs_agent.OVSAgent(ovs, plugin, 'node1', context=object(), firewall=wall)
    agent.init_host()
    plugin.ports['a'] = _details('a', [rule(protocol='tcp', port_range_min=22,
                                            port_range_max=22)])
    plugin.ports['down'] = _details('down', mac='fa:16:3e:00:00:03', admin_state_up=False)
    ovs.plug('br-int', 'tapa', 'a')
    ovs.plug('br-int', 'tapdown', 'down')
    agent.scan()
    ofport = ovs.ports['tapa']['ofport']
    flows = bridge.with_cookie(ff.port_cookie(ofport))
    assert any('load:%#x->NXM_NX_REG4[]' % ovs.ports['tapa']['tag'] in f for f in flows)
    assert any('tcp,tp_dst=22' in f for f in flows)
    assert bridge.with_cookie(ff.port_cookie(ovs.ports['tapdown']['ofport'])) == []
    # The conductor's fanouts reach the firewall through the agent.
    plugin.ports['a'] = _details('a', [])
    agent.security_groups_rule_updated(None, ['sg1'])
    assert not any('tcp,tp_dst=22' in f for f in bridge.with_cookie(ff.port_cookie(ofport)))
    # A failed bundle does not fail the scan (no rewiring); the next pass rebuilds it all.
    bridge.fail = True
    ovs.del_port('tapa')
    agent.scan()
    assert wall.needs_full and not agent._resync
    bridge.fail = False
    agent.scan()
    assert bridge.with_cookie(ff.port_cookie(ofport)) == [] and not wall.needs_full
    assert bridge.bundles[-1][0] == ofctl.delete_cookie(ff.COOKIE_PREFIX, ff.COOKIE_MASK)
