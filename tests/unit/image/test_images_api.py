"""Image create / show / update / delete over the WSGI app (noauth)."""

import json

import pytest

from tests.unit.image.conftest import message, ADMIN, ALICE, BOB, PATCH_TYPE


def create(api, headers=ALICE, status=201, body=None, **fields):
    body = dict(body or {}, **fields)
    body.setdefault('name', 'img')
    body.setdefault('disk_format', 'raw')
    body.setdefault('container_format', 'bare')
    return api.post_json('/v2/images', body, headers=headers, status=status).json


def patch(api, image_id, ops, headers=ALICE, status=200):
    return api.patch('/v2/images/%s' % image_id, json.dumps(ops), status=status,
                     headers=dict(headers, **{'Content-Type': PATCH_TYPE})).json


def test_versions_are_public_and_list_v2(api):
    body = api.get('/', status=300).json
    assert body['versions'][0]['status'] == 'CURRENT'
    assert body['versions'][0]['links'][0]['href'].endswith('/v2/')
    assert api.get('/versions').json == body


def test_schemas(api):
    image = api.get('/v2/schemas/image').json
    assert image['name'] == 'image'
    assert image['properties']['status']['readOnly'] is True
    assert 'qcow2' in image['properties']['disk_format']['enum']
    assert image['additionalProperties'] == {'type': 'string'}
    images = api.get('/v2/schemas/images').json
    assert images['properties']['images']['items']['name'] == 'image'
    assert api.get('/v2/schemas/member').json['properties']['status']['enum'] == [
        'pending', 'accepted', 'rejected']
    assert api.get('/v2/schemas/members').json['name'] == 'members'


def test_create_defaults_and_owner(api):
    image = create(api, foo='bar', tags=['a', 'b'], min_disk=1)
    assert image['status'] == 'queued'
    assert image['visibility'] == 'shared'
    assert image['owner'] == 'proj-a'
    assert image['foo'] == 'bar'
    assert image['tags'] == ['a', 'b']
    assert image['min_disk'] == 1
    assert image['self'] == '/v2/images/%s' % image['id']
    assert image['file'] == '/v2/images/%s/file' % image['id']
    assert image['size'] is None and image['checksum'] is None


def test_create_with_id_twice_conflicts(api):
    image_id = '11111111-2222-3333-4444-555555555555'
    create(api, id=image_id)
    body = create(api, id=image_id, status=409)
    assert body['code'] == '409 Conflict'


@pytest.mark.parametrize('field,value', [('disk_format', 'floppy'),
                                         ('container_format', 'crate'),
                                         ('min_ram', -1), ('protected', 'yes'),
                                         ('visibility', 'everyone'), ('custom', 5)])
def test_create_rejects_bad_values(api, field, value):
    body = create(api, status=400, **{field: value})
    assert body['title'] == 'Bad Request'
    assert field in body['message']


@pytest.mark.parametrize('field', ['status', 'size', 'checksum', 'os_hash_value'])
def test_create_rejects_read_only(api, field):
    body = create(api, status=403, body={field: 'x'})
    assert message(body) == "Attribute '%s' is read-only." % field


def test_create_rejects_non_json(api):
    body = api.post('/v2/images', 'not json', headers=ALICE, status=400).json
    assert 'malformed JSON' in body['message']


def test_only_admin_publishes(api):
    create(api, visibility='public', status=403)
    assert create(api, visibility='public', headers=ADMIN)['visibility'] == 'public'
    image = create(api)
    patch(api, image['id'], [{'op': 'replace', 'path': '/visibility', 'value': 'public'}],
          status=403)
    assert patch(api, image['id'], [{'op': 'replace', 'path': '/visibility',
                                     'value': 'community'}])['visibility'] == 'community'


def test_private_image_invisible_to_others(api):
    image = create(api, visibility='private')
    api.get('/v2/images/%s' % image['id'], headers=BOB, status=404)
    assert api.get('/v2/images', headers=BOB).json['images'] == []
    assert api.get('/v2/images/%s' % image['id'], headers=ADMIN).json['id'] == image['id']
    patch(api, image['id'], [{'op': 'replace', 'path': '/name', 'value': 'x'}],
          headers=BOB, status=404)


def test_patch_core_and_custom_properties(api):
    image = create(api, foo='1')
    body = patch(api, image['id'], [
        {'op': 'replace', 'path': '/name', 'value': 'renamed'},
        {'op': 'add', 'path': '/bar', 'value': '2'},
        {'op': 'replace', 'path': '/foo', 'value': '3'},
        {'op': 'replace', 'path': '/tags', 'value': ['t1']},
        {'op': 'replace', 'path': '/protected', 'value': True},
    ])
    assert (body['name'], body['bar'], body['foo'], body['tags'], body['protected']) == (
        'renamed', '2', '3', ['t1'], True)
    body = patch(api, image['id'], [{'op': 'remove', 'path': '/bar'}])
    assert 'bar' not in body
    shown = api.get('/v2/images/%s' % image['id'], headers=ALICE).json
    assert shown['foo'] == '3' and 'bar' not in shown


@pytest.mark.parametrize('ops,status', [
    ([{'op': 'replace', 'path': '/a/b', 'value': 'x'}], 400),
    ([{'op': 'replace', 'path': 'name', 'value': 'x'}], 400),
    ([{'op': 'move', 'path': '/name', 'value': 'x'}], 400),
    ([{'op': 'replace', 'path': '/status', 'value': 'active'}], 403),
    ([{'op': 'replace', 'path': '/id', 'value': 'x'}], 403),
    ([{'op': 'add', 'path': '/os_glance_x', 'value': 'x'}], 403),
    ([{'op': 'remove', 'path': '/missing'}], 409),
    ([{'op': 'replace', 'path': '/missing', 'value': 'x'}], 409),
    ([{'op': 'replace', 'path': '/disk_format', 'value': 'floppy'}], 400),
    ([{'op': 'replace', 'path': '/name'}], 400),
])
def test_patch_bad_input(api, ops, status):
    image = create(api)
    body = patch(api, image['id'], ops, status=status)
    assert body['code'].startswith(str(status))


def test_patch_needs_patch_media_type(api):
    image = create(api)
    body = api.patch('/v2/images/%s' % image['id'], '[]', headers=dict(
        ALICE, **{'Content-Type': 'application/json'}), status=415)
    assert 'openstack-images-v2.1-json-patch' in body.headers['Accept-Patch']
    assert 'application/json' in body.json['message']


def test_delete_protected_and_unknown(api):
    image = create(api, protected=True)
    api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=403)
    patch(api, image['id'], [{'op': 'replace', 'path': '/protected', 'value': False}])
    api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=204)
    api.get('/v2/images/%s' % image['id'], headers=ALICE, status=404)
    api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=404)


def test_other_project_cannot_delete_public_image(api):
    image = create(api, visibility='public', headers=ADMIN)
    body = api.delete('/v2/images/%s' % image['id'], headers=BOB, status=403).json
    assert body['title'] == 'Forbidden'


def test_tags_endpoints(api):
    image = create(api)
    api.put('/v2/images/%s/tags/blue' % image['id'], headers=ALICE, status=204)
    api.put('/v2/images/%s/tags/blue' % image['id'], headers=ALICE, status=204)
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['tags'] == ['blue']
    api.delete('/v2/images/%s/tags/blue' % image['id'], headers=ALICE, status=204)
    api.delete('/v2/images/%s/tags/blue' % image['id'], headers=ALICE, status=404)


def test_unknown_path_and_method_use_image_fault(api):
    body = api.get('/v2/nothing', headers=ALICE, status=404).json
    assert body == {'code': '404 Not Found', 'title': 'Not Found',
                    'message': 'The resource could not be found.<br /><br />\n\n\n'}
    resp = api.post('/v2/images/%s' % create(api)['id'], headers=ALICE, status=405)
    assert resp.json['code'] == '405 Method Not Allowed'


def test_import_info(api):
    body = api.get('/v2/info/import', headers=ALICE).json
    assert body['import-methods']['value'] == ['glance-direct', 'web-download']


def test_creates_and_updates_do_not_grow_the_validator_cache(api):
    # The soak's image-api grew ~10 KiB an image: create built a fresh
    # writable schema per request, and each got a cached validator for good.
    from common import validation
    image = create(api)
    patch(api, image['id'], [{'op': 'replace', 'path': '/name', 'value': 'n'}])
    before = len(validation._VALIDATORS)
    for index in range(5):
        made = create(api, name='img-%d' % index)
        patch(api, made['id'], [{'op': 'replace', 'path': '/name', 'value': 'm'}])
    assert len(validation._VALIDATORS) == before
