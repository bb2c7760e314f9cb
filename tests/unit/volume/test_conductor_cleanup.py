"""What a process killed mid-operation leaves is settled: the conductor's
clean-up of old passing states, and the scheduler's and volume host's
conductor calls asked again while the conductor is away."""

import datetime

import pytest

from common import exception as common_exc
from services.volume import rpc_errors
from services.volume.scheduler import manager as scheduler_manager
from tests.unit.volume.conftest import DEMO, headers, wait_for

OLD = 3600   # seconds: past any stuck_timeout


def _db():
    from services.volume.db import api as db_api
    return db_api


def _volume(env, status='creating', host=None, age=OLD):
    db_api = _db()
    volume = db_api.volume_create({'project_id': 'demo', 'user_id': 'demo-user', 'size': 1,
                                   'status': status, 'host': host,
                                   'availability_zone': 'nova'}, {},
                                  env.conductor._limits('demo'))
    _age('Volume', volume['id'], age)
    return volume


def _age(model, row_id, seconds):
    from services.volume.db import models
    db_api = _db()
    with db_api.writer() as session:
        row = session.get(getattr(models, model), row_id)
        row.updated_at = db_api.now() - datetime.timedelta(seconds=seconds)


def _messages(volume_id):
    from services.volume.db import models
    import sqlalchemy as sa
    with _db().reader() as session:
        return list(session.scalars(sa.select(models.Message).filter_by(
            resource_uuid=volume_id)))


def test_a_volume_no_backend_took_fails_with_a_message(env):
    stuck = _volume(env)
    recent = _volume(env, age=0)
    placed = _volume(env, host=env.volume.host)
    settled = env.conductor._cleanup_stuck()
    assert settled['creating'] == 1
    db_api = _db()
    assert db_api.volume_get(stuck['id'])['status'] == 'error'
    assert 'No backend took the volume' in db_api.volume_get(stuck['id'])['error_reason']
    assert len(_messages(stuck['id'])) == 1
    # in progress (young), or on a backend (its host settles it): left alone
    assert db_api.volume_get(recent['id'])['status'] == 'creating'
    assert db_api.volume_get(placed['id'])['status'] == 'creating'
    assert not _messages(recent['id'])


def test_an_attachment_whose_export_was_never_recorded_is_removed(env, app):
    db_api = _db()
    volume = _volume(env, status='available', host=env.volume.host)
    connector = {'host': 'cmp1', 'initiator': 'iqn.x'}
    cut, _ = db_api.attachment_create(volume['id'], 'server-1', 'rw', connector=connector)
    assert cut['attach_status'] == 'connecting'
    assert db_api.volume_get(volume['id'])['status'] == 'reserved'
    # the API shows it as any reservation
    shown = app.get('/v3/demo/attachments/%s' % cut['id'], headers=headers(DEMO)).json
    assert shown['attachment']['status'] == 'reserved'
    listed = app.get('/v3/demo/attachments?status=reserved', headers=headers(DEMO)).json
    assert [a['id'] for a in listed['attachments']] == [cut['id']]
    # young: may still be exporting
    assert env.conductor._cleanup_stuck()['connecting'] == 0
    _age('Attachment', cut['id'], OLD)
    assert env.conductor._cleanup_stuck()['connecting'] == 1
    assert db_api.volume_get(volume['id'])['status'] == 'available'
    with pytest.raises(Exception):
        db_api.attachment_get(cut['id'])


def test_a_plain_reservation_is_kept(env):
    db_api = _db()
    volume = _volume(env, status='available', host=env.volume.host)
    reserved, _ = db_api.attachment_create(volume['id'], 'server-1', 'rw')
    _age('Attachment', reserved['id'], OLD)
    assert env.conductor._cleanup_stuck()['connecting'] == 0
    assert db_api.attachment_get(reserved['id'])['attach_status'] == 'reserved'
    assert db_api.volume_get(volume['id'])['status'] == 'reserved'


def test_an_attachment_create_with_a_connector_ends_attaching(env, app):
    volume = app.post_json('/v3/demo/volumes', {'volume': {'size': 1}},
                           headers=headers(DEMO)).json['volume']
    wait_for(lambda: _db().volume_get(volume['id'])['status'] == 'available')
    body = {'attachment': {'volume_uuid': volume['id'], 'instance_uuid': 'server-1',
                           'connector': {'host': 'cmp1', 'initiator': 'iqn.x'}}}
    made = app.post_json('/v3/demo/attachments', body, headers=headers(DEMO)).json
    attachment = _db().attachment_get(made['attachment']['id'])
    assert attachment['attach_status'] == 'attaching' and attachment['connection_info']


def test_a_stale_delete_is_asked_again(env):
    db_api = _db()
    volume = _volume(env, status='deleting', host=env.volume.host)
    env.driver.volumes[volume['id']] = 1
    assert env.conductor._cleanup_stuck()['deleting'] == 1
    wait_for(lambda: not db_api.volume_list({'id': volume['id']}))
    assert volume['id'] not in env.driver.volumes


def test_a_stale_delete_without_a_backend_drops_the_record(env):
    db_api = _db()
    volume = _volume(env, status='deleting', host=None)
    assert env.conductor._cleanup_stuck()['deleting'] == 1
    assert not db_api.volume_list({'id': volume['id']})


def test_a_stale_delete_on_a_host_that_is_down_waits_for_its_start(env):
    db_api = _db()
    volume = _volume(env, status='deleting', host='gone@backend')
    assert env.conductor._cleanup_stuck()['deleting'] == 0
    assert db_api.volume_get(volume['id'])['status'] == 'deleting'


def test_a_volume_host_ignores_a_delete_of_a_volume_not_deleting(env):
    volume = _volume(env, status='available', host=env.volume.host)
    env.driver.volumes[volume['id']] = 1
    from common import context
    env.volume.delete_volume(context.get_admin_context(), volume['id'])
    assert _db().volume_get(volume['id'])['status'] == 'available'
    assert volume['id'] in env.driver.volumes


# -- retries ----------------------------------------------------------------------------

class Flaky:
    def __init__(self, failures):
        self.failures = failures
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.failures:
            raise common_exc.ServiceUnavailable(reason='the volume conductor did not answer')
        return args


@pytest.fixture
def no_wait(monkeypatch):
    slept = []
    monkeypatch.setattr(rpc_errors, '_sleep', slept.append)
    return slept


def test_a_call_is_asked_again_with_a_growing_delay(no_wait):
    flaky = Flaky(failures=5)
    assert rpc_errors.retried(flaky, 'a', 'b') == ('a', 'b')
    assert flaky.calls == 6
    assert no_wait == [1, 2, 4, 8, 8]


def test_a_call_gives_up_after_the_last_attempt(no_wait):
    flaky = Flaky(failures=100)
    with pytest.raises(common_exc.ServiceUnavailable):
        rpc_errors.retried(flaky)
    assert flaky.calls == rpc_errors.RETRY_ATTEMPTS


def test_a_client_error_is_not_asked_again(no_wait):
    calls = []

    def refuse():
        calls.append(1)
        raise common_exc.AltoError()
    with pytest.raises(common_exc.AltoError):
        rpc_errors.retried(refuse)
    assert len(calls) == 1 and not no_wait


class Conductor:
    """The scheduler's view of a conductor away for its first calls."""

    def __init__(self, failures, status='creating'):
        self.failures = failures
        self.status = status
        self.calls = []

    def _maybe_fail(self, name):
        self.calls.append(name)
        if len(self.calls) <= self.failures:
            raise common_exc.ServiceUnavailable(reason='the volume conductor did not answer')

    def backend_list(self, ctx):
        self._maybe_fail('backend_list')
        return [{'host': 'h@b', 'availability_zone': 'nova', 'up': True, 'fresh': True,
                 'capabilities': {'free_capacity_gb': 100, 'total_capacity_gb': 100}}]

    def volume_update(self, ctx, volume_id, values, expected):
        self._maybe_fail('volume_update')
        if self.status not in expected['status']:
            from services.volume import exception
            raise exception.InvalidVolume(reason='is %s' % self.status)
        return dict(values, id=volume_id, project_id='demo')


class VolumeAPI:
    def __init__(self):
        self.casts = []

    def create_volume(self, ctx, host, volume_id, spec):
        self.casts.append((host, volume_id))


class Ctx:
    def elevated(self):
        return self


def _scheduler(conductor):
    manager = scheduler_manager.SchedulerManager.__new__(scheduler_manager.SchedulerManager)
    manager.conductor = conductor
    manager.volume_api = VolumeAPI()
    return manager


SPEC = {'size': 1, 'availability_zone': 'nova', 'volume_type': {'extra_specs': {}}}


def test_the_scheduler_places_a_volume_across_a_conductor_restart(no_wait):
    conductor = Conductor(failures=3)
    scheduler = _scheduler(conductor)
    scheduler.create_volume(Ctx(), 'v1', dict(SPEC))
    assert conductor.calls.count('backend_list') == 4
    assert scheduler.volume_api.casts == [('h@b', 'v1')]


def test_the_scheduler_drops_a_volume_the_cleanup_failed_meanwhile(no_wait):
    conductor = Conductor(failures=0, status='error')
    scheduler = _scheduler(conductor)
    scheduler.create_volume(Ctx(), 'v1', dict(SPEC))
    assert scheduler.volume_api.casts == []
