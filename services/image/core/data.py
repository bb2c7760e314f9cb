"""Image data: streamed upload, staging, import and ranged download.

Data never sits in memory whole: the body is read ``chunk_size`` bytes at a
time (``pipeline.HashingReader``) and handed to the store, which writes
each chunk before the next is read; meanwhile the md5 (``checksum``) and
sha512 (``os_hash_value``) of that chunk run in two OS threads.
The status moves queued -> saving -> active; any failure part-way puts the
image back to ``queued`` and leaves no data behind: the store removes what
it wrote when the stream fails, and :meth:`DataManager._finish` removes the
stored data when anything after the write fails (hashes, the status change,
a delete that raced the upload).
"""

import dataclasses

from oslo_log import log as logging

from common import exception as common_exc
from services.image import exception
from services.image import formats
from services.image import pipeline
from services.image import webfetch
from services.image.core import is_admin
from services.image.db import api as db_api

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class Download:
    """What ``GET .../file`` streams: ``length`` bytes from ``offset`` of an
    image of ``size`` bytes; ``partial`` when a ``Range`` asked for them."""
    blocks: object
    offset: int
    length: int
    size: int
    checksum: str
    partial: bool


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
        if isinstance(exc, exception.StorageFull) and hasattr(reader, 'discard_rest'):
            reader.discard_rest()
        if isinstance(exc, (OSError, ValueError)) and not isinstance(exc, common_exc.AltoError):
            # eventlet reports a dropped client as an I/O or parse error
            raise common_exc.BadRequest(reason='the image data could not be read: %s' % exc)
        raise


class DataManager:

    def __init__(self, conf, store, staging):
        self.conf = conf
        self.store = store
        self.staging = staging

    # -- helpers ------------------------------------------------------------------------

    def _reader(self, source, content_length=None, image=None):
        """A ``HashingReader`` over ``source``; with ``image``, one that also
        checks the data is the image's ``disk_format`` (when configured)."""
        opts = self.conf.image
        inspector = None
        if image is not None and opts.require_image_format_match:
            inspector = formats.Inspector(image['disk_format'])
        return pipeline.HashingReader(source, opts.chunk_size, opts.image_size_cap,
                                      content_length, inspector=inspector)

    def _check_declared_length(self, content_length):
        cap = self.conf.image.image_size_cap
        if content_length is not None and content_length > cap:
            raise exception.ImageSizeLimitExceeded(cap=cap)

    def _finish(self, image, location, reader, expected_status, restore_status):
        """Activate the image on the data at ``location``; if that fails, the data
        goes and the image is back in ``restore_status``."""
        try:
            values = dict(reader.results(image['disk_format']), location=location,
                          status='active')
            return db_api.image_update(image['id'], values, expected_status=expected_status)
        except BaseException as exc:
            self.store.delete(location)
            if not isinstance(exc, exception.InvalidStatusTransition):
                # a transition lost to someone else (a delete, a reset) is theirs to keep
                _restore(image['id'], restore_status, exc)
            raise

    def check_import_method(self, name):
        enabled = self.conf.image.enabled_import_methods
        if name not in enabled:
            raise common_exc.BadRequest(
                reason='Import method %s is not enabled on this cloud; enabled methods: %s'
                       % (name, ', '.join(enabled) or 'none'))

    # -- upload and download ------------------------------------------------------------

    def upload(self, image, body, content_length=None):
        """``PUT /v2/images/{id}/file``."""
        _require_formats(image, 'saving data')
        if image['status'] != 'queued':
            raise exception.InvalidStatusTransition(current=image['status'], target='saving')
        self._check_declared_length(content_length)
        db_api.image_update(image['id'], {'status': 'saving'}, expected_status='queued')
        reader = self._reader(body, content_length, image)
        location, _ = _store_stream(self.store, image, reader, 'queued')
        return self._finish(image, location, reader, 'saving', 'queued')

    def download(self, ctx, image, range_header=None):
        """The :class:`Download` of the image's data, or None when it has none."""
        if image['status'] == 'deactivated' and not is_admin(ctx):
            raise exception.ImageDeactivated()
        if not image['location']:
            return None
        size = image['size']
        span = parse_range(range_header, size)
        offset, length = span if span is not None else (0, size)
        blocks = self.store.get(image['location'], offset, length, self.conf.image.chunk_size)
        return Download(blocks=blocks, offset=offset, length=length, size=size,
                        checksum=image['checksum'], partial=span is not None)

    # -- interoperable import -------------------------------------------------------------

    def stage(self, image, body, content_length=None):
        """``PUT /v2/images/{id}/stage``: keep the data aside for a later import."""
        if image['status'] != 'queued':
            raise exception.InvalidStatusTransition(current=image['status'],
                                                    target='uploading')
        self._check_declared_length(content_length)
        db_api.image_update(image['id'], {'status': 'uploading'}, expected_status='queued')
        reader = self._reader(body, content_length)
        _store_stream(self.staging, image, reader, 'queued')
        return db_api.image_update(image['id'], {'size': reader.size})

    def import_(self, image, method):
        """``POST /v2/images/{id}/import`` with the body's ``method``; a
        web-download fetches in the background, after the caller answers."""
        name = method['name']
        self.check_import_method(name)
        if name == 'web-download':
            uri = method.get('uri')
            if not uri:
                raise common_exc.BadRequest(reason='web-download needs a uri')
            image = self.start_web_download(image, uri)
            webfetch.spawn('web-download %s' % image['id'], self.web_download, image, uri)
        elif name == 'glance-direct':
            self.import_staged(image)
        else:
            raise common_exc.BadRequest(reason='Import method %s is not supported' % name)

    def import_staged(self, image):
        """``glance-direct``: the staged data becomes the image's data."""
        _require_formats(image, 'import')
        if image['status'] != 'uploading':
            raise common_exc.Conflict(
                reason='Image status must be uploading to import staged data, not %s'
                       % image['status'])
        staged = self.staging.location_for(image['id'])
        if not self.staging.exists(staged):
            raise common_exc.Conflict(reason='no data is staged for image %s' % image['id'])
        db_api.image_update(image['id'], {'status': 'importing'}, expected_status='uploading')
        reader = self._reader(self.staging.get(staged, chunk_size=self.conf.image.chunk_size),
                              image=image)
        location, _ = _store_stream(self.store, image, reader, 'uploading')
        image = self._finish(image, location, reader, 'importing', 'uploading')
        self.staging.delete(staged)
        return image

    def start_web_download(self, image, uri):
        """``web-download``: check, then ``importing``.

        The fetch itself (:meth:`web_download`) runs after the 202 is sent."""
        _require_formats(image, 'import')
        webfetch.check_uri(self.conf, uri)
        if image['status'] != 'queued':
            raise common_exc.Conflict(
                reason='Image status must be queued to import from a URI, not %s'
                       % image['status'])
        return db_api.image_update(image['id'], {'status': 'importing'},
                                   expected_status='queued')

    def web_download(self, image, uri):
        """Fetch ``uri`` into the store as the image's data; on any failure the
        image is back to ``queued`` with nothing stored.  Returns the image."""
        try:
            resp, length = webfetch.open_uri(self.conf, uri)
        except BaseException as exc:
            _restore(image['id'], 'queued', exc)
            raise
        with resp:
            try:
                self._check_declared_length(length)
            except BaseException as exc:
                _restore(image['id'], 'queued', exc)
                raise
            reader = self._reader(resp, length, image)
            location, _ = _store_stream(self.store, image, reader, 'queued')
        return self._finish(image, location, reader, 'importing', 'queued')
