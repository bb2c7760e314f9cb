"""PATCH in both of glance's media types, reserved names, and the empty image id."""

import json

import pytest

from tests.unit.image.conftest import ADMIN, ALICE, message
from tests.unit.image.test_images_api import create

V20 = 'application/openstack-images-v2.0-json-patch'
V21 = 'application/openstack-images-v2.1-json-patch'


def patch(api, image_id, changes, media_type, status=200, headers=ALICE):
    return api.patch('/v2/images/%s' % image_id, json.dumps(changes), status=status,
                     headers=dict(headers, **{'Content-Type': media_type})).json


def test_v20_op_as_key_form(api):
    image = create(api, protected=True)
    body = patch(api, image['id'], [
        {'replace': '/name', 'value': 'renamed'},
        {'add': '/flavour', 'value': 'mint'},
        {'replace': '/protected', 'value': False},
        {'replace': '/tags', 'value': ['a', 'b']},
    ], V20)
    assert body['name'] == 'renamed' and body['flavour'] == 'mint'
    assert body['protected'] is False and sorted(body['tags']) == ['a', 'b']
    body = patch(api, image['id'], [{'remove': '/flavour'}], V20)
    assert 'flavour' not in body
    # the unprotected image can go, as tempest's cleanup expects
    api.delete('/v2/images/%s' % image['id'], headers=ALICE, status=204)


def test_v20_owner_change_by_admin(api):
    image = create(api)
    body = patch(api, image['id'], [{'replace': '/owner', 'value': 'proj-b'}], V20,
                 headers=ADMIN)
    assert body['owner'] == 'proj-b'


def test_v21_op_form_still_works(api):
    image = create(api)
    body = patch(api, image['id'], [{'op': 'replace', 'path': '/name', 'value': 'n'}], V21)
    assert body['name'] == 'n'


@pytest.mark.parametrize('media_type,changes', [
    (V20, [{'path': '/name', 'value': 'x'}]),                   # no operation key
    (V20, [{'op': 'replace', 'path': '/name', 'value': 'x'}]),  # v2.1 form, v2.0 type
    (V20, [{'add': '/a', 'replace': '/b', 'value': 'x'}]),      # two operations
    (V20, [{'replace': 'name', 'value': 'x'}]),                 # not a pointer
    (V20, [{'replace': 5, 'value': 'x'}]),
    (V21, [{'replace': '/name', 'value': 'x'}]),                # v2.0 form, v2.1 type
    (V21, [{'op': 'replace', 'value': 'x'}]),                   # no path
    (V21, ['not-an-object']),
    (V21, {'op': 'replace'}),
])
def test_malformed_changes_are_400(api, media_type, changes):
    image = create(api)
    body = patch(api, image['id'], changes, media_type, status=400)
    assert body['code'] == '400 Bad Request'
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['name'] == 'img'


@pytest.mark.parametrize('media_type,change', [
    (V20, {'add': '/os_glance_foo', 'value': 'x'}),
    (V21, {'op': 'add', 'path': '/os_glance_foo', 'value': 'x'}),
    (V20, {'replace': '/os_glance_import_task', 'value': 'x'}),
    (V21, {'op': 'remove', 'path': '/os_glance_stores'}),
])
def test_reserved_os_glance_properties_are_403(api, media_type, change):
    image = create(api)
    body = patch(api, image['id'], [change], media_type, status=403)
    assert 'reserved' in message(body)


def test_reserved_os_glance_at_create_is_403(api):
    create(api, status=403, os_glance_foo='x')


@pytest.mark.parametrize('method', ['GET', 'DELETE', 'PATCH', 'PUT', 'POST'])
def test_empty_image_id_is_404(api, method):
    image = create(api)
    resp = api.request('/v2/images/', method=method, headers=ALICE, expect_errors=True)
    assert resp.status_int == 404, resp.body
    assert resp.json['code'] == '404 Not Found'
    # nothing was listed or deleted
    assert api.get('/v2/images/%s' % image['id'], headers=ALICE).json['status'] == 'queued'
    assert len(api.get('/v2/images', headers=ALICE).json['images']) == 1
