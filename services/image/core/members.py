"""Members of an image: the projects a ``shared`` image is shared with.

The owner (and an admin) sees and manages every membership; a member
project sees only its own and alone accepts or rejects it.
"""

from services.image import exception
from services.image.core import is_admin
from services.image.db import api as db_api


def _is_owner_or_admin(ctx, image):
    return is_admin(ctx) or image['owner'] == ctx.project_id


class MemberManager:

    def list(self, ctx, image):
        if _is_owner_or_admin(ctx, image):
            return db_api.member_list(image['id'])
        return db_api.member_list(image['id'], ctx.project_id)  # only its own membership

    def get(self, ctx, image, member_id):
        """The membership if the caller may see it (404 otherwise)."""
        if not _is_owner_or_admin(ctx, image) and member_id != ctx.project_id:
            raise exception.MemberNotFound(image_id=image['id'], member_id=member_id)
        return db_api.member_get(image['id'], member_id)

    def create(self, image, member_id):
        if image['visibility'] != 'shared':
            raise exception.NotSharedImage()
        return db_api.member_create(image['id'], member_id)

    def update(self, image, member_id, status):
        return db_api.member_update(image['id'], member_id, status)

    def delete(self, image, member_id):
        db_api.member_get(image['id'], member_id)
        db_api.member_delete(image['id'], member_id)
