"""A host's claim goes back in the transaction that moves the server off the
host, on the two paths that used to give it back separately: a build a
host gives up (for rescheduling) and the conductor's build watchdog.  A
database going away between the two, or a reschedule cast lost after the
give-up, leaves both or neither, never a claim no server accounts for."""

import time

import pytest
from oslo_config import cfg

from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.db import api as db_api
from tests.unit.compute.conftest import headers
from tests.unit.compute.test_build_watchdog import _used
from tests.unit.compute.test_claim_outage import _away
from tests.unit.compute.test_server_flow import Cloud

CONF = cfg.CONF


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    return c


def _failing_host(cloud, name):
    node = cloud.add_compute(name)

    def failing_spawn(*args, **kwargs):
        raise RuntimeError('disk on fire')
    node.driver.spawn = failing_spawn
    return node


def _wait_for(check, timeout=10):
    deadline = time.time() + timeout
    while not check():
        assert time.time() < deadline, 'condition not met in %ss' % timeout
        time.sleep(0.05)


def _release_fails_once(monkeypatch):
    """The database goes away inside the next claim release's transaction."""
    real = db_api._release
    failed = []

    def release(session, host, *args, **kwargs):
        if not failed:
            failed.append(host)
            raise _away()
        return real(session, host, *args, **kwargs)
    monkeypatch.setattr(db_api, '_release', release)
    return failed


def test_reschedule_cast_lost_after_the_give_up_leaks_no_claim(cloud, monkeypatch):
    _failing_host(cloud, 'bad')
    lost = []
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'reschedule_instance',
                        lambda self, ctx, uuid, spec, host, reason, claim_released=False:
                        lost.append((uuid, host, claim_released)))
    server_id = cloud.boot()['server']['id']
    _wait_for(lambda: lost)
    assert lost == [(server_id, 'bad', True)]
    server = cloud.show(server_id)
    assert server['OS-EXT-STS:task_state'] == 'scheduling'
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert _used(cloud) == [(0, 0)]  # given back with the server, not by the conductor


def test_database_lost_during_the_give_up_keeps_server_and_claim_together(cloud,
                                                                          monkeypatch):
    _failing_host(cloud, 'bad')
    failed = _release_fails_once(monkeypatch)
    rescheduled = []
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'reschedule_instance',
                        lambda self, *args, **kwargs: rescheduled.append(args))
    server_id = cloud.boot()['server']['id']
    _wait_for(lambda: failed)
    time.sleep(0.2)
    assert failed == ['bad'] and rescheduled == []
    # Neither written: the server is still the host's, and so is the claim.
    server = cloud.show(server_id)
    assert server['OS-EXT-SRV-ATTR:host'] == 'bad'
    assert server['OS-EXT-STS:task_state'] == 'spawning'
    assert _used(cloud) == [(64, 1)]


def test_reschedule_by_an_older_conductor_still_gives_the_claim_back(cloud):
    # [upgrade_levels] conductor below 1.6: the host gives the server up
    # alone and the conductor gives the claim back, as before.
    CONF.set_override('conductor', '1.5', group='upgrade_levels')
    try:
        bad = _failing_host(cloud, 'bad')
        good = cloud.add_compute('good')
        bad.driver.get_available_resource = lambda: dict(
            good.driver.get_available_resource(), memory_mb=10 ** 7)
        bad.report_resources()
        server_id = cloud.boot()['server']['id']
        assert cloud.wait(server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'good'
    finally:
        CONF.clear_override('conductor', group='upgrade_levels')
    # bad (tried first: it reports more memory) holds nothing any more
    assert sorted(_used(cloud)) == [(0, 0), (64, 1)]


def _placed_and_stuck(cloud):
    """A server placed on node1 (networking) whose build cast never arrived."""
    node = cloud.add_compute('node1')
    node.build_and_run_instance = lambda *args, **kwargs: None
    server_id = cloud.boot()['server']['id']
    _wait_for(lambda: cloud.show(server_id)['OS-EXT-SRV-ATTR:host'] == 'node1')
    assert _used(cloud) == [(64, 1)]
    return server_id


def _force_down(cloud):
    service = cloud.app.get('/v2.1/os-services?binary=nova-compute',
                            headers=headers()).json['services'][0]
    cloud.app.put_json('/v2.1/os-services/%s' % service['id'], {'forced_down': True},
                       headers=headers())


@pytest.mark.parametrize('path', ['dead host', 'unstarted'])
def test_watchdog_sends_to_error_and_releases_in_one_transaction(cloud, monkeypatch, path):
    server_id = _placed_and_stuck(cloud)
    if path == 'dead host':
        _force_down(cloud)
    else:
        CONF.set_override('schedule_timeout', 1, group='conductor')
        time.sleep(1.1)
    failed = _release_fails_once(monkeypatch)
    with pytest.raises(Exception):
        cloud.conductor.fail_builds_on_dead_hosts()
    assert failed == ['node1']
    # Neither written: still building there, the claim still held...
    server = cloud.show(server_id)
    assert server['status'] == 'BUILD' and server['OS-EXT-SRV-ATTR:host'] == 'node1'
    assert _used(cloud) == [(64, 1)]
    # ...so the next pass finds it again and does both.
    cloud.conductor.fail_builds_on_dead_hosts()
    server = cloud.show(server_id)
    assert server['status'] == 'ERROR'
    expected = ('stopped responding' if path == 'dead host' else 'did not start the build')
    assert expected in server['fault']['message']
    assert _used(cloud) == [(0, 0)]
