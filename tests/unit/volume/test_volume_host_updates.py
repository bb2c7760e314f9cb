"""The volume host records the end of its work even across a conductor
restart (its status updates are asked again while the conductor is away)."""

import pytest

from common import exception as common_exc
from services.volume import exception
from services.volume import rpc_errors
from services.volume.volume import manager as volume_manager


class Conductor:
    def __init__(self, failures, then=None):
        self.failures = failures
        self.then = then
        self.calls = 0

    def volume_update(self, ctx, volume_id, values, expected):
        self.calls += 1
        if self.calls <= self.failures:
            raise common_exc.ServiceUnavailable(reason='the volume conductor did not answer')
        if self.then:
            raise self.then
        return dict(values, id=volume_id)


def host(conductor, monkeypatch):
    monkeypatch.setattr(rpc_errors, '_sleep', lambda seconds: None)
    manager = volume_manager.VolumeManager.__new__(volume_manager.VolumeManager)
    manager.conductor = conductor
    return manager


def test_update_asked_again_while_the_conductor_is_away(monkeypatch):
    conductor = Conductor(failures=3)
    done = host(conductor, monkeypatch)._set_volume(None, 'v1', 'available', 'creating')
    assert done['status'] == 'available' and conductor.calls == 4


def test_update_gives_up_after_the_last_attempt(monkeypatch):
    conductor = Conductor(failures=100)
    with pytest.raises(common_exc.ServiceUnavailable):
        host(conductor, monkeypatch)._set_volume(None, 'v1', 'available', 'creating')
    assert conductor.calls == rpc_errors.RETRY_ATTEMPTS


def test_a_volume_that_moved_on_is_not_asked_again(monkeypatch):
    conductor = Conductor(failures=0, then=exception.InvalidVolume(reason='deleting'))
    assert host(conductor, monkeypatch)._set_volume(None, 'v1', 'available', 'creating') is None
    assert conductor.calls == 1
