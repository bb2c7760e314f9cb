"""Image data: streamed upload, staging, import and ranged download.

Data never sits in memory whole: the request body is read ``chunk_size``
bytes at a time and handed to the store, which writes each chunk before the
next is read; meanwhile the md5 (``checksum``) and sha512 (``os_hash_value``)
of that chunk run in two OS threads (``pipeline.ParallelDigests``).
The status moves queued -> saving -> active; any failure part-way puts the
image back to ``queued`` and leaves no data behind: the store removes what
it wrote when the stream fails, and :func:`_finish` removes the stored data
when anything after the write fails (hashes, the status change, a delete
that raced the upload).
"""

import struct

from oslo_log import log as logging

from common import exception as common_exc
from services.image import exception
from services.image import formats
from services.image import pipeline
from services.image import webfetch
from services.image.db import api as db_api

LOG = logging.getLogger(__name__)

HASH_ALGO = 'sha512'
QCOW2_MAGIC = b'QFI\xfb'
_HEADER_BYTES = 32


class HashingReader:
    """Iterates a request body in chunks, counting, hashing and capping it."""

    def __init__(self, source, chunk_size, size_cap, expected_length=None, inspector=None):
        self.source = source
        self.inspector = inspector
        self.chunk_size = chunk_size
        self.size_cap = size_cap
        self.expected_length = expected_length
        self.size = 0
        self.header = b''
        self._digests = pipeline.ParallelDigests(('md5', HASH_ALGO))

    def _read(self):
        if hasattr(self.source, 'read'):
            while True:
                want = self.chunk_size
                if self.expected_length is not None:
                    want = min(want, self.expected_length - self.size)
                    if want <= 0:
                        return
                chunk = self.source.read(want)
                if not chunk:
                    return
                yield chunk
        else:
            yield from self.source

    def __iter__(self):
        try:
            for chunk in self._read():
                self.size += len(chunk)
                if self.size > self.size_cap:
                    raise exception.ImageSizeLimitExceeded(cap=self.size_cap)
                if len(self.header) < _HEADER_BYTES:
                    self.header += chunk[:_HEADER_BYTES - len(self.header)]
                # digests run in OS threads while the store writes the chunk
                # and the next one is read from the socket
                if self.inspector is not None:
                    self.inspector.feed(chunk)  # may refuse before the store writes it
                self._digests.update(chunk)
                yield chunk
        finally:
            self._digests.finish()
        if self.expected_length is not None and self.size < self.expected_length:
            raise exception.UploadIncomplete(received=self.size,
                                             expected=self.expected_length)
        if self.inspector is not None:
            self.inspector.verdict()

    def virtual_size(self, disk_format):
        if self.inspector is not None:
            return self.inspector.virtual_size
        if disk_format == 'raw':
            return self.size
        if disk_format == 'qcow2' and self.header[:4] == QCOW2_MAGIC \
                and len(self.header) >= 32:
            size = struct.unpack('>Q', self.header[24:32])[0]
            return size if size <= formats.VIRTUAL_SIZE_MAX else None
        return None

    def results(self, disk_format):
        md5, sha = self._digests.hexdigests()
        return {'size': self.size, 'checksum': md5,
                'os_hash_algo': HASH_ALGO, 'os_hash_value': sha,
                'virtual_size': self.virtual_size(disk_format)}


def _inspector(conf, image):
    if not conf.image.require_image_format_match:
        return None
    return formats.Inspector(image['disk_format'])


def _check_declared_length(conf, content_length):
    if content_length is not None and content_length > conf.image.image_size_cap:
        raise exception.ImageSizeLimitExceeded(cap=conf.image.image_size_cap)


def _require_formats(image, action):
    missing = [k for k in ('disk_format', 'container_format') if not image.get(k)]
    if missing:
        raise common_exc.BadRequest(
            reason='Properties %s must be set prior to %s.' % (', '.join(missing), action))


def _restore(image_id, status, exc):
    LOG.warning('Data for image %s failed part-way (%s); status back to %s',
                image_id, type(exc).__name__, status)
    try:
        db_api.image_update(image_id, {'status': status})
    except exception.ImageNotFound:
        pass


def _store_stream(store, image, reader, restore_status):
    """Write ``reader`` to ``store``; on failure put the image back in ``restore_status``."""
    try:
        return store.add(image['id'], reader)
    except BaseException as exc:
        _restore(image['id'], restore_status, exc)
        if isinstance(exc, (OSError, ValueError)) and not isinstance(exc, common_exc.AltoError):
            # eventlet reports a dropped client as an I/O or parse error
            raise common_exc.BadRequest(reason='the image data could not be read: %s' % exc)
        raise


def _finish(store, image, location, results, expected_status, restore_status):
    """Activate the image on the data at ``location``; if that fails, the data
    goes and the image is back in ``restore_status``."""
    try:
        values = dict(results(), location=location, status='active')
        return db_api.image_update(image['id'], values, expected_status=expected_status)
    except BaseException as exc:
        store.delete(location)
        if not isinstance(exc, exception.InvalidStatusTransition):
            # a transition lost to someone else (a delete, a reset) is theirs to keep
            _restore(image['id'], restore_status, exc)
        raise


def upload(conf, store, image, body, content_length=None):
    """``PUT /v2/images/{id}/file``."""
    _require_formats(image, 'saving data')
    if image['status'] != 'queued':
        raise exception.InvalidStatusTransition(current=image['status'], target='saving')
    _check_declared_length(conf, content_length)
    db_api.image_update(image['id'], {'status': 'saving'}, expected_status='queued')
    reader = HashingReader(body, conf.image.chunk_size, conf.image.image_size_cap,
                           content_length, inspector=_inspector(conf, image))
    location, _ = _store_stream(store, image, reader, 'queued')
    return _finish(store, image, location, lambda: reader.results(image['disk_format']),
                   'saving', 'queued')


def stage(conf, staging, image, body, content_length=None):
    """``PUT /v2/images/{id}/stage``: keep the data aside for a later import."""
    if image['status'] != 'queued':
        raise exception.InvalidStatusTransition(current=image['status'], target='uploading')
    _check_declared_length(conf, content_length)
    db_api.image_update(image['id'], {'status': 'uploading'}, expected_status='queued')
    reader = HashingReader(body, conf.image.chunk_size, conf.image.image_size_cap,
                           content_length)
    _store_stream(staging, image, reader, 'queued')
    return db_api.image_update(image['id'], {'size': reader.size})


def import_staged(conf, store, staging, image):
    """``POST /v2/images/{id}/import`` with ``glance-direct``."""
    _require_formats(image, 'import')
    if image['status'] != 'uploading':
        raise common_exc.Conflict(
            reason='Image status must be uploading to import staged data, not %s'
                   % image['status'])
    staged = staging.location_for(image['id'])
    if not staging.exists(staged):
        raise common_exc.Conflict(reason='no data is staged for image %s' % image['id'])
    db_api.image_update(image['id'], {'status': 'importing'}, expected_status='uploading')
    reader = HashingReader(staging.get(staged, chunk_size=conf.image.chunk_size),
                           conf.image.chunk_size, conf.image.image_size_cap,
                           inspector=_inspector(conf, image))
    location, _ = _store_stream(store, image, reader, 'uploading')
    image = _finish(store, image, location, lambda: reader.results(image['disk_format']),
                    'importing', 'uploading')
    staging.delete(staged)
    return image


def start_web_download(conf, image, uri):
    """``POST .../import`` with ``web-download``: check, then ``importing``.

    The fetch itself (:func:`web_download`) runs after the 202 is sent."""
    _require_formats(image, 'import')
    webfetch.check_uri(conf, uri)
    if image['status'] != 'queued':
        raise common_exc.Conflict(
            reason='Image status must be queued to import from a URI, not %s'
                   % image['status'])
    return db_api.image_update(image['id'], {'status': 'importing'}, expected_status='queued')


def web_download(conf, store, image, uri):
    """Fetch ``uri`` into the store as the image's data; on any failure the
    image is back to ``queued`` with nothing stored.  Returns the image."""
    try:
        resp, length = webfetch.open_uri(conf, uri)
    except BaseException as exc:
        _restore(image['id'], 'queued', exc)
        raise
    with resp:
        try:
            _check_declared_length(conf, length)
        except BaseException as exc:
            _restore(image['id'], 'queued', exc)
            raise
        reader = HashingReader(resp, conf.image.chunk_size, conf.image.image_size_cap,
                               length, inspector=_inspector(conf, image))
        location, _ = _store_stream(store, image, reader, 'queued')
    return _finish(store, image, location, lambda: reader.results(image['disk_format']),
                   'importing', 'queued')


def parse_range(header, size):
    """``Range: bytes=a-b`` -> ``(offset, length)``; None for no/ignored header."""
    if not header:
        return None
    unit, _, spec = header.partition('=')
    if unit.strip().lower() != 'bytes' or ',' in spec or '-' not in spec:
        raise exception.RangeNotSatisfiable(range=header, size=size or 0)
    first, _, last = (part.strip() for part in spec.partition('-'))
    try:
        if first == '':
            length = min(int(last), size)
            start = size - length
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
            length = end - start + 1
    except ValueError:
        raise exception.RangeNotSatisfiable(range=header, size=size)
    if start < 0 or start >= size or length <= 0:
        raise exception.RangeNotSatisfiable(range=header, size=size)
    return start, length
