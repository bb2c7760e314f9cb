"""Import tasks (``POST /v2/tasks`` with ``type: import``).

The task creates an image from ``input.image_properties`` for the task's
owner and fetches ``input.import_from`` into it as ``web-download`` does.
``pending -> processing -> success`` with ``result: {"image_id": ...}``,
or ``failure`` with a message; a failed task leaves no image behind.
"""

import uuid

from oslo_log import log as logging

from common import exception as common_exc
from services.image import data
from services.image.db import api as db_api
from services.image.db import tasks as db_tasks

LOG = logging.getLogger(__name__)

#: image attributes that are columns rather than custom properties
CORE = ('name', 'visibility', 'protected', 'os_hidden', 'container_format', 'disk_format',
        'min_ram', 'min_disk')


def _create_image(owner, properties):
    values = {k: properties[k] for k in CORE if k in properties}
    values.update(id=str(uuid.uuid4()), owner=owner, status='queued',
                  visibility=properties.get('visibility', 'shared'))
    custom = {k: v for k, v in properties.items() if k not in CORE and k != 'tags'}
    return db_api.image_create(values, custom, properties.get('tags', ()))


def _discard(store, image):
    try:
        db_api.image_destroy(image['id'])
    except common_exc.NotFound:
        return
    store.delete(store.location_for(image['id']))


def run_import(conf, store, task):
    """Carry out an import task; records success or failure on the task."""
    db_tasks.task_update(task['id'], 'processing')
    image = None
    try:
        spec = task['input']
        image = _create_image(task['owner'], spec.get('image_properties', {}))
        image = data.start_web_download(conf, image, spec['import_from'])
        image = data.web_download(conf, store, image, spec['import_from'])
    except Exception as exc:
        if isinstance(exc, common_exc.AltoError) and exc.safe:
            message = exc.message
        else:
            LOG.exception('Import task %s failed', task['id'])
            message = 'Unexpected error: %s' % type(exc).__name__
        if image is not None:
            _discard(store, image)
        db_tasks.task_update(task['id'], 'failure', message=message)
        return None
    db_tasks.task_update(task['id'], 'success', result={'image_id': image['id']})
    return image
