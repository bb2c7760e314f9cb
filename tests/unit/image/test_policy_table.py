"""Role x operation -> status, through the real image API and its default rules.

Every row acts on project A's private image (a shared one for member rows)
as: admin, member of A, reader of A, member of B, a user of A with no role,
and compute's service user (``service`` on project "service").  Invisible
images answer 404 as glance does; visible but forbidden ones 403.  A denied
write changes nothing: the image, its members and the stored data are as
before.
"""

import json

import pytest

from tests.unit.image.conftest import PATCH_TYPE
from tests.unit.image.test_data_api import upload
from tests.unit.image.test_images_api import create

PERSONAS = {
    'admin': {'X-Project-Id': 'admin', 'X-User-Id': 'admin', 'X-Roles': 'admin,member,reader'},
    'member_a': {'X-Project-Id': 'proj-a', 'X-User-Id': 'alice', 'X-Roles': 'member,reader'},
    'reader_a': {'X-Project-Id': 'proj-a', 'X-User-Id': 'rita', 'X-Roles': 'reader'},
    'member_b': {'X-Project-Id': 'proj-b', 'X-User-Id': 'bob', 'X-Roles': 'member,reader'},
    'no_role': {'X-Project-Id': 'proj-a', 'X-User-Id': 'nora', 'X-Roles': ''},
    'service': {'X-Project-Id': 'service', 'X-User-Id': 'nova', 'X-Roles': 'service'},
}
OWNER = PERSONAS['member_a']
ORDER = ('admin', 'member_a', 'reader_a', 'member_b', 'no_role', 'service')


def _image(api, visibility='private', data=b'x' * 100, members=(), status=None):
    image = create(api, headers=OWNER, visibility=visibility)
    if data is not None:
        upload(api, image['id'], data, headers=OWNER)
    for member in members:
        api.post_json('/v2/images/%s/members' % image['id'], {'member': member},
                      headers=OWNER)
    if status == 'deactivated':
        api.post('/v2/images/%s/actions/deactivate' % image['id'], headers=OWNER, status=204)
    return image['id']


def _patch(api, image_id, ops, headers):
    return api.patch('/v2/images/%s' % image_id, json.dumps(ops), status='*',
                     headers=dict(headers, **{'Content-Type': PATCH_TYPE}))


OCTET = {'Content-Type': 'application/octet-stream'}

# name -> (setup kwargs, request(api, image_id, headers) -> response)
OPS = {
    'show': ({}, lambda api, i, h: api.get('/v2/images/%s' % i, headers=h, status='*')),
    'download': ({}, lambda api, i, h: api.get('/v2/images/%s/file' % i, headers=h,
                                               status='*')),
    'update': ({}, lambda api, i, h: _patch(api, i, [
        {'op': 'replace', 'path': '/name', 'value': 'renamed'}], h)),
    'publicize': ({}, lambda api, i, h: _patch(api, i, [
        {'op': 'replace', 'path': '/visibility', 'value': 'public'}], h)),
    'upload': ({'data': None}, lambda api, i, h: api.put(
        '/v2/images/%s/file' % i, b'y' * 10, headers=dict(h, **OCTET), status='*')),
    'delete': ({}, lambda api, i, h: api.delete('/v2/images/%s' % i, headers=h, status='*')),
    'deactivate': ({}, lambda api, i, h: api.post(
        '/v2/images/%s/actions/deactivate' % i, headers=h, status='*')),
    'reactivate': ({'status': 'deactivated'}, lambda api, i, h: api.post(
        '/v2/images/%s/actions/reactivate' % i, headers=h, status='*')),
    'add_tag': ({}, lambda api, i, h: api.put('/v2/images/%s/tags/t' % i, headers=h,
                                              status='*')),
    'list_members': ({'visibility': 'shared', 'members': ['proj-c']}, lambda api, i, h:
                     api.get('/v2/images/%s/members' % i, headers=h, status='*')),
    'add_member': ({'visibility': 'shared'}, lambda api, i, h: api.post_json(
        '/v2/images/%s/members' % i, {'member': 'proj-z'}, headers=h, status='*')),
    'remove_member': ({'visibility': 'shared', 'members': ['proj-c']}, lambda api, i, h:
                      api.delete('/v2/images/%s/members/proj-c' % i, headers=h,
                                 status='*')),
    'accept_for_b': ({'visibility': 'shared', 'members': ['proj-b']}, lambda api, i, h:
                     api.put_json('/v2/images/%s/members/proj-b' % i,
                                  {'status': 'accepted'}, headers=h, status='*')),
}

#                 admin mem_a rdr_a mem_b none service
TABLE = {
    'show':          (200, 200, 200, 404, 403, 200),
    'download':      (200, 200, 403, 404, 403, 200),
    'update':        (200, 200, 403, 404, 403, 403),
    'publicize':     (200, 403, 403, 404, 403, 403),
    'upload':        (204, 204, 403, 404, 403, 204),
    'delete':        (204, 204, 403, 404, 403, 204),
    'deactivate':    (204, 204, 403, 404, 403, 403),
    'reactivate':    (204, 204, 403, 404, 403, 403),
    'add_tag':       (204, 204, 403, 404, 403, 403),
    'list_members':  (200, 200, 200, 404, 403, 403),
    'add_member':    (200, 200, 403, 404, 403, 403),
    'remove_member': (204, 204, 403, 404, 403, 403),
    'accept_for_b':  (200, 403, 403, 200, 403, 403),
}


def _state(api, store, image_id):
    admin = PERSONAS['admin']
    image = api.get('/v2/images/%s' % image_id, headers=admin, status='*')
    members = api.get('/v2/images/%s/members' % image_id, headers=admin, status='*')
    return image.status_int, image.body, members.body, dict(store.blobs)


@pytest.mark.parametrize('op', sorted(TABLE))
def test_policy_table(api, store, op):
    setup, request = OPS[op]
    for persona, expected in zip(ORDER, TABLE[op]):
        image_id = _image(api, **setup)
        before = _state(api, store, image_id)
        resp = request(api, image_id, PERSONAS[persona])
        assert resp.status_int == expected, (op, persona, resp.body)
        if expected >= 400:
            assert resp.json['code'].startswith(str(expected)), resp.body
            assert _state(api, store, image_id) == before, (op, persona)


#                 admin mem_a rdr_a mem_b none service
CREATE_IN_A = (201, 201, 403, 403, 403, 201)
LIST_SEES_A = (True, True, True, False, None, None)   # None: the listing is refused


def test_create_in_project_a(api):
    for persona, expected in zip(ORDER, CREATE_IN_A):
        body = {'name': 'by-%s' % persona, 'owner': 'proj-a', 'disk_format': 'raw',
                'container_format': 'bare'}
        resp = api.post_json('/v2/images', body, headers=PERSONAS[persona], status='*')
        assert resp.status_int == expected, (persona, resp.body)
    names = sorted(i['name'] for i in api.get('/v2/images', headers=PERSONAS['admin']).json[
        'images'])
    assert names == ['by-admin', 'by-member_a', 'by-service']


def test_listing(api):
    image_id = _image(api)
    for persona, sees in zip(ORDER, LIST_SEES_A):
        resp = api.get('/v2/images', headers=PERSONAS[persona], status='*')
        if sees is None:
            assert resp.status_int == 403, persona
            continue
        assert (image_id in [i['id'] for i in resp.json['images']]) is sees, persona


def test_shared_member_reads_but_never_writes(api, store):
    image_id = _image(api, visibility='shared', members=['proj-b'])
    bob = PERSONAS['member_b']
    api.put_json('/v2/images/%s/members/proj-b' % image_id, {'status': 'accepted'},
                 headers=bob)
    assert api.get('/v2/images/%s' % image_id, headers=bob).json['id'] == image_id
    assert api.get('/v2/images/%s/file' % image_id, headers=bob).body == b'x' * 100
    before = _state(api, store, image_id)
    for op in ('update', 'publicize', 'delete', 'deactivate', 'add_tag', 'add_member',
               'remove_member'):
        resp = OPS[op][1](api, image_id, bob)
        assert resp.status_int == 403, (op, resp.body)
    # a reader of B reads the shared image, but cannot accept or reject it
    rita_b = dict(PERSONAS['reader_a'], **{'X-Project-Id': 'proj-b'})
    api.get('/v2/images/%s' % image_id, headers=rita_b, status=200)
    api.get('/v2/images/%s/file' % image_id, headers=rita_b, status=403)
    api.put_json('/v2/images/%s/members/proj-b' % image_id, {'status': 'rejected'},
                 headers=rita_b, status=403)
    assert _state(api, store, image_id) == before


def test_public_and_community_images_are_read_by_any_reader(api):
    admin = PERSONAS['admin']
    public = create(api, headers=admin, visibility='public')
    community = _image(api, visibility='community')
    for persona in ('reader_a', 'member_b'):
        headers = PERSONAS[persona]
        api.get('/v2/images/%s' % public['id'], headers=headers, status=200)
        api.get('/v2/images/%s' % community, headers=headers, status=200)
    api.get('/v2/images/%s' % public['id'], headers=PERSONAS['no_role'], status=403)
    assert _patch(api, community, [{'op': 'replace', 'path': '/name', 'value': 'x'}],
                  PERSONAS['member_b']).status_int == 403
