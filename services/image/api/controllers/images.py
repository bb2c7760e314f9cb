"""``/v2/images`` and ``/v2/images/{id}``: create, list, show, update, delete."""

import pecan
import webob.exc

from common import exception as common_exc
from services.image import exception
from services.image.api.controllers import base
from services.image.api.controllers import image_data
from services.image.api.controllers import listing
from services.image.api.controllers import members
from services.image.api.controllers import patch
from services.image.api.controllers import subresources
from services.image.api.schemas import image as schemas
from services.image.api.views import images as views


def _writable_schema():
    conf = base.conf()
    return schemas.shared_writable_schema(conf.image.disk_formats,
                                          conf.image.container_formats)


def _check_visibility_policy(visibility, target):
    if visibility == 'public':
        base.authorize('publicize_image', target)
    elif visibility == 'community':
        base.authorize('communitize_image', target)


def _images():
    return base.managers().images


def _check_owner(owner):
    ctx = base.context()
    if owner is not None and owner != ctx.project_id and not base.is_admin(ctx) \
            and not base.is_service(ctx):
        raise common_exc.Forbidden("You are not permitted to create or change images "
                                   "owned by '%s'." % owner)


def _method_not_allowed():
    raise webob.exc.HTTPMethodNotAllowed()


class ImageController:
    """One image: ``/v2/images/{id}`` and what hangs below it."""

    def __init__(self, image_id):
        self.image_id = image_id
        self.file = image_data.ImageFileController(image_id)
        self.stage = image_data.StageController(image_id)
        setattr(self, 'import', image_data.ImportController(image_id))
        self.actions = subresources.ActionsController(image_id)
        self.tags = subresources.TagsController(image_id)
        self.tasks = subresources.ImageTasksController(image_id)
        self.members = members.MembersController(image_id)

    @pecan.expose(generic=True)
    def index(self):
        _method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        return views.image(base.get_authorized_image(self.image_id, 'get_image'))

    @index.when(method='PATCH', template='json')
    def update(self):
        media_type = pecan.request.content_type
        if media_type not in patch.PATCH_MEDIA_TYPES:
            raise exception.UnsupportedMediaType(content_type=media_type or 'none',
                                                 expected=patch.PATCH_MEDIA_TYPES[0])
        image = base.get_authorized_image(self.image_id, 'modify_image')
        operations = base.json_body(schemas.PATCH)
        core, properties = patch.apply(image, operations, media_type, _writable_schema())
        if core['visibility'] != image['visibility']:
            _check_visibility_policy(core['visibility'], base.image_target(image))
        if core['owner'] != image['owner']:
            _check_owner(core['owner'])
        return views.image(_images().update(image, core, properties))

    @index.when(method='DELETE')
    def delete(self):
        image = base.get_authorized_image(self.image_id, 'delete_image')
        _images().delete(image)
        base.set_status(204)


class ImagesController:

    @pecan.expose(generic=True)
    def index(self):
        _method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        ctx = base.context()
        base.authorize('get_images', {'project_id': ctx.project_id})
        params = pecan.request.GET
        conf = base.conf()
        filters = listing.parse_filters(params)
        sort_keys, sort_dirs = listing.parse_sort(params)
        limit = listing.parse_limit(params, conf)
        rows, more = _images().list(ctx, filters, sort_keys, sort_dirs, limit,
                                    marker=params.get('marker'))
        next_query = None
        if more and rows:
            next_query = listing.next_query(params, rows[-1]['id'])
        return views.images(rows, next_query)

    @index.when(method='POST', template='json')
    def create(self):
        body = base.json_body(base.ANY_OBJECT)
        for name in body:
            if name != 'id':  # the id may be chosen at creation only
                patch.check_settable(name)
        base.validation_validate(_writable_schema(), body)
        ctx = base.context()
        owner = body.get('owner', ctx.project_id)
        visibility = body.get('visibility', 'shared')
        _check_owner(body.get('owner'))
        target = {'project_id': owner, 'visibility': visibility}
        base.authorize('add_image', target)
        _check_visibility_policy(visibility, target)
        image = _images().create(body, owner, visibility)
        base.set_status(201)
        pecan.response.headers['Location'] = '%s/v2/images/%s' % (
            pecan.request.host_url, image['id'])
        return views.image(image)

    @pecan.expose()
    def _lookup(self, image_id, *remainder):
        return ImageController(image_id), remainder
