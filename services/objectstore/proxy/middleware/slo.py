"""Static large objects: a manifest object that lists its segments.

``PUT ?multipart-manifest=put`` takes a JSON list of ``{"path":
"/container/object", "etag", "size_bytes", "range"}``; every segment is
checked (it exists, its etag and size match when given, its range fits) and
a bad one gets 400 with Swift's list of errors.  The manifest is stored as
the object's body, marked ``X-Static-Large-Object: True``, with the whole's
etag (the md5 of the segments' etags) and size as system metadata.

GET and HEAD answer with the whole (``segments``); ``?multipart-manifest=get``
returns the stored manifest (``&format=raw``: as it was put);
``DELETE ?multipart-manifest=delete`` deletes the segments, then the manifest.
"""

import hashlib
import json

import webob

from services.objectstore.common import conditions
from services.objectstore.proxy.middleware import bulk
from services.objectstore.proxy.middleware import segments as segments_mod
from services.objectstore.proxy.middleware import subrequest

FLAG = 'X-Static-Large-Object'
ETAG = 'X-Object-Sysmeta-Slo-Etag'
SIZE = 'X-Object-Sysmeta-Slo-Size'
MAX_SEGMENTS = 1000
MAX_MANIFEST_SIZE = 8 * 1024 * 1024
KEYS = {'path', 'etag', 'size_bytes', 'range'}
MAX_DEPTH = 10


def capabilities(conf):
    return {'slo': {'max_manifest_segments': MAX_SEGMENTS,
                    'max_manifest_size': MAX_MANIFEST_SIZE, 'min_segment_size': 1,
                    'yield_frequency': 10, 'allow_async_delete': False}}


def _true(value):
    return str(value or '').lower() in ('1', 'true', 'yes', 'on', 't', 'y')


def _bad(text, status=400):
    return webob.Response(status=status, content_type='text/plain', charset='utf-8',
                          body=text.encode('utf-8'))


def slo_etag(entries):
    digest = hashlib.md5(usedforsecurity=False)
    for entry in entries:
        digest.update(entry['hash'].strip('"').encode('ascii'))
        if entry.get('range'):
            digest.update((':%s;' % entry['range']).encode('ascii'))
    return digest.hexdigest()


def _parse_range(text, size):
    """``(start, stop)`` of a segment's ``range`` ("a-b", "a-", "-n")."""
    span = conditions.byte_range('bytes=%s' % text, size)
    if span is None or span == 'unsatisfiable':
        return None
    return span


class StaticLargeObjects(subrequest.Module):

    def handle(self, req, account, container, obj):
        if obj is None:
            return self.passthrough(req)
        mode = req.GET.get('multipart-manifest')
        if req.method == 'PUT' and mode == 'put':
            return self._put(req, account)
        if req.method in ('PUT', 'POST', 'COPY') and FLAG in req.headers:
            return _bad('X-Static-Large-Object is a reserved header. To create a static '
                        'large object add query param multipart-manifest=put.')
        if req.method in ('GET', 'HEAD') and mode != 'get':
            return self._read(req, account)
        elif req.method in ('GET', 'HEAD') and mode == 'get':
            resp = req.get_response(self.app)
            if _true(resp.headers.get(FLAG)) and resp.status_int == 200:
                if req.GET.get('format') == 'raw' and req.method == 'GET':
                    resp.body = json.dumps(_as_put(json.loads(resp.body))).encode('utf-8')
                    del resp.headers['Etag']
                resp.content_type = 'application/json'
                resp.charset = 'utf-8'
            return resp
        elif req.method == 'DELETE' and mode == 'delete':
            return self._delete(req, account, container, obj)
        return self.passthrough(req)

    # -- PUT ?multipart-manifest=put ---------------------------------------------
    def _put(self, req, account):
        if req.content_length is not None and req.content_length > MAX_MANIFEST_SIZE:
            return _bad('Manifest File > %d bytes' % MAX_MANIFEST_SIZE, 413)
        raw = req.body_file.read(MAX_MANIFEST_SIZE + 1)
        if len(raw) > MAX_MANIFEST_SIZE:
            return _bad('Manifest File > %d bytes' % MAX_MANIFEST_SIZE, 413)
        try:
            listed = json.loads(raw)
        except ValueError:
            return _bad('Manifest must be valid JSON.\n')
        if not isinstance(listed, list) or not listed:
            return _bad('Manifest must be a list of segments.\n')
        if len(listed) > MAX_SEGMENTS:
            return _bad('Too many segments; max %d\n' % MAX_SEGMENTS, 413)
        problems = []
        for index, item in enumerate(listed):
            problem = _check_item(item)
            if problem:
                problems.append('Index %d: %s' % (index, problem))
        if problems:
            return _bad('\n'.join(problems) + '\n')
        entries, errors = [], []
        for item in listed:
            entry, error = self._segment(req, account, item)
            if error:
                errors.append((item['path'], error))
            else:
                entries.append(entry)
        if errors:
            return self._errors(req, errors)
        etag = slo_etag(entries)
        sent = req.headers.get('Etag', '').strip('"')
        if sent and sent != etag:
            return _bad('Unprocessable Entity', 422)
        headers = {k: v for k, v in req.headers.items()
                   if k.lower().startswith('x-object-meta-') or k.lower() in (
                       'content-type', 'content-encoding', 'content-disposition',
                       'x-delete-at', 'x-delete-after', 'cache-control', 'expires',
                       'content-language')}
        headers.update({FLAG: 'True', ETAG: etag,
                        SIZE: str(sum(e['stop'] - e['start'] for e in entries))})
        for entry in entries:
            del entry['start'], entry['stop']
        resp = subrequest.call(self.app, req.environ, 'PUT', req.path, headers,
                               json.dumps(entries).encode('utf-8'))
        if resp.status_int == 201:
            resp.headers['Etag'] = '"%s"' % etag
        return resp

    def _segment(self, req, account, item):
        names = subrequest.segment_path(item['path'])
        head = subrequest.call(self, req.environ, 'HEAD',
                               subrequest.api_path(account, *names))
        if head.status_int // 100 != 2:
            return None, head.status
        sub_slo = _true(head.headers.get(FLAG))
        size = int(head.headers.get('Content-Length') or 0)
        etag = (head.headers.get('Etag') or '').strip('"')
        if item.get('etag') and item['etag'].strip('"') != etag:
            return None, 'Etag Mismatch'
        if item.get('size_bytes') is not None and int(item['size_bytes']) != size:
            return None, 'Size Mismatch'
        start, stop = 0, size
        if item.get('range'):
            span = _parse_range(item['range'], size)
            if span is None:
                return None, 'Unsatisfiable Range'
            start, stop = span
        if stop - start < 1:
            return None, 'Too small; each segment must be at least 1 byte.'
        entry = {'name': '/%s/%s' % names, 'bytes': size, 'hash': etag,
                 'content_type': head.headers.get('Content-Type', ''),
                 'last_modified': head.headers.get('Last-Modified', ''),
                 'start': start, 'stop': stop}
        if item.get('range'):
            entry['range'] = '%d-%d' % (start, stop - 1)
        if sub_slo:
            entry['sub_slo'] = True
        return entry, None

    @staticmethod
    def _errors(req, errors):
        if 'json' in req.headers.get('Accept', ''):
            body = json.dumps({'Errors': [list(e) for e in errors],
                               'Response Status': '400 Bad Request', 'Response Body': ''})
            return webob.Response(status=400, content_type='application/json',
                                  body=body.encode('utf-8'))
        return _bad('Errors:\n' + ''.join('%s, %s\n' % e for e in errors))

    # -- GET / HEAD -------------------------------------------------------------------
    def _read(self, req, account):
        resp, manifest = segments_mod.read_manifest(self.app, req, FLAG, 'GET')
        if manifest is None:
            return resp
        depth = req.environ.get('objectstore.slo_depth', 0)
        if depth >= MAX_DEPTH:
            return _bad('Max recursion depth exceeded on a static large object', 409)
        try:
            entries = json.loads(manifest.body)
        except ValueError:
            return _bad('Unable to load the manifest of a static large object', 500)
        req.environ['objectstore.slo_depth'] = depth + 1
        segs = []
        for entry in entries:
            names = subrequest.segment_path(entry['name'])
            start, stop = 0, int(entry['bytes'])
            if entry.get('range'):
                start, stop = _parse_range(entry['range'], stop) or (0, 0)
            segs.append(segments_mod.Segment(
                names[0], names[1], start, stop,
                None if entry.get('sub_slo') else entry.get('hash'),
                self if entry.get('sub_slo') else self.app))
        etag = manifest.headers.get(ETAG) or slo_etag(entries)
        headers = dict(manifest.headers)
        return segments_mod.response(req, headers, segs, etag, {FLAG: 'True'})

    # -- DELETE ?multipart-manifest=delete ------------------------------------------
    def _delete(self, req, account, container, obj):
        manifest = subrequest.call(self.app, req.environ, 'GET', req.path,
                                   query=segments_mod.MANIFEST_GET)
        if manifest.status_int != 200:
            return manifest
        if not _true(manifest.headers.get(FLAG)):
            return _bad('Not an SLO manifest')
        deleted, not_found, errors = 0, 0, []
        for entry in json.loads(manifest.body):
            names = subrequest.segment_path(entry['name'])
            query = {'multipart-manifest': 'delete'} if entry.get('sub_slo') else None
            resp = subrequest.call(self, req.environ, 'DELETE',
                                   subrequest.api_path(account, *names), query=query)
            if resp.status_int // 100 == 2:
                deleted += 1
            elif resp.status_int == 404:
                not_found += 1
            else:
                errors.append((entry['name'], resp.status))
        resp = subrequest.call(self.app, req.environ, 'DELETE', req.path)
        if resp.status_int // 100 == 2:
            deleted += 1
        elif resp.status_int == 404:
            not_found += 1
        else:
            errors.append(('/%s/%s' % (container, obj), resp.status))
        status = '400 Bad Request' if errors else '200 OK'
        return bulk.summary(req, {'Number Deleted': deleted, 'Number Not Found': not_found,
                                  'Response Body': '', 'Response Status': status}, errors,
                            'delete')

def _as_put(entries):
    """A stored manifest as the client sent it (``format=raw``)."""
    out = []
    for entry in entries:
        item = {'path': entry['name'], 'etag': entry['hash'], 'size_bytes': entry['bytes']}
        if entry.get('range'):
            item['range'] = entry['range']
        out.append(item)
    return out


def _check_item(item):
    if not isinstance(item, dict):
        return 'not a segment description'
    extra = set(item) - KEYS
    if extra:
        return 'extraneous keys "%s"' % '", "'.join(sorted(extra))
    if not isinstance(item.get('path'), str) or subrequest.segment_path(item['path']) is None:
        return 'path does not refer to an object. Path must be of the form /container/object.'
    size = item.get('size_bytes')
    if size is not None and (isinstance(size, bool) or not str(size).isdigit()):
        return 'invalid size_bytes'
    if item.get('etag') is not None and not isinstance(item['etag'], str):
        return 'invalid etag'
    if item.get('range') is not None and not isinstance(item['range'], str):
        return 'invalid range'
    return None
