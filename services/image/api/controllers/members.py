"""``/v2/images/{id}/members[/{member_id}]``: sharing an image with projects."""

import pecan
import webob

from services.image.api.controllers import base
from services.image.api.schemas import image as schemas
from services.image.api.views import images as views


def _members():
    return base.managers().members


class MembersController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='GET', template='json')
    def list(self):
        image = base.get_authorized_image(self.image_id, 'get_members')
        return views.members(_members().list(base.context(), image))

    @index.when(method='POST', template='json')
    def create(self):
        image = base.get_authorized_image(self.image_id, 'add_member')
        body = base.json_body(schemas.ADD_MEMBER)
        return views.member(_members().create(image, body['member']))

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
        return image, _members().get(base.context(), image, self.member_id)

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='GET', template='json')
    def show(self):
        return views.member(self._visible_member('get_member')[1])

    @index.when(method='PUT', template='json')
    def update(self):
        body = base.json_body(schemas.UPDATE_MEMBER)
        image, _ = self._visible_member('get_member')
        # only the member project itself accepts or rejects (and the admin)
        ctx = base.context()
        base.authorize('modify_member', {'member_id': self.member_id
                                         if self.member_id == ctx.project_id else None})
        return views.member(_members().update(image, self.member_id, body['status']))

    @index.when(method='DELETE')
    def delete(self):
        image = base.get_authorized_image(self.image_id, 'delete_member')
        _members().delete(image, self.member_id)
        base.set_status(204)
