"""os-reimage (3.68): the API's checks (microversion, policy, status,
image), the volume host writing the image over the volume with the fake
driver, and the ``volume-reimaged`` event to the servers the volume is
reserved for."""

import pytest

from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import DEMO
from tests.unit.volume.conftest import OTHER
from tests.unit.volume.conftest import READER
from tests.unit.volume.conftest import headers
from tests.unit.volume.conftest import wait_for
from tests.unit.volume.test_api_flows import create
from tests.unit.volume.test_api_flows import show
from tests.unit.volume.test_api_flows import wait_status

IMG1 = '11111111-1111-4111-8111-111111111111'
IMG2 = '22222222-2222-4222-8222-222222222222'
SERVER = '33333333-3333-4333-8333-333333333333'
GIB = 1 << 30


class RecordingCompute:
    def __init__(self):
        self.sent = []

    def volume_reimaged(self, server_ids, volume_id, ok):
        self.sent.append((sorted(server_ids), volume_id, ok))
        return True


@pytest.fixture
def compute(env, monkeypatch):
    recorder = RecordingCompute()
    monkeypatch.setattr(env.volume, 'compute_client', recorder)
    return recorder


@pytest.fixture
def images(env):
    env.images.images[IMG1] = {'id': IMG1, 'name': 'one', 'status': 'active', 'size': 1024,
                               'disk_format': 'raw', 'container_format': 'bare'}
    env.images.images[IMG2] = {'id': IMG2, 'name': 'two', 'status': 'active', 'size': 2048,
                               'disk_format': 'qcow2', 'container_format': 'bare',
                               'min_disk': 0, 'hw_disk_bus': 'virtio'}
    return env.images.images


def _reimage(app, volume_id, image_id=IMG2, who=DEMO, version='3.68', status=202, **extra):
    body = {'os-reimage': dict({'image_id': image_id}, **extra)}
    resp = app.post_json('/v3/%s/volumes/%s/action' % (who['X-Project-Id'], volume_id), body,
                         headers=headers(who, version), status=status,
                         expect_errors=status >= 400)
    return resp


def _attachment(app, volume_id, server=SERVER):
    return app.post_json('/v3/demo/attachments', {'attachment': {
        'volume_uuid': volume_id, 'instance_uuid': server}},
        headers=headers()).json['attachment']


def test_microversion_3_68_is_the_newest(app):
    resp = app.get('/v3/demo/volumes', headers=headers(version='latest'))
    assert resp.headers['OpenStack-API-Version'] == 'volume 3.68'


def test_reimage_an_available_volume(app, env, images, compute):
    volume = create(app, imageRef=IMG1)
    wait_status(app, volume['id'], 'available')
    assert show(app, volume['id'])['volume_image_metadata']['image_id'] == IMG1
    assert _reimage(app, volume['id']).body == b''
    shown = wait_status(app, volume['id'], 'available')
    meta = shown['volume_image_metadata']
    assert (meta['image_id'], meta['image_name'], meta['disk_format']) == (IMG2, 'two', 'qcow2')
    assert meta['hw_disk_bus'] == 'virtio'
    assert shown['bootable'] == 'true'
    # the driver wrote the downloaded image data, in the image's format
    assert env.driver.reimaged[volume['id']] == [(b'image', 'qcow2')]
    assert compute.sent == []   # reserved for no server: nobody to tell


def test_volumes_made_from_a_volume_keep_its_image_and_zone(app, env, images):
    volume = create(app, imageRef=IMG1)
    wait_status(app, volume['id'], 'available')
    snap = app.post_json('/v3/demo/snapshots', {'snapshot': {'volume_id': volume['id']}},
                         headers=headers()).json['snapshot']
    wait_for(lambda: app.get('/v3/demo/snapshots/%s' % snap['id'],
                             headers=headers()).json['snapshot']['status'] == 'available')
    for source in ({'snapshot_id': snap['id']}, {'source_volid': volume['id']}):
        made = wait_status(app, create(app, **source)['id'], 'available')
        assert made['bootable'] == 'true'
        assert made['volume_image_metadata']['image_id'] == IMG1
        assert made['availability_zone'] == volume['availability_zone']
        resp = app.post_json('/v3/demo/volumes', {'volume': dict(source, availability_zone='elsewhere')},
                             headers=headers(), status=400)
        assert 'same availability zone' in resp.json['badRequest']['message']


def test_reimage_needs_3_68(app, env, images, compute):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    resp = _reimage(app, volume['id'], version='3.67', status=400)
    assert 'no such action: os-reimage' in resp.json['badRequest']['message']
    assert show(app, volume['id'])['status'] == 'available'
    assert volume['id'] not in env.driver.reimaged


@pytest.mark.parametrize('args, message', [
    ({'image_id': None}, None),
    ({'image_id': IMG2, 'reimage_reserved': 'maybe'}, 'reimage_reserved'),
    ({'image_id': IMG2, 'bogus': 1}, None),
])
def test_bad_bodies_are_400(app, images, compute, args, message):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    url = '/v3/demo/volumes/%s/action' % volume['id']
    resp = app.post_json(url, {'os-reimage': args}, headers=headers(version='3.68'),
                         status=400)
    assert resp.json['badRequest']['code'] == 400
    if message:
        assert message in resp.json['badRequest']['message']
    app.post_json(url, {'os-reimage': {}}, headers=headers(version='3.68'), status=400)
    app.post_json(url, {'os-reimage': 'x'}, headers=headers(version='3.68'), status=400)


def test_policy_and_project(app, env, images, compute):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    _reimage(app, volume['id'], who=READER, status=403)
    # another project's volume is not found
    _reimage(app, volume['id'], who=OTHER, status=404)
    # an admin may reimage any project's volume
    app.post_json('/v3/admin/volumes/%s/action' % volume['id'],
                  {'os-reimage': {'image_id': IMG2}},
                  headers=headers(ADMIN, '3.68'), status=202)
    wait_status(app, volume['id'], 'available')


def test_reimage_reserved_has_its_own_policy(app, env, images, compute, monkeypatch):
    from services.volume.api import policies
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    real = policies.authorize

    def refuse_reserved(context, rule, *args, **kwargs):
        if rule == 'volume:reimage_reserved':
            from common import exception
            raise exception.Forbidden()
        return real(context, rule, *args, **kwargs)
    monkeypatch.setattr(policies, 'authorize', refuse_reserved)
    _reimage(app, volume['id'], reimage_reserved=True, status=403)
    _reimage(app, volume['id'], reimage_reserved=False)
    wait_status(app, volume['id'], 'available')


def test_image_must_be_active_and_fit(app, env, images, compute):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    resp = _reimage(app, volume['id'], image_id='no-such-image', status=400)
    assert 'image' in resp.json['badRequest']['message']
    images[IMG2]['status'] = 'queued'
    resp = _reimage(app, volume['id'], status=400)
    assert 'not active' in resp.json['badRequest']['message']
    images[IMG2].update(status='active', size=2 * GIB)
    _reimage(app, volume['id'], status=400)
    images[IMG2].update(size=1024, min_disk=2)
    _reimage(app, volume['id'], status=400)
    images[IMG2].update(min_disk=0, virtual_size=GIB + 1)
    _reimage(app, volume['id'], status=400)
    assert show(app, volume['id'])['status'] == 'available'
    assert volume['id'] not in env.driver.reimaged


def test_statuses(app, env, images, compute):
    """available and error; reserved only with reimage_reserved; in-use and
    the rest never."""
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    att = _attachment(app, volume['id'])
    assert show(app, volume['id'])['status'] == 'reserved'
    resp = _reimage(app, volume['id'], status=400)
    assert 'reserved' in resp.json['badRequest']['message']
    _reimage(app, volume['id'], reimage_reserved='false', status=400)
    app.put_json('/v3/demo/attachments/%s' % att['id'], {'attachment': {
        'connector': {'host': 'cmp1'}}}, headers=headers())
    app.post_json('/v3/demo/attachments/%s/action' % att['id'], {'os-complete': {}},
                  headers=headers(), status=204)
    assert show(app, volume['id'])['status'] == 'in-use'
    _reimage(app, volume['id'], reimage_reserved=True, status=400)
    app.delete('/v3/demo/attachments/%s' % att['id'], headers=headers())
    # an error volume is reimaged, and whole again it is available
    app.post_json('/v3/admin/volumes/%s/action' % volume['id'],
                  {'os-reset_status': {'status': 'error'}}, headers=headers(ADMIN), status=202)
    _reimage(app, volume['id'])
    wait_status(app, volume['id'], 'available')
    for status in ('creating', 'extending', 'downloading', 'maintenance'):
        app.post_json('/v3/admin/volumes/%s/action' % volume['id'],
                      {'os-reset_status': {'status': status}}, headers=headers(ADMIN),
                      status=202)
        _reimage(app, volume['id'], reimage_reserved=True, status=400)


def test_compute_rebuild_flow(app, env, images, compute):
    """What compute does to rebuild a server booted from the volume: a
    second attachment of its own volume (reserved), the first deleted
    (the volume stays reserved), os-reimage with reimage_reserved; the
    volume is reserved again afterwards, the server hears volume-reimaged,
    and the new attachment connects and completes."""
    volume = create(app, imageRef=IMG1)
    wait_status(app, volume['id'], 'available')
    old = _attachment(app, volume['id'])
    app.put_json('/v3/demo/attachments/%s' % old['id'], {'attachment': {
        'connector': {'host': 'cmp1'}}}, headers=headers())
    app.post_json('/v3/demo/attachments/%s/action' % old['id'], {'os-complete': {}},
                  headers=headers(), status=204)
    # another server may still not reserve it
    app.post_json('/v3/demo/attachments', {'attachment': {
        'volume_uuid': volume['id'], 'instance_uuid': 'another'}}, headers=headers(),
        status=400)
    new = _attachment(app, volume['id'])
    assert show(app, volume['id'])['status'] == 'in-use'
    app.delete('/v3/demo/attachments/%s' % old['id'], headers=headers())
    assert show(app, volume['id'])['status'] == 'reserved'
    _reimage(app, volume['id'], reimage_reserved=True)
    shown = wait_for(lambda: compute.sent and show(app, volume['id']))
    assert compute.sent == [([SERVER], volume['id'], True)]
    assert shown['status'] == 'reserved'
    assert shown['volume_image_metadata']['image_id'] == IMG2
    app.put_json('/v3/demo/attachments/%s' % new['id'], {'attachment': {
        'connector': {'host': 'cmp1'}}}, headers=headers())
    app.post_json('/v3/demo/attachments/%s/action' % new['id'], {'os-complete': {}},
                  headers=headers(), status=204)
    assert show(app, volume['id'])['status'] == 'in-use'


def test_a_failed_copy_ends_in_error_and_tells_compute(app, env, images, compute):
    volume = create(app, imageRef=IMG1)
    wait_status(app, volume['id'], 'available')
    _attachment(app, volume['id'])
    env.driver.fail.add('reimage_volume')
    _reimage(app, volume['id'], reimage_reserved=True)
    shown = wait_status(app, volume['id'], 'error')
    wait_for(lambda: compute.sent)
    assert compute.sent == [([SERVER], volume['id'], False)]
    # the volume still shows the image it had
    assert shown['volume_image_metadata']['image_id'] == IMG1
    messages = app.get('/v3/demo/messages', headers=headers(version='3.3')).json['messages']
    assert any(m['resource_uuid'] == volume['id'] and 'reimage volume' in m['user_message']
               for m in messages)


def test_a_restart_mid_reimage_leaves_error(app, env, images, compute):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    app.post_json('/v3/admin/volumes/%s/action' % volume['id'],
                  {'os-reset_status': {'status': 'downloading'}}, headers=headers(ADMIN),
                  status=202)
    env.volume.cleanup_interrupted()
    assert show(app, volume['id'])['status'] == 'error'


def test_compute_client_sends_volume_reimaged_as_the_service_user(monkeypatch):
    from services.volume.clients import compute as compute_client

    posted = []

    class Resp:
        status_code = 200
        text = ''

        def json(self):
            return {'events': [dict(e, code=200) for e in posted[-1][1]['json']['events']]}

    class Session:
        def post(self, url, **kwargs):
            posted.append((url, kwargs))
            return Resp()

    monkeypatch.setattr(compute_client.service_auth, 'session', lambda: Session())
    monkeypatch.setattr(compute_client.service_auth, 'endpoint_filter',
                        lambda group, service_type: {'service_type': service_type})
    client = compute_client.ComputeClient(sleep=lambda s: None)
    assert client.volume_reimaged(['s1', 's2'], 'v1', False)
    url, kwargs = posted[0]
    assert url == '/os-server-external-events'
    assert kwargs['headers'] == {'OpenStack-API-Version': 'compute 2.93'}
    assert kwargs['json'] == {'events': [
        {'name': 'volume-reimaged', 'server_uuid': 's1', 'tag': 'v1', 'status': 'failed'},
        {'name': 'volume-reimaged', 'server_uuid': 's2', 'tag': 'v1', 'status': 'failed'}]}
    # a compute API that keeps failing is asked three times, then given up
    Resp.status_code = 503
    posted.clear()
    assert not client.volume_reimaged(['s1'], 'v1', True)
    assert len(posted) == 3


def test_a_server_giving_the_volume_up_mid_reimage(app, env, images, compute, monkeypatch):
    """Compute deletes its attachment while the volume is written (its wait
    timed out): the volume stays downloading, then ends available, not
    reserved for nobody."""
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    att = _attachment(app, volume['id'])
    started, release = [], []

    def slow_reimage(vol, path, disk_format):
        started.append(vol['id'])
        wait_for(lambda: release)
    monkeypatch.setattr(env.driver, 'reimage_volume', slow_reimage)
    _reimage(app, volume['id'], reimage_reserved=True)
    wait_for(lambda: started)
    app.delete('/v3/demo/attachments/%s' % att['id'], headers=headers())
    assert show(app, volume['id'])['status'] == 'downloading'
    release.append(True)
    shown = wait_status(app, volume['id'], 'available')
    assert shown['volume_image_metadata']['image_id'] == IMG2
    assert compute.sent == [([SERVER], volume['id'], True)]


def test_an_error_volume_keeps_error_when_its_attachment_goes(app, env, images, compute):
    """A failed reimage leaves the volume in error; compute deleting its
    attachment afterwards does not make it look whole."""
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    att = _attachment(app, volume['id'])
    env.driver.fail.add('reimage_volume')
    _reimage(app, volume['id'], reimage_reserved=True)
    wait_status(app, volume['id'], 'error')
    app.delete('/v3/demo/attachments/%s' % att['id'], headers=headers())
    assert show(app, volume['id'])['status'] == 'error'
