"""Multi-range answers, symlinks, static websites and the proxy's account
info cache, in process."""

import hashlib
import types

import pytest
import webob

from services.objectstore import exception
from services.objectstore.common import byteranges
from services.objectstore.proxy import app as app_mod
from services.objectstore.proxy import backend
from services.objectstore.proxy.middleware import staticweb
from services.objectstore.proxy.middleware import symlink
from tests.unit.objectstore.test_middleware import Store, request


# -- byte ranges --------------------------------------------------------------------
@pytest.mark.parametrize('header, expected', [
    (None, None),
    ('bytes=0-9', [(0, 10)]),
    ('bytes=0-9,20-29', [(0, 10), (20, 30)]),
    ('bytes=-5', [(95, 100)]),
    ('bytes=90-', [(90, 100)]),
    ('bytes=0-9, 200-300', [(0, 10)]),          # an unsatisfiable one is dropped
    ('bytes=200-300', 'unsatisfiable'),
    ('bytes=9-0', None),                         # malformed: whole body
    ('items=0-1', None),
    ('bytes=0-99,0-99', None),                   # overlapping past the body: whole body
    ('bytes=' + ','.join('%d-%d' % (i, i) for i in range(101)), None),
])
def test_parse_ranges(header, expected):
    assert byteranges.parse(header, 100) == expected


def test_multipart_body_and_length():
    body = bytes(range(40))
    parts = byteranges.Multipart([(0, 10), (20, 30)], 40, 'text/plain',
                                 lambda a, b: iter([body[a:b]]), boundary='B')
    data = b''.join(parts)
    assert parts.content_type == 'multipart/byteranges; boundary=B'
    assert len(data) == parts.content_length
    assert data == (b'--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-9/40\r\n\r\n'
                    + body[0:10] + b'\r\n--B\r\nContent-Type: text/plain\r\n'
                    b'Content-Range: bytes 20-29/40\r\n\r\n' + body[20:30] + b'\r\n--B--')
    # what a client's parser makes of it
    import email
    msg = email.message_from_bytes(b'Content-Type: ' + parts.content_type.encode() +
                                   b'\r\n\r\n' + data)
    assert [p.get_payload(decode=True) for p in msg.get_payload()] == [body[0:10],
                                                                       body[20:30]]


# -- symlinks ---------------------------------------------------------------------------
def _links():
    store = Store()
    store.objects[('c', 'target')] = (b'hello target', {'Content-Type': 'text/plain'})
    return store, symlink.Symlinks(store, store)


def test_symlink_put_get_and_symlink_get():
    store, app = _links()
    put = request(app, 'PUT', '/c/link', body=b'', headers={'X-Symlink-Target': 'c/target'})
    assert put.status_int == 201
    _, headers = store.objects[('c', 'link')]
    assert headers['X-Object-Sysmeta-Symlink-Target'] == 'c/target'
    assert headers['Content-Type'] == 'application/symlink'
    got = request(app, 'GET', '/c/link')
    assert got.status_int == 200 and got.body == b'hello target'
    assert got.headers['Content-Location'] == '/v1/AUTH_p1/c/target'
    part = request(app, 'GET', '/c/link', headers={'Range': 'bytes=0-4'})
    assert part.status_int == 206 and part.body == b'hello'
    itself = request(app, 'GET', '/c/link?symlink=get')
    assert itself.body == b'' and itself.headers['X-Symlink-Target'] == 'c/target'
    del store.objects[('c', 'target')]
    assert request(app, 'GET', '/c/link').status_int == 404


def test_symlink_refusals_and_loops():
    store, app = _links()
    assert request(app, 'PUT', '/c/l', body=b'x',
                   headers={'X-Symlink-Target': 'c/target'}).status_int == 400
    assert request(app, 'PUT', '/c/l', body=b'',
                   headers={'X-Symlink-Target': 'no-slash'}).status_int == 412
    assert request(app, 'POST', '/c/l', headers={'X-Symlink-Target': 'c/t'}).status_int == 400
    assert request(app, 'PUT', '/c/l', body=b'',
                   headers={'X-Symlink-Target-Etag': 'x'}).status_int == 400
    for name, target in (('a', 'c/b'), ('b', 'c/d'), ('d', 'c/e'), ('e', 'c/target')):
        assert request(app, 'PUT', '/c/' + name, body=b'',
                       headers={'X-Symlink-Target': target}).status_int == 201
    assert request(app, 'GET', '/c/d').body == b'hello target'       # two links: followed
    loop = request(app, 'GET', '/c/a')                                # three: too many
    assert loop.status_int == 409 and b'Too many levels' in loop.body


def test_static_links_check_the_targets_etag():
    store, app = _links()
    etag = hashlib.md5(b'hello target').hexdigest()
    assert request(app, 'PUT', '/c/s', body=b'', headers={
        'X-Symlink-Target': 'c/target', 'X-Symlink-Target-Etag': 'f' * 32}).status_int == 409
    assert request(app, 'PUT', '/c/s', body=b'', headers={
        'X-Symlink-Target': 'c/none', 'X-Symlink-Target-Etag': etag}).status_int == 409
    put = request(app, 'PUT', '/c/s', body=b'', headers={
        'X-Symlink-Target': 'c/target', 'X-Symlink-Target-Etag': '"%s"' % etag})
    assert put.status_int == 201 and put.headers['X-Symlink-Target-Bytes'] == '12'
    assert request(app, 'GET', '/c/s').body == b'hello target'
    shown = request(app, 'HEAD', '/c/s?symlink=get')
    assert shown.headers['X-Symlink-Target-Etag'] == etag
    store.objects[('c', 'target')] = (b'changed', {})
    assert request(app, 'GET', '/c/s').status_int == 409


# -- static web ---------------------------------------------------------------------------
class RaisingStore(Store):
    """Refuses as the proxy's controllers do: by raising."""

    def __call__(self, environ, start_response):
        resp = webob.Request(environ).get_response(super(RaisingStore, self).__call__)
        if resp.status_int == 404:
            raise exception.NotFound()
        return resp(environ, start_response)


def _site(**meta):
    store = RaisingStore()
    store.containers['site'] = {'X-Container-Meta-Web-' + k: v for k, v in meta.items()}
    for name, body in (('index.html', b'<p>home</p>'), ('docs/index.html', b'<p>docs</p>'),
                       ('404error.html', b'<p>lost</p>'), ('files/a.txt', b'aaa'),
                       ('files/b.txt', b'bb')):
        store.objects[('site', name)] = (body, {'Content-Type': 'text/html'})
    # (refusals rendered as the proxy's outermost layer does)
    return store, app_mod.ErrorCatcher(staticweb.StaticWeb(store, store))


def test_index_redirects_and_error_pages_for_anonymous_readers():
    store, app = _site(Index='index.html', Error='error.html')
    moved = request(app, 'GET', '/site', environ={})
    assert moved.status_int == 301 and moved.location.endswith('/v1/AUTH_p1/site/')
    assert request(app, 'GET', '/site/', environ={}).body == b'<p>home</p>'
    assert request(app, 'GET', '/site/docs/', environ={}).body == b'<p>docs</p>'
    moved = request(app, 'GET', '/site/docs', environ={})
    assert moved.status_int == 301 and moved.location.endswith('/site/docs/')
    lost = request(app, 'GET', '/site/nothing', environ={})
    assert lost.status_int == 404 and lost.body == b'<p>lost</p>'
    # a token holder gets the API, unless asking for web mode
    assert request(app, 'GET', '/site/nothing').status_int == 404
    assert request(app, 'GET', '/site/nothing').body != b'<p>lost</p>'
    assert request(app, 'GET', '/site/nothing', headers={'X-Web-Mode': 'true'}
                   ).body == b'<p>lost</p>'


def test_listings_when_asked_for():
    store, app = _site(Listings='true', **{'Listings-Css': 'style.css'})
    page = request(app, 'GET', '/site/files/', environ={})
    assert page.status_int == 200 and page.content_type == 'text/html'
    assert b'a.txt' in page.body and b'b.txt' in page.body
    assert b'href="../style.css"' in page.body
    assert request(app, 'GET', '/site/none/', environ={}).status_int == 404
    # no web metadata: the API as it is
    store.containers['site'] = {}
    assert request(app, 'GET', '/site/files/', environ={}).status_int == 404


# -- account info cache ---------------------------------------------------------------
def test_account_info_is_kept_briefly_and_dropped_on_its_writes(monkeypatch):
    calls = []
    conf = types.SimpleNamespace(proxy=types.SimpleNamespace(account_info_ttl=10.0,
                                                             container_info_ttl=0))
    proxy = app_mod.ProxyApp.__new__(app_mod.ProxyApp)
    proxy.conf = conf
    proxy._kept = {}
    proxy._local = types.SimpleNamespace()

    class Backend:
        def read_first(self, ring, names, method, headers):
            calls.append(names)
            return backend.Response(204, {'X-Account-Bytes-Used': str(len(calls))})
    proxy.backend = Backend()
    clock = [100.0]
    monkeypatch.setattr(app_mod.time, 'monotonic', lambda: clock[0])
    for _ in range(3):
        assert proxy.info({}, 'AUTH_a').header('X-Account-Bytes-Used') == '1'
    assert calls == [('AUTH_a',)]
    proxy.info({}, 'AUTH_a', 'c')
    proxy.info({}, 'AUTH_a', 'c')          # container_info_ttl 0: per request only
    assert len(calls) == 3
    clock[0] += 11
    assert proxy.info({}, 'AUTH_a').header('X-Account-Bytes-Used') == '4'
    proxy.forget_info({}, 'AUTH_a')
    assert proxy.info({}, 'AUTH_a').header('X-Account-Bytes-Used') == '5'
    # fresh: read now, once per request (an account with a quota)
    env = {}
    assert proxy.info(env, 'AUTH_a', fresh=True).header('X-Account-Bytes-Used') == '6'
    assert proxy.info(env, 'AUTH_a', fresh=True).header('X-Account-Bytes-Used') == '6'
    assert proxy.info({}, 'AUTH_a').header('X-Account-Bytes-Used') == '6'
    conf.proxy.account_info_ttl = 0
    proxy.forget_info({}, 'AUTH_a')
    proxy.info({}, 'AUTH_a')
    proxy.info({}, 'AUTH_a')
    assert len(calls) == 8


def test_info_announces_the_new_features():
    from services.objectstore.proxy import middleware
    caps = middleware.capabilities(None)
    assert caps['symlink'] == {'symloop_max': 2, 'static_links': True}
    assert 'staticweb' in caps


def test_container_info_is_kept_briefly_and_dropped_on_writes(monkeypatch):
    calls = []
    conf = types.SimpleNamespace(proxy=types.SimpleNamespace(account_info_ttl=10.0,
                                                             container_info_ttl=5.0))
    proxy = app_mod.ProxyApp.__new__(app_mod.ProxyApp)
    proxy.conf = conf
    proxy._kept = {}
    proxy._local = types.SimpleNamespace()
    missing = set()

    class Backend:
        def read_first(self, ring, names, method, headers):
            calls.append(names)
            if names in missing:
                return backend.Response(404)
            return backend.Response(204, {'X-Container-Object-Count': str(len(calls))})
    proxy.backend = Backend()
    clock = [100.0]
    monkeypatch.setattr(app_mod.time, 'monotonic', lambda: clock[0])
    for _ in range(3):
        assert proxy.info({}, 'AUTH_a', 'c').header('X-Container-Object-Count') == '1'
    assert calls == [('AUTH_a', 'c')]
    clock[0] += 6                           # past the TTL: asked again
    assert proxy.info({}, 'AUTH_a', 'c').header('X-Container-Object-Count') == '2'
    proxy.forget_info({}, 'AUTH_a', 'c')   # a write to the container
    assert proxy.info({}, 'AUTH_a', 'c').header('X-Container-Object-Count') == '3'
    env = {}                                # fresh: once per request
    assert proxy.info(env, 'AUTH_a', 'c', fresh=True).header(
        'X-Container-Object-Count') == '4'
    assert proxy.info(env, 'AUTH_a', 'c', fresh=True).header(
        'X-Container-Object-Count') == '4'
    proxy.info({}, 'AUTH_a', 'd')
    proxy.forget_info({}, 'AUTH_a')        # a write to the account drops its containers
    proxy.info({}, 'AUTH_a', 'c')
    proxy.info({}, 'AUTH_a', 'd')
    assert len(calls) == 7
    # a missing container is not kept: created elsewhere, it is seen at once
    missing.add(('AUTH_a', 'e'))
    assert proxy.info({}, 'AUTH_a', 'e').status == 404
    missing.clear()
    assert proxy.info({}, 'AUTH_a', 'e').status == 204
