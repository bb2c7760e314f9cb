"""``GET /v2/schemas/{image,images,member,members}``."""

import pecan

from services.image.api.controllers import base
from services.image.api.schemas import image as schemas


class SchemasController:

    @pecan.expose('json')
    def image(self):
        base.only_get()
        conf = base.conf()
        return schemas.image_schema(conf.image.disk_formats, conf.image.container_formats)

    @pecan.expose('json')
    def images(self):
        base.only_get()
        conf = base.conf()
        return schemas.images_schema(conf.image.disk_formats, conf.image.container_formats)

    @pecan.expose('json')
    def member(self):
        base.only_get()
        return schemas.MEMBER_SCHEMA

    @pecan.expose('json')
    def members(self):
        base.only_get()
        return schemas.MEMBERS_SCHEMA
