"""nova's network proxy APIs (os-security-groups, os-security-group-rules,
os-floating-ips, os-floating-ip-pools, os-networks, os-tenant-networks and
the add/remove SecurityGroup / FloatingIp actions) through the in-process
API, answered by the fake network client's Neutron stand-in."""

import time

import pytest

from services.compute.clients import fake as fake_clients
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

PUBLIC = '5b2f1d8e-4d3c-4b8a-9e6f-0c1d2e3f4a5b'
OTHER = {'X-User-Id': 'other-user', 'X-Project-Id': 'other', 'X-Roles': 'member,reader'}
MISSING = '0a5b7f3c-1111-4d2e-8f9a-7c6b5a4d3e2f'
OLD = '2.35'


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    fake_clients.seed(str(env.tmp_path / 'fake'), networks=[
        {'id': PUBLIC, 'name': 'public', 'cidr': '203.0.113.0/29', 'shared': True,
         'router:external': True}])
    return c


def _get(cloud, url, status=200, who=DEMO, version=OLD):
    return cloud.app.get('/v2.1' + url, headers=headers(who, version), status=status).json


def _post(cloud, url, body, status=200, who=DEMO, version=OLD):
    return cloud.app.post_json('/v2.1' + url, body, headers=headers(who, version),
                               status=status, expect_errors=status >= 400).json


def _put(cloud, url, body, status=200, who=DEMO, version=OLD):
    return cloud.app.put_json('/v2.1' + url, body, headers=headers(who, version),
                              status=status, expect_errors=status >= 400).json


def _delete(cloud, url, status=202, who=DEMO, version=OLD):
    return cloud.app.delete('/v2.1' + url, headers=headers(who, version), status=status,
                            expect_errors=status >= 400)


def _group(cloud, name='web', description='web servers'):
    return _post(cloud, '/os-security-groups', {'security_group': {
        'name': name, 'description': description}})['security_group']


def _rule(cloud, status=200, **fields):
    return _post(cloud, '/os-security-group-rules', {'security_group_rule': fields},
                 status=status)


def test_security_group_crud(cloud):
    created = _group(cloud, name=' spaced name ')
    assert created['name'] == ' spaced name '           # kept as given
    assert created['rules'] == []                       # egress rules are not nova's
    assert created['tenant_id'] == 'demo'
    listed = _get(cloud, '/os-security-groups')['security_groups']
    assert created in listed
    assert {g['name'] for g in listed} == {'default', ' spaced name '}
    assert _get(cloud, '/os-security-groups/%s' % created['id'])['security_group'] == created

    updated = _put(cloud, '/os-security-groups/%s' % created['id'], {'security_group': {
        'name': 'renamed', 'description': 'new'}})['security_group']
    assert (updated['name'], updated['description']) == ('renamed', 'new')
    assert _get(cloud, '/os-security-groups/%s' % created['id'])['security_group'][
        'name'] == 'renamed'

    _delete(cloud, '/os-security-groups/%s' % created['id'])
    fault = _get(cloud, '/os-security-groups/%s' % created['id'], status=404)
    assert fault['itemNotFound']['code'] == 404
    _delete(cloud, '/os-security-groups/%s' % created['id'], status=404)
    _put(cloud, '/os-security-groups/%s' % MISSING, {'security_group': {
        'name': 'x', 'description': 'y'}}, status=404)


@pytest.mark.parametrize('fields', [
    {'name': '', 'description': 'd'}, {'name': '   ', 'description': 'd'},
    {'name': 'x' * 256, 'description': 'd'}, {'name': 'n', 'description': ''},
    {'name': 'n', 'description': 'd' * 256}, {'description': 'd'}, {'name': 5,
                                                                      'description': 'd'}])
def test_bad_security_group_bodies_are_400(cloud, fields):
    fault = _post(cloud, '/os-security-groups', {'security_group': fields}, status=400)
    assert fault['badRequest']['code'] == 400


def test_default_group_and_bad_ids(cloud):
    default = [g for g in _get(cloud, '/os-security-groups')['security_groups']
               if g['name'] == 'default'][0]
    _delete(cloud, '/os-security-groups/%s' % default['id'], status=400)
    _get(cloud, '/os-security-groups/not-a-uuid', status=400)
    _delete(cloud, '/os-security-groups/not-a-uuid', status=400)


def test_other_projects_groups_are_invisible(cloud):
    group = _group(cloud)
    other = {'X-User-Id': 'u2', 'X-Project-Id': 'other', 'X-Roles': 'member,reader'}
    assert group not in _get(cloud, '/os-security-groups', who=other)['security_groups']
    _get(cloud, '/os-security-groups/%s' % group['id'], who=other, status=404)
    _delete(cloud, '/os-security-groups/%s' % group['id'], who=other, status=404)
    everyone = _get(cloud, '/os-security-groups?all_tenants=1', who=ADMIN)['security_groups']
    assert group['id'] in [g['id'] for g in everyone]


def test_rules(cloud):
    group, peer = _group(cloud), _group(cloud, name='peer')
    tcp = _rule(cloud, parent_group_id=group['id'], ip_protocol='tcp', from_port=22,
                to_port=22)['security_group_rule']
    assert {k: tcp[k] for k in ('parent_group_id', 'ip_protocol', 'from_port', 'to_port',
                                'ip_range', 'group')} == {
        'parent_group_id': group['id'], 'ip_protocol': 'tcp', 'from_port': 22,
        'to_port': 22, 'ip_range': {'cidr': '0.0.0.0/0'}, 'group': {}}
    cidr = _rule(cloud, parent_group_id=group['id'], ip_protocol='udp', from_port=53,
                 to_port=53, cidr='10.2.3.124/24')['security_group_rule']
    # kept as given, as nova and neutron (Tempest's ..._create_with_optional_cidr)
    assert cidr['ip_range'] == {'cidr': '10.2.3.124/24'}
    icmp = _rule(cloud, parent_group_id=group['id'], ip_protocol='icmp', from_port=-1,
                 to_port=-1)['security_group_rule']
    assert (icmp['from_port'], icmp['to_port']) == (-1, -1)
    by_group = _rule(cloud, parent_group_id=group['id'], ip_protocol='tcp', from_port=80,
                     to_port=80, group_id=peer['id'])['security_group_rule']
    assert by_group['group'] == {'name': 'peer', 'tenant_id': 'demo'}
    assert by_group['ip_range'] == {}

    shown = _get(cloud, '/os-security-groups/%s' % group['id'])['security_group']['rules']
    assert {r['id'] for r in shown} == {tcp['id'], cidr['id'], icmp['id'], by_group['id']}

    # Deleting the peer group takes its rules along.
    _delete(cloud, '/os-security-groups/%s' % peer['id'])
    shown = _get(cloud, '/os-security-groups/%s' % group['id'])['security_group']['rules']
    assert by_group['id'] not in {r['id'] for r in shown}

    _delete(cloud, '/os-security-group-rules/%s' % tcp['id'])
    _delete(cloud, '/os-security-group-rules/%s' % tcp['id'], status=404)
    _delete(cloud, '/os-security-group-rules/not-a-uuid', status=400)


@pytest.mark.parametrize('fields,status', [
    ({'ip_protocol': 'tcp', 'from_port': 22, 'to_port': 22}, 400),      # duplicate
    ({'ip_protocol': 'tcp999', 'from_port': 22, 'to_port': 22}, 400),
    ({'ip_protocol': 'tcp', 'from_port': 65536, 'to_port': 22}, 400),
    ({'ip_protocol': 'tcp', 'from_port': 22, 'to_port': 65536}, 400),
    ({'ip_protocol': 'tcp', 'from_port': 22, 'to_port': 21}, 400),
    ({'ip_protocol': 'icmp', 'from_port': 256, 'to_port': 0}, 400),
    ({'ip_protocol': 'tcp', 'from_port': 22}, 400),
    ({'ip_protocol': 'tcp', 'from_port': 1, 'to_port': 2, 'cidr': '10.0.0.0/99'}, 400),
    ({'ip_protocol': 'tcp', 'from_port': 1, 'to_port': 2, 'cidr': 167772160}, 400),
    ({'ip_protocol': 'tcp', 'from_port': 1, 'to_port': 2, 'group_id': MISSING}, 404),
])
def test_bad_rules(cloud, fields, status):
    group = _group(cloud)
    _rule(cloud, parent_group_id=group['id'], ip_protocol='tcp', from_port=22, to_port=22)
    _rule(cloud, status=status, parent_group_id=group['id'], **fields)


def test_rule_parent_must_exist(cloud):
    _rule(cloud, status=404, parent_group_id=MISSING, ip_protocol='tcp', from_port=22,
          to_port=22)
    _rule(cloud, status=400, parent_group_id='non_int_id', ip_protocol='tcp', from_port=22,
          to_port=22)


def _active(cloud, name='vm'):
    server_id = cloud.boot(name=name)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def test_server_security_group_actions(cloud):
    cloud.add_compute('node1')
    group = _group(cloud)
    server_id = _active(cloud)
    fault = cloud.action(server_id, {'addSecurityGroup': {'name': 'nope'}}, status=404).json
    assert fault['itemNotFound']['message'] == 'Security group nope not found.'

    cloud.action(server_id, {'addSecurityGroup': {'name': 'web'}})
    names = [g['name'] for g in _get(cloud, '/servers/%s/os-security-groups' % server_id,
                                     version='2.53')['security_groups']]
    assert names == ['default', 'web']
    assert {'name': 'web'} in cloud.show(server_id)['security_groups']
    # In use by the server's port: the network service refuses, nova's 400.
    _delete(cloud, '/os-security-groups/%s' % group['id'], status=400)

    cloud.action(server_id, {'removeSecurityGroup': {'name': 'web'}})
    assert {'name': 'web'} not in cloud.show(server_id)['security_groups']
    cloud.action(server_id, {'removeSecurityGroup': {'name': 'web'}}, status=404)
    _delete(cloud, '/os-security-groups/%s' % group['id'])


def test_a_server_without_ports_cannot_take_a_group(cloud):
    cloud.add_compute('node1')
    _group(cloud)
    server_id = cloud.boot(networks='none')['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'addSecurityGroup': {'name': 'web'}}, status=404)


def test_floating_ip_pools_allocate_show_release(cloud):
    assert _get(cloud, '/os-floating-ip-pools') == {'floating_ip_pools': [{'name': 'public'}]}
    fip = _post(cloud, '/os-floating-ips', {'pool': 'public'})['floating_ip']
    assert fip['pool'] == 'public' and fip['ip'].startswith('203.0.113.')
    assert (fip['fixed_ip'], fip['instance_id']) == (None, None)
    assert _get(cloud, '/os-floating-ips/%s' % fip['id'])['floating_ip'] == fip
    assert fip in _get(cloud, '/os-floating-ips')['floating_ips']
    by_id = _post(cloud, '/os-floating-ips', {'pool': PUBLIC})['floating_ip']
    default = _post(cloud, '/os-floating-ips', None)['floating_ip']
    assert by_id['pool'] == default['pool'] == 'public'

    assert _post(cloud, '/os-floating-ips', {'pool': 'non_exist_pool'},
                 status=404)['itemNotFound']['message'] == 'Floating IP pool not found.'
    _delete(cloud, '/os-floating-ips/%s' % fip['id'])
    _get(cloud, '/os-floating-ips/%s' % fip['id'], status=404)
    _delete(cloud, '/os-floating-ips/%s' % MISSING, status=404)
    _delete(cloud, '/os-floating-ips/1234', status=404)
    # The /29 holds six addresses: the pool runs dry.
    for _ in range(4):
        _post(cloud, '/os-floating-ips', None)
    fault = _post(cloud, '/os-floating-ips', None, status=404)
    assert fault['itemNotFound']['message'] == 'No more floating IPs in pool public.'


def _fip_action(cloud, server_id, body, status=202, version='2.43'):
    return cloud.app.post_json('/v2.1/servers/%s/action' % server_id, body,
                               headers=headers(DEMO, version), status=status)


def test_floating_ip_actions(cloud):
    cloud.add_compute('node1')
    first, second = _active(cloud, 'one'), _active(cloud, 'two')
    fip = _post(cloud, '/os-floating-ips', None)['floating_ip']
    fixed = cloud.show(first)['addresses']['private'][0]['addr']

    _fip_action(cloud, first, {'addFloatingIp': {'address': fip['ip']}})
    shown = _get(cloud, '/os-floating-ips/%s' % fip['id'])['floating_ip']
    assert (shown['instance_id'], shown['fixed_ip']) == (first, fixed)

    # A second address on the same port: refused by the network service, 400.
    other = _post(cloud, '/os-floating-ips', None)['floating_ip']
    _fip_action(cloud, first, {'addFloatingIp': {'address': other['ip']}}, status=400)
    _fip_action(cloud, first, {'addFloatingIp': {'address': fip['ip'],
                                                 'fixed_address': '10.9.9.9'}}, status=400)

    # Moved to the second server: no longer the first one's (409).
    _fip_action(cloud, second, {'addFloatingIp': {'address': fip['ip']}})
    assert _get(cloud, '/os-floating-ips/%s' % fip['id'])['floating_ip'][
        'instance_id'] == second
    _fip_action(cloud, first, {'removeFloatingIp': {'address': fip['ip']}}, status=409)
    _fip_action(cloud, second, {'removeFloatingIp': {'address': fip['ip']}})
    assert _get(cloud, '/os-floating-ips/%s' % fip['id'])['floating_ip'][
        'instance_id'] is None

    _fip_action(cloud, first, {'addFloatingIp': {'address': '0.0.0.0'}}, status=404)
    _fip_action(cloud, first, {'removeFloatingIp': {'address': '0.0.0.0'}}, status=404)
    _fip_action(cloud, first, {'addFloatingIp': {'address': ''}}, status=400)
    # Gone from 2.44, as in nova.
    fault = _fip_action(cloud, first, {'addFloatingIp': {'address': fip['ip']}},
                        status=404, version='2.44').json
    assert fault['itemNotFound']['message'] == \
        'API version 2.44 is not supported on this method.'


def _addresses(cloud, server_id):
    return [a['addr'] for a in cloud.show(server_id)['addresses']['private']]


def _wait_addresses(cloud, server_id, count):
    deadline = time.monotonic() + 10
    while len(_addresses(cloud, server_id)) != count and time.monotonic() < deadline:
        time.sleep(0.05)
    return _addresses(cloud, server_id)


def test_fixed_ip_actions(cloud):
    cloud.add_compute('node1')
    server = _active(cloud)
    [first] = _addresses(cloud, server)

    _fip_action(cloud, server, {'addFixedIp': {'networkId': fixtures.NETWORK_ID}})
    addresses = _wait_addresses(cloud, server, 2)
    [added] = set(addresses) - {first}
    _fip_action(cloud, server, {'removeFixedIp': {'address': added}})
    assert _wait_addresses(cloud, server, 1) == [first]

    # A network the server has no port on, an address it does not have: 400.
    fault = _fip_action(cloud, server, {'addFixedIp': {'networkId': PUBLIC}}, status=400).json
    assert 'is not attached to instance' in fault['badRequest']['message']
    _fip_action(cloud, server, {'removeFixedIp': {'address': '192.0.2.250'}}, status=400)
    _fip_action(cloud, server, {'addFixedIp': {}}, status=400)
    _fip_action(cloud, server, {'removeFixedIp': {'address': 'nowhere'}}, status=400)
    # Another project's user may not; gone from 2.44, as in nova.
    cloud.app.post_json('/v2.1/servers/%s/action' % server,
                        {'addFixedIp': {'networkId': fixtures.NETWORK_ID}},
                        headers=headers(OTHER, '2.43'), status=404)
    _fip_action(cloud, server, {'addFixedIp': {'networkId': fixtures.NETWORK_ID}},
                status=404, version='2.44')
    assert _addresses(cloud, server) == [first]


def test_networks_and_tenant_networks(cloud):
    networks = _get(cloud, '/os-networks')['networks']
    private = [n for n in networks if n['id'] == fixtures.NETWORK_ID][0]
    assert private['label'] == 'private'
    assert private['cidr'] is None and 'bridge' not in private
    admin_view = _get(cloud, '/os-networks/%s' % fixtures.NETWORK_ID, who=ADMIN)['network']
    assert 'bridge' in admin_view and admin_view['label'] == 'private'
    _get(cloud, '/os-networks/%s' % MISSING, status=404)

    tenant = _get(cloud, '/os-tenant-networks')['networks']
    assert {'id': fixtures.NETWORK_ID, 'label': 'private', 'cidr': '192.0.2.0/24'} in tenant
    assert _get(cloud, '/os-tenant-networks/%s' % fixtures.NETWORK_ID)['network'][
        'cidr'] == '192.0.2.0/24'
    _get(cloud, '/os-tenant-networks/%s' % MISSING, status=404)


@pytest.mark.parametrize('url', ['/os-security-groups', '/os-floating-ips',
                                 '/os-floating-ip-pools', '/os-networks',
                                 '/os-tenant-networks'])
def test_proxies_are_gone_at_2_36(cloud, url):
    fault = _get(cloud, url, status=404, version='2.36')
    assert fault['itemNotFound']['message'] == \
        'API version 2.36 is not supported on this method.'
