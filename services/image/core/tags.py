"""Tags of one image (``/v2/images/{id}/tags/{tag}``)."""

from common import exception as common_exc
from services.image.db import api as db_api

TAG_MAX = 255


class TagManager:

    def add(self, image, tag):
        """Adding a tag the image already has changes nothing."""
        if len(tag) > TAG_MAX:
            raise common_exc.BadRequest(reason='tags are at most 255 characters')
        return db_api.tag_add(image['id'], tag)

    def delete(self, image, tag):
        return db_api.tag_delete(image['id'], tag)
