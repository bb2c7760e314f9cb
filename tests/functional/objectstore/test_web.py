"""Multi-range reads, symlinks and static websites on the real cluster, with
plain HTTP, python-swiftclient's ``swift`` CLI and curl (anonymous)."""

import email
import hashlib
import json
import subprocess

import pytest

from tests.functional.objectstore import test_cli

pytestmark = pytest.mark.functional


def curl(url, *args):
    """``(status, headers text, body)`` of an anonymous curl request."""
    result = subprocess.run(['curl', '-s', '-S', '-D', '-', '-o', '/dev/stderr',
                             '--max-time', '30', *args, url],
                            capture_output=True, timeout=60)
    head = result.stdout.decode('latin-1')
    status = int(head.split(None, 2)[1])
    return status, head, result.stderr


def test_multi_range_get(api):
    body = bytes(range(256)) * 4
    assert api('PUT', '/ranges').status_code in (201, 202)
    assert api('PUT', '/ranges/blob', data=body,
               headers={'Content-Type': 'application/x-test'}).status_code == 201
    resp = api('GET', '/ranges/blob', headers={'Range': 'bytes=0-9,20-29'})
    assert resp.status_code == 206
    ctype = resp.headers['Content-Type']
    assert ctype.startswith('multipart/byteranges; boundary=')
    assert int(resp.headers['Content-Length']) == len(resp.content)
    msg = email.message_from_bytes(b'Content-Type: ' + ctype.encode() + b'\r\n\r\n' +
                                   resp.content)
    parts = msg.get_payload()
    assert [p.get_payload(decode=True) for p in parts] == [body[0:10], body[20:30]]
    assert [p['Content-Range'] for p in parts] == ['bytes 0-9/1024', 'bytes 20-29/1024']
    assert {p['Content-Type'] for p in parts} == {'application/x-test'}
    # one range stays a plain 206; none satisfiable is a 416
    one = api('GET', '/ranges/blob', headers={'Range': 'bytes=5-9,2000-3000'})
    assert one.status_code == 206 and one.content == body[5:10]
    assert one.headers['Content-Range'] == 'bytes 5-9/1024'
    assert api('GET', '/ranges/blob', headers={'Range': 'bytes=2000-,3000-'}
               ).status_code == 416
    # a static large object answers several ranges of the whole
    api('PUT', '/ranges/seg1', data=body[:512])
    api('PUT', '/ranges/seg2', data=body[512:])
    manifest = [{'path': '/ranges/seg1'}, {'path': '/ranges/seg2'}]
    assert api('PUT', '/ranges/whole?multipart-manifest=put',
               data=json.dumps(manifest)).status_code == 201
    resp = api('GET', '/ranges/whole', headers={'Range': 'bytes=500-519,-4'})
    assert resp.status_code == 206
    msg = email.message_from_bytes(b'Content-Type: ' + resp.headers['Content-Type'].encode()
                                   + b'\r\n\r\n' + resp.content)
    assert [p.get_payload(decode=True) for p in msg.get_payload()] == [body[500:520],
                                                                       body[-4:]]


def test_symlinks(api, objectstore):
    api('PUT', '/links')
    api('PUT', '/links-target')
    assert api('PUT', '/links-target/real.txt', data=b'the real thing').status_code == 201
    put = api('PUT', '/links/alias', data=b'',
              headers={'X-Symlink-Target': 'links-target/real.txt'})
    assert put.status_code == 201
    got = api('GET', '/links/alias')
    assert got.status_code == 200 and got.content == b'the real thing'
    assert got.headers['Content-Location'].endswith('/links-target/real.txt')
    assert api('GET', '/links/alias', headers={'Range': 'bytes=4-7'}).content == b'real'
    itself = api('GET', '/links/alias?symlink=get')
    assert itself.content == b'' and itself.headers['X-Symlink-Target'] == \
        'links-target/real.txt'
    assert itself.headers['Content-Type'] == 'application/symlink'
    # the link is listed as an object of its own
    assert 'alias' in [o['name'] for o in api('GET', '/links?format=json').json()]
    # static links: the ETag must match when linked and when read
    etag = hashlib.md5(b'the real thing').hexdigest()
    bad = api('PUT', '/links/static', data=b'', headers={
        'X-Symlink-Target': 'links-target/real.txt', 'X-Symlink-Target-Etag': 'f' * 32})
    assert bad.status_code == 409
    good = api('PUT', '/links/static', data=b'', headers={
        'X-Symlink-Target': 'links-target/real.txt', 'X-Symlink-Target-Etag': etag})
    assert good.status_code == 201
    assert api('HEAD', '/links/static?symlink=get').headers[
        'X-Symlink-Target-Etag'] == etag
    assert api('GET', '/links/static').content == b'the real thing'
    api('PUT', '/links-target/real.txt', data=b'changed')
    assert api('GET', '/links/static').status_code == 409
    assert api('GET', '/links/alias').content == b'changed'    # a dynamic link follows
    # refusals; a dangling link is a 404; the target's access rules apply
    assert api('PUT', '/links/bad', data=b'x',
               headers={'X-Symlink-Target': 'links-target/real.txt'}).status_code == 400
    assert api('PUT', '/links/bad', data=b'',
               headers={'X-Symlink-Target': 'nowhere'}).status_code == 412
    api('PUT', '/links/dangling', data=b'', headers={'X-Symlink-Target': 'links/none'})
    assert api('GET', '/links/dangling').status_code == 404
    api('POST', '/links', headers={'X-Container-Read': '.r:*'})
    assert api('GET', '/links/alias', user=None).status_code == 401   # target not public
    api('POST', '/links-target', headers={'X-Container-Read': '.r:*'})
    assert api('GET', '/links/alias', user=None).content == b'changed'
    # deleting the link leaves the target
    assert api('DELETE', '/links/alias').status_code == 204
    assert api('GET', '/links-target/real.txt').content == b'changed'
    assert 'symlink' in objectstore.info()


def test_public_container_and_static_website_with_curl(api, objectstore, identity,
                                                        tmp_path):
    base = '%s/v1/%s' % (objectstore.url, objectstore.account('demo'))
    site = tmp_path / 'site'
    (site / 'docs').mkdir(parents=True)
    (site / 'index.html').write_text('<h1>home</h1>')
    (site / 'docs' / 'index.html').write_text('<h1>docs</h1>')
    (site / 'docs' / 'guide.txt').write_text('read me')
    (site / '404error.html').write_text('<h1>not here</h1>')
    test_cli.swift_cli(identity, 'demo-user', 'demo', 'upload', 'www', 'index.html',
                       'docs/index.html', 'docs/guide.txt', '404error.html', cwd=site)
    # private: curl without a token is refused
    assert curl(base + '/www/index.html')[0] == 401
    test_cli.swift_cli(identity, 'demo-user', 'demo', 'post', '--read-acl', '.r:*', 'www')
    status, _, body = curl(base + '/www/docs/guide.txt')
    assert (status, body) == (200, b'read me')
    # no web metadata: the container path is the API's (no listing without .rlistings)
    assert curl(base + '/www/')[0] == 401
    test_cli.swift_cli(identity, 'demo-user', 'demo', 'post', '-m', 'web-index:index.html',
                       '-m', 'web-error:error.html', 'www')
    status, head, _ = curl(base + '/www')
    assert status == 301 and '/www/' in head.lower().split('location:')[1].split('\n')[0]
    assert curl(base + '/www/')[2] == b'<h1>home</h1>'
    assert curl(base + '/www', '-L')[2] == b'<h1>home</h1>'
    assert curl(base + '/www/docs/')[2] == b'<h1>docs</h1>'
    assert curl(base + '/www/docs')[0] == 301
    status, _, body = curl(base + '/www/missing.html')
    assert (status, body) == (404, b'<h1>not here</h1>')
    # listings where there is no index (needs .rlistings, as any listing)
    api('DELETE', '/www/docs/index.html')
    test_cli.swift_cli(identity, 'demo-user', 'demo', 'post', '--read-acl',
                       '.r:*,.rlistings', '-m', 'web-listings:true', 'www')
    status, head, body = curl(base + '/www/docs/')
    assert status == 200 and 'text/html' in head
    assert b'guide.txt' in body and b'Listing of' in body
    # a token holder still gets the API
    assert api('GET', '/www/missing.html').status_code == 404
    assert api('GET', '/www/missing.html').content != b'<h1>not here</h1>'
    assert 'staticweb' in objectstore.info()
