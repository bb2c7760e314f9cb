"""Sharing with members, and list filters, sorting and pagination."""

import urllib.parse

from tests.unit.image.conftest import message, ADMIN, ALICE, BOB
from tests.unit.image.test_data_api import upload
from tests.unit.image.test_images_api import create, patch


def ids(body):
    return [i['id'] for i in body['images']]


def test_share_accept_and_list(api):
    image = create(api)
    url = '/v2/images/%s/members' % image['id']
    member = api.post_json(url, {'member': 'proj-b'}, headers=ALICE).json
    assert member['status'] == 'pending' and member['member_id'] == 'proj-b'
    assert member['schema'] == '/v2/schemas/member'
    api.post_json(url, {'member': 'proj-b'}, headers=ALICE, status=409)
    # pending: visible by id, not in the default list
    api.get('/v2/images/%s' % image['id'], headers=BOB)
    assert ids(api.get('/v2/images', headers=BOB).json) == []
    assert ids(api.get('/v2/images?member_status=pending', headers=BOB).json) == [image['id']]
    # only the member accepts
    api.put_json(url + '/proj-b', {'status': 'accepted'}, headers=ALICE, status=403)
    assert api.put_json(url + '/proj-b', {'status': 'accepted'},
                        headers=BOB).json['status'] == 'accepted'
    assert ids(api.get('/v2/images', headers=BOB).json) == [image['id']]
    assert api.get(url, headers=BOB).json['members'][0]['status'] == 'accepted'
    api.put_json(url + '/proj-b', {'status': 'maybe'}, headers=BOB, status=400)
    api.delete(url + '/proj-b', headers=BOB, status=403)
    api.delete(url + '/proj-b', headers=ALICE, status=204)
    api.get('/v2/images/%s' % image['id'], headers=BOB, status=404)


def test_private_images_have_no_members(api):
    image = create(api, visibility='private')
    body = api.post_json('/v2/images/%s/members' % image['id'], {'member': 'proj-b'},
                         headers=ALICE, status=403).json
    assert message(body) == 'Only shared images have members.'


def test_member_cannot_see_other_members(api):
    image = create(api)
    url = '/v2/images/%s/members' % image['id']
    api.post_json(url, {'member': 'proj-b'}, headers=ALICE)
    api.post_json(url, {'member': 'proj-c'}, headers=ALICE)
    assert [m['member_id'] for m in api.get(url, headers=BOB).json['members']] == ['proj-b']
    api.get(url + '/proj-c', headers=BOB, status=404)
    assert len(api.get(url, headers=ALICE).json['members']) == 2


def test_visibility_filters(api):
    public = create(api, visibility='public', headers=ADMIN)
    private = create(api, visibility='private')
    community = create(api, visibility='community', headers=BOB)
    assert set(ids(api.get('/v2/images', headers=ALICE).json)) == {public['id'], private['id']}
    assert ids(api.get('/v2/images?visibility=community', headers=ALICE).json) == [
        community['id']]
    assert set(ids(api.get('/v2/images?visibility=all', headers=ALICE).json)) == {
        public['id'], private['id'], community['id']}
    assert ids(api.get('/v2/images?visibility=private', headers=BOB).json) == []
    assert len(ids(api.get('/v2/images', headers=ADMIN).json)) == 3
    api.get('/v2/images?visibility=secret', headers=ALICE, status=400)


def test_field_filters(api):
    a = create(api, name='alpha', disk_format='qcow2', tags=['x', 'y'], os_distro='debian')
    b = create(api, name='beta', tags=['x'])
    upload(api, b['id'], b'x' * 10)
    hidden = create(api, name='hid', os_hidden=True)

    def q(query):
        return ids(api.get('/v2/images?' + query, headers=ALICE).json)
    assert q('name=alpha') == [a['id']]
    assert q('name=in:alpha,beta&sort=name:desc') == [b['id'], a['id']]
    assert q('disk_format=qcow2') == [a['id']]
    assert q('tag=x&tag=y') == [a['id']]
    assert q('status=active') == [b['id']]
    assert q('size_min=5&size_max=10') == [b['id']]
    assert q('os_distro=debian') == [a['id']]
    assert q('os_hidden=true') == [hidden['id']]
    assert q('owner=proj-a&sort_key=name&sort_dir=asc') == [a['id'], b['id']]
    assert q('created_at=gte:2000-01-01T00:00:00Z&sort=name:asc') == [a['id'], b['id']]
    assert q('updated_at=lt:2000-01-01T00:00:00Z') == []
    for bad in ('size_min=x', 'protected=maybe', 'created_at=2000-01-01',
                'created_at=gt:yesterday', 'sort_key=color', 'sort_dir=up', 'limit=-1',
                'member_status=unsure', 'marker=nope'):
        api.get('/v2/images?' + bad, headers=ALICE, status=400)


def test_pagination_follows_next_links(api):
    made = [create(api, name='img%02d' % i)['id'] for i in range(7)]
    seen = []
    url = '/v2/images?limit=3&sort_key=name&sort_dir=asc'
    pages = 0
    while url:
        body = api.get(url, headers=ALICE).json
        seen.extend(ids(body))
        url = body.get('next')
        pages += 1
        if url:
            query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
            assert query['limit'] == ['3'] and query['sort_key'] == ['name']
    assert seen == made and pages == 3


def test_patch_tags_and_owner_rules(api):
    image = create(api)
    patch(api, image['id'], [{'op': 'replace', 'path': '/owner', 'value': 'proj-b'}],
          status=403)
    body = patch(api, image['id'], [{'op': 'replace', 'path': '/owner', 'value': 'proj-b'}],
                 headers=ADMIN)
    assert body['owner'] == 'proj-b'
