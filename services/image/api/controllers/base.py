"""Helpers every image controller shares: request state, access and bodies."""

import pecan

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


def json_body(schema=None):
    document = validation.parse_json(pecan.request.body)
    if schema is not None:
        validation.validate(schema, document)
    return document


def set_status(code):
    pecan.response.status = code


def is_admin(ctx=None):
    ctx = ctx or context()
    return ctx.is_admin or 'admin' in (ctx.roles or [])


def can_see(image, ctx=None):
    """Owner, admin, public, community, or a project the image is shared with."""
    ctx = ctx or context()
    if is_admin(ctx) or image['owner'] == ctx.project_id:
        return True
    if image['visibility'] in ('public', 'community'):
        return True
    if image['visibility'] == 'shared':
        return bool(db_api.member_list(image['id'], ctx.project_id))
    return False


def get_image(image_id):
    """The image if the caller may see it; otherwise 404, as if it did not exist."""
    image = db_api.image_get(image_id)
    if not can_see(image):
        raise exception.ImageNotFound(image_id=image_id)
    return image


def owner_target(image):
    return {'project_id': image['owner'] or '', 'user_id': context().user_id}


def get_owned_image(image_id, action):
    """A visible image the caller may change through ``action``."""
    image = get_image(image_id)
    authorize(action, owner_target(image))
    return image


def validation_validate(schema, document):
    validation.validate(schema, document)
