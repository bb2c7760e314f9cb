"""Image data: ``/file`` (upload, ranged download), ``/stage`` and ``/import``."""

import itertools

import pecan
import webob

from common import exception as common_exc
from services.image import data
from services.image import exception
from services.image import webfetch
from services.image.api.controllers import base
from services.image.api.schemas import image as schemas


def _body_stream():
    """The request body as a file, never read whole (see ``hooks.ImageHook``)."""
    req = pecan.request
    if req.content_length is not None:
        # The raw input: data.HashingReader never reads past the declared
        # length, and webob's length-limiting wrapper copies every block twice.
        return req.body_file_raw, req.content_length
    if 'chunked' in req.headers.get('Transfer-Encoding', '').lower():
        # The server de-chunks wsgi.input and signals the end with b''; webob
        # would hide the body since eventlet does not set wsgi.input_terminated.
        return req.body_file_raw, None
    raise LengthRequired()


class LengthRequired(common_exc.AltoError):
    msg_fmt = 'Image data needs a Content-Length or chunked Transfer-Encoding.'
    code = 411
    title = 'Length Required'


class ImageFileController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='PUT')
    def upload(self):
        image = base.get_owned_image(self.image_id, 'upload_image')
        body, length = _body_stream()
        data.upload(base.conf(), pecan.request.image_store, image, body, length)
        base.set_status(204)

    @index.when(method='GET')
    def download(self):
        image = base.get_authorized_image(self.image_id, 'download_image')
        if image['status'] == 'deactivated' and not base.is_admin():
            raise exception.ImageDeactivated()
        if not image['location']:
            return webob.Response(status=204, content_type=None)
        store = pecan.request.image_store
        chunk_size = base.conf().image.chunk_size
        size = image['size']
        span = data.parse_range(pecan.request.headers.get('Range'), size)
        resp = _DataResponse(content_type='application/octet-stream', charset=None)
        if span is None:
            offset, length = 0, size
            resp.status = 200
            resp.headers['Content-MD5'] = image['checksum']
        else:
            offset, length = span
            resp.status = 206
            resp.headers['Content-Range'] = 'bytes %d-%d/%d' % (offset, offset + length - 1,
                                                                size)
        resp.stream(store.get(image['location'], offset, length, chunk_size), length)
        return resp


class _Counted:
    """Iterates ``blocks`` and counts how many were taken."""

    def __init__(self, blocks):
        self.blocks = iter(blocks)
        self.taken = 0

    def __iter__(self):
        return self

    def __next__(self):
        block = next(self.blocks)
        self.taken += 1
        return block


def _generator(blocks):
    # A real generator: pecan peeks at generators but reads other bodies whole.
    yield from blocks


def _rejoin(peeked, count, rest):
    try:
        yield from itertools.islice(peeked, count)
        yield from rest
    finally:
        rest.close()


class _DataResponse(webob.Response):
    """A streamed image body with its Content-Length and flat memory.

    Pecan peeks at a 200 generator body through ``itertools.tee``.  That
    costs twice: assigning the tee as ``app_iter`` makes webob drop
    ``Content-Length`` (the server then falls back to chunked encoding, which
    copies every block twice more), and a tee keeps the last 57 blocks it
    served alive (57 MiB at 1 MiB blocks).  When served, the response hands
    the server the blocks pecan already pulled and then the stream itself.
    """

    _stream = _counted = _length = None

    def stream(self, blocks, length):
        self._counted = _Counted(blocks)
        self._stream = _generator(self._counted)
        self._length = length
        self.app_iter = self._stream

    def __call__(self, environ, start_response):
        if self._stream is not None:
            body = self.app_iter
            if body is not self._stream:
                self.app_iter = _rejoin(body, self._counted.taken, self._stream)
            self.content_length = self._length
        return super().__call__(environ, start_response)


class StageController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='PUT')
    def put(self):
        _check_method_enabled('glance-direct')
        image = base.get_owned_image(self.image_id, 'upload_image')
        body, length = _body_stream()
        data.stage(base.conf(), pecan.request.image_staging, image, body, length)
        base.set_status(204)


def _check_method_enabled(name):
    enabled = base.conf().image.enabled_import_methods
    if name not in enabled:
        raise common_exc.BadRequest(
            reason='Import method %s is not enabled on this cloud; enabled methods: %s'
                   % (name, ', '.join(enabled) or 'none'))


class ImportController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='POST')
    def post(self):
        body = base.json_body(schemas.IMPORT)
        method = body['method']['name']
        image = base.get_owned_image(self.image_id, 'import_image')
        _check_method_enabled(method)
        conf = base.conf()
        if method == 'web-download':
            uri = body['method'].get('uri')
            if not uri:
                raise common_exc.BadRequest(reason='web-download needs a uri')
            image = data.start_web_download(conf, image, uri)
            webfetch.spawn('web-download %s' % image['id'], data.web_download, conf,
                           pecan.request.image_store, image, uri)
        elif method == 'glance-direct':
            data.import_staged(conf, pecan.request.image_store,
                               pecan.request.image_staging, image)
        else:
            raise common_exc.BadRequest(reason='Import method %s is not supported' % method)
        base.set_status(202)
        return ''
