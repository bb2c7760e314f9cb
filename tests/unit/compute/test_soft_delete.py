"""Deferred delete: with ``[compute] reclaim_instance_interval`` a DELETE
keeps the server SOFT_DELETED (powered off) until ``restore``, a
``forceDelete`` or the compute's reclaim; without it a delete is final."""

import time

import pytest
from oslo_config import cfg

from tests.unit.compute.conftest import DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

CONF = cfg.CONF


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.node = c.add_compute('node1')
    CONF.set_override('reclaim_instance_interval', 3600, group='compute')
    yield c
    CONF.clear_override('reclaim_instance_interval', group='compute')


def _delete(cloud, server_id):
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)


def _gone(cloud, server_id, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cloud.app.get('/v2.1/servers/%s' % server_id, headers=headers(DEMO),
                         expect_errors=True).status_int == 404:
            return
        time.sleep(0.05)
    raise AssertionError('%s is still there' % server_id)


def _active(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def test_delete_keeps_the_server_until_restore_or_force_delete(cloud):
    server_id = _active(cloud)
    _delete(cloud, server_id)
    server = cloud.wait(server_id, 'SOFT_DELETED', who=DEMO)
    assert server['OS-EXT-STS:vm_state'] == 'soft-delete'
    assert server['OS-EXT-STS:power_state'] == 4          # powered off on its host
    listed = cloud.app.get('/v2.1/servers?status=SOFT_DELETED',
                           headers=headers(DEMO)).json['servers']
    assert [s['id'] for s in listed] == [server_id]

    cloud.action(server_id, {'restore': None})
    server = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert server['OS-EXT-STS:power_state'] == 1
    fault = cloud.action(server_id, {'restore': None}, status=409).json
    assert fault['conflictingRequest']['code'] == 409
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers(DEMO)).json['instanceActions']
    assert [a['action'] for a in actions][:2] == ['restore', 'delete']

    _delete(cloud, server_id)
    cloud.wait(server_id, 'SOFT_DELETED', who=DEMO)
    cloud.action(server_id, {'forceDelete': None})
    _gone(cloud, server_id)


def test_a_second_delete_is_final(cloud):
    server_id = _active(cloud)
    _delete(cloud, server_id)
    cloud.wait(server_id, 'SOFT_DELETED', who=DEMO)
    _delete(cloud, server_id)
    _gone(cloud, server_id)


def test_the_compute_reclaims_after_the_interval(cloud):
    server_id = _active(cloud)
    _delete(cloud, server_id)
    cloud.wait(server_id, 'SOFT_DELETED', who=DEMO)
    cloud.node.reclaim_soft_deleted()
    cloud.wait(server_id, 'SOFT_DELETED', who=DEMO)     # not old enough yet
    CONF.set_override('reclaim_instance_interval', 1, group='compute')
    time.sleep(1.2)
    cloud.node.reclaim_soft_deleted()
    _gone(cloud, server_id)
    hypervisor = cloud.app.get('/v2.1/os-hypervisors/detail',
                               headers=headers()).json['hypervisors'][0]
    assert hypervisor['memory_mb_used'] == 0 and hypervisor['running_vms'] == 0


def test_without_an_interval_a_delete_is_final(cloud):
    CONF.set_override('reclaim_instance_interval', 0, group='compute')
    server_id = _active(cloud)
    _delete(cloud, server_id)
    _gone(cloud, server_id)
    cloud.action(_active(cloud), {'restore': None}, status=409)
