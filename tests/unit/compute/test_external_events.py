"""os-server-external-events and a build waiting for network-vif-plugged,
in-process (API, conductor, scheduler, compute over the fake transport; the
fake driver configured to wait as libvirt does)."""

import threading
import time
import uuid

import pytest
from oslo_config import cfg

from services.compute import clients
from services.compute.clients import fake as fake_clients
from services.compute.compute import instance_events
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

CONF = cfg.CONF
SERVICE = {'X-User-Id': 'network', 'X-Project-Id': 'service', 'X-Roles': 'service'}
URL = '/v2.1/os-server-external-events'


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    yield c
    c.settle()


@pytest.fixture
def down_ports(monkeypatch):
    """New ports start DOWN, as the network service makes them, until an
    agent reports them; the fake driver waits for them."""
    real = fake_clients.FakeNetworkClient._new_port

    def new_port(self, *args, **kwargs):
        port = real(self, *args, **kwargs)
        port['status'] = 'DOWN'
        return port
    monkeypatch.setattr(fake_clients.FakeNetworkClient, '_new_port', new_port)
    CONF.set_override('fake_wait_for_vif_plugged', True, group='compute')


def post(cloud, events, who=SERVICE, status=None, version='2.53'):
    return cloud.app.post_json(URL, {'events': events}, headers=headers(who, version),
                               status=status or '*', expect_errors=True)


def plugged(server_id, port_id, status='completed'):
    return {'name': 'network-vif-plugged', 'server_uuid': server_id, 'tag': port_id,
            'status': status}


def port_of(cloud, server_id):
    ports = cloud.app.get('/v2.1/servers/%s/os-interface' % server_id,
                          headers=headers(ADMIN)).json['interfaceAttachments']
    return ports[0]['port_id']


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError('condition not met within %s s' % timeout)


def waiting(node, server_id):
    return node.instance_events.waiting(server_id)


# -- the API ----------------------------------------------------------------------------
def test_events_answered_per_event_with_207_when_mixed(cloud):
    # No compute host yet: ERROR on no host.
    hostless = cloud.boot(name='b')['server']['id']
    cloud.wait(hostless, 'ERROR')
    cloud.add_compute('node1')
    on_host = cloud.boot(name='a')['server']['id']
    cloud.wait(on_host, 'ACTIVE')
    unknown = str(uuid.uuid4())
    resp = post(cloud, [
        {'name': 'network-changed', 'server_uuid': on_host, 'tag': 'p1'},
        {'name': 'network-vif-plugged', 'server_uuid': unknown, 'tag': 'p2',
         'status': 'completed'},
        {'name': 'network-vif-unplugged', 'server_uuid': hostless}])
    assert resp.status_int == 207
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.53'
    assert resp.json['events'] == [
        {'name': 'network-changed', 'server_uuid': on_host, 'tag': 'p1',
         'status': 'completed', 'code': 200},
        {'name': 'network-vif-plugged', 'server_uuid': unknown, 'tag': 'p2',
         'status': 'failed', 'code': 404},
        {'name': 'network-vif-unplugged', 'server_uuid': hostless,
         'status': 'failed', 'code': 422}]
    ok = post(cloud, [{'name': 'network-vif-deleted', 'server_uuid': on_host, 'tag': 'p1'}],
              who=ADMIN)
    assert ok.status_int == 200 and ok.json['events'][0]['code'] == 200


BAD_BODIES = [
    {},
    {'events': []},
    {'events': {}},
    {'events': [{'name': 'network-vif-plugged'}]},
    {'events': [{'server_uuid': 'not-a-uuid', 'name': 'network-vif-plugged'}]},
    {'events': [{'server_uuid': str(uuid.uuid4()), 'name': 'reboot-now'}]},
    {'events': [{'server_uuid': str(uuid.uuid4()), 'name': 'network-changed',
                 'status': 'done'}]},
    {'events': [{'server_uuid': str(uuid.uuid4()), 'name': 'network-changed',
                 'tag': 'x' * 256}]},
    {'events': [{'server_uuid': str(uuid.uuid4()), 'name': 'network-changed',
                 'host': 'h'}]},
    {'events': [{'server_uuid': str(uuid.uuid4()), 'name': 'volume-extended',
                 'tag': 'v'}]},  # 2.51 and later only
    {'events': [], 'extra': 1},
]


def test_refusals(cloud):
    unknown = [{'name': 'network-changed', 'server_uuid': str(uuid.uuid4())}]
    # None found: 404 with nova's fault body.
    resp = post(cloud, unknown)
    assert resp.status_int == 404
    assert resp.json == {'itemNotFound': {'code': 404,
                                          'message': 'No instances found for any event'}}
    # Project members and readers may not send events.
    for who in (DEMO, {'X-User-Id': 'r', 'X-Project-Id': 'demo', 'X-Roles': 'reader'}):
        resp = post(cloud, unknown, who=who)
        assert resp.status_int == 403 and 'forbidden' in resp.json
    for body in BAD_BODIES:
        resp = cloud.app.post_json(URL, body, headers=headers(SERVICE, '2.50'),
                                   expect_errors=True)
        assert resp.status_int == 400, body
        assert resp.json['badRequest']['code'] == 400
    resp = cloud.app.post(URL, b'{"events": [', headers=dict(
        headers(SERVICE), **{'Content-Type': 'application/json'}), expect_errors=True)
    assert resp.status_int == 400


def test_volume_extended_needs_a_tag_from_2_51(cloud):
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    resp = post(cloud, [{'name': 'volume-extended', 'server_uuid': server_id},
                        {'name': 'volume-extended', 'server_uuid': server_id, 'tag': 'vol'}],
                version='2.51')
    assert resp.status_int == 207
    assert [e['code'] for e in resp.json['events']] == [400, 200]


# -- a build waiting for its ports ---------------------------------------------------------
def test_active_only_after_the_event(cloud, down_ports):
    node = cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    wait_for(lambda: waiting(node, server_id))
    time.sleep(0.3)
    shown = cloud.show(server_id)
    assert (shown['status'], shown['OS-EXT-STS:task_state']) == ('BUILD', 'spawning')
    port_id = port_of(cloud, server_id)
    # Another port's event and an in-progress one change nothing.
    post(cloud, [plugged(server_id, str(uuid.uuid4())),
                 plugged(server_id, port_id, status='in-progress')], status=200)
    time.sleep(0.2)
    assert cloud.show(server_id)['status'] == 'BUILD'
    resp = post(cloud, [plugged(server_id, port_id)], status=200)
    assert resp.json['events'][0]['code'] == 200
    assert cloud.wait(server_id, 'ACTIVE')['OS-EXT-STS:power_state'] == 1
    assert not waiting(node, server_id)


def test_event_that_arrives_before_the_wait_is_kept(cloud, down_ports):
    node = cloud.add_compute('node1')
    real_spawn = node.driver.spawn

    def spawn(context, instance, *args, **kwargs):
        # The agent wires the port while the guest is still being set up.
        port_id = instance.network_info[0]['port_id']
        post(cloud, [plugged(instance.uuid, port_id)], status=200)
        return real_spawn(context, instance, *args, **kwargs)
    node.driver.spawn = spawn
    CONF.set_override('vif_plugging_timeout', 60)
    server_id = cloud.boot()['server']['id']
    started = time.time()
    cloud.wait(server_id, 'ACTIVE', timeout=30)
    assert time.time() - started < 30  # long before the timeout


def test_timeout_fails_the_build_and_leaves_nothing(cloud, down_ports):
    CONF.set_override('vif_plugging_timeout', 1)
    node = cloud.add_compute('node1')
    node2 = cloud.add_compute('node2')  # not tried: a timeout is no host's fault
    server_id = cloud.boot()['server']['id']
    port_id = wait_for(lambda: waiting(node, server_id) or waiting(node2, server_id)
                       ) and port_of(cloud, server_id)
    server = cloud.wait(server_id, 'ERROR')
    message = server['fault']['message']
    assert 'aborted' in message and 'vif_plugging_timeout' in message and port_id in message
    assert 'Timed out after 1 s' in message
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert server['addresses'] == {}
    for manager in (node, node2):
        assert manager.driver.list_instance_uuids() == []
    assert fake_clients.FakeNetworkClient(str(cloud.env.tmp_path / 'fake')).list_ports(
        None, server_id) == []
    used = cloud.app.get('/v2.1/os-hypervisors/detail', headers=headers()).json
    assert [h['memory_mb_used'] for h in used['hypervisors']] == [0, 0]
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers()).json['instanceActions']
    assert len(actions) == 1
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)


def test_a_failed_event_fails_the_build_at_once(cloud, down_ports):
    node = cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    wait_for(lambda: waiting(node, server_id))
    port_id = port_of(cloud, server_id)
    started = time.time()
    post(cloud, [plugged(server_id, port_id, status='failed')], status=200)
    server = cloud.wait(server_id, 'ERROR', timeout=30)
    assert time.time() - started < 30  # not the 300 s timeout
    assert 'reported port %s failed' % port_id in server['fault']['message']
    assert node.driver.list_instance_uuids() == []


def test_not_fatal_boots_after_the_timeout(cloud, down_ports):
    CONF.set_override('vif_plugging_timeout', 1)
    CONF.set_override('vif_plugging_is_fatal', False)
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE', timeout=10)


def test_not_waited_when_disabled(cloud, down_ports, monkeypatch):
    node = cloud.add_compute('node1')
    # vif_plugging_timeout 0; the fake driver's default; ports ACTIVE already.
    settings = [lambda: CONF.set_override('vif_plugging_timeout', 0),
                lambda: CONF.set_override('fake_wait_for_vif_plugged', False,
                                          group='compute'),
                monkeypatch.undo]
    for index, setting in enumerate(settings):
        CONF.clear_override('vif_plugging_timeout')
        CONF.set_override('fake_wait_for_vif_plugged', True, group='compute')
        setting()
        server_id = cloud.boot(name='vm%d' % index)['server']['id']
        cloud.wait(server_id, 'ACTIVE', timeout=5)
        assert not waiting(node, server_id)


def test_delete_while_waiting_does_not_wait_out_the_timeout(cloud, down_ports):
    node = cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    wait_for(lambda: waiting(node, server_id))
    started = time.time()
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    wait_for(lambda: cloud.app.get('/v2.1/servers/%s' % server_id, headers=headers(),
                                   expect_errors=True).status_int == 404, timeout=30)
    assert time.time() - started < 30  # not the 300 s timeout
    assert node.driver.list_instance_uuids() == []
    used = cloud.app.get('/v2.1/os-hypervisors/detail', headers=headers()).json
    assert used['hypervisors'][0]['memory_mb_used'] == 0


def test_a_port_deleted_in_the_network_service_leaves_the_server(cloud):
    node = cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    extra = cloud.app.post_json('/v2.1/servers/%s/os-interface' % server_id, {
        'interfaceAttachment': {}}, headers=headers(DEMO)).json['interfaceAttachment']
    first = port_of(cloud, server_id)
    server = node._get(cloud.env.admin_context(), server_id)
    assert {v['port_id'] for v in server.network_info} == {first, extra['port_id']}
    post(cloud, [{'name': 'network-vif-deleted', 'server_uuid': server_id,
                  'tag': extra['port_id']}], status=200)
    wait_for(lambda: len(node._get(cloud.env.admin_context(),
                                   server_id).network_info) == 1)
    server = node._get(cloud.env.admin_context(), server_id)
    assert [v['port_id'] for v in server.network_info] == [first]
    assert node.driver.interfaces(server) == [first]
    assert cloud.show(server_id)['status'] == 'ACTIVE'


# -- network-changed: the server's network info refreshed, floating IPs included -----------
PUBLIC = '5b2f1d8e-4d3c-4b8a-9e6f-0c1d2e3f4a5b'


def changed(server_id, port_id):
    return {'name': 'network-changed', 'server_uuid': server_id, 'tag': port_id}


def _floating(cloud, server_id, body, status=202):
    return cloud.app.post_json('/v2.1/servers/%s/action' % server_id, body,
                               headers=headers(DEMO, '2.43'), status=status)


def _floating_ip(cloud):
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), networks=[
        {'id': PUBLIC, 'name': 'public', 'cidr': '203.0.113.0/29', 'shared': True,
         'router:external': True}])
    return cloud.app.post_json('/v2.1/os-floating-ips', None, headers=headers(DEMO, '2.35')
                               ).json['floating_ip']['ip']


def _addresses(cloud, server_id):
    return [(a['OS-EXT-IPS:type'], a['addr'], a['version'], a['OS-EXT-IPS-MAC:mac_addr'])
            for a in cloud.show(server_id)['addresses']['private']]


def test_network_changed_shows_the_floating_ip_among_the_addresses(cloud):
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    port_id = port_of(cloud, server_id)
    [(_, fixed, _, mac)] = _addresses(cloud, server_id)
    address = _floating_ip(cloud)
    _floating(cloud, server_id, {'addFloatingIp': {'address': address}})
    # The network service tells compute (the fake one does not: the test does).
    assert _addresses(cloud, server_id) == [('fixed', fixed, 4, mac)]
    resp = post(cloud, [changed(server_id, port_id)], status=200)
    assert resp.json['events'][0]['code'] == 200
    wanted = [('fixed', fixed, 4, mac), ('floating', address, 4, mac)]
    wait_for(lambda: _addresses(cloud, server_id) == wanted)
    listed = cloud.app.get('/v2.1/servers/detail', headers=headers(DEMO)).json['servers']
    assert [a['addr'] for a in listed[0]['addresses']['private']] == [fixed, address]
    # Below 2.75 the update view has no OS-EXT-IPS, but the floating address all the same.
    updated = cloud.app.put_json('/v2.1/servers/%s' % server_id, {'server': {'name': 'n'}},
                                 headers=headers(DEMO, '2.74')).json['server']
    assert updated['addresses']['private'] == [{'version': 4, 'addr': fixed},
                                               {'version': 4, 'addr': address}]
    _floating(cloud, server_id, {'removeFloatingIp': {'address': address}})
    post(cloud, [changed(server_id, port_id), changed(server_id, port_id)], status=200)
    wait_for(lambda: _addresses(cloud, server_id) == [('fixed', fixed, 4, mac)])


def test_a_port_passed_at_boot_comes_with_its_floating_ip(cloud):
    cloud.add_compute('node1')
    address = _floating_ip(cloud)
    net = clients.network_client()
    network = net.networks.read()[fixtures.NETWORK_ID]
    port = net.ports.update(lambda data: net._new_port(data, network, ''))
    fip = [f for f in net.neutron.floatingips.read().values()
           if f['floating_ip_address'] == address][0]
    net.proxy(cloud.env.admin_context(), 'PUT', '/floatingips/%s' % fip['id'],
              body={'floatingip': {'port_id': port['id']}})
    server_id = cloud.boot(networks=[{'port': port['id']}])['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    assert [a[:2] for a in _addresses(cloud, server_id)] == [
        ('fixed', port['fixed_ips'][0]['ip_address']), ('floating', address)]


def test_network_changed_for_another_host_or_no_server_is_harmless(cloud):
    node = cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    port_id = port_of(cloud, server_id)
    before = node._get(cloud.env.admin_context(), server_id).network_info
    address = _floating_ip(cloud)
    _floating(cloud, server_id, {'addFloatingIp': {'address': address}})
    # A host the server is not on, and a server nobody knows, leave things as they are.
    other = cloud.add_compute('node2')
    other.external_instance_event(cloud.env.admin_context(), [changed(server_id, port_id)])
    other.external_instance_event(cloud.env.admin_context(),
                                  [changed(str(uuid.uuid4()), port_id)])
    assert node._get(cloud.env.admin_context(), server_id).network_info == before
    resp = post(cloud, [changed(str(uuid.uuid4()), port_id)], status=404)
    assert resp.json['itemNotFound']


def test_network_changed_before_the_plugged_event_in_one_batch(cloud, down_ports):
    """A build waiting for its port holds the server's lock: the awaited
    event of a batch is handed over before the refresh waits for that lock."""
    node = cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    wait_for(lambda: waiting(node, server_id))
    port_id = port_of(cloud, server_id)
    started = time.time()
    post(cloud, [changed(server_id, port_id), plugged(server_id, port_id)], status=200)
    cloud.wait(server_id, 'ACTIVE')
    assert time.time() - started < 10


# -- the registry -----------------------------------------------------------------------------
def test_registry_keeps_early_events_and_drops_unexpected_ones():
    events = instance_events.InstanceEvents()
    assert not events.deliver('s1', 'network-vif-plugged', 'p1', 'completed')
    keys = [('network-vif-plugged', 'p1'), ('network-vif-plugged', 'p2')]
    with events.expect('s1', keys) as waiter:
        assert events.deliver('s1', 'network-vif-plugged', 'p1', 'completed')
        assert not events.deliver('s1', 'network-vif-plugged', 'p1', 'completed')
        assert not events.deliver('s2', 'network-vif-plugged', 'p2', 'completed')
        assert waiter.missing() == ['p2']
        assert not waiter.wait(0.01)
        threading.Timer(0.05, events.deliver,
                        ('s1', 'network-vif-plugged', 'p2', 'completed')).start()
        assert waiter.wait(5) and not waiter.failed and not waiter.cancelled
    assert not events.waiting('s1')
    with events.expect('s1', []) as waiter:
        assert waiter.wait(0) and not events.waiting('s1')
