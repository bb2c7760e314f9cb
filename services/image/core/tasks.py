"""Import tasks (``POST /v2/tasks`` with ``type: import``).

The task creates an image from ``input.image_properties`` for the task's
owner and fetches ``input.import_from`` into it as ``web-download`` does.
``pending -> processing -> success`` with ``result: {"image_id": ...}``,
or ``failure`` with a message; a failed task leaves no image behind.
Tasks are listed and shown to admins and to their owner's project.
"""

import uuid

from oslo_log import log as logging

from common import exception as common_exc
from services.image import webfetch
from services.image.core import is_admin
from services.image.db import api as db_api
from services.image.db import tasks as db_tasks

LOG = logging.getLogger(__name__)

#: image attributes that are columns rather than custom properties
CORE = ('name', 'visibility', 'protected', 'os_hidden', 'container_format', 'disk_format',
        'min_ram', 'min_disk')


class TaskManager:

    def __init__(self, conf, store, data):
        self.conf = conf
        self.store = store
        self.data = data

    def get(self, ctx, task_id):
        return db_tasks.get_visible(task_id, ctx, is_admin(ctx))

    def list(self, ctx, limit, status=None, task_type=None, sort_dir='desc', marker=None):
        """``(tasks, next_marker)``: up to ``limit`` tasks the caller may see."""
        rows = db_tasks.task_list(owner=None if is_admin(ctx) else ctx.project_id,
                                  status=status, task_type=task_type, sort_dir=sort_dir,
                                  limit=max(limit, 0) + 1, marker=marker)
        next_marker = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_marker = rows[-1]['id'] if rows else None
        return rows, next_marker

    def for_image(self, image_id):
        """The tasks that made image ``image_id`` (the caller must see the image)."""
        return db_tasks.task_list_for_image(image_id)

    def create(self, ctx, task_type, task_input):
        """A ``pending`` task of the caller's project; it runs in the background."""
        task = db_tasks.task_create(str(uuid.uuid4()), task_type, ctx.project_id, task_input)
        webfetch.spawn('task %s' % task['id'], self.run_import, task)
        return task

    def _create_image(self, owner, properties):
        values = {k: properties[k] for k in CORE if k in properties}
        values.update(id=str(uuid.uuid4()), owner=owner, status='queued',
                      visibility=properties.get('visibility', 'shared'))
        custom = {k: v for k, v in properties.items() if k not in CORE and k != 'tags'}
        return db_api.image_create(values, custom, properties.get('tags', ()))

    def _discard(self, image):
        try:
            db_api.image_destroy(image['id'])
        except common_exc.NotFound:
            return
        self.store.delete(self.store.location_for(image['id']))

    def run_import(self, task):
        """Carry out an import task; records success or failure on the task."""
        db_tasks.task_update(task['id'], 'processing')
        image = None
        try:
            spec = task['input']
            image = self._create_image(task['owner'], spec.get('image_properties', {}))
            image = self.data.start_web_download(image, spec['import_from'])
            image = self.data.web_download(image, spec['import_from'])
        except Exception as exc:
            if isinstance(exc, common_exc.AltoError) and exc.safe:
                message = exc.message
            else:
                LOG.exception('Import task %s failed', task['id'])
                message = 'Unexpected error: %s' % type(exc).__name__
            if image is not None:
                self._discard(image)
            db_tasks.task_update(task['id'], 'failure', message=message)
            return None
        db_tasks.task_update(task['id'], 'success', result={'image_id': image['id']})
        return image
