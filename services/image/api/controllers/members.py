"""``/v2/images/{id}/members[/{member_id}]``: sharing an image with projects."""

import pecan
import webob

from services.image import exception
from services.image.api.controllers import base
from services.image.api.schemas import image as schemas
from services.image.api.views import images as views
from services.image.db import api as db_api


def _is_owner_or_admin(image):
    ctx = base.context()
    return base.is_admin(ctx) or image['owner'] == ctx.project_id


class MembersController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='GET', template='json')
    def list(self):
        image = base.get_authorized_image(self.image_id, 'get_members')
        if _is_owner_or_admin(image):
            rows = db_api.member_list(self.image_id)
        else:  # a member sees only its own membership
            rows = db_api.member_list(self.image_id, base.context().project_id)
        return views.members(rows)

    @index.when(method='POST', template='json')
    def create(self):
        image = base.get_owned_image(self.image_id, 'add_member')
        body = base.json_body(schemas.ADD_MEMBER)
        if image['visibility'] != 'shared':
            raise exception.NotSharedImage()
        return views.member(db_api.member_create(self.image_id, body['member']))

    @pecan.expose()
    def _lookup(self, member_id, *remainder):
        if remainder:
            pecan.abort(404)
        return MemberController(self.image_id, member_id), ()


class MemberController:

    def __init__(self, image_id, member_id):
        self.image_id = image_id
        self.member_id = member_id

    def _visible_member(self, action):
        image = base.get_authorized_image(self.image_id, action)
        if not _is_owner_or_admin(image) and self.member_id != base.context().project_id:
            raise exception.MemberNotFound(image_id=self.image_id, member_id=self.member_id)
        return image, db_api.member_get(self.image_id, self.member_id)

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='GET', template='json')
    def show(self):
        return views.member(self._visible_member('get_member')[1])

    @index.when(method='PUT', template='json')
    def update(self):
        body = base.json_body(schemas.UPDATE_MEMBER)
        self._visible_member('get_member')
        # only the member project itself accepts or rejects (and the admin)
        ctx = base.context()
        base.authorize('modify_member', {'member_id': self.member_id
                                         if self.member_id == ctx.project_id else None})
        return views.member(db_api.member_update(self.image_id, self.member_id,
                                                 body['status']))

    @index.when(method='DELETE')
    def delete(self):
        image = base.get_owned_image(self.image_id, 'delete_member')
        db_api.member_get(self.image_id, self.member_id)
        del image
        db_api.member_delete(self.image_id, self.member_id)
        base.set_status(204)
