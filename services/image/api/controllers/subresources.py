"""``/v2/images/{id}/actions/{deactivate,reactivate}``, ``/tags/{tag}`` and ``/tasks``."""

import pecan
import webob

from services.image.api.controllers import base
from services.image.api.views import tasks as task_views


class ActionsController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def deactivate(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @deactivate.when(method='POST')
    def do_deactivate(self):
        image = base.get_authorized_image(self.image_id, 'deactivate')
        base.managers().images.deactivate(image)
        base.set_status(204)

    @pecan.expose(generic=True)
    def reactivate(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @reactivate.when(method='POST')
    def do_reactivate(self):
        image = base.get_authorized_image(self.image_id, 'reactivate')
        base.managers().images.reactivate(image)
        base.set_status(204)


class ImageTasksController:
    """``GET /v2/images/{id}/tasks`` (glance 2.12): the tasks that made the
    image, for whoever may see it; none for an image uploaded or snapshotted."""

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True, template='json')
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed(headers=[('Allow', 'GET')])

    @index.when(method='GET', template='json')
    def list(self):
        image = base.get_authorized_image(self.image_id, 'get_image')
        return task_views.image_tasks(base.managers().tasks.for_image(image['id']),
                                      image['id'])


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
        image = base.get_authorized_image(self.image_id, 'modify_image')
        base.managers().tags.add(image, self.tag)
        base.set_status(204)

    @index.when(method='DELETE')
    def delete(self):
        image = base.get_authorized_image(self.image_id, 'modify_image')
        base.managers().tags.delete(image, self.tag)
        base.set_status(204)
