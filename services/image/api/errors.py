"""Glance's error pages.

Glance raises webob HTTP errors and lets webob write the page, so the body
follows the request's ``Accept`` header: ``text/html`` for ``*/*`` (what
python-glanceclient and so Horizon send), webob's JSON
``{"message", "code", "title"}`` for ``application/json`` (openstacksdk,
tempest), ``text/plain`` for other types.  Without an ``Accept`` header at
all webob would write ``text/plain``; we write the JSON page there, the
shared contract of the services' fault bodies.  python-glanceclient
reads HTML and plain pages as text but expects every value of a JSON body to
be an object, so a JSON page sent to it breaks its error handling.

The shared fault wrapper renders every image error as the JSON form of
``common.faults.image_fault``; :class:`ErrorPages`, the outermost layer of
the image API, turns that into the page webob would have written for the
same status and message.  Other JSON errors (keystonemiddleware's 401
``{"error": {...}}``, as in glance) pass through untouched.
"""

import json
import re

import webob
import webob.dec
import webob.exc

_WEBOB_TAIL = re.compile(r'(<br /><br />\s*)+$')
#: headers of the fault response that the page keeps
_DROPPED = ('content-type', 'content-length')
#: what glance names in ``Accept-Patch`` when a PATCH has another media type
PATCH_MEDIA_TYPES = ('application/openstack-images-v2.1-json-patch',
                     'application/openstack-images-v2.0-json-patch')


def _image_fault(resp):
    """``(code, message)`` when ``resp`` is an image fault body, else None."""
    if not (resp.content_type or '').endswith('json') or not resp.body:
        return None
    try:
        body = json.loads(resp.body)
    except ValueError:
        return None
    if not isinstance(body, dict) or set(body) != {'code', 'title', 'message'} \
            or not isinstance(body['code'], str) or not isinstance(body['message'], str):
        return None
    # a page webob already wrote as JSON (oslo.middleware's 413) carries its
    # template's tail; the page is written again from the bare message
    return resp.status_int, _WEBOB_TAIL.sub('', body['message'])


def error_page(environ, accept, status, message, headers=()):
    """The response webob writes for an HTTP ``status`` error with ``message``
    to the request of ``environ`` that sent ``accept`` (None: no Accept
    header).  Some pages (415) quote the request's environ."""
    page_cls = webob.exc.status_map.get(status)
    if page_cls is None or not issubclass(page_cls, webob.exc.WSGIHTTPException):
        return None
    kept = [(k, v) for k, v in headers if k.lower() not in _DROPPED]
    page_environ = {k: v for k, v in environ.items()
                    if k in ('REQUEST_METHOD', 'CONTENT_TYPE', 'PATH_INFO', 'SCRIPT_NAME')}
    # Without an Accept header webob writes text/plain; we write the JSON page
    # there (the services' shared contract: a request that names no type gets
    # the JSON fault).  Clients send */* (glanceclient, curl) or
    # application/json (openstacksdk, tempest) and get exactly glance's page.
    page_environ['HTTP_ACCEPT'] = accept if accept is not None else 'application/json'
    return webob.Request.blank('/', page_environ).get_response(
        page_cls(explanation=message, headers=kept))


class ErrorPages:
    """Renders image faults as glance's content-negotiated error pages."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        # Read before the app runs: the image hook rewrites Accept in place.
        accept = req.environ.get('HTTP_ACCEPT')
        resp = req.get_response(self.app)
        if resp.status_int < 400:
            return resp
        if req.method == 'HEAD':
            # No body to read the message from; webob's page for HEAD is empty
            # and only its content type differs.
            if (resp.content_type or '').endswith('json') and \
                    resp.headers.get('WWW-Authenticate') is None:
                page = error_page(req.environ, accept, resp.status_int, '', resp.headerlist)
                return page or resp
            return resp
        fault = _image_fault(resp)
        if fault is None:
            return resp
        headers = list(resp.headerlist)
        if fault[0] == 415 and req.method == 'PATCH':
            headers.append(('Accept-Patch', ', '.join(PATCH_MEDIA_TYPES)))
        page = error_page(req.environ, accept, fault[0], fault[1], headers)
        return page or resp
