"""Rebuild of a volume-backed server (2.93, compute RPC 1.15) in-process:
API, conductor and compute managers over the fake transport, the fake
driver and the fake volume service.  The test plays the volume service's
part at the end of a reimage: the volume shows its new image and
``volume-reimaged`` comes through os-server-external-events, as the real
volume service sends it."""

import pytest
from oslo_config import cfg

from services.compute import clients
from services.compute.clients import fake as fake_clients
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import block_device as bdm_obj
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_volume_attachments import VOL, _bfv, _guest, _volume, \
    _wait_for, volume_cloud

CONF = cfg.CONF
IMAGE2 = '7d7b5e28-6b0f-4d55-9f3a-1a2b3c4d5e6f'
SERVICE = {'X-User-Id': 'volume', 'X-Project-Id': 'service', 'X-Roles': 'service'}
EVENTS = '/v2.1/os-server-external-events'


@pytest.fixture
def cloud(env, app, monkeypatch):
    c = volume_cloud(env, app, monkeypatch, [
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo', 'bootable': 'true',
         'volume_image_metadata': {'image_id': fixtures.IMAGE_ID}}])
    fake_clients.seed(str(env.tmp_path / 'fake'), images=[
        {'id': IMAGE2, 'name': 'alt', 'visibility': 'public', 'status': 'active',
         'size': 1 << 20, 'properties': {'hw_disk_bus': 'virtio'}}])
    CONF.set_override('reimage_timeout_per_gb', 10)
    yield c
    c.settle()
    CONF.clear_override('reimage_timeout_per_gb')


@pytest.fixture
def server(cloud):
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


def _rebuild(cloud, server_id, version='2.93', status=202, **extra):
    body = {'rebuild': dict({'imageRef': IMAGE2}, **extra)}
    return cloud.app.post_json('/v2.1/servers/%s/action' % server_id, body,
                               headers=headers(DEMO, version), status=status)


def _attachments_of(volume_id):
    return {k: a for k, a in clients.volume_client().attachments.read().items()
            if a['volume_id'] == volume_id}


def _mapping(cloud, server_id):
    return bdm_obj.BlockDeviceMapping.get_by_volume(cloud.env.admin_context(), server_id, VOL)


def _reimaged(server_id, status='completed', version='2.93', who=SERVICE):
    event = {'name': 'volume-reimaged', 'server_uuid': server_id, 'tag': VOL,
             'status': status}
    return EVENTS, {'events': [event]}, headers(who, version)


def _send(cloud, server_id, status='completed'):
    url, body, hdrs = _reimaged(server_id, status)
    return cloud.app.post_json(url, body, headers=hdrs).json


def _wait_reimage_asked():
    _wait_for(lambda: _volume(VOL)['status'] == 'downloading')


def _rebuild_and_reimage(cloud, server_id):
    """A rebuild the volume service carries out: the reimage is asked, done,
    and volume-reimaged sent."""
    _rebuild(cloud, server_id)
    _wait_reimage_asked()
    clients.volume_client().finish_reimage(VOL)
    return _send(cloud, server_id)


def test_rebuild_reimages_the_root_volume(cloud, server):
    """Tempest's test_rebuild_volume_backed_server, in nova's steps: the old
    guest goes, a new attachment reserves the volume before the old one is
    deleted, os-reimage with reimage_reserved, the wait for
    volume-reimaged, then the new attachment connects and completes and the
    new guest boots from the same volume."""
    old = set(_attachments_of(VOL))
    resp = _rebuild(cloud, server, name='rebuilt', metadata={'rebuild': 'server'},
                    adminPass='rebuildPassw0rd')
    answer = resp.json['server']
    assert answer['id'] == server and answer['image'] == ''
    assert answer['adminPass'] == 'rebuildPassw0rd'
    _wait_reimage_asked()
    store = clients.volume_client()
    assert store.reimaged.read() == {VOL: [IMAGE2]}
    attachments = _attachments_of(VOL)
    assert len(attachments) == 1 and not set(attachments) & old
    (new_id, new), = attachments.items()
    assert new['status'] == 'reserved' and new['instance'] == server
    mapping = _mapping(cloud, server)
    assert mapping.attachment_id == new_id and mapping.connection_info is None
    assert cloud.show(server, DEMO)['status'] == 'REBUILD'

    store.finish_reimage(VOL)
    answered = _send(cloud, server)
    assert answered['events'][0]['code'] == 200
    view = cloud.wait(server, 'ACTIVE', who=DEMO)
    assert view['name'] == 'rebuilt' and view['metadata'] == {'rebuild': 'server'}
    assert view['image'] == ''
    assert view['os-extended-volumes:volumes_attached'] == [
        {'id': VOL, 'delete_on_termination': False}]
    volume = _volume(VOL)
    assert volume['status'] == 'in-use'
    assert volume['volume_image_metadata']['image_id'] == IMAGE2
    assert _attachments_of(VOL)[new_id]['status'] == 'attached'
    assert _guest(cloud, server)['/dev/vda']['serial'] == VOL
    assert _mapping(cloud, server).connection_info['serial'] == VOL


def test_a_stopped_server_stays_stopped(cloud, server):
    cloud.action(server, {'os-stop': None})
    cloud.wait(server, 'SHUTOFF', who=DEMO)
    _rebuild_and_reimage(cloud, server)
    cloud.wait(server, 'SHUTOFF', who=DEMO)
    assert _volume(VOL)['status'] == 'in-use'


def test_no_event_in_time_is_error_with_a_fault(cloud, server):
    """The wait is reimage_timeout_per_gb per GiB of the image (one here);
    past it the server is ERROR with the reason, and the new attachment is
    deleted (the mapping stays, without an attachment)."""
    CONF.set_override('reimage_timeout_per_gb', 1)
    _rebuild(cloud, server)
    _wait_reimage_asked()
    view = cloud.wait(server, 'ERROR', who=DEMO)
    assert 'volume-reimaged' in view['fault']['message']
    assert _attachments_of(VOL) == {}
    mapping = _mapping(cloud, server)
    assert mapping.attachment_id is None and mapping.connection_info is None
    assert view['os-extended-volumes:volumes_attached'] == [
        {'id': VOL, 'delete_on_termination': False}]
    assert server not in cloud.computes['node1'].driver.list_instance_uuids()
    # A late event finds nobody waiting: no harm.
    assert _send(cloud, server)['events'][0]['code'] == 200
    # An ERROR server is rebuilt again once the volume service is done.
    clients.volume_client().finish_reimage(VOL)
    CONF.set_override('reimage_timeout_per_gb', 10)
    _rebuild_and_reimage(cloud, server)
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _volume(VOL)['status'] == 'in-use'


def test_a_failed_reimage_is_error(cloud, server):
    _rebuild(cloud, server)
    _wait_reimage_asked()
    clients.volume_client().finish_reimage(VOL, ok=False)
    _send(cloud, server, status='failed')
    view = cloud.wait(server, 'ERROR', who=DEMO)
    assert 'failed' in view['fault']['message']
    assert _attachments_of(VOL) == {}
    assert _volume(VOL)['status'] == 'error'


def test_a_refused_reimage_is_error(cloud, server, monkeypatch):
    """The volume service refuses os-reimage (an older one, or the image
    does not fit): ERROR at once, no attachment left."""
    store = clients.volume_client()

    def refuse(*args, **kwargs):
        from services.compute import exception
        raise exception.InvalidVolume(reason='There is no such action: os-reimage')
    monkeypatch.setattr(type(store), 'reimage', refuse)
    _rebuild(cloud, server)
    view = cloud.wait(server, 'ERROR', who=DEMO)
    assert 'os-reimage' in view['fault']['message']
    assert _attachments_of(VOL) == {}


def test_below_2_93_another_image_is_refused(cloud, server):
    resp = _rebuild(cloud, server, version='2.92', status=400)
    assert 'different image for a volume-backed server' in resp.json['badRequest']['message']
    view = cloud.show(server, DEMO)
    assert view['status'] == 'ACTIVE' and view['OS-EXT-STS:task_state'] is None
    assert clients.volume_client().reimaged.read() == {}


def test_rpc_client_sends_1_15_only_to_reimage(env, monkeypatch):
    sent = []

    class Prepared:
        def __init__(self, version):
            self.version = version

        def cast(self, context, method, **kwargs):
            sent.append((self.version, method, kwargs))

    api = compute_rpcapi.ComputeAPI()
    monkeypatch.setattr(api, '_prepare', lambda host, version: Prepared(version))
    api.rebuild_instance(None, 'h', 'u', 'img')
    api.rebuild_instance(None, 'h', 'u', 'img', reimage_boot_volume=True)
    assert sent[0][0] == '1.0' and 'reimage_boot_volume' not in sent[0][2]
    assert sent[1][0] == '1.15' and sent[1][2]['reimage_boot_volume'] is True


def test_volume_reimaged_event_needs_2_93_and_a_tag(cloud, server):
    url, body, hdrs = _reimaged(server, version='2.92')
    cloud.app.post_json(url, body, headers=hdrs, status=400)
    body['events'][0].pop('tag')
    hdrs = headers(SERVICE, '2.93')
    resp = cloud.app.post_json(url, body, headers=hdrs, status=404)
    assert resp.json['itemNotFound']['code'] == 404
    # a member may not send events
    url, body, _ = _reimaged(server)
    cloud.app.post_json(url, body, headers=headers(DEMO, '2.93'), status=403)
    cloud.app.post_json(url, body, headers=headers(ADMIN, '2.93'), status=200)
