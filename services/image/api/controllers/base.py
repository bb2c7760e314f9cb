"""Helpers every image controller shares: request state, access and bodies."""

import pecan
import webob.exc

from common import exception as common_exc
from common import validation
from services.image import exception
from services.image.api import policies
from services.image.db import api as db_api


def conf():
    return pecan.request.image_conf


def context():
    return pecan.request.context


def authorize(action, target=None):
    policies.authorize(conf(), context(), action, target)


def only_get():
    """405 (glance's body, through the hook) for anything but GET and HEAD."""
    if pecan.request.method not in ('GET', 'HEAD'):
        raise webob.exc.HTTPMethodNotAllowed(headers=[('Allow', 'GET, HEAD')])


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
    ctx = ctx or context()
    return ctx.is_admin or 'admin' in (ctx.roles or [])


def is_service(ctx=None):
    """Compute's service user acting on its own (no user token)."""
    ctx = ctx or context()
    return 'service' in (ctx.roles or [])


def is_member_project(image, ctx=None):
    """The caller's project is one the image is shared with (any status)."""
    ctx = ctx or context()
    return bool(ctx.project_id and image['visibility'] == 'shared'
                and db_api.member_list(image['id'], ctx.project_id))


def can_see(image, ctx=None):
    """Owner, admin, service, public, community, or a project the image is shared with."""
    ctx = ctx or context()
    if is_admin(ctx) or is_service(ctx):
        return True
    if ctx.project_id and image['owner'] == ctx.project_id:
        return True
    if image['visibility'] in ('public', 'community'):
        return True
    return is_member_project(image, ctx)


def get_image(image_id):
    """The image if the caller may see it; otherwise 404, as if it did not exist."""
    image = db_api.image_get(image_id)
    if not can_see(image):
        raise exception.ImageNotFound(image_id=image_id)
    return image


def image_target(image):
    """What the rules in ``policies`` look at (None values are dropped there)."""
    ctx = context()
    return {'project_id': image['owner'], 'visibility': image['visibility'],
            'member_id': ctx.project_id if is_member_project(image, ctx) else None}


def owner_target(image):
    return image_target(image)


def get_authorized_image(image_id, action):
    """A visible image on which the caller passes ``action`` (404 if invisible,
    403 if visible but not allowed)."""
    image = get_image(image_id)
    authorize(action, image_target(image))
    return image


def get_owned_image(image_id, action):
    """A visible image the caller may change through ``action``."""
    return get_authorized_image(image_id, action)


def validation_validate(schema, document):
    validation.validate(schema, document)
