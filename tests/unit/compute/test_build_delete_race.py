"""A delete that lands while the server builds gives the host's claim back
exactly once, whichever of the build and the delete finishes first."""

import threading
import time

import pytest
from oslo_config import cfg

from services.compute.api import compute_api
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import instance as inst_obj
from tests.unit.compute.conftest import DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

CONF = cfg.CONF


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    return c


class HeldSpawn:
    """Holds the host's next spawn until released; tells when the build is over."""

    def __init__(self, manager, fail=False):
        self.entered, self.go, self.built = (threading.Event(), threading.Event(),
                                             threading.Event())
        real_spawn, real_build = manager.driver.spawn, manager.build_and_run_instance

        def spawn(*args, **kwargs):
            self.entered.set()
            assert self.go.wait(10)
            if fail:
                raise RuntimeError('the hypervisor gave up')
            return real_spawn(*args, **kwargs)

        def build(*args, **kwargs):
            try:
                return real_build(*args, **kwargs)
            finally:
                self.built.set()

        manager.driver.spawn = spawn
        manager.build_and_run_instance = build


def _used(cloud):
    return {h['hypervisor_hostname']: (h['memory_mb_used'], h['running_vms'])
            for h in cloud.app.get('/v2.1/os-hypervisors/detail',
                                   headers=headers()).json['hypervisors']}


def _wait_gone(cloud, server_id):
    deadline = time.time() + 10
    while time.time() < deadline:
        if cloud.app.get('/v2.1/servers/%s' % server_id, headers=headers(),
                         expect_errors=True).status_int == 404:
            return
        time.sleep(0.05)
    raise AssertionError('%s was not deleted' % server_id)


@pytest.mark.parametrize('spawn_fails', [False, True], ids=['spawned', 'spawn-failed'])
def test_delete_during_build_releases_the_claim_once(cloud, spawn_fails):
    node = cloud.add_compute('node1')
    keep = cloud.boot('keep')['server']['id']
    cloud.wait(keep, 'ACTIVE')
    held = HeldSpawn(node, fail=spawn_fails)
    doomed = cloud.boot('doomed')['server']['id']
    assert held.entered.wait(10)
    cloud.app.delete('/v2.1/servers/%s' % doomed, headers=headers(DEMO), status=204)
    time.sleep(0.3)  # the terminate reaches the host while the spawn is held
    held.go.set()
    assert held.built.wait(10)
    _wait_gone(cloud, doomed)
    time.sleep(0.2)  # a reschedule, had one been asked for, would run now
    # Only the surviving server's claim is left (a second release of the
    # doomed one would have taken the survivor's too).
    assert _used(cloud) == {'node1': (64, 1)}
    assert node.driver.list_instance_uuids() == [keep]


def test_a_delete_read_before_the_claim_still_gives_it_back(cloud):
    # The API read the server while it was being scheduled (no host); the
    # conductor claimed node1 before the delete acted on that read.
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    context = cloud.env.admin_context()
    stale = inst_obj.Instance.get_by_uuid(context, server_id)
    stale.host = stale.node = None
    stale.vm_state, stale.task_state = inst_obj.BUILDING, 'scheduling'
    stale.obj_reset_changes()
    compute_api.delete(context, stale)
    _wait_gone(cloud, server_id)
    assert _used(cloud) == {'node1': (0, 0)}
    assert cloud.computes['node1'].driver.list_instance_uuids() == []


def test_a_delete_moves_the_state_it_read(cloud, monkeypatch):
    cloud.add_compute('node1')
    cloud.add_compute('node2')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    context = cloud.env.admin_context()
    stale = inst_obj.Instance.get_by_uuid(context, server_id)
    moved = inst_obj.Instance.get_by_uuid(context, server_id)
    moved.host = moved.node = 'node2' if stale.host == 'node1' else 'node1'
    moved.task_state = 'resize_migrating'
    moved.save()
    sent = []
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'terminate_instance',
                        lambda self, ctx, host, uuid: sent.append(host))
    compute_api.delete(context, stale)
    assert sent == [moved.host]
    assert inst_obj.Instance.get_by_uuid(context, server_id).task_state == 'deleting'
    # A second delete while the first is under way sends nothing more.
    compute_api.delete(context, stale)
    assert sent == [moved.host]


def test_a_delete_whose_terminate_never_ran_finishes_when_the_host_is_down(cloud):
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    context = cloud.env.admin_context()
    # A terminate was sent, then the host died before it ran.
    instance = inst_obj.Instance.get_by_uuid(context, server_id)
    instance.task_state = 'deleting'
    instance.save()
    service = cloud.app.get('/v2.1/os-services?binary=nova-compute',
                            headers=headers()).json['services'][0]
    cloud.app.put_json('/v2.1/os-services/%s' % service['id'], {'forced_down': True},
                       headers=headers())
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    cloud.app.get('/v2.1/servers/%s' % server_id, headers=headers(), status=404)
    assert _used(cloud) == {'node1': (0, 0)}
