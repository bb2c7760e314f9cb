"""Dynamic large objects: ``X-Object-Manifest: <container>/<prefix>``.

A GET or HEAD of such a manifest answers with the concatenation of the
objects of ``<container>`` whose names start with ``<prefix>``, in listing
order (``segments``); its etag is the md5 of their etags, quoted.
``?multipart-manifest=get`` returns the manifest object itself.
"""

import hashlib
import json
import urllib.parse

import webob

from services.objectstore.proxy.middleware import segments as segments_mod
from services.objectstore.proxy.middleware import subrequest

HEADER = 'X-Object-Manifest'
PAGE = 10000


def capabilities(conf):
    return {'dlo': {'max_segments': 10000}}


class DynamicLargeObjects(subrequest.Module):

    def handle(self, req, account, container, obj):
        if obj is None:
            return self.passthrough(req)
        if req.method in ('PUT', 'POST', 'COPY') and HEADER in req.headers:
            value = req.headers[HEADER]
            if value.startswith('/') or '/' not in value or not value.split('/', 1)[0]:
                return webob.Response(
                    status=400, content_type='text/plain',
                    body=b'X-Object-Manifest must be in the format container/prefix')
        if req.method not in ('GET', 'HEAD') or \
                req.GET.get('multipart-manifest') == 'get':
            return self.passthrough(req)
        resp, manifest = segments_mod.read_manifest(self.app, req, HEADER, 'HEAD')
        if manifest is None:
            return resp
        seg_container, prefix = _split(manifest.headers[HEADER])
        rows = self._listing(req, account, seg_container, prefix)
        if isinstance(rows, webob.Response):
            return rows     # the segments' container refused its listing
        digest = hashlib.md5(usedforsecurity=False)
        segs = []
        for row in rows:
            digest.update(row['hash'].encode('ascii'))
            if row['bytes']:
                segs.append(segments_mod.Segment(seg_container, row['name'], 0, row['bytes'],
                                                 row['hash'], self.app))
        return segments_mod.response(req, dict(manifest.headers), segs, digest.hexdigest(),
                                     {HEADER: manifest.headers[HEADER]})

    def _listing(self, req, account, container, prefix):
        rows, marker = [], ''
        while True:
            resp = subrequest.call(self.app, req.environ, 'GET',
                                   subrequest.api_path(account, container),
                                   query={'format': 'json', 'prefix': prefix,
                                          'marker': marker, 'limit': PAGE})
            if resp.status_int in (204, 404):
                return rows
            if resp.status_int != 200:
                return resp
            page = json.loads(resp.body)
            rows.extend(r for r in page if 'name' in r)
            if len(page) < PAGE:
                return rows
            marker = page[-1].get('name', '')


def _split(value):
    container, _, prefix = urllib.parse.unquote(value).partition('/')
    return container, prefix
