"""PUT /servers/{id} and the rebuild action answer below 2.75 as the Compute
API reference says: the server as show has it, less the fields show adds
(addresses without OS-EXT-IPS, no availability zone, config drive, key name,
usage, status, volume, security group, extended attribute or host status
fields), the microversion-gated fields at their versions, and for rebuild
the admin password.  accessIPv4/accessIPv6 are checked and kept in
canonical form on create, update and rebuild."""

import pytest

from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

#: What the reduced view holds for an ACTIVE server at 2.1.
REDUCED_2_1 = {'id', 'name', 'status', 'tenant_id', 'user_id', 'metadata', 'hostId', 'image',
               'flavor', 'created', 'updated', 'addresses', 'accessIPv4', 'accessIPv6',
               'links', 'OS-DCF:diskConfig', 'progress'}
SHOW_ONLY = {'OS-EXT-AZ:availability_zone', 'config_drive', 'key_name',
             'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at', 'OS-EXT-STS:task_state',
             'OS-EXT-STS:vm_state', 'OS-EXT-STS:power_state',
             'os-extended-volumes:volumes_attached', 'security_groups', 'host_status',
             'OS-EXT-SRV-ATTR:host'}


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.add_compute('node1')
    yield c
    c.settle()


def _server(cloud, **extra):
    server_id = cloud.boot(**extra)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def _put(cloud, server_id, body, version='2.1', who=DEMO, status=200):
    return cloud.app.put_json('/v2.1/servers/%s' % server_id, {'server': body},
                              headers=headers(who, version), status=status)


def _rebuild(cloud, server_id, body, version='2.1', who=DEMO, status=202):
    return cloud.app.post_json('/v2.1/servers/%s/action' % server_id, {'rebuild': body},
                               headers=headers(who, version), status=status)


def test_update_answers_the_reduced_view(cloud):
    server_id = _server(cloud)
    for who in (DEMO, ADMIN):
        server = _put(cloud, server_id, {'name': 'renamed'}, who=who).json['server']
        assert set(server) == REDUCED_2_1
        assert server['name'] == 'renamed' and server['status'] == 'ACTIVE'
        for entries in server['addresses'].values():
            assert all(set(entry) == {'version', 'addr'} for entry in entries)
    shown = cloud.app.get('/v2.1/servers/%s' % server_id,
                          headers=headers(ADMIN, '2.1')).json['server']
    assert SHOW_ONLY - {'host_status'} <= set(shown)  # host_status: 2.16
    assert {k: v for k, v in shown.items() if k in REDUCED_2_1 and k != 'addresses'} == \
        {k: v for k, v in server.items() if k != 'addresses'}


def test_update_view_adds_the_fields_of_its_microversions(cloud):
    server_id = _server(cloud)
    server = _put(cloud, server_id, {'name': 'n', 'description': 'd'},
                  version='2.53').json['server']
    assert set(server) == REDUCED_2_1 | {'locked', 'description', 'tags'}
    assert server['description'] == 'd' and server['locked'] is False
    assert server['flavor']['original_name'] == 'm1.nano'  # the 2.47 flavor
    server = _put(cloud, server_id, {'name': 'n'}, version='2.9').json['server']
    assert set(server) == REDUCED_2_1 | {'locked'}
    _put(cloud, server_id, {'description': 'd'}, version='2.18', status=400)


def test_rebuild_answers_the_reduced_view_with_admin_pass(cloud):
    server_id = _server(cloud)
    resp = _rebuild(cloud, server_id, {'imageRef': fixtures.IMAGE_ID, 'name': 'again',
                                       'adminPass': 'secret-1', 'metadata': {'a': 'b'}})
    server = resp.json['server']
    assert set(server) == (REDUCED_2_1 | {'adminPass'})
    assert server['adminPass'] == 'secret-1'
    assert server['status'] == 'REBUILD' and server['name'] == 'again'
    assert server['metadata'] == {'a': 'b'}
    assert server['image']['id'] == fixtures.IMAGE_ID
    assert resp.headers['Location'].endswith('/v2.1/servers/%s' % server_id)
    cloud.wait(server_id, 'ACTIVE')
    server = _rebuild(cloud, server_id, {'imageRef': fixtures.IMAGE_ID},
                      version='2.53').json['server']
    assert set(server) == REDUCED_2_1 | {'adminPass', 'locked', 'description', 'tags'}
    assert len(server['adminPass']) >= 8  # generated when none is given
    cloud.wait(server_id, 'ACTIVE')
    _rebuild(cloud, server_id, {'imageRef': fixtures.IMAGE_ID, 'description': 'd'},
             version='2.18', status=400)


def test_access_ips_are_canonical_on_create_update_and_rebuild(cloud):
    server_id = _server(cloud, accessIPv4='192.0.2.10',
                        accessIPv6='0000:0000:0000:0000:0000:babe:220.12.22.2')
    shown = cloud.show(server_id)
    assert (shown['accessIPv4'], shown['accessIPv6']) == ('192.0.2.10', '::babe:dc0c:1602')
    server = _put(cloud, server_id, {'accessIPv6': '2001:DB8:0:0:0:0:0:1',
                                     'accessIPv4': '198.51.100.7'}).json['server']
    assert (server['accessIPv4'], server['accessIPv6']) == ('198.51.100.7', '2001:db8::1')
    assert cloud.show(server_id)['accessIPv6'] == '2001:db8::1'
    server = _put(cloud, server_id, {'accessIPv6': ''}).json['server']
    assert server['accessIPv6'] == ''  # cleared
    server = _rebuild(cloud, server_id, {'imageRef': fixtures.IMAGE_ID,
                                         'accessIPv6': '2001:0db8::0:2',
                                         'accessIPv4': '203.0.113.9'}).json['server']
    assert (server['accessIPv4'], server['accessIPv6']) == ('203.0.113.9', '2001:db8::2')
    cloud.wait(server_id, 'ACTIVE')
    assert cloud.show(server_id)['accessIPv6'] == '2001:db8::2'


@pytest.mark.parametrize('field,value', [
    ('accessIPv4', '256.1.1.1'), ('accessIPv4', '1.2.3'), ('accessIPv4', '::1'),
    ('accessIPv4', 5), ('accessIPv6', '1.2.3.4'), ('accessIPv6', '2001:db8::g'),
    ('accessIPv6', 'fe80::1%eth0'), ('accessIPv6', '1::2::3')])
def test_invalid_access_ips_are_400_everywhere(cloud, field, value):
    server_id = _server(cloud)
    before = cloud.show(server_id)
    body = {'server': {'name': 'x', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
                       'networks': 'none', field: value}}
    resp = cloud.app.post_json('/v2.1/servers', body, headers=headers(DEMO), status=400)
    assert resp.json['badRequest']['code'] == 400
    _put(cloud, server_id, {field: value}, status=400)
    _rebuild(cloud, server_id, {'imageRef': fixtures.IMAGE_ID, field: value}, status=400)
    after = cloud.show(server_id)
    assert (after['accessIPv4'], after['accessIPv6'], after['status']) == \
        (before['accessIPv4'], before['accessIPv6'], 'ACTIVE')


def test_a_server_rebuilt_while_stopped_stays_stopped(cloud):
    server_id = _server(cloud)
    cloud.action(server_id, {'os-stop': None})
    cloud.wait(server_id, 'SHUTOFF')
    server = _rebuild(cloud, server_id, {'imageRef': fixtures.IMAGE_ID}).json['server']
    assert server['status'] == 'REBUILD'  # stopped, rebuilding: REBUILD, as nova
    shown = cloud.wait(server_id, 'SHUTOFF')
    assert shown['OS-EXT-STS:power_state'] == 4
