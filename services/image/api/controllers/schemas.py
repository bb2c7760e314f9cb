"""``GET /v2/schemas/{image,images,member,members}`` and ``/v2/schemas/metadefs/*``."""

import pecan
import webob.exc

from services.image.api.controllers import base
from services.image.api.schemas import image as schemas
from services.image.api.schemas import metadefs as metadef_schemas
from services.image.api.schemas import tasks as task_schemas


class _MetadefSchema:

    def __init__(self, name):
        self.name = name

    @pecan.expose('json')
    def index(self):
        base.only_get()
        return metadef_schemas.SERVED[self.name]


class MetadefSchemasController:
    """``/v2/schemas/metadefs/{namespace,namespaces,object,...}``."""

    @pecan.expose()
    def _lookup(self, name, *remainder):
        if name not in metadef_schemas.SERVED or any(remainder):
            raise webob.exc.HTTPNotFound()
        return _MetadefSchema(name), ()


class SchemasController:
    metadefs = MetadefSchemasController()

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
    def task(self):
        base.only_get()
        return task_schemas.TASK

    @pecan.expose('json')
    def tasks(self):
        base.only_get()
        return task_schemas.TASKS

    @pecan.expose('json')
    def member(self):
        base.only_get()
        return schemas.MEMBER_SCHEMA

    @pecan.expose('json')
    def members(self):
        base.only_get()
        return schemas.MEMBERS_SCHEMA
