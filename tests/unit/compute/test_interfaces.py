"""os-interface: attach and detach ports through API, conductor-backed
objects and the compute manager, in-process over the fake RPC transport."""

import time

import pytest

from services.compute import clients
from services.compute.clients import fake as fake_clients
from services.compute.objects import instance as inst_obj
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

OTHER_NET = '6f0d3f59-8f3e-4a37-9d5e-2b6e4a1c7a10'
MISSING = '0a5b7f3c-1111-4d2e-8f9a-7c6b5a4d3e2f'


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.compute = c.add_compute('node1')
    return c


def _url(server_id, port_id=None):
    url = '/v2.1/servers/%s/os-interface' % server_id
    return url + '/%s' % port_id if port_id else url


def _ports():
    return clients.network_client().ports.read()


def _free_port(env, network_id=fixtures.NETWORK_ID, address='192.0.2.200'):
    port = {'id': 'f3a1c6de-3c2b-4b7e-9c53-%012d' % len(_ports()), 'network_id': network_id,
            'device_id': '', 'mac_address': 'fa:16:3e:00:00:99', 'status': 'DOWN',
            'fixed_ips': [{'ip_address': address}]}
    clients.network_client().ports.update(lambda data: data.__setitem__(port['id'], port))
    return port['id']


def _instance(cloud, server_id):
    return inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)


def _wait_vifs(cloud, server_id, count):
    deadline = time.time() + 10
    while time.time() < deadline:
        vifs = _instance(cloud, server_id).network_info
        if len(vifs) == count:
            return vifs
        time.sleep(0.05)
    raise AssertionError('%s kept %d interfaces' % (server_id, len(vifs)))


def _active(cloud, name='vm'):
    server_id = cloud.boot(name=name)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def test_attach_and_detach_network_and_port(cloud, env):
    app = cloud.app
    server_id = _active(cloud)
    fake_clients.seed(str(env.tmp_path / 'fake'), networks=[
        {'id': OTHER_NET, 'name': 'other', 'cidr': '198.51.100.0/24', 'shared': True}])
    [boot_port] = app.get(_url(server_id), headers=headers(DEMO)).json['interfaceAttachments']
    assert boot_port['net_id'] == fixtures.NETWORK_ID
    assert boot_port['port_state'] == 'ACTIVE'
    assert boot_port['mac_addr'].startswith('fa:16:3e:')
    assert boot_port['fixed_ips'][0]['ip_address'].startswith('192.0.2.')

    # A network: compute creates the port, binds it and plugs it in.
    created = app.post_json(_url(server_id), {'interfaceAttachment': {
        'net_id': OTHER_NET, 'fixed_ips': [{'ip_address': '198.51.100.50'}]}},
        headers=headers(DEMO), status=200).json['interfaceAttachment']
    assert created['net_id'] == OTHER_NET
    # As nova: each fixed IP with its subnet (the fake network is one subnet).
    assert created['fixed_ips'] == [{'ip_address': '198.51.100.50', 'subnet_id': OTHER_NET}]
    new_port = _ports()[created['port_id']]
    assert new_port['device_id'] == server_id
    assert new_port['binding:host_id'] == 'node1'
    server = cloud.show(server_id, who=DEMO)
    assert server['addresses']['other'][0]['addr'] == '198.51.100.50'
    assert server['addresses']['other'][0]['OS-EXT-IPS-MAC:mac_addr'] == created['mac_addr']

    # The user's own port.
    user_port = _free_port(env)
    taken = app.post_json(_url(server_id), {'interfaceAttachment': {'port_id': user_port}},
                          headers=headers(DEMO), status=200).json['interfaceAttachment']
    assert taken['port_id'] == user_port
    assert _ports()[user_port]['binding:host_id'] == 'node1'
    guest = _instance(cloud, server_id)
    assert cloud.compute.driver.interfaces(guest) == [
        boot_port['port_id'], created['port_id'], user_port]
    listed = app.get(_url(server_id), headers=headers(DEMO)).json['interfaceAttachments']
    assert {p['port_id'] for p in listed} == {boot_port['port_id'], created['port_id'],
                                              user_port}
    shown = app.get(_url(server_id, user_port), headers=headers(DEMO)).json
    assert shown['interfaceAttachment']['port_id'] == user_port
    assert sorted(shown['interfaceAttachment']) == [
        'fixed_ips', 'mac_addr', 'net_id', 'port_id', 'port_state']

    # Detach: the user's port is only unbound, compute's own is deleted.
    app.delete(_url(server_id, user_port), headers=headers(DEMO), status=202)
    _wait_vifs(cloud, server_id, 2)
    assert _ports()[user_port]['device_id'] == ''
    assert _ports()[user_port]['binding:host_id'] is None
    app.delete(_url(server_id, created['port_id']), headers=headers(DEMO), status=202)
    _wait_vifs(cloud, server_id, 1)
    assert created['port_id'] not in _ports()
    assert 'other' not in cloud.show(server_id, who=DEMO)['addresses']
    assert cloud.compute.driver.interfaces(_instance(cloud, server_id)) == [
        boot_port['port_id']]

    actions = app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                      headers=headers(DEMO)).json['instanceActions']
    names = [a['action'] for a in actions]
    assert names.count('attach_interface') == 2 and names.count('detach_interface') == 2
    for action in actions:
        if action['action'] in ('attach_interface', 'detach_interface'):
            url = '/v2.1/servers/%s/os-instance-actions/%s' % (server_id,
                                                                action['request_id'])
            # The detach event closes just after the server's new network_info.
            deadline = time.time() + 10
            while True:
                events = app.get(url, headers=headers(ADMIN)).json[
                    'instanceAction']['events']
                if events[0]['result'] or time.time() > deadline:
                    break
                time.sleep(0.05)
            assert [(e['event'], e['result']) for e in events] == [
                ('compute_' + action['action'], 'Success')]


def test_attached_ports_follow_the_server_delete(cloud, env):
    server_id = _active(cloud)
    user_port = _free_port(env)
    created = cloud.app.post_json(_url(server_id), {'interfaceAttachment': {
        'net_id': fixtures.NETWORK_ID}}, headers=headers(DEMO)).json['interfaceAttachment']
    cloud.app.post_json(_url(server_id), {'interfaceAttachment': {'port_id': user_port}},
                        headers=headers(DEMO))
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    deadline = time.time() + 10
    while time.time() < deadline and cloud.app.get(
            '/v2.1/servers/%s' % server_id, headers=headers(DEMO),
            expect_errors=True).status_int != 404:
        time.sleep(0.05)
    assert created['port_id'] not in _ports()
    assert _ports()[user_port]['device_id'] == ''
    assert [p for p in _ports().values() if p['device_id'] == server_id] == []


def test_interface_requests_refused_like_nova(cloud, env):
    app = cloud.app
    server_id = _active(cloud)
    other_id = _active(cloud, 'other')
    url = _url(server_id)

    def attach(body, status, who=DEMO, version='2.53'):
        return app.post_json(url, body, headers=headers(who, version), status=status).json

    resp = attach({'interfaceAttachment': {'net_id': fixtures.NETWORK_ID,
                                           'port_id': _free_port(env)}}, 400)
    assert resp['badRequest']['message'] == 'Must not input both network_id and port_id'
    resp = attach({'interfaceAttachment': {'fixed_ips': [{'ip_address': '192.0.2.9'}]}}, 400)
    assert resp['badRequest']['message'] == 'Must input network_id when request IP address'
    # A device tag from 2.49 (test_microversions_2_54_2_100 attaches one).
    attach({'interfaceAttachment': {'net_id': fixtures.NETWORK_ID, 'tag': 'x'}}, 400,
           version='2.48')
    attach({'interfaceAttachment': {'net_id': fixtures.NETWORK_ID,
                                    'fixed_ips': [{'ip_address': 'not-an-ip'}]}}, 400)
    resp = attach({'interfaceAttachment': {'net_id': MISSING}}, 404)
    assert resp['itemNotFound']['message'] == 'Network %s could not be found.' % MISSING
    resp = attach({'interfaceAttachment': {'port_id': MISSING}}, 404)
    assert 'itemNotFound' in resp
    [in_use] = [vif['port_id'] for vif in _instance(cloud, other_id).network_info]
    resp = attach({'interfaceAttachment': {'port_id': in_use}}, 409)
    assert resp['conflictingRequest']['message'] == 'Port %s is still in use.' % in_use
    [taken_ip] = [vif['fixed_ips'][0]['ip_address']
                  for vif in _instance(cloud, other_id).network_info]
    resp = attach({'interfaceAttachment': {'net_id': fixtures.NETWORK_ID,
                                           'fixed_ips': [{'ip_address': taken_ip}]}}, 409)
    assert taken_ip in resp['conflictingRequest']['message']

    # No network named: the only one there is; two are ambiguous.
    attach({'interfaceAttachment': {}}, 200)
    fake_clients.seed(str(env.tmp_path / 'fake'), networks=[
        {'id': OTHER_NET, 'name': 'other', 'cidr': '198.51.100.0/24', 'shared': True}])
    resp = attach({'interfaceAttachment': {}}, 400)
    assert 'More than one possible network' in resp['badRequest']['message']

    # Unknown and foreign ports in show and detach.
    app.get(_url(server_id, MISSING), headers=headers(DEMO), status=404)
    resp = app.get(_url(server_id, in_use), headers=headers(DEMO), status=404).json
    assert 'does not have a port' in resp['itemNotFound']['message']
    app.delete(_url(server_id, in_use), headers=headers(DEMO), status=404)
    stranger = {'X-User-Id': 's', 'X-Project-Id': 'stranger', 'X-Roles': 'member,reader'}
    app.get(url, headers=headers(stranger), status=404)
    app.get(url, headers=headers({'X-User-Id': 'demo-user', 'X-Project-Id': 'demo',
                                  'X-Roles': 'nobody'}), status=403)

    # Locked, and in a state that cannot take interfaces: 409.
    cloud.action(server_id, {'lock': None}, who=ADMIN)
    resp = attach({'interfaceAttachment': {'net_id': fixtures.NETWORK_ID}}, 409)
    assert 'locked' in resp['conflictingRequest']['message']
    cloud.action(server_id, {'unlock': None}, who=ADMIN)
    cloud.action(server_id, {'suspend': None})
    cloud.wait(server_id, 'SUSPENDED')
    resp = attach({'interfaceAttachment': {'net_id': fixtures.NETWORK_ID}}, 409)
    assert "Cannot 'attach_interface'" in resp['conflictingRequest']['message']
    [first] = [vif['port_id'] for vif in _instance(cloud, server_id).network_info][:1]
    resp = app.delete(_url(server_id, first), headers=headers(DEMO), status=409).json
    assert "Cannot 'detach_interface'" in resp['conflictingRequest']['message']
    cloud.action(server_id, {'resume': None})
    cloud.wait(server_id, 'ACTIVE')

    # Stopped servers take interfaces.
    cloud.action(server_id, {'os-stop': None})
    cloud.wait(server_id, 'SHUTOFF')
    attach({'interfaceAttachment': {'net_id': OTHER_NET}}, 200)


def test_plug_failure_gives_the_port_back(cloud, env):
    server_id = _active(cloud)
    before = set(_ports())

    def broken(*args, **kwargs):
        raise RuntimeError('no PCI slot left')
    cloud.compute.driver.attach_interface = broken
    resp = cloud.app.post_json(_url(server_id), {'interfaceAttachment': {
        'net_id': fixtures.NETWORK_ID}}, headers=headers(DEMO), status=500).json
    assert resp['computeFault']['message'] == (
        'Failed to attach network adapter device to %s' % server_id)
    assert set(_ports()) == before
    assert len(_instance(cloud, server_id).network_info) == 1
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers(DEMO)).json['instanceActions']
    assert actions[0]['action'] == 'attach_interface' and actions[0]['message'] == 'Error'


def test_interface_requests_to_a_down_host_are_refused_up_front(cloud, env):
    app = cloud.app
    server_id = _active(cloud)
    [vif] = _instance(cloud, server_id).network_info
    service = app.get('/v2.1/os-services?binary=nova-compute',
                      headers=headers()).json['services'][0]

    def force_down(down):
        app.put_json('/v2.1/os-services/%s' % service['id'], {'forced_down': down},
                     headers=headers())
    force_down(True)
    attach = {'interfaceAttachment': {'net_id': fixtures.NETWORK_ID}}
    refused = {'conflictingRequest': {'code': 409,
                                      'message': 'Service is unavailable at this time.'}}
    resp = app.post_json(_url(server_id), attach, headers=headers(DEMO), status=409)
    assert resp.json == refused
    resp = app.delete(_url(server_id, vif['port_id']), headers=headers(DEMO), status=409)
    assert resp.json == refused
    actions = app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                      headers=headers(DEMO)).json['instanceActions']
    assert [a['action'] for a in actions] == ['create']
    assert len(_ports()) == 1
    # A disabled host that is up still takes them (nova's MAINTENANCE).
    force_down(False)
    app.put_json('/v2.1/os-services/%s' % service['id'], {'status': 'disabled'},
                 headers=headers())
    app.post_json(_url(server_id), attach, headers=headers(DEMO), status=200)
    _wait_vifs(cloud, server_id, 2)
