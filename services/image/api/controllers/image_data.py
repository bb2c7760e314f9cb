"""Image data: ``/file`` (upload, ranged download), ``/stage`` and ``/import``."""

import itertools

import pecan
import webob

from common import exception as common_exc
from services.image.api.controllers import base
from services.image.api.schemas import image as schemas


def _data():
    return base.managers().data


def _body_stream():
    """The request body as a file, never read whole (see ``hooks.ImageHook``)."""
    req = pecan.request
    if req.content_length is not None:
        # The raw input: pipeline.HashingReader never reads past the declared
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
        image = base.get_authorized_image(self.image_id, 'upload_image')
        body, length = _body_stream()
        _data().upload(image, body, length)
        base.set_status(204)

    @index.when(method='GET')
    def download(self):
        image = base.get_authorized_image(self.image_id, 'download_image')
        download = _data().download(base.context(), image,
                                    pecan.request.headers.get('Range'))
        if download is None:
            return webob.Response(status=204, content_type=None)
        resp = _DataResponse(content_type='application/octet-stream', charset=None)
        if download.partial:
            resp.status = 206
            resp.headers['Content-Range'] = 'bytes %d-%d/%d' % (
                download.offset, download.offset + download.length - 1, download.size)
        else:
            resp.status = 200
            resp.headers['Content-MD5'] = download.checksum
        resp.stream(download.blocks, download.length)
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
        _data().check_import_method('glance-direct')
        image = base.get_authorized_image(self.image_id, 'upload_image')
        body, length = _body_stream()
        _data().stage(image, body, length)
        base.set_status(204)


class ImportController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='POST')
    def post(self):
        body = base.json_body(schemas.IMPORT)
        image = base.get_authorized_image(self.image_id, 'import_image')
        _data().import_(image, body['method'])
        base.set_status(202)
        return ''
