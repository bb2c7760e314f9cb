"""Who may reach what: owners, other projects, readers, access lists,
anonymous HTTP; and one storage server down (quorum)."""

import openstack
import pytest
import requests

from tests.functional.objectstore import fixtures

pytestmark = pytest.mark.functional


def test_owner_creates_a_container_with_acls(api, objectstore):
    assert api('PUT', '/shared').status_code == 201
    assert api('PUT', '/shared').status_code == 202
    assert api('PUT', '/shared/doc.txt', data=b'public words').status_code == 201
    assert api('PUT', '/private').status_code == 201
    assert api('PUT', '/private/secret', data=b'mine').status_code == 201


def test_anonymous_is_refused_until_the_container_is_public(api):
    assert api('GET', '/shared/doc.txt', user=None).status_code == 401
    assert api('GET', '', user=None).status_code == 401
    resp = api('POST', '/shared', headers={'X-Container-Read': '.r:*'})
    assert resp.status_code == 204
    resp = api('GET', '/shared/doc.txt', user=None)
    assert resp.status_code == 200 and resp.content == b'public words'
    assert 'X-Trans-Id' in resp.headers
    # objects only: listing needs .rlistings
    assert api('GET', '/shared', user=None).status_code == 401
    api('POST', '/shared', headers={'X-Container-Read': '.r:*,.rlistings'})
    listing = api('GET', '/shared?format=json', user=None)
    assert listing.status_code == 200
    assert [o['name'] for o in listing.json()] == ['doc.txt']
    # the access list itself is for the owner's eyes
    assert 'X-Container-Read' not in api('HEAD', '/shared', user=None).headers
    assert api('HEAD', '/shared').headers['X-Container-Read'] == '.r:*,.rlistings'
    # reading is all a public container allows
    assert api('PUT', '/shared/graffiti', user=None, data=b'x').status_code == 401
    assert api('DELETE', '/shared/doc.txt', user=None).status_code == 401
    assert api('GET', '/private/secret', user=None).status_code == 401


def test_another_project_is_refused(api):
    assert api('GET', '', user='other-user').status_code == 403
    assert api('GET', '/private', user='other-user').status_code == 403
    assert api('GET', '/private/secret', user='other-user').status_code == 403
    assert api('PUT', '/private/x', user='other-user', data=b'x').status_code == 403
    assert api('DELETE', '/private', user='other-user').status_code == 403
    assert api('POST', '', user='other-user',
               headers={'X-Account-Meta-X': '1'}).status_code == 403


def test_user_acls_grant_reads_and_writes(api, objectstore):
    other = '%s:%s' % (objectstore.projects['other'], objectstore.users['other-user'])
    api('POST', '/private', headers={'X-Container-Read': other})
    assert api('GET', '/private/secret', user='other-user').content == b'mine'
    assert api('PUT', '/private/x', user='other-user', data=b'x').status_code == 403
    api('POST', '/private', headers={'X-Container-Write': 'other:other-user'})
    assert api('PUT', '/private/x', user='other-user', data=b'x').status_code == 201
    assert api('DELETE', '/private/x', user='other-user').status_code == 204
    # an ACL never hands over the container itself
    assert api('DELETE', '/private', user='other-user').status_code == 403
    assert api('POST', '/private', user='other-user',
               headers={'X-Container-Read': '.r:*'}).status_code == 403
    resp = api('POST', '/private', headers={'X-Container-Read': 'nobody'})
    assert resp.status_code == 400


def test_reader_reads_but_cannot_write(api):
    assert api('GET', '/private/secret', user='demo-reader').content == b'mine'
    assert api('GET', '?format=json', user='demo-reader').status_code == 200
    assert api('PUT', '/private/r', user='demo-reader', data=b'x').status_code == 403
    assert api('DELETE', '/private/secret', user='demo-reader').status_code == 403
    assert api('PUT', '/reader-box', user='demo-reader').status_code == 403
    assert api('POST', '/private', user='demo-reader',
               headers={'X-Container-Meta-A': '1'}).status_code == 403


def test_listing_formats(api):
    plain = api('GET', '/shared')
    assert plain.status_code == 200 and plain.text == 'doc.txt\n'
    assert plain.headers['Content-Type'].startswith('text/plain')
    xml = api('GET', '/shared?format=xml')
    assert xml.headers['Content-Type'].startswith('application/xml')
    assert '<container name="shared"><object><name>doc.txt</name>' in xml.text
    assert api('GET', '/shared', headers={'Accept': 'application/json'}).json()[0][
        'bytes'] == len(b'public words')
    assert api('GET', '/shared?limit=20000').status_code == 412
    assert 'shared' in api('GET', '').text.split()
    account_xml = api('GET', '?format=xml').text
    assert '<container><name>private</name>' in account_xml
    assert api('PUT', '/empty').status_code == 201
    assert api('GET', '/empty').status_code == 204
    assert api('GET', '/empty?format=json').json() == []


def test_one_storage_server_down_keeps_quorum(api, objectstore):
    """Stop node b's object server (devices d3, d4: two of four zones)."""
    body = b'still here' * 1000
    api('PUT', '/quorum')
    assert api('PUT', '/quorum/before', data=body).status_code == 201
    objectstore.daemons.stop_one('object-b')
    try:
        for i in range(8):   # names land on various partitions
            resp = api('PUT', '/quorum/during-%d' % i, data=body)
            assert resp.status_code == 201, resp.text
            assert api('GET', '/quorum/during-%d' % i).content == body
        assert api('GET', '/quorum/before').content == body
        assert api('DELETE', '/quorum/during-0').status_code == 204
        assert api('HEAD', '/quorum/during-0').status_code == 404
        listing = api('GET', '/quorum?format=json').json()
        assert 'during-7' in [o['name'] for o in listing]
    finally:
        objectstore.start_server('b', 'object')
        objectstore.daemons.wait_ready(lambda: objectstore.server_answers('b', 'object'),
                                       timeout=60, what='object-b')
    assert fixtures.NODES['b']


def test_bad_input_gets_a_clear_4xx(api):
    api('PUT', '/inputs')
    cases = [
        (('PUT', '/inputs/o'), {'headers': {'X-Delete-After': 'soon'}, 'data': b'x'}, 400),
        (('PUT', '/inputs/o'), {'headers': {'X-Delete-At': '12'}, 'data': b'x'}, 400),
        (('PUT', '/inputs/' + 'o' * 1025), {'data': b'x'}, 400),
        (('PUT', '/' + 'c' * 257), {}, 400),
        (('POST', '/inputs'), {'headers': {'X-Container-Meta-' + 'k' * 129: 'v'}}, 400),
        (('POST', '/inputs'), {'headers': {'X-Container-Write': '.r:*,x'}}, 400),
        (('GET', '/inputs?limit=many'), {}, 412),
        (('GET', '/inputs?format=yaml'), {}, 400),
        (('COPY', '/inputs/o'), {}, 412),
        (('PUT', '/inputs/o2'), {'headers': {'X-Copy-From': 'nothing-here'}}, 412),
        (('PATCH', '/inputs'), {}, 405),
        (('GET', '/inputs/missing'), {}, 404),
        (('DELETE', '/inputs/missing'), {}, 404),
        (('POST', '/inputs/missing'), {}, 404),
        (('DELETE', '/missing-container'), {}, 404),
    ]
    for (method, path), kwargs, expected in cases:
        resp = api(method, path, **kwargs)
        assert resp.status_code == expected, (method, path[:40], resp.status_code, resp.text)
        assert resp.headers['Content-Type'].startswith('text/plain') or not resp.content


def test_ring_show(objectstore):
    out = objectstore.manage('ring', 'show', 'object').stdout
    assert 'object ring: 64 partitions, 3 replicas, 4 devices, balance 0.00' in out
    rows = [line.split() for line in out.splitlines()[2:]]
    assert [(r[2], r[5], r[7]) for r in rows] == [('1', 'd1', '48'), ('2', 'd2', '48'),
                                                  ('3', 'd3', '48'), ('4', 'd4', '48')]


def test_reseller_admin_reaches_every_account(objectstore, api):
    conn = openstack.connect(**objectstore.identity.cloud_config())
    token = conn.auth_token
    conn.close()
    headers = {'X-Auth-Token': token}
    demo = '%s/v1/%s' % (objectstore.url, objectstore.account('demo'))
    resp = requests.get(demo + '?format=json', headers=headers, timeout=30)
    assert resp.status_code == 200
    assert 'private' in [c['name'] for c in resp.json()]
    assert requests.get(demo + '/private/secret', headers=headers,
                        timeout=30).content == b'mine'
    # account management is the reseller admin's alone
    fresh = '%s/v1/AUTH_%s' % (objectstore.url, 'f' * 32)
    assert requests.put(fresh, headers=headers, timeout=30).status_code == 201
    assert requests.head(fresh, headers=headers, timeout=30).status_code == 204
    assert requests.delete(fresh, headers=headers, timeout=30).status_code == 204
    assert api('PUT', '').status_code == 403
    assert api('DELETE', '').status_code == 403
