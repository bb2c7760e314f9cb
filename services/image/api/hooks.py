"""Pecan hooks of the image API."""

import json

import pecan
import webob
import webob.exc

from common import faults
from services.image import exception

#: paths whose PUT body is raw image data, streamed, never parsed
DATA_SUFFIXES = ('/file', '/stage')


def is_data_upload(method, path):
    return method == 'PUT' and path.rstrip('/').endswith(DATA_SUFFIXES) \
        and path.startswith('/v2/images/')


class ImageHook(pecan.hooks.PecanHook):
    """Gives controllers the managers (``services.image.core``), and keeps
    bodies unparsed."""

    def __init__(self, managers):
        self.managers = managers

    def on_route(self, state):
        req = state.request
        # Glance answers JSON (or raw data) whatever the Accept header says;
        # without this pecan would refuse e.g. "Accept: application/octet-stream".
        req.environ['HTTP_ACCEPT'] = '*/*'
        if req.path == '/v2/images/':
            # An empty image id (glance has no route for it): 404 for every method.
            raise webob.exc.HTTPNotFound()
        if is_data_upload(req.method, req.path):
            # Reject before pecan looks at form parameters, which would read
            # (and buffer) the whole body of a form-encoded upload.
            if req.content_type != 'application/octet-stream':
                raise exception.UnsupportedMediaType(content_type=req.content_type or 'none',
                                                     expected='application/octet-stream')
        req.managers = self.managers

    def on_error(self, state, exc):
        """Pecan's own errors (unknown path, wrong method) get the image fault body."""
        if not isinstance(exc, webob.exc.HTTPException):
            return None
        resp = webob.Response(status=exc.status_int, content_type='application/json',
                              charset='utf-8')
        if exc.status_int == 405 and exc.headers.get('Allow'):
            resp.headers['Allow'] = exc.headers['Allow']
        message = exc.detail or exc.explanation or exc.title
        resp.body = json.dumps(faults.image_fault(exc.status_int, exc.title,
                                                  message)).encode('utf-8')
        return resp
