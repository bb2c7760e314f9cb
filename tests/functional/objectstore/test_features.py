"""The proxy's feature modules against the real cluster: quotas, static and
dynamic large objects, versioned writes, temporary URLs, bulk operations,
form uploads and CORS, as Tempest's object storage tests and
python-swiftclient use them."""

import hashlib
import hmac
import io
import json
import tarfile
import time

import pytest
import requests

from tests.functional.objectstore import fixtures
from tests.functional.objectstore import test_cli

pytestmark = pytest.mark.functional


def md5(data):
    return hashlib.md5(data).hexdigest()


def test_info_advertises_the_features(objectstore):
    info = objectstore.info()
    for name in ('slo', 'dlo', 'tempurl', 'account_quotas', 'container_quotas',
                 'versioned_writes', 'bulk_upload', 'bulk_delete', 'formpost'):
        assert name in info, name
    assert info['slo']['max_manifest_segments'] == 1000
    assert 'sha256' in info['tempurl']['allowed_digests']


# -- quotas -----------------------------------------------------------------------
def test_container_quotas(api):
    assert api('PUT', '/quota').status_code == 201
    bad = api('POST', '/quota', headers={'X-Container-Meta-Quota-Bytes': 'many'})
    assert bad.status_code == 400
    assert api('POST', '/quota', headers={'X-Container-Meta-Quota-Bytes': '10',
                                          'X-Container-Meta-Quota-Count': '2'}
               ).status_code == 204
    assert api('PUT', '/quota/big', data=b'x' * 11).status_code == 413
    assert api('PUT', '/quota/fits', data=b'x' * 10).status_code == 201
    assert api('HEAD', '/quota').headers['X-Container-Bytes-Used'] == '10'
    assert api('PUT', '/quota/empty', data=b'').status_code == 201
    # the count quota (2 objects) is reached
    assert api('PUT', '/quota/third', data=b'').status_code == 413
    assert api('HEAD', '/quota').headers['X-Container-Object-Count'] == '2'


def test_account_quotas_only_a_reseller_admin_sets_them(api, objectstore):
    refused = api('POST', headers={'X-Account-Meta-Quota-Bytes': '100'})
    assert refused.status_code == 403
    assert api('POST', headers={'X-Account-Meta-Quota-Bytes': ''}).status_code == 403
    assert api('PUT', '/acct-quota').status_code == 201
    # an account's totals follow its objects with the containers' periodic
    # report (eventually consistent, as in Swift): the test waits for it
    count, used = fixtures.settled_account_totals(api)
    set_quota = api('POST', user='admin',
                    headers={'X-Account-Meta-Quota-Bytes': str(used + 20)})
    assert set_quota.status_code == 204
    try:
        assert api('HEAD').headers['X-Account-Meta-Quota-Bytes'] == str(used + 20)
        assert api('PUT', '/acct-quota/small', data=b'x' * 10).status_code == 201
        count, now_used = fixtures.settled_account_totals(api, changed_from=(count, used))
        assert now_used == used + 10
        over = api('PUT', '/acct-quota/over', data=b'x' * 11)
        assert over.status_code == 413
        assert api('POST', user='admin', headers={'X-Account-Meta-Quota-Bytes': '',
                                                  'X-Account-Quota-Count': str(count)}
                   ).status_code == 204
        assert api('PUT', '/acct-quota/counted', data=b'').status_code == 413
    finally:
        api('POST', user='admin', headers={'X-Remove-Account-Meta-Quota-Bytes': 'x',
                                           'X-Remove-Account-Quota-Count': 'x'})
    assert 'X-Account-Meta-Quota-Bytes' not in api('HEAD').headers
    assert api('PUT', '/acct-quota/after', data=b'x' * 30).status_code == 201


# -- static large objects ------------------------------------------------------------
def test_static_large_object(api):
    api('PUT', '/slo')
    parts = [b'a' * 1000, b'b' * 1000, b'c' * 500]
    for i, part in enumerate(parts):
        assert api('PUT', '/slo/seg%d' % i, data=part).status_code == 201
    manifest = [{'path': '/slo/seg%d' % i, 'etag': md5(p), 'size_bytes': len(p)}
                for i, p in enumerate(parts)]
    manifest[2]['range'] = '100-299'
    put = api('PUT', '/slo/whole?multipart-manifest=put', data=json.dumps(manifest),
              headers={'Content-Type': 'text/plain', 'X-Object-Meta-Kind': 'big'})
    assert put.status_code == 201
    whole = b''.join(parts[:2]) + parts[2][100:300]
    expected_etag = md5((md5(parts[0]) + md5(parts[1]) + md5(parts[2]) +
                         ':100-299;').encode())
    assert put.headers['Etag'] == '"%s"' % expected_etag
    head = api('HEAD', '/slo/whole')
    assert head.headers['X-Static-Large-Object'] == 'True'
    assert head.headers['Content-Length'] == str(len(whole))
    assert head.headers['Etag'] == '"%s"' % expected_etag
    assert head.headers['X-Object-Meta-Kind'] == 'big'
    assert not any(h.lower().startswith('x-object-sysmeta') for h in head.headers)
    get = api('GET', '/slo/whole')
    assert get.status_code == 200 and get.content == whole
    ranged = api('GET', '/slo/whole', headers={'Range': 'bytes=990-2050'})
    assert ranged.status_code == 206 and ranged.content == whole[990:2051]
    assert ranged.headers['Content-Range'] == 'bytes 990-2050/%d' % len(whole)
    assert api('GET', '/slo/whole', headers={'If-None-Match': expected_etag}
               ).status_code == 304
    stored = api('GET', '/slo/whole?multipart-manifest=get')
    assert stored.headers['Content-Type'].startswith('application/json')
    assert [e['name'] for e in stored.json()] == ['/slo/seg0', '/slo/seg1', '/slo/seg2']
    # a bad segment: Swift's error list
    manifest[1]['etag'] = md5(b'other')
    manifest.append({'path': '/slo/missing'})
    bad = api('PUT', '/slo/bad?multipart-manifest=put', data=json.dumps(manifest))
    assert bad.status_code == 400
    assert bad.text.startswith('Errors:\n')
    assert '/slo/seg1, Etag Mismatch' in bad.text
    assert '/slo/missing, 404 Not Found' in bad.text
    assert api('PUT', '/slo/nojson?multipart-manifest=put', data=b'{').status_code == 400
    assert api('PUT', '/slo/fake', data=b'x', headers={'X-Static-Large-Object': 'True'}
               ).status_code == 400
    deleted = api('DELETE', '/slo/whole?multipart-manifest=delete')
    assert deleted.status_code == 200 and 'Number Deleted: 4' in deleted.text
    assert api('HEAD', '/slo').headers['X-Container-Object-Count'] == '0'


def test_swift_cli_uploads_and_downloads_a_static_large_object(identity, tmp_path):
    data = bytes(range(256)) * 40
    (tmp_path / 'big.bin').write_bytes(data)
    test_cli.swift_cli(identity, 'demo-user', 'demo', 'upload', '--use-slo', '-S', '4000',
                       'cli-slo', 'big.bin', cwd=tmp_path)
    stat = test_cli.swift_cli(identity, 'demo-user', 'demo', 'stat', 'cli-slo', 'big.bin')
    assert 'Manifest' in stat or 'Large Object' in stat or '10240' in stat
    down = tmp_path / 'down'
    down.mkdir()
    test_cli.swift_cli(identity, 'demo-user', 'demo', 'download', 'cli-slo', 'big.bin',
                       cwd=down)
    assert (down / 'big.bin').read_bytes() == data


# -- dynamic large objects -------------------------------------------------------------
def test_dynamic_large_object(api):
    api('PUT', '/dlo')
    parts = [('part%d' % i).encode() * 10 for i in range(12)]
    for i, part in enumerate(parts):
        api('PUT', '/dlo/big/%02d' % i, data=part)
    assert api('PUT', '/dlo/big', data=b'',
               headers={'X-Object-Manifest': 'dlo/big'}).status_code == 201
    head = api('HEAD', '/dlo/big')
    assert head.headers['X-Object-Manifest'] == 'dlo/big'
    assert head.headers['Content-Length'] == str(sum(len(p) for p in parts))
    assert head.headers['Etag'].startswith('"') and head.headers['Etag'].endswith('"')
    get = api('GET', '/dlo/big')
    assert get.content == b''.join(parts)
    ranged = api('GET', '/dlo/big', headers={'Range': 'bytes=55-64'})
    assert ranged.status_code == 206 and ranged.content == b''.join(parts)[55:65]
    # a manifest set afterwards with POST, prefix ending in '/'
    api('PUT', '/dlo/later', data=b'')
    assert api('POST', '/dlo/later', headers={'X-Object-Manifest': 'dlo/big/'}
               ).status_code == 202
    assert api('GET', '/dlo/later').content == b''.join(parts)
    raw = api('GET', '/dlo/later?multipart-manifest=get')
    assert raw.content == b'' and raw.headers['X-Object-Manifest'] == 'dlo/big/'
    assert api('PUT', '/dlo/bad', data=b'', headers={'X-Object-Manifest': 'nocontainer'}
               ).status_code == 400


# -- versioned writes -------------------------------------------------------------------
def test_versions_location_stack_mode(api):
    assert api('PUT', '/versions').status_code == 201
    assert api('PUT', '/versioned', headers={'X-Versions-Location': 'versions'}
               ).status_code == 201
    assert api('HEAD', '/versioned').headers['X-Versions-Location'] == 'versions'
    assert api('PUT', '/versioned/doc', data=b'one' * 10).status_code == 201
    assert api('PUT', '/versioned/doc', data=b'two').status_code == 201
    assert api('GET', '/versioned/doc').content == b'two'
    archived = api('GET', '/versions?format=json').json()
    assert len(archived) == 1 and archived[0]['name'].startswith('003doc/')
    assert api('DELETE', '/versioned/doc').status_code == 204
    assert api('GET', '/versioned/doc').content == b'one' * 10
    head = api('HEAD', '/versioned')
    assert (head.headers['X-Container-Object-Count'],
            head.headers['X-Container-Bytes-Used']) == ('1', '30')
    assert api('DELETE', '/versioned/doc').status_code == 204
    assert api('GET', '/versioned/doc').status_code == 404
    assert api('HEAD', '/versions').headers['X-Container-Object-Count'] == '0'
    assert api('PUT', '/both', headers={'X-Versions-Location': 'versions',
                                        'X-History-Location': 'versions'}
               ).status_code == 400


def test_history_location_keeps_every_version(api):
    api('PUT', '/history')
    api('PUT', '/recorded', headers={'X-History-Location': 'history'})
    api('PUT', '/recorded/note', data=b'v1')
    api('PUT', '/recorded/note', data=b'v2')
    assert api('DELETE', '/recorded/note').status_code == 204
    assert api('GET', '/recorded/note').status_code == 404
    rows = api('GET', '/history?format=json').json()
    assert [r['name'][:8] for r in rows] == ['004note/'] * 3
    assert rows[-1]['content_type'] == 'application/x-deleted;swift_versions_deleted=1'
    assert api('GET', '/history/' + rows[0]['name']).content == b'v1'
    assert api('GET', '/history/' + rows[1]['name']).content == b'v2'
    # switching modes keeps one location
    api('POST', '/recorded', headers={'X-Versions-Location': 'history'})
    head = api('HEAD', '/recorded')
    assert head.headers['X-Versions-Location'] == 'history'
    assert 'X-History-Location' not in head.headers


# -- temporary URLs -------------------------------------------------------------------------
def _signed(objectstore, path, method, key, expires=None, digest=hashlib.sha256,
            prefix=None):
    expires = expires or int(time.time() + 300)
    signed = 'prefix:%s' % prefix if prefix else path
    sig = hmac.new(key.encode(), ('%s\n%s\n%s' % (method, expires, signed)).encode(),
                   digest).hexdigest()
    query = 'temp_url_sig=%s&temp_url_expires=%s' % (sig, expires)
    if prefix:
        query += '&temp_url_prefix=%s' % prefix.rsplit('/', 1)[1]
    return '%s%s?%s' % (objectstore.url, path, query)


def test_temporary_urls(api, objectstore):
    account = objectstore.account('demo')
    api('PUT', '/temp')
    api('PUT', '/temp/report.txt', data=b'quarterly', headers={'X-Object-Meta-Secret': 's'})
    path = '/v1/%s/temp/report.txt' % account
    # no key yet: nothing is signed
    assert requests.get(_signed(objectstore, path, 'GET', 'k1'), timeout=10
                        ).status_code == 401
    assert api('POST', headers={'X-Account-Meta-Temp-URL-Key': 'k1'}).status_code == 204
    got = requests.get(_signed(objectstore, path, 'GET', 'k1'), timeout=10)
    assert got.status_code == 200 and got.content == b'quarterly'
    assert got.headers['Content-Disposition'].startswith('attachment; filename="report.txt"')
    assert 'X-Object-Meta-Secret' not in got.headers
    inline = requests.get(_signed(objectstore, path, 'GET', 'k1') + '&inline', timeout=10)
    assert inline.headers['Content-Disposition'] == 'inline'
    assert requests.head(_signed(objectstore, path, 'GET', 'k1'), timeout=10
                         ).status_code == 200
    for digest in (hashlib.sha1, hashlib.sha512):
        assert requests.get(_signed(objectstore, path, 'GET', 'k1', digest=digest),
                            timeout=10).status_code == 200
    # wrong method, wrong key, expired, another object
    assert requests.put(_signed(objectstore, path, 'GET', 'k1'), data=b'x',
                        timeout=10).status_code == 401
    assert requests.get(_signed(objectstore, path, 'GET', 'k2'), timeout=10
                        ).status_code == 401
    assert requests.get(_signed(objectstore, path, 'GET', 'k1', expires=int(time.time()) - 1),
                        timeout=10).status_code == 401
    other = _signed(objectstore, path, 'GET', 'k1').replace('report.txt', 'other.txt')
    assert requests.get(other, timeout=10).status_code == 401
    # PUT with its own signature; the second key, set on the container, with a prefix
    put = requests.put(_signed(objectstore, path, 'PUT', 'k1'), data=b'new', timeout=10)
    assert put.status_code == 201
    assert api('GET', '/temp/report.txt').content == b'new'
    api('POST', '/temp', headers={'X-Container-Meta-Temp-URL-Key-2': 'ck'})
    api('PUT', '/temp/pub/a.txt', data=b'public a')
    url = _signed(objectstore, '/v1/%s/temp/pub/a.txt' % account, 'GET', 'ck',
                  prefix='/v1/%s/temp/pub' % account)
    assert requests.get(url, timeout=10).content == b'public a'
    assert requests.get(url.replace('/pub/a.txt', '/report.txt'), timeout=10
                        ).status_code == 401
    api('POST', headers={'X-Remove-Account-Meta-Temp-URL-Key': 'x'})


# -- bulk and form uploads -------------------------------------------------------------------
def test_bulk_extract_archive_and_delete(api, tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        for name, data in (('bulk1/a.txt', b'alpha'), ('bulk1/dir/b.txt', b'beta'),
                           ('bulk2/c.txt', b'gamma')):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    resp = api('PUT', '?extract-archive=tar.gz', data=buf.getvalue(),
               headers={'Accept': 'application/json'})
    assert resp.status_code == 200
    assert resp.json()['Number Files Created'] == 3, resp.text
    assert api('GET', '/bulk1/dir/b.txt').content == b'beta'
    gone = api('DELETE', '?bulk-delete', data=b'bulk1/a.txt\nbulk1/dir/b.txt\nbulk1\n'
                                              b'bulk2\nbulk1/nothing\n')
    assert gone.status_code == 200
    assert gone.text.startswith('Number Deleted: 3\nNumber Not Found: 1\n')
    assert 'bulk2, 409 Conflict' in gone.text
    assert api('HEAD', '/bulk1').status_code == 404


def test_formpost_uploads_without_a_token(api, objectstore):
    account = objectstore.account('demo')
    api('PUT', '/forms', headers={'X-Container-Meta-Temp-URL-Key': 'formkey'})
    path = '/v1/%s/forms/up-' % account
    expires = int(time.time() + 60)
    sig = hmac.new(b'formkey', ('%s\n%s\n%s\n%s\n%s' % (path, '', 1024, 2, expires)).encode(),
                   hashlib.sha256).hexdigest()
    fields = {'redirect': '', 'max_file_size': '1024', 'max_file_count': '2',
              'expires': str(expires), 'signature': sig}
    resp = requests.post(objectstore.url + path, data=fields, timeout=10,
                         files={'file1': ('hello.txt', b'hello world', 'text/plain')})
    assert resp.status_code == 201, resp.text
    got = api('GET', '/forms/up-hello.txt')
    assert got.content == b'hello world' and got.headers['Content-Type'] == 'text/plain'
    fields['signature'] = sig[:-2] + '00'
    refused = requests.post(objectstore.url + path, data=fields, timeout=10,
                            files={'file1': ('x.txt', b'x')})
    assert refused.status_code == 401


def test_cors_preflight_and_answers(api, objectstore):
    api('PUT', '/web', headers={
        'X-Container-Meta-Access-Control-Allow-Origin': 'http://site.example',
        'X-Container-Meta-Access-Control-Max-Age': '60'})
    api('PUT', '/web/page', data=b'<p>', headers={'X-Object-Meta-Color': 'red'})
    url = '%s/v1/%s/web/page' % (objectstore.url, objectstore.account('demo'))
    pre = requests.options(url, timeout=10, headers={
        'Origin': 'http://site.example', 'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-auth-token'})
    assert pre.status_code == 200
    assert pre.headers['Access-Control-Allow-Origin'] == 'http://site.example'
    assert pre.headers['Access-Control-Allow-Headers'] == 'x-auth-token'
    assert pre.headers['Access-Control-Max-Age'] == '60'
    assert requests.options(url, timeout=10, headers={
        'Origin': 'http://evil.example', 'Access-Control-Request-Method': 'GET'}
    ).status_code == 401
    got = api('GET', '/web/page', headers={'Origin': 'http://site.example'})
    assert got.headers['Access-Control-Allow-Origin'] == 'http://site.example'
    assert 'x-object-meta-color' in got.headers['Access-Control-Expose-Headers']
    assert 'Access-Control-Allow-Origin' not in api(
        'GET', '/web/page', headers={'Origin': 'http://evil.example'}).headers
