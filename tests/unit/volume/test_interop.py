"""The requests of the interoperability guideline's Tempest volume tests
that we used to answer wrongly, replayed as Tempest 47.0.0 sends them (no
microversion header: 3.0), with what Tempest expects."""

from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import DEMO
from tests.unit.volume.conftest import READER
from tests.unit.volume.conftest import headers
from tests.unit.volume.conftest import wait_for
from tests.unit.volume.test_api_flows import create
from tests.unit.volume.test_api_flows import show
from tests.unit.volume.test_api_flows import wait_status

V30 = READER     # Tempest's reader, no microversion header


def _snapshot(app, volume_id):
    snap = app.post_json('/v3/demo/snapshots', {'snapshot': {'volume_id': volume_id}},
                         headers=headers()).json['snapshot']
    wait_for(lambda: app.get('/v3/demo/snapshots/%s' % snap['id'],
                             headers=headers()).json['snapshot']['status'] == 'available')
    return snap


def test_extensions_list_as_cinder_shapes_it(app):
    # test_extensions.ExtensionsTestJSON.test_list_extensions (reader; api_extensions=all)
    body = app.get('/v3/demo/extensions', headers=V30).json
    assert list(body) == ['extensions']
    for ext in body['extensions']:
        assert set(ext) == {'alias', 'name', 'description', 'links', 'updated'}
        assert ext['links'] == [] and ext['updated'].endswith('+00:00')
    assert 'Hosts' in [e['name'] for e in body['extensions']]


def test_hosts_are_listed_for_admins_only(app):
    hosts = app.get('/v3/admin/os-hosts', headers=headers(ADMIN)).json['hosts']
    volume_host = [h for h in hosts if h['service'] == 'cinder-volume']
    assert volume_host[0]['host_name'] == 'stor1@file'
    assert volume_host[0]['service-status'] == 'available'
    app.get('/v3/demo/os-hosts', headers=headers(), status=403)


def test_empty_volume_id_is_not_found(app):
    # VolumesNegativeTest.test_{get,update,delete}_volume_..._empty/without_passing_volume_id
    for method in ('get', 'delete'):
        fault = getattr(app, method)('/v3/demo/volumes/', headers=V30, status=404).json
        assert fault['itemNotFound']['code'] == 404
    app.put_json('/v3/demo/volumes/', {'volume': {}}, headers=V30, status=404)
    app.get('/v3/demo/volumes/detail/', headers=V30, status=404)
    # the collection itself is still there
    app.get('/v3/demo/volumes', headers=V30, status=200)


def test_snapshot_without_volume_id_is_not_found(app):
    # VolumesSnapshotNegativeTestJSON.test_create_snapshot_without_passing_volume_id
    fault = app.post_json('/v3/demo/snapshots', {'snapshot': {
        'volume_id': None, 'display_name': 'snap'}}, headers=headers(DEMO, '3.0'),
        status=404).json
    assert fault['itemNotFound']['code'] == 404
    app.post_json('/v3/demo/snapshots', {'snapshot': {'name': 'no-key'}},
                  headers=headers(), status=400)


def test_readonly_flag_shows_in_volume_metadata(app):
    # VolumesActionsTest.test_volume_readonly_update
    volume = create(app, metadata={'k': 'v'})
    wait_status(app, volume['id'], 'available')
    assert 'readonly' not in show(app, volume['id'])['metadata']
    url = '/v3/demo/volumes/%s/action' % volume['id']
    for flag in (True, False):
        app.post_json(url, {'os-update_readonly_flag': {'readonly': flag}},
                      headers=headers(DEMO, '3.0'), status=202)
        assert show(app, volume['id'], READER)['metadata'] == {'k': 'v',
                                                                'readonly': str(flag)}
    # the metadata API holds the user's keys only
    assert app.get('/v3/demo/volumes/%s/metadata' % volume['id'],
                   headers=headers()).json['metadata'] == {'k': 'v'}
    app.post_json(url, {'os-update_readonly_flag': {'readonly': 'maybe'}},
                  headers=headers(), status=400)


def test_upload_to_image(app, env):
    # VolumesActionsTest.test_volume_upload, for raw and qcow2
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    url = '/v3/demo/volumes/%s/action' % volume['id']
    for disk_format in ('raw', 'qcow2'):
        resp = app.post_json(url, {'os-volume_upload_image': {
            'image_name': 'img-%s' % disk_format, 'disk_format': disk_format}},
            headers=headers(DEMO, '3.0'), status=202)
        body = resp.json['os-volume_upload_image']
        assert body['status'] == 'uploading' and body['id'] == volume['id']
        assert body['disk_format'] == disk_format and body['container_format'] == 'bare'
        assert body['image_name'] == 'img-%s' % disk_format
        assert body['volume_type']['name'] == '__DEFAULT__'
        assert 'visibility' not in body      # from 3.1
        image_id = body['image_id']
        wait_status(app, volume['id'], 'available')
        assert env.images.data[image_id] == ('%s:%s' % (volume['id'], disk_format)).encode()
        record = env.images.images[image_id]
        assert (record['name'], record['disk_format'], record['status']) == \
            ('img-%s' % disk_format, disk_format, 'active')
    # 3.1: visibility and protected; a public image is for admins
    body = app.post_json(url, {'os-volume_upload_image': {
        'image_name': 'shared', 'visibility': 'shared', 'protected': True}},
        headers=headers(DEMO, '3.1'), status=202).json['os-volume_upload_image']
    assert (body['visibility'], body['protected']) == ('shared', True)
    wait_status(app, volume['id'], 'available')
    app.post_json(url, {'os-volume_upload_image': {'image_name': 'pub',
                                                   'visibility': 'public'}},
                  headers=headers(DEMO, '3.1'), status=403)


def test_upload_refusals_and_failure(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    url = '/v3/demo/volumes/%s/action' % volume['id']
    for bad in ({}, {'image_name': 'x', 'disk_format': 'ami'}, {'image_name': ''}):
        app.post_json(url, {'os-volume_upload_image': bad}, headers=headers(), status=400)
    app.post_json(url, {'os-volume_upload_image': {'image_name': 'x'}},
                  headers=headers(READER), status=403)
    before = dict(env.images.images)
    # a failing copy deletes the image and brings the volume back
    env.driver.fail.add('copy_volume_to_image_file')
    image_id = app.post_json(url, {'os-volume_upload_image': {'image_name': 'x'}},
                             headers=headers(), status=202).json[
        'os-volume_upload_image']['image_id']
    wait_status(app, volume['id'], 'available')
    wait_for(lambda: image_id not in env.images.images)
    # in-use needs force; a refused request leaves no image behind
    from common import context
    from services.volume.conductor import rpcapi
    rpcapi.ConductorAPI().volume_update(context.get_admin_context(), volume['id'],
                                        {'status': 'in-use', 'attach_status': 'attached'})
    fault = app.post_json(url, {'os-volume_upload_image': {'image_name': 'x'}},
                          headers=headers(), status=400).json
    assert 'in-use' in fault['badRequest']['message']
    assert env.images.images == before
    env.driver.fail.clear()
    app.post_json(url, {'os-volume_upload_image': {'image_name': 'x', 'force': True}},
                  headers=headers(), status=202)
    wait_status(app, volume['id'], 'in-use')


def test_delete_with_snapshots_needs_cascade(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    snap = _snapshot(app, volume['id'])
    fault = app.delete('/v3/demo/volumes/%s' % volume['id'], headers=headers(),
                       status=400).json
    assert 'snapshots' in fault['badRequest']['message']
    app.delete('/v3/demo/volumes/%s?cascade=true' % volume['id'], headers=headers(),
               status=202)
    wait_for(
        lambda: app.get('/v3/demo/volumes/%s' % volume['id'], headers=headers(),
                        expect_errors=True).status_int == 404)
    app.get('/v3/demo/snapshots/%s' % snap['id'], headers=headers(), status=404)
    assert env.driver.volumes == {} and env.driver.snapshots == {}
