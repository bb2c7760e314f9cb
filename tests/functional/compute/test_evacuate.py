"""Evacuation across real daemons (API, conductor, scheduler, two
alto-compute processes over RabbitMQ with MariaDB, ``auth_strategy =
noauth`` and the file-backed fake image/network clients): at 2.95 the
server is left stopped (SHUTOFF) on its new host, before 2.95 it runs as it
did (conductor RPC 1.5 and compute RPC 1.10 carry the target state)."""

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


def _wait(predicate, timeout=40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError('condition not met in %ss' % timeout)


def _show(cloud, server_id):
    return cloud.request('GET', '/servers/%s' % server_id, **ADMIN)['server']


def _settled(cloud, server_id, status):
    server = _show(cloud, server_id)
    return server if server['status'] == status and \
        server['OS-EXT-STS:task_state'] is None else None


def test_evacuate_at_2_95_leaves_the_server_stopped(cloud):
    ids = []
    for name in ('evac-295', 'evac-294'):
        body = {'server': {'name': name, 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'nano',
                           'networks': 'auto', 'host': 'alpha'}}
        ids.append(cloud.request('POST', '/servers', body, version='2.74', expect=202,
                                 **ADMIN)['server']['id'])
    for server_id in ids:
        assert _wait(lambda: _settled(cloud, server_id, 'ACTIVE'))[
            'OS-EXT-SRV-ATTR:host'] == 'alpha'
    cloud.stop_process('compute-alpha', sig=signal.SIGKILL)
    service = cloud.request('GET', '/os-services?binary=nova-compute&host=alpha',
                            **ADMIN)['services'][0]
    cloud.request('PUT', '/os-services/%s' % service['id'], {'forced_down': True},
                  expect=200, **ADMIN)

    for server_id, version, status, power in ((ids[0], '2.95', 'SHUTOFF', 4),
                                              (ids[1], '2.94', 'ACTIVE', 1)):
        cloud.request('POST', '/servers/%s/action' % server_id, {'evacuate': {}},
                      version=version, expect=202, **ADMIN)
        server = _wait(lambda: _settled(cloud, server_id, status))
        assert server['OS-EXT-SRV-ATTR:host'] == 'beta'
        assert server['OS-EXT-STS:power_state'] == power
        record = cloud.request('GET', '/os-migrations?instance_uuid=%s' % server_id,
                               **ADMIN)['migrations'][0]
        assert (record['migration_type'], record['status']) == ('evacuation', 'done')
    # The stopped evacuee starts on its new host.
    cloud.request('POST', '/servers/%s/action' % ids[0], {'os-start': None}, expect=202,
                  **ADMIN)
    assert _wait(lambda: _settled(cloud, ids[0], 'ACTIVE'))['OS-EXT-STS:power_state'] == 1
