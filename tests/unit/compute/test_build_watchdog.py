"""The conductor's build watchdog: servers whose queued build was lost go
to ERROR after [conductor] schedule_timeout, a build that wakes up later
does not take them over, and dead-host failures only win from the state
they read."""

import datetime
import time
import types

import pytest
from oslo_config import cfg
from oslo_utils import timeutils

from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.objects import instance as inst_obj
from services.compute.objects import service as service_obj
from tests.unit.compute.conftest import headers
from tests.unit.compute.test_server_flow import Cloud

CONF = cfg.CONF


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    return c


@pytest.fixture
def lost_builds(monkeypatch):
    """build_instances casts that never run (their conductor was killed)."""
    lost = []
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'build_instances',
                        lambda self, ctx, uuids, spec: lost.append((ctx, uuids, spec)))
    return lost


def _used(cloud):
    return [(h['memory_mb_used'], h['running_vms']) for h in cloud.app.get(
        '/v2.1/os-hypervisors/detail', headers=headers()).json['hypervisors']]


def test_unscheduled_build_goes_to_error_and_a_late_build_leaves_it(cloud, lost_builds):
    node = cloud.add_compute('node1')
    CONF.set_override('schedule_timeout', 1, group='conductor')
    server_id = cloud.boot()['server']['id']
    cloud.conductor.fail_builds_on_dead_hosts()
    server = cloud.show(server_id)
    assert (server['status'], server['OS-EXT-STS:task_state']) == ('BUILD', 'scheduling')
    time.sleep(1.1)
    cloud.conductor.fail_builds_on_dead_hosts()
    server = cloud.show(server_id)
    assert server['status'] == 'ERROR' and server['OS-EXT-STS:task_state'] is None
    assert 'was not scheduled within 1 seconds' in server['fault']['message']
    assert server['fault']['code'] == 500
    # The queued build wakes up (another conductor took the message over).
    context, uuids, spec = lost_builds[0]
    cloud.conductor.build_task.build(context, uuids, spec)
    server = cloud.show(server_id)
    assert server['status'] == 'ERROR' and server['OS-EXT-SRV-ATTR:host'] is None
    assert 'was not scheduled' in server['fault']['message']
    assert _used(cloud) == [(0, 0)]  # its claim was given back
    time.sleep(0.2)
    assert node.driver.list_instance_uuids() == []


def test_schedule_timeout_zero_never_fails_them(cloud, lost_builds):
    CONF.set_override('schedule_timeout', 0, group='conductor')
    server_id = cloud.boot()['server']['id']
    time.sleep(0.05)
    cloud.conductor.fail_builds_on_dead_hosts()
    assert cloud.show(server_id)['status'] == 'BUILD'


def test_dead_host_failure_loses_to_a_build_that_finished(cloud, monkeypatch):
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    context = cloud.env.admin_context()
    # The watchdog read the server while it was still spawning...
    seen = inst_obj.Instance.get_by_uuid(context, server_id)
    seen.vm_state, seen.task_state = inst_obj.BUILDING, 'spawning'
    seen.obj_reset_changes()
    listing = inst_obj.InstanceList(context, objects=[seen])
    real = inst_obj.InstanceList.get_by_filters

    def get_by_filters(ctx, filters, *args, **kwargs):
        return listing if filters.get('host') == ['node1'] else real(ctx, filters, *args,
                                                                     **kwargs)
    monkeypatch.setattr(inst_obj.InstanceList, 'get_by_filters', get_by_filters)
    service = cloud.app.get('/v2.1/os-services?binary=nova-compute',
                            headers=headers()).json['services'][0]
    cloud.app.put_json('/v2.1/os-services/%s' % service['id'], {'forced_down': True},
                       headers=headers())
    # ...and acts after the build finished: it must leave it (and its claim) be.
    cloud.conductor.fail_builds_on_dead_hosts()
    assert cloud.show(server_id)['status'] == 'ACTIVE'
    assert _used(cloud) == [(64, 1)]


def _service(binary, host, age, forced_down=False):
    return types.SimpleNamespace(binary=binary, host=host, forced_down=forced_down,
                                 last_seen_at=timeutils.utcnow() -
                                 datetime.timedelta(seconds=age))


def test_a_silent_bus_is_not_every_host_dying(cloud, monkeypatch):
    """No host is judged by silence while nothing reaches the conductor over
    the bus, nor until each had service_down_time to report after it came
    back; a host forced down is dead all along."""
    rows = []
    monkeypatch.setattr(service_obj.ServiceList, 'get_all',
                        classmethod(lambda cls, ctx, binary=None, host=None: list(rows)))
    conductor, context = cloud.conductor, cloud.env.admin_context()
    down, silent = CONF.service.service_down_time, CONF.service.service_down_time + 30
    conductor._heard_since -= down + 1          # long after start-up
    rows[:] = [_service('nova-scheduler', 's', 0), _service('nova-compute', 'a', 0),
               _service('nova-compute', 'b', silent)]
    assert conductor._dead_hosts(context) == ['b']
    # The broker is away: only the conductor's own (direct) reports are fresh.
    rows[:] = [_service('nova-conductor', 'c', 0),
               _service('nova-scheduler', 's', silent),
               _service('nova-compute', 'a', silent),
               _service('nova-compute', 'b', silent, forced_down=True)]
    assert conductor._dead_hosts(context) == ['b']
    # It is back: the scheduler reported, host a not yet.
    rows[1] = _service('nova-scheduler', 's', 0)
    assert conductor._dead_hosts(context) == ['b']
    conductor._heard_since -= down + 1          # a had its chance and stayed silent
    assert conductor._dead_hosts(context) == ['a', 'b']


def test_build_cast_lost_on_the_way_to_a_live_host_goes_to_error(cloud):
    node = cloud.add_compute('node1')
    node.build_and_run_instance = lambda *args, **kwargs: None   # the cast never arrives
    CONF.set_override('schedule_timeout', 1, group='conductor')
    server_id = cloud.boot()['server']['id']
    deadline = time.time() + 5
    while cloud.show(server_id)['OS-EXT-SRV-ATTR:host'] is None and time.time() < deadline:
        time.sleep(0.05)
    assert cloud.show(server_id)['OS-EXT-STS:task_state'] == 'networking'
    time.sleep(1.1)
    cloud.conductor.fail_builds_on_dead_hosts()
    server = cloud.show(server_id)
    assert server['status'] == 'ERROR' and 'did not start the build' in server['fault']['message']
    assert _used(cloud) == [(0, 0)]
