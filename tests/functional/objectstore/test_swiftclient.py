"""python-swiftclient (the library) against the cluster: containers,
objects, listings, metadata, ranges, conditions, copies and expiry."""

import hashlib
import time

import pytest
from swiftclient import client as swift

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def demo(objectstore):
    cfg = objectstore.cloud_config('demo-user')['auth']
    conn = swift.Connection(authurl=cfg['auth_url'], user=cfg['username'],
                            key=cfg['password'], auth_version='3',
                            os_options={'project_name': 'demo',
                                        'user_domain_id': 'default',
                                        'project_domain_id': 'default',
                                        'region_name': 'RegionOne'},
                            retries=0)
    yield conn
    conn.close()


def test_info_is_public(objectstore):
    info = objectstore.info()
    assert info['swift']['container_listing_limit'] == 10000
    assert 'max_file_size' in info['swift']


def test_container_and_object_round_trip(demo, objectstore):
    demo.put_container('photos', headers={'X-Container-Meta-Color': 'blue'})
    body = b'hello object store' * 100
    etag = demo.put_object('photos', 'a/b.txt', body, content_type='text/plain',
                           headers={'X-Object-Meta-Owner': 'me'})
    assert etag == hashlib.md5(body).hexdigest()
    headers, data = demo.get_object('photos', 'a/b.txt')
    assert data == body
    assert headers['content-type'].startswith('text/plain')
    assert headers['x-object-meta-owner'] == 'me'
    assert headers['etag'] == etag
    assert headers['x-trans-id'].startswith('tx')
    assert float(headers['x-timestamp']) > 0
    head = demo.head_container('photos')
    assert head['x-container-object-count'] == '1'
    assert head['x-container-bytes-used'] == str(len(body))
    assert head['x-container-meta-color'] == 'blue'
    # the account learns its containers' totals from their periodic report
    deadline = time.time() + 30
    account = demo.head_account()
    while int(account['x-account-bytes-used']) < len(body) and time.time() < deadline:
        time.sleep(0.2)
        account = demo.head_account()
    assert int(account['x-account-container-count']) >= 1
    assert int(account['x-account-object-count']) >= 1
    assert int(account['x-account-bytes-used']) >= len(body)
    # usage per storage policy, as Swift reports it
    assert account['x-account-storage-policy-policy-0-object-count'] == \
        account['x-account-object-count']


def test_chunked_upload(demo):
    demo.put_container('chunks')
    pieces = [b'x' * 70000, b'y' * 5, b'z' * 123456]
    etag = demo.put_object('chunks', 'big', contents=iter(pieces), chunk_size=65536)
    whole = b''.join(pieces)
    assert etag == hashlib.md5(whole).hexdigest()
    assert demo.get_object('chunks', 'big')[1] == whole
    assert demo.head_object('chunks', 'big')['content-length'] == str(len(whole))


def test_wrong_etag_is_refused(demo):
    demo.put_container('etags')
    with pytest.raises(swift.ClientException) as err:
        demo.put_object('etags', 'o', b'data', etag='0' * 32)
    assert err.value.http_status == 422


def test_listing_parameters(demo):
    demo.put_container('listing')
    for name in ('a', 'b/1', 'b/2', 'c', 'd/x/y'):
        demo.put_object('listing', name, b'.')
    names = lambda rows: [r.get('name', r.get('subdir')) for r in rows]  # noqa: E731
    assert names(demo.get_container('listing')[1]) == ['a', 'b/1', 'b/2', 'c', 'd/x/y']
    assert names(demo.get_container('listing', delimiter='/')[1]) == ['a', 'b/', 'c', 'd/']
    assert names(demo.get_container('listing', prefix='b/')[1]) == ['b/1', 'b/2']
    assert names(demo.get_container('listing', marker='b/1', limit=2)[1]) == ['b/2', 'c']
    assert names(demo.get_container('listing', end_marker='b/2')[1]) == ['a', 'b/1']
    _, rows = demo.get_container('listing', headers={}, query_string='reverse=on')
    assert names(rows) == ['d/x/y', 'c', 'b/2', 'b/1', 'a']
    assert names(demo.get_container('listing', prefix='d/', delimiter='/')[1]) == ['d/x/']
    row = demo.get_container('listing', prefix='a')[1][0]
    assert set(row) == {'name', 'hash', 'bytes', 'content_type', 'last_modified'}


def test_range_and_conditional_requests(demo):
    demo.put_container('ranges')
    etag = demo.put_object('ranges', 'o', b'0123456789')
    headers, body = demo.get_object('ranges', 'o', headers={'Range': 'bytes=2-4'})
    assert body == b'234'
    assert headers['content-range'] == 'bytes 2-4/10'
    assert demo.get_object('ranges', 'o', headers={'Range': 'bytes=-3'})[1] == b'789'
    with pytest.raises(swift.ClientException) as err:
        demo.get_object('ranges', 'o', headers={'Range': 'bytes=20-30'})
    assert err.value.http_status == 416
    with pytest.raises(swift.ClientException) as err:
        demo.get_object('ranges', 'o', headers={'If-Match': '"nope"'})
    assert err.value.http_status == 412
    assert demo.get_object('ranges', 'o', headers={'If-Match': etag})[1] == b'0123456789'
    with pytest.raises(swift.ClientException) as err:
        demo.get_object('ranges', 'o', headers={'If-None-Match': etag})
    assert err.value.http_status == 304
    with pytest.raises(swift.ClientException) as err:
        demo.get_object('ranges', 'o', headers={
            'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT'})
    assert err.value.http_status == 304
    with pytest.raises(swift.ClientException) as err:
        demo.get_object('ranges', 'o', headers={
            'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT'})
    assert err.value.http_status == 412


def test_metadata_post_copy_and_delete(demo):
    demo.put_container('meta')
    demo.put_object('meta', 'src', b'copy me', content_type='text/x-src',
                    headers={'X-Object-Meta-A': '1'})
    demo.post_object('meta', 'src', headers={'X-Object-Meta-B': '2'})
    head = demo.head_object('meta', 'src')
    assert head['x-object-meta-b'] == '2'
    assert 'x-object-meta-a' not in head        # a POST replaces user metadata
    assert head['content-type'] == 'text/x-src'
    demo.put_object('meta', 'dst', b'', headers={'X-Copy-From': 'meta/src'})
    copied = demo.head_object('meta', 'dst')
    assert copied['x-object-meta-b'] == '2'
    assert demo.get_object('meta', 'dst')[1] == b'copy me'
    demo.copy_object('meta', 'src', destination='/meta/third',
                     headers={'X-Object-Meta-C': '3'})
    third = demo.head_object('meta', 'third')
    assert third['x-object-meta-c'] == '3' and third['x-object-meta-b'] == '2'
    demo.post_container('meta', headers={'X-Container-Meta-Size': 'small'})
    assert demo.head_container('meta')['x-container-meta-size'] == 'small'
    demo.post_account(headers={'X-Account-Meta-Team': 'storage'})
    assert demo.head_account()['x-account-meta-team'] == 'storage'
    with pytest.raises(swift.ClientException) as err:
        demo.delete_container('meta')
    assert err.value.http_status == 409
    for name in ('src', 'dst', 'third'):
        demo.delete_object('meta', name)
    with pytest.raises(swift.ClientException) as err:
        demo.delete_object('meta', 'src')
    assert err.value.http_status == 404
    with pytest.raises(swift.ClientException) as err:
        demo.head_object('meta', 'src')
    assert err.value.http_status == 404
    demo.delete_container('meta')
    with pytest.raises(swift.ClientException) as err:
        demo.head_container('meta')
    assert err.value.http_status == 404


def test_expiring_objects_vanish_on_read(demo):
    demo.put_container('expiring')
    demo.put_object('expiring', 'soon', b'bye', headers={'X-Delete-After': '3'})
    demo.put_object('expiring', 'later', b'stay',
                    headers={'X-Delete-At': str(int(time.time()) + 3600)})
    assert demo.get_object('expiring', 'soon')[1] == b'bye'
    assert int(demo.head_object('expiring', 'soon')['x-delete-at']) > time.time()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            demo.head_object('expiring', 'soon')
        except swift.ClientException as exc:
            assert exc.http_status == 404
            break
        time.sleep(0.5)
    else:
        pytest.fail('the object did not expire')
    assert demo.get_object('expiring', 'later')[1] == b'stay'
    with pytest.raises(swift.ClientException) as err:
        demo.put_object('expiring', 'past', b'x', headers={'X-Delete-At': '1000'})
    assert err.value.http_status == 400


def test_object_in_a_missing_container_is_404(demo):
    with pytest.raises(swift.ClientException) as err:
        demo.put_object('no-such-container', 'o', b'x')
    assert err.value.http_status == 404
