"""Versioned writes: a container's ``X-Versions-Location`` (stack mode) or
``X-History-Location`` (history mode) names the container that keeps the
older versions of its objects.

Before an object is overwritten its current version is copied to
``<archive>/<3-hex-digit length of the name><name>/<timestamp>``.  A DELETE
in stack mode puts the newest archived version back (and removes it from
the archive); with none left it deletes the object.  In history mode a
DELETE archives the current version, leaves a delete marker
(``application/x-deleted;swift_versions_deleted=1``) and deletes the object.
"""

import json
import urllib.parse

import webob

from services.objectstore.common import timestamp
from services.objectstore.proxy.middleware import subrequest

STACK = 'X-Versions-Location'
HISTORY = 'X-History-Location'
SOURCE = 'versioned_writes'
DELETE_MARKER = 'application/x-deleted;swift_versions_deleted=1'


def capabilities(conf):
    return {'versioned_writes': {'allowed_flags': [STACK, HISTORY]}}


def _text(status, message):
    return webob.Response(status=status, content_type='text/plain', charset='utf-8',
                          body=message.encode('utf-8'))


def archive_prefix(obj):
    return '%03x%s/' % (len(obj.encode('utf-8')), obj)


class VersionedWrites(subrequest.Module):

    def handle(self, req, account, container, obj):
        if container is not None and obj is None and req.method in ('PUT', 'POST'):
            refusal = self._container_change(req)
            if refusal is not None:
                return refusal
            return self.passthrough(req)
        if obj is None or req.environ.get('objectstore.source') == SOURCE or \
                req.method not in ('PUT', 'DELETE', 'COPY'):
            return self.passthrough(req)
        if req.method == 'COPY':
            dest = subrequest.segment_path(req.headers.get('Destination', ''))
            if dest is None:
                return self.passthrough(req)
            container, obj = dest
        info = self.proxy.info(req.environ, account, container)
        if info.status // 100 != 2:
            return self.passthrough(req)
        stack, history = info.header(STACK), info.header(HISTORY)
        location = urllib.parse.unquote(stack or history or '')
        if not location:
            return self.passthrough(req)
        if req.method in ('PUT', 'COPY'):
            failed = self._archive(req, account, container, obj, location)
            return failed or req.get_response(self.app)
        if stack:
            return self._restore(req, account, container, obj, location)
        failed = self._archive(req, account, container, obj, location)
        if failed:
            return failed
        marker = subrequest.call(
            self.app, req.environ, 'PUT',
            subrequest.api_path(account, location, archive_prefix(obj) + timestamp.now()),
            {'Content-Type': DELETE_MARKER}, b'', source=SOURCE)
        if marker.status_int // 100 != 2:
            return marker
        return self.passthrough(req)

    @staticmethod
    def _container_change(req):
        sent = {name: req.headers.get(name) for name in (STACK, HISTORY)}
        if sent[STACK] and sent[HISTORY]:
            return _text(400, 'Only one of %s or %s may be specified' % (STACK, HISTORY))
        for name, value in sent.items():
            if value and '/' in urllib.parse.unquote(value).strip('/'):
                return _text(412, 'Container name cannot contain slashes')
            if value:
                other = HISTORY if name == STACK else STACK
                req.headers[other] = ''      # one mode at a time, as Swift keeps it
        return None

    def _archive(self, req, account, container, obj, location):
        """Copy the current version into the archive (None when done or when
        there is none); the failed answer otherwise."""
        current = subrequest.call(self.app, req.environ, 'HEAD',
                                  subrequest.api_path(account, container, obj),
                                  query={'multipart-manifest': 'get'}, source=SOURCE)
        if current.status_int == 404:
            return None
        if current.status_int // 100 != 2:
            return current
        stamp = timestamp.normalize(current.headers.get('X-Timestamp') or timestamp.now())
        copy = subrequest.call(
            self.app, req.environ, 'PUT',
            subrequest.api_path(account, location, archive_prefix(obj) + stamp),
            {'X-Copy-From': subrequest.copy_source(container, obj)}, b'',
            source=SOURCE)
        if copy.status_int == 404:
            return _text(412, 'The versions container %s does not exist' % location)
        if copy.status_int // 100 != 2:
            return copy
        return None

    def _restore(self, req, account, container, obj, location):
        listing = subrequest.call(
            self.app, req.environ, 'GET', subrequest.api_path(account, location),
            query={'format': 'json', 'prefix': archive_prefix(obj), 'reverse': 'on',
                   'limit': 100}, source=SOURCE)
        rows = json.loads(listing.body) if listing.status_int == 200 else []
        rows = [r for r in rows if r.get('content_type') != DELETE_MARKER]
        if not rows:
            return self.passthrough(req)
        newest = rows[0]['name']
        back = subrequest.call(
            self.app, req.environ, 'PUT', subrequest.api_path(account, container, obj),
            {'X-Copy-From': subrequest.copy_source(location, newest)}, b'',
            source=SOURCE)
        if back.status_int // 100 != 2:
            return back
        gone = subrequest.call(self.app, req.environ, 'DELETE',
                               subrequest.api_path(account, location, newest), source=SOURCE)
        if gone.status_int // 100 != 2 and gone.status_int != 404:
            return gone
        return webob.Response(status=204)
