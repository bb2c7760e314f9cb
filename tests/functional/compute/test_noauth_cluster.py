"""Compute daemons as real processes over RabbitMQ with MariaDB, two compute
hosts, ``auth_strategy = noauth`` and the file-backed fake image/network
clients (no identity/image/network daemons here; the CLI test covers those)."""

import signal
import time

import pytest

from tests.functional.compute import fixtures

pytestmark = pytest.mark.functional
ADMIN = {'project': 'admin', 'roles': 'admin,member,reader'}


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, mysql_compute_db):
    c = fixtures.ComputeCloud(tmp_path_factory.mktemp('compute'), mysql_compute_db,
                              hosts=('alpha', 'beta'))
    try:
        c.start()
        c.request('POST', '/flavors', {'flavor': {'name': 'm1.nano', 'ram': 64, 'vcpus': 1,
                                                  'disk': 0, 'id': 'nano'}}, **ADMIN)
        yield c
    finally:
        c.stop()


def _boot(cloud, name, **extra):
    body = {'server': dict({'name': name, 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'nano',
                            'networks': 'auto'}, **extra)}
    return cloud.request('POST', '/servers', body, expect=202)


def _wait(cloud, predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError('condition not met in %ss' % timeout)


def _servers(cloud, reservation):
    return cloud.request('GET', '/servers/detail?all_tenants=1&reservation_id=%s'
                         % reservation, **ADMIN)['servers']


def test_two_hosts_share_the_load(cloud):
    reservation = _boot(cloud, 'spread', min_count=8, max_count=8,
                        return_reservation_id=True)['reservation_id']
    assert len(_servers(cloud, reservation)) == 8
    servers = _wait(cloud, lambda: (lambda found: found if all(
        s['status'] == 'ACTIVE' for s in found) else None)(_servers(cloud, reservation)))
    hosts = [s['OS-EXT-SRV-ATTR:host'] for s in servers]
    assert hosts.count('alpha') == 4 and hosts.count('beta') == 4
    for server in servers:
        cloud.request('DELETE', '/servers/%s' % server['id'], expect=204)
    _wait(cloud, lambda: not cloud.request('GET', '/servers')['servers'])


def test_unknown_image_flavor_network_are_400(cloud):
    body = {'server': {'name': 'x', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'nope',
                       'networks': 'auto'}}
    assert 'badRequest' in cloud.request('POST', '/servers', body, expect=400)
    body['server'].update(flavorRef='nano', imageRef='9f4a5f2e-1a58-4d2b-a6e5-8f1c7a1d2e3f')
    assert 'badRequest' in cloud.request('POST', '/servers', body, expect=400)
    body['server'].update(imageRef=fixtures.IMAGE_ID,
                          networks=[{'uuid': '9f4a5f2e-1a58-4d2b-a6e5-8f1c7a1d2e3f'}])
    assert 'badRequest' in cloud.request('POST', '/servers', body, expect=400)


def test_wrong_state_is_409(cloud):
    server_id = _boot(cloud, 'state')['server']['id']
    _wait(cloud, lambda: cloud.request('GET', '/servers/%s' % server_id)['server'][
        'status'] == 'ACTIVE')
    fault = cloud.request('POST', '/servers/%s/action' % server_id, {'os-start': None},
                          expect=409)
    assert fault['conflictingRequest']['code'] == 409
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


def _server(cloud, server_id, status):
    server = cloud.request('GET', '/servers/%s' % server_id, **ADMIN)['server']
    return server if server['status'] == status else None


def _compute_service(cloud, host):
    return cloud.request('GET', '/os-services?binary=nova-compute&host=%s' % host,
                         **ADMIN)['services'][0]


def test_stopped_compute_goes_down_and_its_builds_fail(cloud):
    # A crash (SIGKILL): heartbeats stop and the service shows down.
    cloud.stop_process('compute-beta', sig=signal.SIGKILL)
    _wait(cloud, lambda: _compute_service(cloud, 'beta')['state'] == 'down')
    hyp = cloud.request('GET', '/os-hypervisors', **ADMIN)['hypervisors']
    assert {h['hypervisor_hostname']: h['state'] for h in hyp} == {'alpha': 'up',
                                                                   'beta': 'down'}
    server_id = _boot(cloud, 'survivor')['server']['id']
    server = _wait(cloud, lambda: _server(cloud, server_id, 'ACTIVE'))
    assert server['OS-EXT-SRV-ATTR:host'] == 'alpha'
    # beta comes back with a slow hypervisor; alpha is disabled so the next
    # build lands on beta, which dies in the middle of it.
    slow = cloud.workdir / 'slow.conf'
    slow.write_text('[compute]\nfake_spawn_delay = 20000\n')
    cloud.start_compute('beta', slow)
    cloud.wait_ready()
    alpha = _compute_service(cloud, 'alpha')
    cloud.request('PUT', '/os-services/%s' % alpha['id'],
                  {'status': 'disabled', 'disabled_reason': 'test'}, **ADMIN, expect=200)
    stuck = _boot(cloud, 'stuck')['server']['id']
    _wait(cloud, lambda: cloud.request('GET', '/servers/%s' % stuck, **ADMIN)['server'][
        'OS-EXT-STS:task_state'] == 'spawning')
    cloud.stop_process('compute-beta', sig=signal.SIGKILL)
    server = _wait(cloud, lambda: _server(cloud, stuck, 'ERROR'), timeout=40)
    assert server['OS-EXT-SRV-ATTR:host'] == 'beta'
    assert 'stopped responding' in server['fault']['message']
    cloud.request('PUT', '/os-services/%s' % alpha['id'], {'status': 'enabled'}, **ADMIN,
                  expect=200)
    # Deleting a server whose host is down works locally.
    cloud.request('DELETE', '/servers/%s' % stuck, expect=204)
    _wait(cloud, lambda: 'itemNotFound' in cloud.request('GET', '/servers/%s' % stuck))
