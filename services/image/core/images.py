"""Images: who sees one, creating, listing, changing, (de)activating and
deleting them.

An image the caller cannot see is a 404 for every call, as in glance:
:meth:`ImageManager.get` decides that before any policy is checked.
"""

import uuid

from oslo_log import log as logging

from services.image import exception
from services.image.core import is_admin
from services.image.core import is_service
from services.image.db import api as db_api

LOG = logging.getLogger(__name__)

#: what the listing parameters may name (checked by the API before a query)
SORT_KEYS = db_api.SORT_KEYS
EXACT_FILTERS = db_api.EXACT_FILTERS
DATE_OPS = db_api.DATE_OPS

#: body fields of ``POST /v2/images`` that are columns, not custom properties
CORE_CREATE = ('id', 'name', 'visibility', 'protected', 'os_hidden', 'owner',
               'container_format', 'disk_format', 'min_ram', 'min_disk')


class ImageManager:

    def __init__(self, conf, store, staging):
        self.conf = conf
        self.store = store
        self.staging = staging

    # -- visibility ------------------------------------------------------------------

    @staticmethod
    def is_member_project(ctx, image):
        """The caller's project is one the image is shared with (any status)."""
        return bool(ctx.project_id and image['visibility'] == 'shared'
                    and db_api.member_list(image['id'], ctx.project_id))

    def can_see(self, ctx, image):
        """Owner, admin, service, public, community, or a project the image is shared with."""
        if is_admin(ctx) or is_service(ctx):
            return True
        if ctx.project_id and image['owner'] == ctx.project_id:
            return True
        if image['visibility'] in ('public', 'community'):
            return True
        return self.is_member_project(ctx, image)

    def get(self, ctx, image_id):
        """The image if the caller may see it; otherwise 404, as if it did not exist."""
        image = db_api.image_get(image_id)
        if not self.can_see(ctx, image):
            raise exception.ImageNotFound(image_id=image_id)
        return image

    def policy_target(self, ctx, image):
        """What the policy rules look at (None values are dropped there)."""
        return {'project_id': image['owner'], 'visibility': image['visibility'],
                'member_id': ctx.project_id if self.is_member_project(ctx, image) else None}

    # -- the collection -----------------------------------------------------------------

    def list(self, ctx, filters, sort_keys, sort_dirs, limit, marker=None):
        """``(images, more)``: up to ``limit`` images the caller may see, and
        whether more follow."""
        rows = db_api.image_list(ctx.project_id, is_admin(ctx), filters, sort_keys,
                                 sort_dirs, limit + 1, marker=marker)
        if len(rows) > limit:
            return rows[:limit], True
        return rows, False

    def create(self, body, owner, visibility):
        """A ``queued`` image from a validated create ``body``."""
        values = {k: body[k] for k in CORE_CREATE if k in body}
        values.update(id=body.get('id') or str(uuid.uuid4()), owner=owner,
                      visibility=visibility, status='queued')
        properties = {k: v for k, v in body.items()
                      if k not in CORE_CREATE and k != 'tags'}
        return db_api.image_create(values, properties, body.get('tags', ()))

    # -- one image ----------------------------------------------------------------------

    def update(self, image, core, properties):
        """Store the result of a patch: ``core`` attributes (with ``tags``) and
        the full set of custom ``properties``."""
        core = dict(core)
        tags = core.pop('tags')
        changed = {k: v for k, v in core.items() if v != image[k]}
        return db_api.image_update(image['id'], changed, properties=properties, tags=tags)

    def delete(self, image):
        if image['protected']:
            raise exception.ImageProtected(image_id=image['id'])
        db_api.image_destroy(image['id'])
        # Also the image's own slot in the store: data written by an upload
        # that never reached "active" is not recorded in image['location'].
        for location in dict.fromkeys((image['location'],
                                       self.store.location_for(image['id']))):
            if location:
                try:
                    self.store.delete(location)
                except exception.StoreError as exc:
                    # the image is gone; its data waits for the operator
                    LOG.warning('Image %s deleted; its data at %s was not: %s',
                                image['id'], location, exc)
        self.staging.delete(self.staging.location_for(image['id']))

    def _transition(self, image, action, source, target):
        if image['status'] == target:
            return  # already there: glance treats this as success
        if image['status'] != source:
            raise exception.ActionNotAllowed(action=action, status=image['status'])
        db_api.image_update(image['id'], {'status': target}, expected_status=source)

    def deactivate(self, image):
        self._transition(image, 'deactivate', 'active', 'deactivated')

    def reactivate(self, image):
        self._transition(image, 'reactivate', 'deactivated', 'active')
