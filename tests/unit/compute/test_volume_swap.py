"""Swap volume (PUT os-volume_attachments/{volume} with another volumeId)
in-process: API checks, the cast to the host, the host's flow with the fake
driver and the fake volume service (os-migrate_volume_completion)."""

import pytest
from oslo_config import cfg

from services.compute import clients
from services.compute import exception
from services.compute.virt import fake as fake_virt
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_volume_attachments import (VOL, VOL2, _attach, _guest, _url,
                                                        _volume, _wait_for, cloud, server,
                                                        volume_mapping)

__all__ = ['cloud', 'server']  # fixtures
SMALL = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a04'
MISSING = '9d4e2b5c-1f0a-4c3e-8b7d-6a5f4e3d2c1b'


def _swap(cloud, server_id, old=VOL, new=VOL2, status=202, version='2.53', who=ADMIN):
    body = {'volumeAttachment': {'volumeId': new}}
    return cloud.app.put_json(_url(server_id, old), body, headers=headers(who, version),
                              status=status, expect_errors=status >= 400)


def _migrating(volume_id, status='migrating'):
    clients.volume_client().volumes.update(
        lambda data: data[volume_id].__setitem__('migration_status', status))


@pytest.fixture
def direct_swaps():
    cfg.CONF.set_override('allow_volume_swap_without_migration', True, group='compute_api')
    yield
    cfg.CONF.clear_override('allow_volume_swap_without_migration', group='compute_api')


@pytest.fixture
def attached(cloud, server):
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    return server


def _swapped(cloud, server_id, volume_id=VOL2):
    try:
        return volume_mapping(cloud, server_id, volume_id) is not None
    except exception.VolumeBDMNotFound:
        return False


def test_a_volume_not_migrating_is_not_swapped(cloud, attached):
    # nova since bug 2112187, and Tempest 47's test_volume_swap*: 409.
    resp = _swap(cloud, attached, status=409)
    assert resp.json['conflictingRequest']['message'] == (
        'Volume %s is not migrating; only the volume service swaps it for another' % VOL)
    assert _volume(VOL)['status'] == 'in-use' and _volume(VOL2)['status'] == 'available'
    assert not clients.volume_client().attachments.read().keys() - {
        a['attachment_id'] for a in _volume(VOL)['attachments']}
    # admin only (the swap rule, whatever the server's project)
    _migrating(VOL)
    _swap(cloud, attached, who=DEMO, status=403)
    _swap(cloud, attached, who=DEMO, status=403, version='2.85')


def test_a_migrating_volume_is_swapped_on_the_host(cloud, attached):
    _migrating(VOL)
    before = volume_mapping(cloud, attached, VOL)
    assert _swap(cloud, attached).body == b''
    _wait_for(lambda: _swapped(cloud, attached))
    after = volume_mapping(cloud, attached, VOL2)
    assert (after.uuid, after.device_name) == (before.uuid, '/dev/vdb')
    assert after.attachment_id != before.attachment_id
    assert after.connection_info['serial'] == VOL2 and after.volume_size == 2
    store = clients.volume_client()
    assert _guest(cloud, attached) == {'/dev/vdb': {'serial': VOL2,
                                                    'device_path': store.device_path(VOL2)}}
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert _volume(VOL2)['status'] == 'in-use'
    assert [a['server_id'] for a in _volume(VOL2)['attachments']] == [attached]
    assert [a['volume_id'] for a in store.attachments.read().values()] == [VOL2]
    listed = cloud.app.get(_url(attached), headers=headers(DEMO, '2.89')).json
    assert [(a['volumeId'], a['device']) for a in listed['volumeAttachments']] == [
        (VOL2, '/dev/vdb')]
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % attached,
                            headers=headers(ADMIN)).json['instanceActions']
    assert 'swap_volume' in [a['action'] for a in actions]


def test_a_direct_swap_when_allowed_and_delete_on_termination_at_2_85(cloud, attached,
                                                                       direct_swaps):
    body = {'volumeAttachment': {'volumeId': VOL2, 'delete_on_termination': True}}
    cloud.app.put_json(_url(attached, VOL), body, headers=headers(ADMIN, '2.85'), status=202)
    _wait_for(lambda: _swapped(cloud, attached))
    assert volume_mapping(cloud, attached, VOL2).delete_on_termination
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    # The same volume at 2.85 is an update, a member's call.
    same = {'volumeAttachment': {'volumeId': VOL2, 'delete_on_termination': False}}
    cloud.app.put_json(_url(attached, VOL2), same, headers=headers(DEMO, '2.85'), status=202)
    assert not volume_mapping(cloud, attached, VOL2).delete_on_termination


def test_bad_swaps_are_4xx_as_nova(cloud, attached, direct_swaps):
    store = clients.volume_client()
    store.volumes.update(lambda data: data.__setitem__(SMALL, dict(
        data[VOL], id=SMALL, status='available', attachments=[], size=1)))
    # the volume in the URI unknown: 404; the one in the body: 400
    assert _swap(cloud, attached, old=MISSING, status=404).json['itemNotFound']
    resp = _swap(cloud, attached, new=MISSING, status=400)
    assert MISSING in resp.json['badRequest']['message']
    # the new volume in use, or smaller: 400
    _attach(cloud, attached, VOL2)
    _wait_for(lambda: _volume(VOL2)['status'] == 'in-use')
    assert 'must be available' in _swap(cloud, attached, status=400).json['badRequest'][
        'message']
    assert 'is smaller than' in _swap(cloud, attached, old=VOL2, new=SMALL,
                                      status=400).json['badRequest']['message']
    # a volume not attached to this server: 400 (nova's InvalidVolume)
    other = cloud.boot()['server']['id']
    cloud.wait(other, 'ACTIVE', who=DEMO)
    assert 'not attached to server' in _swap(cloud, other, new=SMALL, status=400).json[
        'badRequest']['message']
    # a server in a state that does not take it: 409
    cloud.action(attached, {'os-stop': None})
    cloud.wait(attached, 'SHUTOFF', who=DEMO)
    resp = _swap(cloud, attached, new=SMALL, status=409)
    assert 'swap_volume' in resp.json['conflictingRequest']['message']
    assert _volume(SMALL)['status'] == 'available' and _volume(VOL)['status'] == 'in-use'


def test_a_failed_copy_leaves_the_guest_on_the_old_volume(cloud, attached, monkeypatch):
    def broken(self, *args, **kwargs):
        raise exception.VolumeSwapFailed(volume_id=VOL, reason='copy broke')
    monkeypatch.setattr(fake_virt.FakeDriver, 'swap_volume', broken)
    _migrating(VOL)
    _swap(cloud, attached)
    _wait_for(lambda: _volume(VOL2)['status'] == 'available'
              and not _volume(VOL2)['attachments']
              and len(clients.volume_client().attachments.read()) == 1)
    cloud.settle()
    assert volume_mapping(cloud, attached, VOL).connection_info['serial'] == VOL
    assert not _swapped(cloud, attached)
    assert _volume(VOL)['status'] == 'in-use'
    assert list(_guest(cloud, attached).values())[0]['serial'] == VOL


def test_a_server_gone_before_the_host_swaps_releases_the_new_volume(cloud, attached):
    context = cloud.env.admin_context()
    store = clients.volume_client()
    attachment = store.attachment_create(context, VOL2, attached)
    assert _volume(VOL2)['status'] == 'reserved'
    manager = cloud.computes['node1']
    manager.swap_volume(context, '00000000-0000-4000-8000-00000000dead', VOL, VOL2,
                        attachment['id'])
    assert _volume(VOL2)['status'] == 'available'
    assert attachment['id'] not in store.attachments.read()
    # ... and a volume detached meanwhile too
    attachment = store.attachment_create(context, VOL2, attached)
    manager.swap_volume(context, attached, SMALL, VOL2, attachment['id'])
    assert _volume(VOL2)['status'] == 'available'
    assert volume_mapping(cloud, attached, VOL).volume_id == VOL
