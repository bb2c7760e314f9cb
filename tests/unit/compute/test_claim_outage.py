"""A build's claim and its placement are one transaction: the database
going away between them (the fault scenario "database restarted
mid-storm") leaves both or neither, never a claim no server accounts for.
A commit whose answer was lost is read back, not claimed twice."""

import time

import pytest
from oslo_config import cfg
from oslo_db import exception as db_exc

from common import exception as common_exc
from services.compute.conductor.tasks import build as build_task
from services.compute.db import api as db_api
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj
from tests.unit.compute.test_build_watchdog import _used
from tests.unit.compute.test_server_flow import Cloud

CONF = cfg.CONF


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.add_compute('node1')
    return c


def _away():
    return db_exc.DBConnectionError(Exception('(2013) Lost connection to MySQL server'))


def _settled(cloud, server_id, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        server = cloud.show(server_id)
        if server['status'] != 'BUILD':
            return server
        time.sleep(0.05)
    return cloud.show(server_id)


def test_database_lost_after_the_claim_rolls_the_claim_back(cloud, monkeypatch):
    """The connection dies after the host's UPDATE, before the server's:
    the claim goes with it, and the build places the server again."""
    real = db_api._instance_swap
    failures = []

    def swap(session, uuid, values, *args):
        if values.get('task_state') == 'networking' and not failures:
            failures.append(uuid)
            raise _away()
        return real(session, uuid, values, *args)
    monkeypatch.setattr(db_api, '_instance_swap', swap)
    server_id = cloud.boot()['server']['id']
    server = _settled(cloud, server_id)
    assert failures == [server_id]
    assert server['status'] == 'ACTIVE'
    assert _used(cloud) == [(64, 1)]   # one claim: the failed try left none


def test_commit_whose_answer_was_lost_is_not_claimed_twice(cloud, monkeypatch):
    """The transaction committed but its answer never came back: the build
    reads the server back, finds it placed and goes on with that claim."""
    real = db_api.instance_claim_and_place
    calls = []

    def place(*args, **kwargs):
        calls.append(real(*args, **kwargs))
        if len(calls) == 1:
            raise _away()
        return calls[-1]
    monkeypatch.setattr(db_api, 'instance_claim_and_place', place)
    server_id = cloud.boot()['server']['id']
    server = _settled(cloud, server_id)
    assert len(calls) == 1
    assert server['status'] == 'ACTIVE'
    assert _used(cloud) == [(64, 1)]


@pytest.mark.parametrize('landed', [False, True])
def test_database_away_for_good_leaves_the_watchdog_a_consistent_server(
        cloud, monkeypatch, landed):
    """No answer and no way to read back: whichever way the commit went,
    the watchdog's ERROR gives back exactly what was claimed."""
    real = db_api.instance_claim_and_place
    real_get = db_api.instance_get

    def place(*args, **kwargs):
        if landed:
            real(*args, **kwargs)
        raise _away()

    def get(uuid, *args, **kwargs):
        if placing:
            raise _away()
        return real_get(uuid, *args, **kwargs)
    placing = []
    monkeypatch.setattr(build_task, 'ANSWER_WAIT', 0.5)
    monkeypatch.setattr(db_api, 'instance_claim_and_place', place)
    monkeypatch.setattr(db_api, 'instance_get', get)
    real_host_az = build_task.host_availability_zone

    def host_az(context, host):
        placing.append(host)   # from here on the database is away
        return real_host_az(context, host)
    monkeypatch.setattr(build_task, 'host_availability_zone', host_az)
    server_id = cloud.boot()['server']['id']
    deadline = time.time() + 10
    while not placing and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)   # the build gave up reading back
    placing.clear()   # the database is back
    assert _used(cloud) == ([(64, 1)] if landed else [(0, 0)])
    CONF.set_override('schedule_timeout', 1, group='conductor')
    time.sleep(1.1)
    cloud.conductor.fail_builds_on_dead_hosts()
    server = cloud.show(server_id)
    assert server['status'] == 'ERROR'
    assert ('did not start the build' if landed else 'was not scheduled') in \
        server['fault']['message']
    assert _used(cloud) == [(0, 0)]


def test_final_save_lost_then_rescheduled_stays_building(cloud, monkeypatch):
    """The host's save of ACTIVE failed (the database was away) and the host
    gave the build up: the server is rescheduled as BUILD, not written ACTIVE
    with no host and ``scheduling`` for good."""
    cloud.add_compute('node2')
    real = inst_obj.Instance.save
    failed = []

    def save(self, expected_task_state=None, expected_vm_state=None):
        if expected_task_state == ['spawning'] and self.vm_state == inst_obj.ACTIVE \
                and not failed:
            failed.append(self.host)
            raise common_exc.ServiceUnavailable(reason='the database is not reachable')
        return real(self, expected_task_state=expected_task_state,
                    expected_vm_state=expected_vm_state)
    monkeypatch.setattr(inst_obj.Instance, 'save', save)
    server_id = cloud.boot()['server']['id']
    server = _settled(cloud, server_id)
    assert len(failed) == 1
    assert server['status'] == 'ACTIVE' and server['OS-EXT-STS:task_state'] is None
    assert server['OS-EXT-SRV-ATTR:host'] not in (None, failed[0])
    assert sorted(_used(cloud)) == [(0, 0), (64, 1)]


def test_build_record_lost_after_the_build_keeps_the_guest(cloud, monkeypatch):
    """The build finished (ACTIVE written) but the record of its end could
    not be written (the database went away): the build stands, its guest is
    kept (it was removed, leaving an ACTIVE server without one, later SHUTOFF)."""
    real = action_obj.InstanceAction.event_finish
    failed = []

    def event_finish(context, uuid, event, *args, **kwargs):
        if event == 'compute_build_and_run_instance' and not failed:
            failed.append(uuid)
            raise common_exc.ServiceUnavailable(reason='the database is not reachable')
        return real(context, uuid, event, *args, **kwargs)
    monkeypatch.setattr(action_obj.InstanceAction, 'event_finish', event_finish)
    server_id = cloud.boot()['server']['id']
    server = _settled(cloud, server_id)
    assert failed == [server_id]
    assert server['status'] == 'ACTIVE' and server['OS-EXT-SRV-ATTR:host'] == 'node1'
    assert cloud.computes['node1'].driver.list_instance_uuids() == [server_id]
    assert _used(cloud) == [(64, 1)]
