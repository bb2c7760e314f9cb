"""A member of project B and a reader of project A against A's private images,
on real alto-identity-api and alto-image-api daemons: refused with glance's
statuses (404 for what they cannot see, 403 for what they see but may not
change), nothing changed, nothing listed that should not be."""

import hashlib

import openstack
import pytest
import requests

from tests.functional.image import fixtures

pytestmark = pytest.mark.functional
READER_PASSWORD = 'reader-of-demo'
DATA = b'private bits of project A' * 1000


def _token(identity, user, password, project):
    conn = openstack.connect(**identity.cloud_config(user, password, project))
    token = conn.auth_token
    conn.close()
    return token


@pytest.fixture(scope='module')
def world(identity_server, image_server):
    admin = openstack.connect(**identity_server.cloud_config())
    reader_role = admin.identity.find_role('reader')
    reader = admin.identity.create_user(name='demo-reader', password=READER_PASSWORD,
                                        domain_id='default')
    admin.identity.assign_project_role_to_user(image_server.projects['demo'], reader,
                                               reader_role)
    admin_token = admin.auth_token
    admin.close()
    tokens = {
        'owner': _token(identity_server, 'demo-user', fixtures.USER_PASSWORD, 'demo'),
        'member_b': _token(identity_server, 'other-user', fixtures.USER_PASSWORD, 'other'),
        'reader_a': _token(identity_server, 'demo-reader', READER_PASSWORD, 'demo'),
        'admin': admin_token,
    }
    url = image_server.url + '/v2/images'
    owner = {'X-Auth-Token': tokens['owner']}

    def make(visibility, data=DATA):
        resp = requests.post(url, headers=owner, timeout=10, json={
            'name': 'a-%s' % visibility, 'visibility': visibility, 'disk_format': 'raw',
            'container_format': 'bare'})
        assert resp.status_code == 201, resp.text
        image_id = resp.json()['id']
        if data is not None:
            resp = requests.put('%s/%s/file' % (url, image_id), data=data, timeout=30,
                                headers=dict(owner, **{
                                    'Content-Type': 'application/octet-stream'}))
            assert resp.status_code == 204, resp.text
        return image_id

    private = make('private')
    queued = make('private', data=None)
    shared = make('shared')
    resp = requests.post('%s/%s/members' % (url, shared), headers=owner, timeout=10,
                         json={'member': 'some-third-project'})
    assert resp.status_code == 200, resp.text
    return {'url': url, 'tokens': tokens, 'private': private, 'queued': queued,
            'shared': shared, 'datadir': image_server.datadir}


def _state(w, image_id):
    admin = {'X-Auth-Token': w['tokens']['admin']}
    image = requests.get('%s/%s' % (w['url'], image_id), headers=admin, timeout=10)
    members = requests.get('%s/%s/members' % (w['url'], image_id), headers=admin, timeout=10)
    files = sorted(p.name for p in w['datadir'].iterdir())
    return image.status_code, image.json(), members.json(), files


def _attempts(w, image_id):
    base = '%s/%s' % (w['url'], image_id)
    patch = {'Content-Type': 'application/openstack-images-v2.1-json-patch'}
    octet = {'Content-Type': 'application/octet-stream'}
    return {
        'show': ('GET', base, {}, None),
        'download': ('GET', base + '/file', {}, None),
        'update': ('PATCH', base, patch, b'[{"op": "replace", "path": "/name", '
                                         b'"value": "stolen"}]'),
        'publicize': ('PATCH', base, patch, b'[{"op": "replace", "path": "/visibility", '
                                            b'"value": "public"}]'),
        'upload': ('PUT', base + '/file', octet, b'overwritten'),
        'delete': ('DELETE', base, {}, None),
        'deactivate': ('POST', base + '/actions/deactivate', {}, None),
        'reactivate': ('POST', base + '/actions/reactivate', {}, None),
        'tag': ('PUT', base + '/tags/stolen', {}, None),
        'list_members': ('GET', base + '/members', {}, None),
        'add_member': ('POST', base + '/members', {'Content-Type': 'application/json'},
                       b'{"member": "intruder"}'),
        'remove_member': ('DELETE', base + '/members/some-third-project', {}, None),
        'accept_member': ('PUT', base + '/members/some-third-project',
                          {'Content-Type': 'application/json'}, b'{"status": "accepted"}'),
    }


# what each caller gets for A's images (glance's statuses)
MEMBER_B = {op: 404 for op in _attempts({'url': ''}, '')}
READER_A = dict({op: 403 for op in MEMBER_B}, show=200, list_members=200)


@pytest.mark.parametrize('persona,expected', [('member_b', MEMBER_B),
                                              ('reader_a', READER_A)])
def test_refused_and_nothing_changed(world, persona, expected):
    headers = {'X-Auth-Token': world['tokens'][persona], 'Accept': 'application/json'}
    for key in ('private', 'queued', 'shared'):
        image_id = world[key]
        before = _state(world, image_id)
        for op, (method, url, extra, body) in _attempts(world, image_id).items():
            if op == 'upload' and key != 'queued':
                continue  # an active image refuses data to everyone (409)
            if op in ('list_members', 'add_member', 'remove_member', 'accept_member') \
                    and key != 'shared':
                continue
            resp = requests.request(method, url, headers=dict(headers, **extra), data=body,
                                    timeout=10)
            want = expected[op]
            assert resp.status_code == want, (persona, key, op, resp.status_code, resp.text)
            if want >= 400:
                assert resp.json()['code'].startswith(str(want)), resp.text
        assert _state(world, image_id) == before, (persona, key)


def test_listings(world):
    mine = {world['private'], world['queued'], world['shared']}
    for persona, sees in (('member_b', False), ('reader_a', True)):
        headers = {'X-Auth-Token': world['tokens'][persona], 'Accept': 'application/json'}
        listed = set()
        for query in ('', '?visibility=private', '?visibility=shared',
                      '?visibility=all', '?member_status=all'):
            resp = requests.get(world['url'] + query, headers=headers, timeout=10)
            assert resp.status_code == 200, resp.text
            listed |= {i['id'] for i in resp.json()['images']}
        assert (mine <= listed) is sees and (not (mine & listed)) is (not sees), persona


def test_owner_still_has_everything(world):
    owner = {'X-Auth-Token': world['tokens']['owner']}
    resp = requests.get('%s/%s/file' % (world['url'], world['private']), headers=owner,
                        timeout=30)
    assert resp.status_code == 200
    assert hashlib.md5(resp.content).hexdigest() == hashlib.md5(DATA).hexdigest()
    shown = requests.get('%s/%s' % (world['url'], world['shared']), headers=owner,
                         timeout=10).json()
    assert shown['name'] == 'a-shared' and shown['status'] == 'active'
    members = requests.get('%s/%s/members' % (world['url'], world['shared']), headers=owner,
                           timeout=10).json()['members']
    assert [(m['member_id'], m['status']) for m in members] == [
        ('some-third-project', 'pending')]
