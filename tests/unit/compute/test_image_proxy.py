"""/v2.1/images: nova's image proxy (up to 2.35, metadata up to 2.38), as the
Compute API reference describes it, over the fake image service."""

import json

import pytest
from oslo_config import cfg

from services.compute.clients import fake as fake_clients
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers

OWN = '0b6a6a07-7c44-4f55-9c1c-4b1d4e0b0001'
SNAP = '0b6a6a07-7c44-4f55-9c1c-4b1d4e0b0002'
OTHER = '0b6a6a07-7c44-4f55-9c1c-4b1d4e0b0003'
SERVER = '5b1e8b1d-2a55-4c52-9ef8-6c2b4d7c0a11'
STATUSES = {'queued': ('SAVING', 25), 'saving': ('SAVING', 50), 'active': ('ACTIVE', 100),
            'killed': ('ERROR', 0), 'deleted': ('DELETED', 0),
            'pending_delete': ('DELETED', 0), 'deactivated': ('UNKNOWN', 0)}
IMAGE_KEYS = {'id', 'name', 'minRam', 'minDisk', 'metadata', 'created', 'updated', 'status',
              'progress', 'OS-EXT-IMG-SIZE:size', 'links'}


@pytest.fixture
def images(env):
    images = [
        {'id': OWN, 'name': 'own', 'owner': 'demo', 'visibility': 'private',
         'status': 'active', 'min_ram': 64, 'min_disk': 1, 'size': 1024,
         'created_at': '2026-11-20T10:00:00Z', 'updated_at': '2026-11-21T10:00:00Z',
         'properties': {'os_distro': 'debian', 'auto_disk_config': 'true'}},
        {'id': SNAP, 'name': 'snap', 'owner': 'demo', 'visibility': 'private',
         'status': 'active', 'size': 2048, 'created_at': '2026-11-22T10:00:00Z',
         'updated_at': '2026-11-23T10:00:00Z',
         'properties': {'instance_uuid': SERVER, 'image_type': 'snapshot'}},
        {'id': OTHER, 'name': 'other', 'owner': 'someone', 'visibility': 'private',
         'status': 'active', 'properties': {}},
    ]
    images += [{'id': '0b6a6a07-7c44-4f55-9c1c-4b1d4e0b01%02d' % i, 'name': status,
                'owner': 'demo', 'visibility': 'private', 'status': status, 'properties': {}}
               for i, status in enumerate(STATUSES)]
    fake_clients.seed(str(env.tmp_path / 'fake'), images=images)


def _get(app, path, who=DEMO, version='2.1', status=200):
    return app.get('/v2.1' + path, headers=headers(who, version), status=status)


def test_list_shows_id_name_and_links_of_visible_images(app, images):
    listed = _get(app, '/images').json['images']
    by_id = {i['id']: i for i in listed}
    assert {fixtures.IMAGE_ID, OWN, SNAP} <= set(by_id) and OTHER not in by_id
    own = by_id[OWN]
    assert set(own) == {'id', 'name', 'links'}
    assert own['name'] == 'own'
    assert own['links'][:2] == [
        {'rel': 'self', 'href': 'http://localhost/v2.1/images/%s' % OWN},
        {'rel': 'bookmark', 'href': 'http://localhost/images/%s' % OWN}]
    assert OTHER in {i['id'] for i in _get(app, '/images', ADMIN).json['images']}


def test_detail_is_novas_image_view(app, images):
    own = _get(app, '/images/%s' % OWN).json['image']
    assert set(own) == IMAGE_KEYS | {'OS-DCF:diskConfig'}
    assert own == dict(own, id=OWN, name='own', minRam=64, minDisk=1, status='ACTIVE',
                       progress=100, created='2026-11-20T10:00:00Z',
                       updated='2026-11-21T10:00:00Z', **{'OS-EXT-IMG-SIZE:size': 1024,
                                                          'OS-DCF:diskConfig': 'AUTO'})
    assert own['metadata'] == {'os_distro': 'debian', 'auto_disk_config': 'true'}
    snap = _get(app, '/images/%s' % SNAP).json['image']
    assert set(snap) == IMAGE_KEYS | {'server'}
    assert snap['server'] == {'id': SERVER, 'links': [
        {'rel': 'self', 'href': 'http://localhost/v2.1/servers/%s' % SERVER},
        {'rel': 'bookmark', 'href': 'http://localhost/servers/%s' % SERVER}]}
    detailed = {i['id']: i for i in _get(app, '/images/detail').json['images']}
    assert detailed[OWN] == own and detailed[SNAP] == snap


def test_glance_statuses_map_to_compute_statuses_and_progress(app, images):
    detailed = _get(app, '/images/detail').json['images']
    shown = {i['name']: (i['status'], i['progress']) for i in detailed if i['name'] in STATUSES}
    assert shown == STATUSES
    missing = _get(app, '/images/%s' % OTHER, status=404).json
    assert missing['itemNotFound']['code'] == 404


def test_filters_and_paging(app, images):
    def names(query, path='/images'):
        return sorted(i['name'] for i in _get(app, path + query).json['images'])

    assert names('?name=own') == ['own']
    assert 'queued' not in names('?status=ACTIVE') and 'own' in names('?status=ACTIVE')
    assert names('?status=saving') == ['saving']
    assert names('?server=http://localhost/v2.1/servers/%s' % SERVER) == ['snap']
    assert names('?server=' + SERVER, '/images/detail') == ['snap']
    assert names('?type=snapshot') == ['snap']
    assert names('?property-os_distro=debian') == ['own']
    assert names('?minRam=64') == ['own']
    assert names('?minDisk=1&minRam=1') == ['own']
    assert names('?changes-since=2026-11-22T00:00:00Z&name=snap') == ['snap']
    page = _get(app, '/images?limit=1').json
    assert len(page['images']) == 1
    assert page['images_links'][0]['rel'] == 'next'
    assert 'marker=%s' % page['images'][0]['id'] in page['images_links'][0]['href']
    after = _get(app, '/images?limit=1&marker=%s' % page['images'][0]['id']).json['images']
    assert after[0]['id'] != page['images'][0]['id']
    _get(app, '/images?limit=x', status=400)
    _get(app, '/images?minRam=lots', status=400)


def test_proxy_is_gone_from_2_36_and_metadata_from_2_39(app, images):
    _get(app, '/images', version='2.35')
    _get(app, '/images/%s/metadata' % OWN, version='2.38')
    for path in ('/images', '/images/detail', '/images/%s' % OWN):
        body = _get(app, path, version='2.36', status=404).json
        assert body['itemNotFound']['message'] == \
            'API version 2.36 is not supported on this method.'
    _get(app, '/images/%s/metadata' % OWN, version='2.39', status=404)
    _get(app, '/images/%s/metadata/os_distro' % OWN, version='2.39', status=404)
    app.delete('/v2.1/images/%s' % OWN, headers=headers(DEMO, '2.36'), status=404)


def test_delete(app, images):
    app.delete('/v2.1/images/%s' % OTHER, headers=headers(DEMO, '2.1'), status=404)
    refused = app.delete('/v2.1/images/%s' % fixtures.IMAGE_ID, headers=headers(DEMO, '2.1'),
                         status=403)
    assert refused.json['forbidden']['code'] == 403
    resp = app.delete('/v2.1/images/%s' % OWN, headers=headers(DEMO, '2.1'), status=204)
    assert resp.body == b''
    _get(app, '/images/%s' % OWN, status=404)
    app.delete('/v2.1/images/%s' % OWN, headers=headers(DEMO, '2.1'), status=404)


def _meta(app, method, path, body=None, status=200, who=DEMO):
    return app.request('/v2.1/images/%s/metadata%s' % (OWN, path), method=method,
                       headers=dict(headers(who, '2.1'), **{'Content-Type': 'application/json'}),
                       body=b'' if body is None else json.dumps(body).encode(),
                       status=status, expect_errors=True)


def test_metadata_set_update_show_delete(app, images):
    listed = _meta(app, 'GET', '').json
    assert listed == {'metadata': {'os_distro': 'debian', 'auto_disk_config': 'true'}}
    # PUT replaces the whole set
    replaced = _meta(app, 'PUT', '', {'metadata': {'os_version': 'value1',
                                                    'os_distro': 'value2'}}).json
    assert replaced == {'metadata': {'os_version': 'value1', 'os_distro': 'value2'}}
    assert _meta(app, 'GET', '').json['metadata'] == replaced['metadata']
    # POST merges
    merged = _meta(app, 'POST', '', {'metadata': {'key1': 'alt1', 'os_distro': 'x'}}).json
    assert merged == {'metadata': {'os_version': 'value1', 'os_distro': 'x', 'key1': 'alt1'}}
    # one item
    assert _meta(app, 'GET', '/os_version').json == {'meta': {'os_version': 'value1'}}
    _meta(app, 'GET', '/nothing', status=404)
    assert _meta(app, 'PUT', '/os_version', {'meta': {'os_version': 'alt'}}).json == \
        {'meta': {'os_version': 'alt'}}
    _meta(app, 'PUT', '/os_version', {'meta': {'other': 'alt'}}, status=400)
    _meta(app, 'PUT', '/os_version', {'meta': {'os_version': 'a', 'b': 'c'}}, status=400)
    assert _meta(app, 'DELETE', '/key1', status=204).body == b''
    _meta(app, 'DELETE', '/key1', status=404)
    assert _meta(app, 'GET', '').json['metadata'] == {'os_version': 'alt', 'os_distro': 'x'}


def test_metadata_refusals(app, images, env):
    _meta(app, 'POST', '', {'metadata': {'name': 'renamed'}}, status=400)
    _meta(app, 'PUT', '', {'metadata': 'x'}, status=400)
    _meta(app, 'POST', '', {'metadata': {'k': 5}}, status=400)
    # another project's private image is not there for it; a public one it may not change
    _meta(app, 'POST', '', {'metadata': {'k': 'v'}}, who={
        'X-User-Id': 'u', 'X-Project-Id': 'demo2', 'X-Roles': 'member,reader'}, status=404)
    app.post_json('/v2.1/images/%s/metadata' % fixtures.IMAGE_ID, {'metadata': {'k': 'v'}},
                  headers=headers(DEMO, '2.1'), status=403)
    cfg.CONF.set_override('metadata_items', 2, group='quota')
    over = _meta(app, 'POST', '', {'metadata': {'a': '1', 'b': '2'}}, status=403).json
    assert over['forbidden']['message'] == 'Image metadata limit exceeded'
    assert _meta(app, 'GET', '').json['metadata'] == {'os_distro': 'debian',
                                                      'auto_disk_config': 'true'}


def test_server_snapshot_through_the_proxy(env, app):
    from tests.unit.compute.test_server_flow import Cloud
    cloud = Cloud(env, app)
    cloud.flavor()
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    resp = app.post_json('/v2.1/servers/%s/action' % server_id, {'createImage': {
        'name': 'snap-1', 'metadata': {'image_type': 'test'}}}, headers=headers(DEMO, '2.1'),
        status=202)
    image_id = resp.headers['Location'].rsplit('/', 1)[-1]
    cloud.wait(server_id, 'ACTIVE')
    image = _get(app, '/images/%s' % image_id).json['image']
    assert (image['name'], image['status'], image['progress']) == ('snap-1', 'ACTIVE', 100)
    assert image['metadata']['image_type'] == 'test'  # the caller's metadata wins
    assert image['server']['id'] == server_id
    assert image_id in {i['id'] for i in _get(app, '/images?server=%s' % server_id).json[
        'images']}
    app.delete('/v2.1/images/%s' % image_id, headers=headers(DEMO, '2.1'), status=204)
    _get(app, '/images/%s' % image_id, status=404)


def test_blank_image_id_delete_is_404(app, images):
    resp = app.delete('/v2.1/images/', headers=headers(DEMO, '2.1'), status=404)
    assert resp.json['itemNotFound']['code'] == 404


def test_metadata_over_the_quota_is_403_not_400(app, images):
    many = {'k%d' % i: 'v' for i in range(129)}
    over = _meta(app, 'PUT', '', {'metadata': many}, status=403).json
    assert over['forbidden']['message'] == 'Image metadata limit exceeded'
    body = {'server': {'name': 'x', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
                       'networks': 'none', 'metadata': many}}
    app.post_json('/v2.1/flavors', {'flavor': {'name': 'm1.nano', 'ram': 64, 'vcpus': 1,
                                               'disk': 0, 'id': 'm1.nano'}},
                  headers=headers(ADMIN))
    resp = app.post_json('/v2.1/servers', body, headers=headers(DEMO), status=403)
    assert 'metadata_items' in resp.json['forbidden']['message']
