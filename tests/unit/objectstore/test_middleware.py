"""The proxy's feature modules in process, over a small in-memory store."""

import base64
import hashlib
import hmac
import io
import json
import tarfile
import time

import webob
import webob.dec
import webob.exc

from services.objectstore.proxy import acl
from services.objectstore.proxy import backend
from services.objectstore.proxy.middleware import account_quotas
from services.objectstore.proxy.middleware import bulk
from services.objectstore.proxy.middleware import container_quotas
from services.objectstore.proxy.middleware import cors
from services.objectstore.proxy.middleware import dlo
from services.objectstore.proxy.middleware import formpost
from services.objectstore.proxy.middleware import slo
from services.objectstore.proxy.middleware import subrequest
from services.objectstore.proxy.middleware import tempurl
from services.objectstore.proxy.middleware import versioned_writes

ACCOUNT = 'AUTH_p1'
OWNER = {'HTTP_X_IDENTITY_STATUS': 'Confirmed', 'HTTP_X_USER_ID': 'u1',
         'HTTP_X_PROJECT_ID': 'p1', 'HTTP_X_ROLES': 'member'}
RESELLER = dict(OWNER, HTTP_X_ROLES='admin')


class Store:
    """Objects of one account, answering as the proxy app would (no auth)."""

    def __init__(self):
        self.objects = {}          # (container, name) -> (body, headers)
        self.containers = {}       # container -> metadata headers
        self.account_meta = {}
        self.clock = 1700000000.0

    @webob.dec.wsgify
    def __call__(self, req):
        account, container, obj = subrequest.split(req.environ)
        if container is None:
            return webob.Response(status=204)
        if obj is None:
            return self.listing(req, container)
        key = (container, obj)
        if req.method == 'PUT':
            body = req.body
            headers = {k: v for k, v in req.headers.items()
                       if k.lower().startswith(('x-object-', 'x-static-', 'content-type'))}
            if req.headers.get('X-Copy-From'):
                src = subrequest.segment_path(req.headers['X-Copy-From'])
                if src not in self.objects:
                    return webob.Response(status=404)
                body, headers = self.objects[src]
            self.clock += 1
            headers = dict(headers, **{'X-Timestamp': '%016.05f' % self.clock})
            self.objects[key] = (body, headers)
            return webob.Response(status=201, headers={'Etag': hashlib.md5(body).hexdigest(),
                                                       'Last-Modified': 'now'})
        if key not in self.objects:
            return webob.Response(status=404)
        if req.method == 'DELETE':
            del self.objects[key]
            return webob.Response(status=204)
        body, headers = self.objects[key]
        resp = webob.Response(headers=dict(headers, Etag=hashlib.md5(body).hexdigest()))
        resp.body = body
        if req.range:
            span = req.range.range_for_length(len(body))
            if span is None:    # as the object server: no metadata on a 416
                return webob.Response(status=416)
            start, stop = span
            resp.status = 206
            resp.body = body[start:stop]
        return resp

    def listing(self, req, container):
        prefix = req.GET.get('prefix', '')
        marker = req.GET.get('marker', '')
        rows = [{'name': o, 'bytes': len(b), 'hash': hashlib.md5(b).hexdigest(),
                 'content_type': h.get('Content-Type', '')}
                for (c, o), (b, h) in sorted(self.objects.items())
                if c == container and o.startswith(prefix) and o > marker]
        if req.GET.get('reverse'):
            rows.reverse()
        rows = rows[:int(req.GET.get('limit', 10000))]
        return webob.Response(json_body=rows)

    def info(self, environ, account, container=None, fresh=False):
        if container is None:
            return backend.Response(204, dict(self.account_meta, **{
                'X-Account-Bytes-Used': str(sum(len(b) for b, _ in self.objects.values())),
                'X-Account-Object-Count': str(len(self.objects))}))
        if container not in self.containers:
            return backend.Response(404)
        inside = [b for (c, _), (b, _) in self.objects.items() if c == container]
        return backend.Response(204, dict(self.containers[container], **{
            'X-Container-Bytes-Used': str(sum(len(b) for b in inside)),
            'X-Container-Object-Count': str(len(inside))}))

    policy = acl.Policy()


def request(app, method, path, environ=OWNER, **kwargs):
    req = webob.Request.blank('/v1/%s%s' % (ACCOUNT, path), method=method,
                              environ=dict(environ), **kwargs)
    return req.get_response(app)


# -- quotas ---------------------------------------------------------------------------
def test_container_quota_refuses_uploads_past_bytes_and_count():
    store = Store()
    store.containers['c'] = {'X-Container-Meta-Quota-Bytes': '5',
                             'X-Container-Meta-Quota-Count': '2'}
    app = container_quotas.ContainerQuotas(store, store)
    assert request(app, 'PUT', '/c/a', body=b'123456').status_int == 413
    assert request(app, 'PUT', '/c/a', body=b'12345').status_int == 201
    assert request(app, 'PUT', '/c/b', body=b'').status_int == 201
    assert request(app, 'PUT', '/c/third', body=b'').status_int == 413
    # a copy counts its source's size
    store.containers['d'] = {'X-Container-Meta-Quota-Bytes': '4'}
    assert request(app, 'PUT', '/d/copy', body=b'',
                   headers={'X-Copy-From': '/c/a'}).status_int == 413
    assert request(app, 'POST', '/c', headers={'X-Container-Meta-Quota-Count': 'x'}
                   ).status_int == 400


def test_account_quota_is_for_reseller_admins_to_set():
    store = Store()
    store.containers['c'] = {}
    app = account_quotas.AccountQuotas(store, store)
    assert request(app, 'POST', '', headers={'X-Account-Meta-Quota-Bytes': '1'}
                   ).status_int == 403
    assert request(app, 'POST', '', headers={'X-Remove-Account-Quota-Count': 'x'}
                   ).status_int == 403
    assert request(app, 'POST', '', environ={}, headers={
        'X-Account-Meta-Quota-Bytes': '1'}).status_int == 401
    assert request(app, 'POST', '', environ=RESELLER, headers={
        'X-Account-Meta-Quota-Bytes': 'lots'}).status_int == 400
    assert request(app, 'POST', '', environ=RESELLER, headers={
        'X-Account-Meta-Quota-Bytes': '4'}).status_int == 204
    store.account_meta['X-Account-Meta-Quota-Bytes'] = '4'
    assert request(app, 'PUT', '/c/o', body=b'12345').status_int == 413
    assert request(app, 'PUT', '/c/o', body=b'1234').status_int == 201
    store.account_meta = {'X-Account-Meta-Quota-Count': '1'}
    assert request(app, 'PUT', '/c/p', body=b'').status_int == 413


# -- large objects ----------------------------------------------------------------------
def _slo_store():
    store = Store()
    for name, body in (('s1', b'a' * 10), ('s2', b'b' * 10)):
        store.objects[('segs', name)] = (body, {'Content-Type': 'application/octet-stream'})
    return store, slo.StaticLargeObjects(store, store)


def test_slo_manifest_put_get_range_and_delete():
    store, app = _slo_store()
    manifest = [{'path': '/segs/s1', 'etag': hashlib.md5(b'a' * 10).hexdigest()},
                {'path': 'segs/s2', 'size_bytes': 10, 'range': '2-5'}]
    put = request(app, 'PUT', '/c/big?multipart-manifest=put',
                  body=json.dumps(manifest).encode())
    assert put.status_int == 201
    etag = slo.slo_etag([{'hash': hashlib.md5(b'a' * 10).hexdigest()},
                         {'hash': hashlib.md5(b'b' * 10).hexdigest(), 'range': '2-5'}])
    assert put.headers['Etag'] == '"%s"' % etag
    body, headers = store.objects[('c', 'big')]
    assert headers['X-Static-Large-Object'] == 'True'
    assert headers['X-Object-Sysmeta-Slo-Size'] == '14'
    got = request(app, 'GET', '/c/big')
    assert got.body == b'a' * 10 + b'bbbb'
    assert got.headers['Etag'] == '"%s"' % etag
    part = request(app, 'GET', '/c/big', headers={'Range': 'bytes=8-11'})
    assert part.status_int == 206 and part.body == b'aabb'
    assert request(app, 'GET', '/c/big', headers={'Range': 'bytes=14-'}).status_int == 416
    raw = request(app, 'GET', '/c/big?multipart-manifest=get')
    assert [e['name'] for e in json.loads(raw.body)] == ['/segs/s1', '/segs/s2']
    raw = request(app, 'GET', '/c/big?multipart-manifest=get&format=raw')
    assert json.loads(raw.body) == [
        {'path': '/segs/s1', 'etag': hashlib.md5(b'a' * 10).hexdigest(), 'size_bytes': 10},
        {'path': '/segs/s2', 'etag': hashlib.md5(b'b' * 10).hexdigest(), 'size_bytes': 10,
         'range': '2-5'}]
    gone = request(app, 'DELETE', '/c/big?multipart-manifest=delete')
    assert b'Number Deleted: 3' in gone.body and not store.objects


def test_slo_refuses_bad_segments_with_the_error_list():
    store, app = _slo_store()
    manifest = [{'path': '/segs/s1', 'etag': 'nope'}, {'path': '/segs/s2', 'size_bytes': 3},
                {'path': '/segs/none'}, {'path': '/segs/s1', 'range': '50-60'}]
    resp = request(app, 'PUT', '/c/big?multipart-manifest=put',
                   body=json.dumps(manifest).encode())
    assert resp.status_int == 400
    assert resp.text == ('Errors:\n/segs/s1, Etag Mismatch\n/segs/s2, Size Mismatch\n'
                         '/segs/none, 404 Not Found\n/segs/s1, Unsatisfiable Range\n')
    resp = request(app, 'PUT', '/c/big?multipart-manifest=put',
                   body=json.dumps([{'path': 'nocontainer', 'color': 'red'}]).encode())
    assert resp.status_int == 400 and resp.text.startswith('Index 0: extraneous keys')
    assert ('c', 'big') not in store.objects
    for method in ('PUT', 'POST', 'COPY'):
        assert request(app, method, '/c/x', body=b'', headers={
            'X-Static-Large-Object': 'True', 'Destination': 'c/y'}).status_int == 400


def test_dlo_concatenates_the_listing_in_order():
    store = Store()
    for i in (2, 0, 1):
        store.objects[('c', 'big/%d' % i)] = (str(i).encode() * 3, {})
    store.objects[('c', 'big')] = (b'', {'X-Object-Manifest': 'c/big/'})
    app = dlo.DynamicLargeObjects(store, store)
    got = request(app, 'GET', '/c/big')
    assert got.body == b'000111222'
    assert got.headers['X-Object-Manifest'] == 'c/big/'
    assert got.headers['Etag'].startswith('"')
    assert request(app, 'GET', '/c/big', headers={'Range': 'bytes=2-3'}).body == b'01'
    assert request(app, 'HEAD', '/c/big').headers['Content-Length'] == '9'
    assert request(app, 'PUT', '/c/m', body=b'', headers={'X-Object-Manifest': 'nope'}
                   ).status_int == 400


# -- versioned writes --------------------------------------------------------------------
def test_stack_mode_archives_and_restores():
    store = Store()
    store.containers.update({'c': {'X-Versions-Location': 'arch'}, 'arch': {}})
    app = versioned_writes.VersionedWrites(store, store)
    request(app, 'PUT', '/c/o', body=b'one')
    request(app, 'PUT', '/c/o', body=b'two')
    archived = [k for k in store.objects if k[0] == 'arch']
    assert len(archived) == 1 and archived[0][1].startswith('001o/')
    assert request(app, 'DELETE', '/c/o').status_int == 204
    assert store.objects[('c', 'o')][0] == b'one'
    assert not [k for k in store.objects if k[0] == 'arch']
    request(app, 'DELETE', '/c/o')
    assert ('c', 'o') not in store.objects


def test_history_mode_leaves_a_delete_marker():
    store = Store()
    store.containers.update({'c': {'X-History-Location': 'hist'}, 'hist': {}})
    app = versioned_writes.VersionedWrites(store, store)
    request(app, 'PUT', '/c/o', body=b'one')
    request(app, 'DELETE', '/c/o')
    kept = sorted((k[1], v[1].get('Content-Type')) for k, v in store.objects.items())
    assert [name[:5] for name, _ in kept] == ['001o/', '001o/']
    assert kept[1][1] == versioned_writes.DELETE_MARKER


def test_versions_headers_are_checked():
    app = versioned_writes.VersionedWrites(Store(), Store())
    assert request(app, 'PUT', '/c', headers={'X-Versions-Location': 'a',
                                              'X-History-Location': 'b'}).status_int == 400
    assert request(app, 'POST', '/c', headers={'X-Versions-Location': 'a/b'}
                   ).status_int == 412


# -- temporary URLs -----------------------------------------------------------------------
def _tempurl(method='GET', key='secret', digest=hashlib.sha256, expires=None, path=None):
    expires = expires or int(time.time()) + 60
    path = path or '/v1/%s/c/o' % ACCOUNT
    sig = hmac.new(key.encode(), ('%s\n%s\n%s' % (method, expires, path)).encode(),
                   digest).hexdigest()
    return '/c/o?temp_url_sig=%s&temp_url_expires=%s' % (sig, expires)


def test_tempurl_grants_a_signed_request_only():
    store = Store()
    store.containers['c'] = {}
    store.account_meta['X-Account-Meta-Temp-Url-Key'] = 'secret'
    store.objects[('c', 'o')] = (b'data', {'X-Object-Meta-Hidden': 'y'})
    seen = []

    @webob.dec.wsgify
    def inner(req):
        seen.append((req.environ.get('objectstore.authorized_account'),
                     req.environ.get('HTTP_X_USER_ID')))
        return req.get_response(store)
    app = tempurl.TempURL(inner, store)
    resp = request(app, 'GET', _tempurl(), environ={})
    assert resp.status_int == 200 and resp.body == b'data'
    assert seen[-1] == (ACCOUNT, None)
    assert resp.headers['Content-Disposition'].startswith('attachment; filename="o"')
    assert 'X-Object-Meta-Hidden' not in resp.headers
    assert request(app, 'HEAD', _tempurl('PUT'), environ={}).status_int == 200
    for bad in (_tempurl(key='wrong'), _tempurl('PUT'), _tempurl(expires=1000),
                _tempurl(path='/v1/%s/c/other' % ACCOUNT), '/c/o?temp_url_sig=zz'):
        assert request(app, 'GET', bad, environ=OWNER).status_int == 401, bad
    assert len(seen) == 2


def test_tempurl_signature_forms():
    raw = hmac.new(b'k', b'GET\n1\n/p', hashlib.sha512).digest()
    b64 = base64.urlsafe_b64encode(raw).decode().rstrip('=')
    assert tempurl.parse_signature('sha512:' + b64) == ('sha512', raw)
    assert tempurl.parse_signature(raw.hex()) == ('sha512', raw)
    assert tempurl.parse_signature('md5:abc') is None
    assert tempurl.parse_signature('ab' * 16) is None
    assert tempurl.parse_expires('2030-01-01T00:00:00Z') == 1893456000
    assert tempurl.parse_expires('soon') is None


# -- bulk and form uploads ---------------------------------------------------------------
def test_bulk_extracts_an_archive_and_deletes_a_list():
    store = Store()
    app = bulk.Bulk(store, store)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as tar:
        for name in ('./c1/a', 'c1/d/b', 'lonely'):
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b'x'))
    resp = request(app, 'PUT', '?extract-archive=tar', body=buf.getvalue())
    assert resp.text == ('Number Files Created: 2\nResponse Body: \n'
                         'Response Status: 400 Bad Request\nErrors:\nlonely, 400 Bad Request\n')
    assert set(store.objects) == {('c1', 'a'), ('c1', 'd/b')}
    assert request(app, 'PUT', '?extract-archive=zip', body=b'').status_int == 400
    resp = request(app, 'POST', '?bulk-delete', body=b'c1/a\nc1/d%2Fb\nc1/zz\n',
                   headers={'Accept': 'application/json'})
    assert json.loads(resp.body)['Number Deleted'] == 2
    assert json.loads(resp.body)['Number Not Found'] == 1
    assert not store.objects
    # a line naming no container never reaches the account
    resp = request(app, 'DELETE', '?bulk-delete', environ=RESELLER, body=b'/\n')
    assert resp.text.startswith('Number Deleted: 0\n') and '/, 400 Bad Request' in resp.text


def test_formpost_checks_its_signature_and_limits():
    store = Store()
    store.containers['c'] = {'X-Container-Meta-Temp-Url-Key': 'k'}
    app = formpost.FormPost(store, store)
    expires = int(time.time()) + 60

    def post(max_size=10, count=1, key='k', files=(('f', ('a.txt', b'abc')),)):
        body = '/v1/%s/c/p-\n\n%s\n%s\n%s' % (ACCOUNT, max_size, count, expires)
        fields = {'redirect': '', 'max_file_size': str(max_size), 'max_file_count': str(count),
                  'expires': str(expires),
                  'signature': hmac.new(key.encode(), body.encode(), hashlib.sha1).hexdigest()}
        req = webob.Request.blank('/v1/%s/c/p-' % ACCOUNT, method='POST',
                                  POST=dict(fields, **{n: f for n, f in files}))
        return req.get_response(app)
    assert post().status_int == 201
    assert store.objects[('c', 'p-a.txt')][0] == b'abc'
    assert post(key='other').status_int == 401
    assert post(max_size=2).status_int == 400
    assert post(files=(('f', ('a', b'1')), ('g', ('b', b'2')))).status_int == 400


def test_cors_allows_listed_origins_only():
    store = Store()
    store.containers['c'] = {'X-Container-Meta-Access-Control-Allow-Origin': 'http://a.example'}
    store.objects[('c', 'o')] = (b'x', {})
    app = cors.CORS(store, store)
    pre = request(app, 'OPTIONS', '/c/o', environ={}, headers={
        'Origin': 'http://a.example', 'Access-Control-Request-Method': 'PUT'})
    assert pre.status_int == 200
    assert pre.headers['Access-Control-Allow-Origin'] == 'http://a.example'
    assert request(app, 'OPTIONS', '/c/o', environ={}, headers={
        'Origin': 'http://b.example', 'Access-Control-Request-Method': 'PUT'}
    ).status_int == 401
    got = request(app, 'GET', '/c/o', headers={'Origin': 'http://a.example'})
    assert got.headers['Access-Control-Allow-Origin'] == 'http://a.example'
    assert 'Access-Control-Allow-Origin' not in request(
        app, 'GET', '/c/o', headers={'Origin': 'http://b.example'}).headers


def test_only_the_owner_sees_a_containers_temp_url_keys():
    from services.objectstore.proxy.controllers import base
    headers = {'X-Container-Meta-Temp-Url-Key': 'k', 'X-Container-Meta-Temp-Url-Key-2': 'k2',
               'X-Container-Read': '.r:*', 'X-Container-Meta-Color': 'red'}
    assert base.client_headers(headers, show_acls=False) == {'X-Container-Meta-Color': 'red'}
    assert base.client_headers(headers) == headers


def test_a_module_passes_a_request_on_untouched_or_answers_it():
    """``passthrough`` hands the request (as the module left it) to the app
    below, whose answer reaches the client as it is; any other answer, or a
    webob HTTP error raised, is the module's own."""
    seen = []
    body = iter([b'from ', b'below'])

    def below(environ, start_response):
        seen.append(environ.get('HTTP_X_ADDED'))
        start_response('201 Created', [('X-Below', '1')])
        return body

    class Module(subrequest.Module):
        def handle(self, req, account, container, obj):
            if obj == 'refused':
                raise webob.exc.HTTPForbidden()
            if obj == 'answered':
                return webob.Response(status=202)
            req.headers['X-Added'] = obj
            return self.passthrough(req)

    app = Module(below, None)
    started = []
    out = app(webob.Request.blank('/v1/AUTH_a/c/o').environ,
              lambda status, headers, exc_info=None: started.append((status, headers)))
    assert out is body and started == [('201 Created', [('X-Below', '1')])]
    assert seen == ['o']
    assert webob.Request.blank('/v1/AUTH_a/c/refused').get_response(app).status_int == 403
    assert webob.Request.blank('/v1/AUTH_a/c/answered').get_response(app).status_int == 202
    assert seen == ['o']
