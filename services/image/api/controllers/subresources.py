"""``/v2/images/{id}/actions/{deactivate,reactivate}`` and ``/tags/{tag}``."""

import pecan
import webob

from common import exception as common_exc
from services.image import exception
from services.image.api.controllers import base
from services.image.db import api as db_api


class ActionsController:

    def __init__(self, image_id):
        self.image_id = image_id

    def _transition(self, action, source, target):
        image = base.get_owned_image(self.image_id, action)
        if image['status'] == target:
            return  # already there: glance treats this as success
        if image['status'] != source:
            raise exception.ActionNotAllowed(action=action, status=image['status'])
        db_api.image_update(self.image_id, {'status': target}, expected_status=source)

    @pecan.expose(generic=True)
    def deactivate(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @deactivate.when(method='POST')
    def do_deactivate(self):
        self._transition('deactivate', 'active', 'deactivated')
        base.set_status(204)

    @pecan.expose(generic=True)
    def reactivate(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @reactivate.when(method='POST')
    def do_reactivate(self):
        self._transition('reactivate', 'deactivated', 'active')
        base.set_status(204)


class TagsController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose()
    def _lookup(self, tag, *remainder):
        if remainder:
            pecan.abort(404)
        return TagController(self.image_id, tag), ()


class TagController:

    def __init__(self, image_id, tag):
        self.image_id = image_id
        self.tag = tag

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='PUT')
    def put(self):
        base.get_owned_image(self.image_id, 'modify_image')
        if len(self.tag) > 255:
            raise common_exc.BadRequest(reason='tags are at most 255 characters')
        db_api.tag_add(self.image_id, self.tag)
        base.set_status(204)

    @index.when(method='DELETE')
    def delete(self):
        base.get_owned_image(self.image_id, 'modify_image')
        db_api.tag_delete(self.image_id, self.tag)
        base.set_status(204)
