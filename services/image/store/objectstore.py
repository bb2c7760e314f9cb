"""Image data as objects in the object store (Swift v1 API).

Each image lives in one container (``[store] objectstore_container``) of the
account of the image service's own project: the store authenticates with the
``[keystone_authtoken]`` service credentials and finds the storage URL as the
``object-store`` endpoint of that token's catalog.

Layout, for an image ``<id>``:

* up to ``objectstore_large_object_size`` bytes: the object ``<id>``;
* larger: the object ``<id>`` holds the first segment, ``<id>-00001``,
  ``<id>-00002``, ... the following ones (each of that size, the last one
  shorter), and ``<id>-manifest`` lists them in order (JSON: name, bytes,
  etag).  The manifest is written last, so it exists only for a complete
  image; the location points at it.  The object store has no SLO/DLO, so the
  manifest is ours and only this store reads it.

The location is ``swift+<scheme>://<host>/v1/<account>/<container>/<object>``;
reads and deletes take the container and object from it and reach them
through the current catalog endpoint.

Uploads stream: every object is a chunked PUT fed block by block from the
upload, so no more than a block is held at once.  If the upload fails (the
client, the size cap, the object store), every object of the image goes.
Errors map to the image API's faults: the object store (or identity) away is
a 503 (``StoreError``, sent with ``Retry-After``), a full store or refused
size a 413 (``StorageFull``), missing data ``ImageDataNotFound``.
"""

import json
import threading
import urllib.parse

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as logging

from services.image import exception
from services.image.store import base

LOG = logging.getLogger(__name__)
SCHEME = 'swift+'
MANIFEST_SUFFIX = '-manifest'
AUTH_GROUP = 'keystone_authtoken'
#: answers the object store gives when it cannot take more data
_FULL = (413, 507)
_LISTING_PAGE = 10000


def session_from_conf(conf):
    """A keystoneauth session with the image service's own credentials."""
    try:
        ks_loading.register_auth_conf_options(conf, AUTH_GROUP)
    except cfg.DuplicateOptError:
        pass  # keystonemiddleware registered them first
    auth = ks_loading.load_auth_from_conf_options(conf, AUTH_GROUP)
    if auth is None:
        raise exception.StoreError(reason='[keystone_authtoken] has no credentials for '
                                          'the object store')
    return ks_session.Session(auth=auth, timeout=conf.store.objectstore_timeout)


class _Source:
    """The upload cut into objects of at most ``limit`` bytes.

    An exception from the upload itself (a dropped client, the size cap) is
    kept in ``error``: the HTTP client may wrap it on its way out, and it is
    the one to report."""

    def __init__(self, chunks, limit):
        self._chunks = iter(chunks)
        self._limit = limit
        self._pending = b''
        self.error = None

    def _next(self):
        if self._pending:
            chunk, self._pending = self._pending, b''
            return chunk
        try:
            return next(self._chunks)
        except StopIteration:
            return None
        except BaseException as exc:
            self.error = exc
            raise

    def has_more(self):
        while not self._pending:
            chunk = self._next()
            if chunk is None:
                return False
            self._pending = chunk
        return True

    def piece(self):
        """Yield the next object's bytes (at most ``limit``)."""
        sent = 0
        while sent < self._limit:
            chunk = self._next()
            if chunk is None:
                return
            room = self._limit - sent
            if len(chunk) > room:
                chunk, self._pending = chunk[:room], chunk[room:]
            sent += len(chunk)
            if chunk:
                yield chunk


class ObjectStore(base.Store):

    scheme = SCHEME

    def __init__(self, conf, session=None):
        opts = conf.store
        self.container = opts.objectstore_container
        self.segment_size = opts.objectstore_large_object_size
        self.timeout = opts.objectstore_timeout
        self._filter = {'service_type': 'object-store',
                        'interface': list(opts.objectstore_interface)}
        region = opts.objectstore_region_name
        if region is None and AUTH_GROUP in conf:
            region = getattr(conf[AUTH_GROUP], 'region_name', None)
        if region:
            self._filter['region_name'] = region
        self._override = opts.objectstore_endpoint_override
        self._conf = conf
        self._session = session
        self._lock = threading.Lock()
        self._container_ready = False

    # -- plumbing ------------------------------------------------------------------------

    @property
    def session(self):
        with self._lock:
            if self._session is None:
                self._session = session_from_conf(self._conf)
            return self._session

    def _storage_url(self):
        if self._override:
            return self._override.rstrip('/')
        try:
            url = self.session.get_endpoint(**self._filter)
        except ks_exc.ClientException as exc:
            raise exception.StoreError(reason='no object store endpoint: %s' % exc)
        if not url:
            raise exception.StoreError(reason='no object-store endpoint in the catalog')
        return url.rstrip('/')

    def _request(self, method, path, **kwargs):
        url = '%s/%s' % (self._storage_url(), path)
        kwargs.setdefault('timeout', self.timeout)
        try:
            return self.session.request(url, method, raise_exc=False, log=False, **kwargs)
        except ks_exc.ClientException as exc:
            raise exception.StoreError(reason='the object store did not answer: %s'
                                              % type(exc).__name__)

    def _path(self, name):
        return '%s/%s' % (_quote(self.container), _quote(name))

    def _fail(self, resp, what, image_id=None):
        """The image fault for an object store error answer."""
        if resp.status_code == 404 and image_id is not None:
            return exception.ImageDataNotFound(image_id=image_id)
        if resp.status_code in _FULL:
            return exception.StorageFull()
        return exception.StoreError(reason='%s: the object store answered %d'
                                           % (what, resp.status_code))

    def _ensure_container(self):
        if self._container_ready:
            return
        resp = self._request('PUT', _quote(self.container))
        if resp.status_code not in (201, 202, 204):
            raise self._fail(resp, 'creating container %s' % self.container)
        self._container_ready = True

    def _parse(self, location):
        """``(container, object)`` of a location of this store."""
        if not location.startswith(SCHEME):
            raise exception.StoreError(reason='foreign location %s' % location)
        path = urllib.parse.urlsplit(location[len(SCHEME):]).path
        parts = path.lstrip('/').split('/', 3)
        if len(parts) != 4 or parts[0] != 'v1' or not parts[3]:
            raise exception.StoreError(reason='malformed location %s' % location)
        return urllib.parse.unquote(parts[2]), urllib.parse.unquote(parts[3])

    def _location(self, name):
        return SCHEME + '%s/%s' % (self._storage_url(), self._path(name))

    # -- the interface -------------------------------------------------------------------

    def location_for(self, image_id):
        return self._location(image_id)

    def add(self, image_id, chunks):
        source = _Source(chunks, self.segment_size)
        try:
            self._ensure_container()
            first = self._put(image_id, source)
            if not source.has_more():
                return self._location(image_id), first['bytes']
            segments = [first]
            while source.has_more():
                segments.append(self._put('%s-%05d' % (image_id, len(segments)), source))
            manifest = image_id + MANIFEST_SUFFIX
            resp = self._request('PUT', self._path(manifest), data=json.dumps(segments),
                                 headers={'Content-Type': 'application/json'})
            if resp.status_code != 201:
                raise self._fail(resp, 'writing manifest %s' % manifest)
        except BaseException as exc:
            self._remove_quietly(image_id)
            if source.error is not None and source.error is not exc:
                raise source.error from None
            raise
        return self._location(manifest), sum(s['bytes'] for s in segments)

    def _put(self, name, source):
        """One chunked PUT of the source's next piece; its manifest entry."""
        counted = [0]

        def body():
            for chunk in source.piece():
                counted[0] += len(chunk)
                yield chunk
        # No re-authentication and resend: the body is consumed once.  A token
        # refused mid-upload fails this upload and is renewed for the next.
        resp = self._request('PUT', self._path(name), data=body(), allow_reauth=False,
                             headers={'Content-Type': 'application/octet-stream'})
        if resp.status_code == 401:
            self.session.invalidate()
        if resp.status_code != 201:
            raise self._fail(resp, 'writing object %s' % name)
        return {'name': name, 'bytes': counted[0], 'etag': resp.headers.get('Etag', '')}

    def get(self, location, offset=0, length=None, chunk_size=65536):
        container, name = self._parse(location)
        image_id = _image_id(name)
        if not name.endswith(MANIFEST_SUFFIX):
            if length == 0:
                return iter(())
            return self._read(container, name, image_id, offset, length, chunk_size)
        resp = self._request('GET', '%s/%s' % (_quote(container), _quote(name)))
        if resp.status_code != 200:
            raise self._fail(resp, 'reading manifest %s' % name, image_id)
        try:
            segments = [(s['name'], int(s['bytes'])) for s in resp.json()]
        except (ValueError, KeyError, TypeError):
            raise exception.StoreError(reason='unreadable manifest %s' % name)
        total = sum(size for _, size in segments)
        end = total if length is None else min(total, offset + length)
        pieces = []
        start = 0
        for seg_name, size in segments:
            lo, hi = max(offset, start), min(end, start + size)
            if lo < hi:
                pieces.append((seg_name, lo - start, hi - lo))
            start += size
        if not pieces:
            return iter(())
        # the first segment is opened now: a missing image fails before the answer starts
        seg_name, seg_offset, seg_length = pieces[0]
        first = self._read(container, seg_name, image_id, seg_offset, seg_length, chunk_size)
        return self._chain(container, image_id, first, pieces[1:], chunk_size)

    def _chain(self, container, image_id, first, rest, chunk_size):
        yield from first
        for seg_name, seg_offset, seg_length in rest:
            yield from self._read(container, seg_name, image_id, seg_offset, seg_length,
                                  chunk_size)

    def _read(self, container, name, image_id, offset, length, chunk_size):
        headers = {}
        if offset or length is not None:
            last = '' if length is None else str(offset + length - 1)
            headers['Range'] = 'bytes=%d-%s' % (offset, last)
        resp = self._request('GET', '%s/%s' % (_quote(container), _quote(name)),
                             headers=headers, stream=True)
        if resp.status_code not in (200, 206):
            resp.close()
            raise self._fail(resp, 'reading object %s' % name, image_id)
        if headers and resp.status_code != 206:
            resp.close()
            raise exception.StoreError(reason='the object store ignored a Range')
        return _stream(resp, chunk_size)

    def delete(self, location):
        container, name = self._parse(location)
        if container != self.container:
            raise exception.StoreError(reason='location outside the store: %s' % location)
        self._remove(_image_id(name))

    def exists(self, location):
        container, name = self._parse(location)
        resp = self._request('HEAD', '%s/%s' % (_quote(container), _quote(name)))
        if resp.status_code in (200, 204):
            return True
        if resp.status_code == 404:
            return False
        raise self._fail(resp, 'looking up %s' % name)

    # -- removal -------------------------------------------------------------------------

    def _names(self, image_id):
        """Every object of ``image_id``: its data, segments and manifest."""
        names, marker = [], ''
        while True:
            resp = self._request('GET', _quote(self.container), params={
                'format': 'json', 'prefix': image_id, 'marker': marker,
                'limit': _LISTING_PAGE})
            if resp.status_code == 404:
                return names
            if resp.status_code not in (200, 204):
                raise self._fail(resp, 'listing %s' % self.container)
            page = [item['name'] for item in resp.json()] if resp.status_code == 200 else []
            names.extend(n for n in page if _image_id(n) == image_id)
            if len(page) < _LISTING_PAGE:
                return names
            marker = page[-1]

    def _remove(self, image_id):
        # the manifest first: a reader sees the whole image or none of it
        names = sorted(self._names(image_id), key=lambda n: not n.endswith(MANIFEST_SUFFIX))
        for name in names:
            resp = self._request('DELETE', self._path(name))
            if resp.status_code not in (204, 404):
                raise self._fail(resp, 'deleting %s' % name)

    def _remove_quietly(self, image_id):
        try:
            self._remove(image_id)
        except Exception as exc:
            LOG.warning('Could not remove the objects of failed upload %s: %s', image_id, exc)


def _image_id(name):
    """The image an object belongs to: ``<id>``, ``<id>-NNNNN``, ``<id>-manifest``."""
    if name.endswith(MANIFEST_SUFFIX):
        return name[:-len(MANIFEST_SUFFIX)]
    head, sep, tail = name.rpartition('-')
    if sep and len(tail) == 5 and tail.isdigit():
        return head
    return name


def _stream(resp, chunk_size):
    with resp:
        yield from resp.iter_content(chunk_size)


def _quote(name):
    return urllib.parse.quote(name, safe='')
