"""Fault bodies, one renderer per API family.

A renderer takes ``(code, title, message, exc)`` and returns the JSON body
the OpenStack counterpart returns for that error.
"""

_COMPUTE_NAMES = {
    400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound',
    405: 'badMethod', 406: 'notAcceptable', 409: 'conflictingRequest',
    413: 'overLimit', 415: 'badMediaType', 429: 'overLimit',
    501: 'notImplemented', 503: 'serviceUnavailable',
}


def identity_fault(code, title, message, exc=None):
    """Keystone: ``{"error": {"code", "title", "message"}}``."""
    return {'error': {'code': code, 'title': title, 'message': message}}


def compute_fault(code, title, message, exc=None):
    """Nova and Cinder: ``{"itemNotFound": {"code", "message"}}``."""
    return {_COMPUTE_NAMES.get(code, 'computeFault'): {'code': code, 'message': message}}


def network_fault(code, title, message, exc=None):
    """Neutron: ``{"NeutronError": {"type", "message", "detail"}}``.

    The type is the exception's ``fault_type`` or class name; errors of the
    shared pipeline (common exceptions, HTTP errors) are named as neutron
    names its generic HTTP errors: ``HTTPBadRequest``, ``HTTPForbidden``.
    """
    fault_type = getattr(exc, 'fault_type', None)
    if not fault_type:
        if exc is None or type(exc).__module__ == 'common.exception':
            fault_type = 'HTTP' + title.replace(' ', '')
        else:
            fault_type = type(exc).__name__.replace('_Remote', '')
    return {'NeutronError': {'type': fault_type, 'message': message, 'detail': ''}}


def image_fault(code, title, message, exc=None):
    """Glance (webob's JSON error page): ``{"code", "title", "message"}``."""
    return {'code': '%d %s' % (code, title), 'title': title, 'message': message}
