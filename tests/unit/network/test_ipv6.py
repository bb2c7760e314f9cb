"""IPv6 subnets as neutron defines them: RA and address modes and their
combination rules, SLAAC (EUI-64) addresses computed from the port's MAC,
IPv6 router interfaces and IPv6 subnet pools."""

import netaddr
import pytest

from tests.unit.network.conftest import member

DEMO = member('demo')
MODES = ('slaac', 'dhcpv6-stateful', 'dhcpv6-stateless')


def _v6(api, net, cidr='2001:db8:1::/64', status=201, **attrs):
    body = dict({'network_id': net['id'], 'cidr': cidr, 'ip_version': 6}, **attrs)
    return api.post('/subnets', {'subnet': body}, DEMO, status=status)


def _eui64(cidr, mac):
    return str(netaddr.EUI(mac).ipv6(netaddr.IPNetwork(cidr).network))


@pytest.mark.parametrize('ra,address', [(m, m) for m in MODES] + [
    (None, 'slaac'), (None, 'dhcpv6-stateless'), (None, 'dhcpv6-stateful'),
    ('slaac', None), ('dhcpv6-stateful', None), ('dhcpv6-stateless', None)])
def test_valid_mode_combinations(api, ra, address):
    net = api.network(DEMO)
    attrs = {k: v for k, v in (('ipv6_ra_mode', ra), ('ipv6_address_mode', address)) if v}
    subnet = _v6(api, net, **attrs).json['subnet']
    assert (subnet['ipv6_ra_mode'], subnet['ipv6_address_mode']) == (ra, address)


def test_invalid_mode_combinations(api):
    net = api.network(DEMO)
    for ra in MODES:
        for address in MODES:
            if ra != address:
                resp = _v6(api, net, status=400, ipv6_ra_mode=ra, ipv6_address_mode=address)
                assert resp.json['NeutronError']['type'] == 'InvalidInput'
    # Not on IPv4, not without DHCP, EUI-64 only on a /64.
    api.post('/subnets', {'subnet': {'network_id': net['id'], 'cidr': '10.0.0.0/24',
                                     'ip_version': 4, 'ipv6_ra_mode': 'slaac'}}, DEMO,
             status=400)
    _v6(api, net, status=400, ipv6_address_mode='slaac', enable_dhcp=False)
    msg = _v6(api, net, '2001:db8:2::/80', status=400,
              ipv6_address_mode='slaac').json['NeutronError']['message']
    assert 'Invalid CIDR' in msg
    _v6(api, net, '2001:db8:2::/80', ipv6_address_mode='dhcpv6-stateful')


def test_slaac_addresses_come_from_the_mac(api):
    for mode in ('slaac', 'dhcpv6-stateless'):
        net = api.network(DEMO)
        subnet = _v6(api, net, ipv6_ra_mode=mode, ipv6_address_mode=mode).json['subnet']
        mac = 'fa:16:3e:12:34:56'
        port = api.port(net['id'], DEMO, mac_address=mac)
        assert port['fixed_ips'] == [{'subnet_id': subnet['id'],
                                      'ip_address': _eui64(subnet['cidr'], mac)}]
        # Naming the subnet gives the same address; naming an address is refused.
        other = api.port(net['id'], DEMO, mac_address='fa:16:3e:00:00:01',
                         fixed_ips=[{'subnet_id': subnet['id']}])
        assert other['fixed_ips'][0]['ip_address'] == _eui64(subnet['cidr'],
                                                             'fa:16:3e:00:00:01')
        api.post('/ports', {'port': {'network_id': net['id'], 'fixed_ips': [
            {'subnet_id': subnet['id'], 'ip_address': '2001:db8:1::99'}]}}, DEMO, status=400)
        # No pool address is used up.
        avail = api.get('/network-ip-availabilities/%s' % net['id']).json[
            'network_ip_availability']
        assert avail['used_ips'] == 2


def test_slaac_with_v4_and_stateful_subnets(api):
    net = api.network(DEMO)
    slaac = _v6(api, net, ipv6_ra_mode='slaac', ipv6_address_mode='slaac').json['subnet']
    stateful = _v6(api, net, '2001:db8:9::/64',
                   ipv6_address_mode='dhcpv6-stateful').json['subnet']
    v4 = api.subnet(net['id'], headers=DEMO)
    mac = 'fa:16:3e:aa:bb:cc'
    port = api.port(net['id'], DEMO, mac_address=mac)
    ips = {ip['subnet_id']: ip['ip_address'] for ip in port['fixed_ips']}
    assert ips[slaac['id']] == _eui64(slaac['cidr'], mac)
    assert netaddr.IPAddress(ips[stateful['id']]) in netaddr.IPNetwork(stateful['cidr'])
    assert netaddr.IPAddress(ips[v4['id']]) in netaddr.IPNetwork(v4['cidr'])


def test_slaac_subnet_added_later_and_deleted_with_ports(api):
    net = api.network(DEMO)
    api.subnet(net['id'], headers=DEMO)
    port = api.port(net['id'], DEMO)
    subnet = _v6(api, net, ipv6_ra_mode='slaac', ipv6_address_mode='slaac').json['subnet']
    port = api.get('/ports/%s' % port['id'], DEMO).json['port']
    assert {'subnet_id': subnet['id'],
            'ip_address': _eui64(subnet['cidr'], port['mac_address'])} in port['fixed_ips']
    # The subnet goes although ports use it; the network stays in use.
    api.delete('/subnets/%s' % subnet['id'], DEMO)
    port = api.get('/ports/%s' % port['id'], DEMO).json['port']
    assert [ip['subnet_id'] for ip in port['fixed_ips']] != [subnet['id']]
    assert len(port['fixed_ips']) == 1
    fault = api.delete('/networks/%s' % net['id'], DEMO, status=409).json['NeutronError']
    assert 'There are one or more ports still in use on the network' in fault['message']


def test_dhcp_cannot_be_disabled_with_modes(api):
    net = api.network(DEMO)
    subnet = _v6(api, net, ipv6_address_mode='dhcpv6-stateful').json['subnet']
    api.put('/subnets/%s' % subnet['id'], {'subnet': {'enable_dhcp': False}}, DEMO,
            status=400)
    plain = _v6(api, net, '2001:db8:7::/64').json['subnet']
    api.put('/subnets/%s' % plain['id'], {'subnet': {'enable_dhcp': False}}, DEMO)


def test_router_interfaces_on_ipv6_subnets(api):
    net = api.network(DEMO)
    router = api.post('/routers', {'router': {'name': 'r'}}, DEMO).json['router']
    slaac = _v6(api, net, ipv6_ra_mode='slaac', ipv6_address_mode='slaac').json['subnet']
    stateful = _v6(api, net, '2001:db8:2::/64', ipv6_ra_mode='dhcpv6-stateful',
                   ipv6_address_mode='dhcpv6-stateful').json['subnet']
    first = api.put('/routers/%s/add_router_interface' % router['id'],
                    {'subnet_id': slaac['id']}, DEMO).json
    port = api.get('/ports/%s' % first['port_id'], DEMO).json['port']
    assert port['fixed_ips'] == [{'subnet_id': slaac['id'], 'ip_address': slaac['gateway_ip']}]
    # A second IPv6 subnet of the same network joins the same router port.
    second = api.put('/routers/%s/add_router_interface' % router['id'],
                     {'subnet_id': stateful['id']}, DEMO).json
    assert second['port_id'] == first['port_id']
    port = api.get('/ports/%s' % first['port_id'], DEMO).json['port']
    assert {ip['ip_address'] for ip in port['fixed_ips']} == {slaac['gateway_ip'],
                                                             stateful['gateway_ip']}
    # A VM port on the SLAAC subnet still gets its EUI-64 address.
    vm = api.port(net['id'], DEMO)
    assert vm['fixed_ips'][0]['ip_address'] == _eui64(slaac['cidr'], vm['mac_address'])
    # A subnet with a router interface on it stays.
    api.delete('/subnets/%s' % slaac['id'], DEMO, status=409)
    api.put('/routers/%s/remove_router_interface' % router['id'],
            {'subnet_id': slaac['id']}, DEMO)
    port = api.get('/ports/%s' % first['port_id'], DEMO).json['port']
    assert [ip['subnet_id'] for ip in port['fixed_ips']] == [stateful['id']]
    api.put('/routers/%s/remove_router_interface' % router['id'],
            {'subnet_id': stateful['id']}, DEMO)
    api.get('/ports/%s' % first['port_id'], DEMO, status=404)


def test_ipv6_subnet_pool(api):
    pool = api.post('/subnetpools', {'subnetpool': {
        'name': 'p6', 'prefixes': ['2001:db8:100::/48'], 'default_prefixlen': 64}},
        DEMO).json['subnetpool']
    assert pool['ip_version'] == 6
    net = api.network(DEMO)
    subnet = api.post('/subnets', {'subnet': {
        'network_id': net['id'], 'ip_version': 6, 'subnetpool_id': pool['id'],
        'ipv6_ra_mode': 'slaac', 'ipv6_address_mode': 'slaac'}}, DEMO).json['subnet']
    cidr = netaddr.IPNetwork(subnet['cidr'])
    assert cidr.prefixlen == 64 and cidr in netaddr.IPNetwork('2001:db8:100::/48')
    api.post('/subnets', {'subnet': {
        'network_id': net['id'], 'ip_version': 4, 'subnetpool_id': pool['id']}}, DEMO,
        status=400)


def test_port_update_keeps_the_slaac_address(api):
    net = api.network(DEMO)
    v4 = api.subnet(net['id'], headers=DEMO)
    slaac = _v6(api, net, ipv6_ra_mode='slaac', ipv6_address_mode='slaac').json['subnet']
    port = api.port(net['id'], DEMO)
    eui = _eui64(slaac['cidr'], port['mac_address'])
    port = api.put('/ports/%s' % port['id'], {'port': {'fixed_ips': [
        {'subnet_id': v4['id'], 'ip_address': '10.0.0.77'}]}}, DEMO).json['port']
    assert {ip['ip_address'] for ip in port['fixed_ips']} == {'10.0.0.77', eui}
