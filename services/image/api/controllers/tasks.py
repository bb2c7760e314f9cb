"""``/v2/tasks``: create (``type: import``), list and show tasks (admin only,
as glance's defaults)."""

import pecan
import webob.exc

from common import exception as common_exc
from services.image.api.controllers import base
from services.image.api.controllers import patch
from services.image.api.schemas import image as image_schemas
from services.image.api.schemas import tasks as schemas
from services.image.api.views import tasks as views


def _tasks():
    return base.managers().tasks


def _writable_schema():
    conf = base.conf()
    return image_schemas.shared_writable_schema(conf.image.disk_formats,
                                                conf.image.container_formats)


class TaskController:

    def __init__(self, task_id):
        self.task_id = task_id

    @pecan.expose(generic=True, template='json')
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed(headers=[('Allow', 'GET')])

    @index.when(method='GET', template='json')
    def show(self):
        base.authorize('get_task')
        return views.task(_tasks().get(base.context(), self.task_id))


class TasksController:

    @pecan.expose(generic=True, template='json')
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed(headers=[('Allow', 'GET, POST')])

    @index.when(method='GET', template='json')
    def list(self):
        base.authorize('get_tasks')
        params = pecan.request.GET
        sort_dir = params.get('sort_dir', 'desc')
        if sort_dir not in ('asc', 'desc'):
            raise common_exc.BadRequest(reason='Invalid sort_dir')
        conf = base.conf()
        try:
            limit = min(int(params.get('limit', conf.image.limit_param_default)),
                        conf.image.api_limit_max)
        except ValueError:
            raise common_exc.BadRequest(reason='limit must be an integer')
        rows, next_marker = _tasks().list(base.context(), status=params.get('status'),
                                          task_type=params.get('type'), sort_dir=sort_dir,
                                          limit=limit, marker=params.get('marker'))
        return views.tasks(rows, next_marker)

    @index.when(method='POST', template='json')
    def create(self):
        base.authorize('add_task')
        body = base.json_body(schemas.TASK_CREATE)
        properties = body['input'].get('image_properties', {})
        for name in properties:
            patch.check_settable(name)
        base.validation_validate(_writable_schema(), properties)
        task = _tasks().create(base.context(), body['type'], body['input'])
        base.set_status(201)
        return views.task(task)

    @pecan.expose()
    def _lookup(self, task_id, *remainder):
        return TaskController(task_id), remainder
