"""What static and dynamic large objects share: answering a GET or HEAD
with the concatenation of their segments (conditions and ``Range``,
one or several, decided against the whole), fetched one after the other as the client.

A segment is ``Segment(container, obj, start, stop, etag)``: the bytes
``[start, stop)`` of that object; ``etag`` (when known) is checked against
the segment's answer when the whole segment is read.
"""

import collections

import webob
from oslo_log import log as logging

from services.objectstore.common import byteranges
from services.objectstore.common import conditions
from services.objectstore.proxy.middleware import subrequest

LOG = logging.getLogger(__name__)
Segment = collections.namedtuple('Segment', 'container obj start stop etag app')

#: headers of the manifest's answer the whole does not keep
NOT_KEPT = ('content-length', 'etag', 'content-range', 'accept-ranges')
MANIFEST_GET = {'multipart-manifest': 'get'}


def is_large(app, req, resp, header):
    """Whether the object answered ``resp`` is a large object (marked by
    ``header``).  An object server's 304, 412 or 416 (decided against the
    manifest's own body) carries no metadata: ask again without conditions."""
    if resp.status_int in (200, 206):
        return header in resp.headers
    if resp.status_int not in (304, 412, 416):
        return False
    head = subrequest.call(app, req.environ, 'HEAD', req.path, query=MANIFEST_GET)
    return head.status_int == 200 and header in head.headers


def read_manifest(app, req, header, method):
    """``(answer, None)`` when the request's object is not a large object (or
    its manifest cannot be read), else ``(None, manifest)``: the manifest's
    own answer to ``method``, without the client's conditions and range."""
    resp = req.get_response(app)
    if not is_large(app, req, resp, header):
        return resp, None
    manifest = subrequest.call(app, req.environ, method, req.path, query=MANIFEST_GET)
    if manifest.status_int != 200:
        return manifest, None
    return None, manifest


def response(req, manifest_headers, segments, etag, extra=None):
    """The client's answer for a large object: ``manifest_headers`` (the
    manifest's own answer) with the whole's length and quoted ``etag``."""
    total = sum(s.stop - s.start for s in segments)
    extra = extra or {}
    replaced = NOT_KEPT + tuple(k.lower() for k in extra)
    headers = [(k, v) for k, v in manifest_headers.items() if k.lower() not in replaced]
    headers += list(extra.items())
    headers += [('Etag', '"%s"' % etag), ('Accept-Ranges', 'bytes')]
    timestamp = manifest_headers.get('X-Timestamp') or '0'
    status = conditions.precondition_status(req.headers, req.method, etag, timestamp)
    if status is not None:
        resp = webob.Response(status=status)
        resp.headerlist = headers + [('Content-Length', '0')]
        return resp
    spans = byteranges.parse(req.headers.get('Range'), total)
    if spans == 'unsatisfiable':
        resp = webob.Response(status=416, content_type='text/plain')
        resp.headerlist = headers + [('Content-Range', 'bytes */%d' % total)]
        resp.body = b'' if req.method == 'HEAD' else b'Requested Range Not Satisfiable'
        return resp
    if spans is not None and len(spans) > 1:
        part_type = next((v for k, v in headers if k.lower() == 'content-type'), None)
        body = byteranges.Multipart(spans, total, part_type,
                                    lambda a, b: _body(req.environ, segments, a, b))
        resp = webob.Response(status=206)
        if req.method == 'GET':
            resp.app_iter = body
        resp.headerlist = [(k, v) for k, v in headers if k.lower() != 'content-type'] + [
            ('Content-Type', body.content_type),
            ('Content-Length', str(body.content_length))]
        return resp
    start, stop = spans[0] if spans else (0, total)
    resp = webob.Response(status=206 if spans else 200)
    if req.method == 'GET':
        resp.app_iter = _body(req.environ, segments, start, stop)
    resp.headerlist = headers + [('Content-Length', str(stop - start))]
    if spans:
        resp.headerlist.append(('Content-Range', byteranges.content_range(start, stop, total)))
    return resp


def _body(environ, segments, start, stop):
    """The bytes ``[start, stop)`` of the whole."""
    offset = 0
    for seg in segments:
        length = seg.stop - seg.start
        first, last = max(start - offset, 0), min(stop - offset, length)
        offset += length
        if first >= last:
            continue
        whole = first == 0 and last == length and seg.start == 0
        headers = {} if whole else {'Range': 'bytes=%d-%d' % (seg.start + first,
                                                              seg.start + last - 1)}
        resp = subrequest.call(seg.app, environ, 'GET',
                               subrequest.api_path(*_names(environ, seg)), headers,
                               query=MANIFEST_GET)
        if resp.status_int not in (200, 206):
            LOG.error('Segment /%s/%s of a large object answered %s', seg.container,
                      seg.obj, resp.status)
            return
        if whole and seg.etag and resp.etag and resp.etag.strip('"') != seg.etag:
            LOG.error('Segment /%s/%s of a large object changed (etag %s, not %s)',
                      seg.container, seg.obj, resp.etag, seg.etag)
            return
        yield from resp.app_iter


def _names(environ, seg):
    account, _, _ = subrequest.split(environ)
    return account, seg.container, seg.obj
