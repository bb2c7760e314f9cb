"""Helpers every image controller shares: request state, access and bodies."""

import pecan
import webob.exc

from common import exception as common_exc
from common import validation
from services.image import core
from services.image.api import policies


def managers():
    """The service's managers (``services.image.core``), set by the image hook."""
    return pecan.request.managers


def conf():
    return managers().conf


def context():
    return pecan.request.context


def authorize(action, target=None):
    policies.authorize(conf(), context(), action, target)


def only_get():
    """405 (glance's body, through the hook) for anything but GET and HEAD."""
    if pecan.request.method not in ('GET', 'HEAD'):
        raise webob.exc.HTTPMethodNotAllowed(headers=[('Allow', 'GET, HEAD')])


#: a body that must be a JSON object.  Schemas given to :func:`json_body` are
#: module constants: validation caches a validator per schema object, so a
#: literal written in the call would build (and cache) one per request.
ANY_OBJECT = {'type': 'object'}

def json_body(schema=None):
    try:
        document = validation.parse_json(pecan.request.body)
        if schema is not None:
            validation.validate(schema, document)
    except RecursionError:
        # nesting deep enough to exhaust the decoder's or validator's stack
        raise common_exc.BadRequest(reason='The JSON body is nested too deeply.')
    return document


def set_status(code):
    pecan.response.status = code


def is_admin(ctx=None):
    return core.is_admin(ctx or context())


def is_service(ctx=None):
    """Compute's service user acting on its own (no user token)."""
    return core.is_service(ctx or context())


def image_target(image):
    """What the rules in ``policies`` look at (None values are dropped there)."""
    return managers().images.policy_target(context(), image)


def get_authorized_image(image_id, action):
    """A visible image on which the caller passes ``action`` (404 if invisible,
    403 if visible but not allowed)."""
    image = managers().images.get(context(), image_id)
    authorize(action, image_target(image))
    return image


def validation_validate(schema, document):
    validation.validate(schema, document)
