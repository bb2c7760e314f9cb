"""os-migrations: records of resizes, cold migrations and evacuations written
by the conductor and moved on by the computes, through API, conductor,
scheduler and compute managers over the fake RPC transport."""

import time

import pytest

from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.flavor(name='m1.small', ram=128, vcpus=2)
    c.add_compute('node1')
    return c


def _migrations(cloud, query='', version='2.53', who=ADMIN, status=200):
    return cloud.app.get('/v2.1/os-migrations' + query, headers=headers(who, version),
                         status=status).json


def _wait_status(cloud, server_id, status, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = _migrations(cloud, '?instance_uuid=%s' % server_id)['migrations']
        if found and found[0]['status'] == status:
            return found[0]
        time.sleep(0.05)
    raise AssertionError('migration of %s: %s' % (server_id, found))


def _flavor_row(cloud, name):
    # The flavor's integer row id (nova's instance_type_id), read where the
    # conductor keeps it.
    from services.compute.objects import flavor as flavor_obj
    return flavor_obj.Flavor.get_by_flavor_id(cloud.env.admin_context(), name).id


def test_resize_confirm_and_revert_are_recorded(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    assert _migrations(cloud) == {'migrations': []}
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.small'}})
    cloud.wait(server_id, 'VERIFY_RESIZE')
    record = _wait_status(cloud, server_id, 'finished')
    assert record['migration_type'] == 'resize'
    assert (record['source_compute'], record['dest_compute'], record['source_node'],
            record['dest_node']) == ('node1', 'node1', 'node1', 'node1')
    assert record['old_instance_type_id'] == _flavor_row(cloud, 'm1.nano')
    assert record['new_instance_type_id'] == _flavor_row(cloud, 'm1.small')
    assert isinstance(record['id'], int) and record['created_at'].count(':') == 2
    cloud.action(server_id, {'confirmResize': None}, status=204)
    cloud.wait(server_id, 'ACTIVE')
    assert _wait_status(cloud, server_id, 'confirmed')['id'] == record['id']

    cloud.action(server_id, {'resize': {'flavorRef': 'm1.nano'}})
    cloud.wait(server_id, 'VERIFY_RESIZE')
    cloud.action(server_id, {'revertResize': None})
    cloud.wait(server_id, 'ACTIVE')
    reverted = _wait_status(cloud, server_id, 'reverted')
    assert reverted['id'] != record['id']
    assert [m['status'] for m in _migrations(cloud)['migrations']] == ['reverted',
                                                                        'confirmed']


@pytest.mark.parametrize('finish', ['confirmResize', 'revertResize'])
def test_a_server_resized_while_stopped_stays_stopped(cloud, finish):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'os-stop': None})
    cloud.wait(server_id, 'SHUTOFF')
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.small'}})
    view = cloud.wait(server_id, 'VERIFY_RESIZE')
    assert view['OS-EXT-STS:power_state'] == 4  # the resized guest is not started
    cloud.action(server_id, {finish: None}, status=204 if finish == 'confirmResize' else 202)
    view = cloud.wait(server_id, 'SHUTOFF')
    assert view['OS-EXT-STS:power_state'] == 4 and view['OS-EXT-STS:task_state'] is None
    assert view['flavor']['original_name'] == (
        'm1.small' if finish == 'confirmResize' else 'm1.nano')
    cloud.action(server_id, {'os-start': None})
    cloud.wait(server_id, 'ACTIVE')


def test_fields_and_filters_per_microversion(cloud):
    cloud.add_compute('node2')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'migrate': None}, who=ADMIN)
    cloud.wait(server_id, 'VERIFY_RESIZE')
    record = _wait_status(cloud, server_id, 'finished')
    assert record['migration_type'] == 'migration'
    assert record['old_instance_type_id'] == record['new_instance_type_id']
    dest = record['dest_compute']
    assert dest != record['source_compute']

    old = _migrations(cloud, version='2.22')['migrations'][0]
    assert 'migration_type' not in old and 'links' not in old
    assert set(old) == {'id', 'status', 'instance_uuid', 'source_node', 'source_compute',
                        'dest_node', 'dest_compute', 'dest_host', 'old_instance_type_id',
                        'new_instance_type_id', 'created_at', 'updated_at'}
    for query, count in (('?status=finished', 1), ('?status=done', 0),
                         ('?host=%s' % dest, 1), ('?host=nowhere', 0),
                         ('?migration_type=migration', 1), ('?migration_type=resize', 0),
                         ('?instance_uuid=%s' % server_id, 1)):
        assert len(_migrations(cloud, query)['migrations']) == count, query
    cloud.action(server_id, {'confirmResize': None}, status=204, who=ADMIN)
    cloud.wait(server_id, 'ACTIVE')


def test_evacuation_is_recorded(cloud):
    cloud.add_compute('node2')
    server_id = cloud.boot()['server']['id']
    host = cloud.wait(server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host']
    services = cloud.app.get('/v2.1/os-services?binary=nova-compute&host=%s' % host,
                             headers=headers()).json['services']
    cloud.app.put_json('/v2.1/os-services/%s' % services[0]['id'], {'forced_down': True},
                       headers=headers())
    cloud.action(server_id, {'evacuate': {}}, who=ADMIN)
    cloud.wait(server_id, 'ACTIVE')
    record = _wait_status(cloud, server_id, 'done')
    assert record['migration_type'] == 'evacuation'
    assert record['source_compute'] == host and record['dest_compute'] != host


def test_a_resize_with_no_host_is_an_error(cloud):
    cloud.flavor(name='m1.huge', ram=64, vcpus=1, disk=10 ** 6)
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.huge'}})
    assert _wait_status(cloud, server_id, 'error')['dest_compute'] is None
    cloud.wait(server_id, 'ACTIVE')


def test_only_admins_list_and_server_migrations_are_live_ones(cloud):
    fault = _migrations(cloud, who=DEMO, status=403)
    assert fault['forbidden']['code'] == 403
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    url = '/v2.1/servers/%s/migrations' % server_id
    assert cloud.app.get(url, headers=headers(ADMIN, '2.23')).json == {'migrations': []}
    cloud.app.get(url, headers=headers(ADMIN, '2.22'), status=404)
    cloud.app.get(url + '/1', headers=headers(ADMIN, '2.23'), status=404)
    cloud.app.get(url, headers=headers(DEMO, '2.23'), status=403)
