"""A requests transport that hands each request to a WSGI app, so real HTTP
clients (python-glanceclient, openstacksdk) talk to the in-process API with
no socket."""

import io
import urllib.parse

import requests
import requests.adapters
import webob


def _text(value):
    return value.decode('latin-1') if isinstance(value, bytes) else value


class WSGIAdapter(requests.adapters.BaseAdapter):
    """A requests transport that hands each request to a WSGI app."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, **kwargs):
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            body = b''.join(c if isinstance(c, bytes) else c.encode() for c in body)
        if isinstance(body, str):
            body = body.encode('utf-8')
        headers = {_text(k): _text(v) for k, v in request.headers.items()}
        # glanceclient quotes identity header values; keystonemiddleware would
        # set the real ones, noauth reads them as sent.
        if 'X-Roles' in headers:
            headers['X-Roles'] = urllib.parse.unquote(headers['X-Roles'])
        wreq = webob.Request.blank(request.url, method=request.method,
                                   headers=headers, body=body or b'')
        wresp = wreq.get_response(self.app)
        resp = requests.Response()
        resp.status_code = wresp.status_int
        resp.reason = wresp.status.split(' ', 1)[1]
        resp.headers = requests.structures.CaseInsensitiveDict(wresp.headers)
        resp.raw = io.BytesIO(wresp.body)
        resp.raw.version = 11  # glanceclient's debug log reads it
        resp.url = request.url
        resp.request = request
        resp.encoding = requests.utils.get_encoding_from_headers(resp.headers)
        return resp

    def close(self):
        pass
