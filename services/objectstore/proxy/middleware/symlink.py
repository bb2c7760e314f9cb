"""Symlinks: an object that names another (``X-Symlink-Target:
<container>/<object>``, optionally ``X-Symlink-Target-Account``).

A PUT with ``X-Symlink-Target`` (and an empty body) stores a link: the target
is kept as system metadata, the type is ``application/symlink`` unless one is
given.  With ``X-Symlink-Target-Etag`` it is a *static* link: the target must
exist with that ETag when the link is made (409 otherwise), its size is kept,
and a later read whose target's ETag differs is a 409.

A GET or HEAD of a link answers with its target (followed as the client, so
the target's container must let the client read; conditions and ``Range``
decided by the target), ``Content-Location`` naming it; a link to a link is
followed up to :data:`SYMLOOP_MAX` times (409 past that).  ``?symlink=get``
answers with the link itself, its target in ``X-Symlink-Target`` (and
``-Account``, ``-Etag``, ``-Bytes``).  POST and DELETE act on the link;
a copy of a link copies the link.
"""

import urllib.parse

import webob

from services.objectstore.common import metadata
from services.objectstore.common import paths
from services.objectstore.proxy.middleware import subrequest

TARGET = 'X-Symlink-Target'
TARGET_ACCOUNT = 'X-Symlink-Target-Account'
TARGET_ETAG = 'X-Symlink-Target-Etag'
TARGET_BYTES = 'X-Symlink-Target-Bytes'
#: client header -> the system metadata it is kept as
SYSMETA = {TARGET: 'X-Object-Sysmeta-Symlink-Target',
           TARGET_ACCOUNT: 'X-Object-Sysmeta-Symlink-Target-Account',
           TARGET_ETAG: 'X-Object-Sysmeta-Symlink-Target-Etag',
           TARGET_BYTES: 'X-Object-Sysmeta-Symlink-Target-Bytes'}
SYMLOOP_MAX = 2
CONTENT_TYPE = 'application/symlink'
#: request headers a followed read passes to the target
READ_HEADERS = ('Range', 'If-Match', 'If-None-Match', 'If-Modified-Since',
                'If-Unmodified-Since')


def capabilities(conf):
    return {'symlink': {'symloop_max': SYMLOOP_MAX, 'static_links': True}}


def _text(status, body):
    return webob.Response(status=status, content_type='text/plain', charset='utf-8',
                          body=body.encode('utf-8'))


def parse_target(value):
    """``(container, object)`` of an ``X-Symlink-Target`` value, or None."""
    text = urllib.parse.unquote(value or '')
    container, _, obj = text.partition('/')
    if not container or not obj:
        return None
    return container, obj


def link_of(headers):
    """``(account or None, container, object, etag or None)`` of an answer
    that is a link (its system metadata), else None."""
    target = headers.get(SYSMETA[TARGET])
    if not target:
        return None
    container, obj = parse_target(target)
    return (headers.get(SYSMETA[TARGET_ACCOUNT]) or None, container, obj,
            headers.get(SYSMETA[TARGET_ETAG]) or None)


class Symlinks(subrequest.Module):

    def handle(self, req, account, container, obj):
        if obj is None:
            return self.passthrough(req)
        if req.method == 'PUT' and TARGET in req.headers:
            return self._put(req, account)
        if req.method in ('POST', 'COPY') and TARGET in req.headers:
            return _text(400, 'A PUT request is required to set a symlink target')
        for name in (TARGET_ACCOUNT, TARGET_ETAG, TARGET_BYTES):
            if req.method in ('PUT', 'POST', 'COPY') and name in req.headers:
                return _text(400, '%s needs %s' % (name, TARGET))
        if req.method not in ('GET', 'HEAD'):
            return self.passthrough(req)
        resp = req.get_response(self.app)
        if req.GET.get('symlink') == 'get':
            return _shown(resp)
        link = link_of(resp.headers)
        if link is None and resp.status_int in (304, 412, 416):
            # decided against the link's own (empty) body: is it a link?
            head = subrequest.call(self.app, req.environ, 'HEAD', req.path,
                                   query={'symlink': 'get'}, source='symlink')
            link = link_of(head.headers) if head.status_int == 200 else None
        if link is None:
            return resp
        _drain(resp)
        return self._follow(req, account, link)

    # -- PUT ---------------------------------------------------------------------
    def _put(self, req, account):
        if req.content_length not in (None, 0) or (
                req.content_length is None and req.body_file.read(1)):
            return _text(400, 'Symlink requests require a zero byte body')
        target = parse_target(req.headers[TARGET])
        if target is None:
            return _text(412, 'X-Symlink-Target header must be of the form '
                              '<container name>/<object name>')
        target_account = req.headers.get(TARGET_ACCOUNT) or None
        if target_account is not None and '/' in target_account:
            return _text(412, 'Account name cannot contain slashes')
        try:
            paths.check_names(target_account or account, *target)
        except paths.BadPath as exc:
            return _text(412, str(exc))
        sysmeta = {SYSMETA[TARGET]: paths.quote('/'.join(target))}
        if target_account:
            sysmeta[SYSMETA[TARGET_ACCOUNT]] = target_account
        if TARGET_ETAG in req.headers:
            wanted = req.headers[TARGET_ETAG].strip().strip('"')
            head = subrequest.call(self.app, req.environ, 'HEAD', subrequest.api_path(
                target_account or account, *target), query={'symlink': 'get'},
                source='symlink')
            if head.status_int == 404:
                return _text(409, 'X-Symlink-Target does not exist')
            if head.status_int // 100 != 2:
                return _text(head.status_int, 'X-Symlink-Target could not be read')
            if link_of(head.headers) is not None:
                return _text(409, 'X-Symlink-Target-Etag cannot name a symlink')
            etag = (head.headers.get('Etag') or '').strip('"')
            if etag != wanted:
                return _text(409, 'Object Etag %r does not match X-Symlink-Target-Etag '
                                  'header %r' % (etag, wanted))
            sysmeta[SYSMETA[TARGET_ETAG]] = etag
            sysmeta[SYSMETA[TARGET_BYTES]] = head.headers.get('Content-Length', '0')
        for name in SYSMETA:
            req.headers.pop(name, None)
        req.headers.update(sysmeta)
        if not metadata.sent_content_type(req.environ):
            req.headers['Content-Type'] = CONTENT_TYPE
            if req.environ.get('headers_raw') is not None:   # (what the server was sent)
                req.environ['headers_raw'] = tuple(req.environ['headers_raw']) + (
                    ('Content-Type', CONTENT_TYPE),)
        req.headers['Content-Length'] = '0'
        req.body = b''
        resp = req.get_response(self.app)
        if resp.status_int == 201 and SYSMETA[TARGET_ETAG] in sysmeta:
            resp.headers[TARGET_ETAG] = sysmeta[SYSMETA[TARGET_ETAG]]
            resp.headers[TARGET_BYTES] = sysmeta[SYSMETA[TARGET_BYTES]]
        return resp

    # -- GET / HEAD --------------------------------------------------------------
    def _follow(self, req, account, link):
        headers = {k: req.headers[k] for k in READ_HEADERS if k in req.headers}
        query = {k: v for k, v in req.GET.items() if k == 'multipart-manifest'}
        for _ in range(SYMLOOP_MAX + 1):
            target_account, container, obj, etag = link
            target_account = target_account or account
            location = subrequest.api_path(target_account, container, obj)
            resp = subrequest.call(self.app, req.environ, req.method, location, headers,
                                   query=query, source='symlink')
            resp.headers['Content-Location'] = location
            if etag is not None and resp.status_int in (200, 206) and \
                    (resp.headers.get('Etag') or '').strip('"') != etag:
                _close(resp)
                return _text(409, 'Object Etag %r does not match X-Symlink-Target-Etag '
                                  'header %r' % ((resp.headers.get('Etag') or '').strip('"'),
                                                 etag))
            following = link_of(resp.headers) if resp.status_int in (200, 206) else None
            if following is None:
                return resp
            _drain(resp)
            link, account = following, target_account
        return _text(409, 'Too many levels of symbolic links, maximum allowed is %d'
                     % SYMLOOP_MAX)


def _shown(resp):
    """The link itself: its target as the client's headers."""
    for name, kept in SYSMETA.items():
        if kept in resp.headers:
            value = resp.headers[kept]
            resp.headers[name] = value
    return resp


def _close(resp):
    close = getattr(resp.app_iter, 'close', None)
    if close is not None:
        close()


def _drain(resp):
    """Read a link's (empty) body to its end, which frees its connection."""
    for _ in resp.app_iter:
        pass
    _close(resp)
