"""100 parallel port creations on one subnet never share an address
(MariaDB, two conductor processes, real RabbitMQ)."""

import concurrent.futures
import json
import urllib.request

import pytest

pytestmark = pytest.mark.functional
HEADERS = {'Content-Type': 'application/json', 'X-Project-Id': 'parallel',
           'X-User-Id': 'u', 'X-Roles': 'admin,member'}


def _call(server, method, path, body=None):
    req = urllib.request.Request(server.url + '/v2.0' + path, method=method, headers=HEADERS,
                                 data=json.dumps(body).encode() if body else None)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read() or b'null')
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b'null')


def test_hundred_parallel_ports(network_server_mysql_noauth):
    server = network_server_mysql_noauth
    status, net = _call(server, 'POST', '/networks', {'network': {'name': 'par'}})
    assert status == 201, net
    net_id = net['network']['id']
    status, subnet = _call(server, 'POST', '/subnets', {'subnet': {
        'network_id': net_id, 'cidr': '10.20.0.0/24', 'ip_version': 4}})
    assert status == 201, subnet

    def create(i):
        return _call(server, 'POST', '/ports', {'port': {'network_id': net_id,
                                                         'name': 'p%d' % i}})
    with concurrent.futures.ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(create, range(100)))
    bad = [r for r in results if r[0] != 201]
    assert not bad, bad[:3]
    addresses = [r[1]['port']['fixed_ips'][0]['ip_address'] for r in results]
    macs = [r[1]['port']['mac_address'] for r in results]
    assert len(set(addresses)) == 100 and len(set(macs)) == 100
    status, listed = _call(server, 'GET', '/ports?network_id=%s' % net_id)
    assert sorted(ip['ip_address'] for p in listed['ports'] for ip in p['fixed_ips']) == \
        sorted(addresses)
    status, avail = _call(server, 'GET', '/network-ip-availabilities/%s' % net_id)
    assert avail['network_ip_availability']['used_ips'] == 100
    # A pool with no room left answers 409 and leaves nothing behind.
    status, small = _call(server, 'POST', '/subnets', {'subnet': {
        'network_id': net_id, 'cidr': '10.21.0.0/30', 'ip_version': 4}})
    assert status == 201
    status, fault = _call(server, 'POST', '/ports', {'port': {
        'network_id': net_id, 'fixed_ips': [{'subnet_id': small['subnet']['id']},
                                            {'subnet_id': small['subnet']['id']}]}})
    assert status == 409 and fault['NeutronError']['type'] == 'IpAddressGenerationFailure'
    status, listed = _call(server, 'GET', '/ports?network_id=%s' % net_id)
    assert len(listed['ports']) == 100
