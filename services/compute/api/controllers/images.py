"""/images: nova's deprecated proxy to the image service.

Images and their metadata are read and changed in the image service with
the caller's own token (the image service decides what the caller may see
and change); this API only translates.  The image routes are served up to
microversion 2.35 and the image metadata routes up to 2.38, as in nova:
above, they answer 404.
"""

from oslo_config import cfg

from services.compute import clients
from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.schemas import images as schemas
from services.compute.api.views import images as views
from services.compute.clients import base as client_base

CONF = cfg.CONF
IMAGES_MAX = (2, 35)
METADATA_MAX = (2, 38)

#: Query parameter -> Glance v2 filter.
_FILTERS = {'name': 'name', 'status': 'status', 'server': 'instance_uuid',
            'type': 'image_type'}
#: Query parameter -> image attribute that must be at least its value.
_MINIMUMS = {'minRam': 'min_ram', 'minDisk': 'min_disk'}


def register(r):
    r.add('GET', '/images', index, max_version=IMAGES_MAX)
    r.add('GET', '/images/detail', detail, max_version=IMAGES_MAX)
    r.add('GET', '/images/{image_id}', show, max_version=IMAGES_MAX)
    r.add('DELETE', '/images/{image_id}', delete, max_version=IMAGES_MAX)
    # a blank image ID names no image: 404, as nova (not the collection's 405)
    r.add('DELETE', '/images', delete_blank, max_version=IMAGES_MAX)
    r.add('GET', '/images/{image_id}/metadata', list_metadata, max_version=METADATA_MAX)
    r.add('POST', '/images/{image_id}/metadata', update_metadata, max_version=METADATA_MAX)
    r.add('PUT', '/images/{image_id}/metadata', replace_metadata, max_version=METADATA_MAX)
    r.add('GET', '/images/{image_id}/metadata/{key}', show_meta, max_version=METADATA_MAX)
    r.add('PUT', '/images/{image_id}/metadata/{key}', set_meta, max_version=METADATA_MAX)
    r.add('DELETE', '/images/{image_id}/metadata/{key}', delete_meta,
          max_version=METADATA_MAX)


def _client():
    return clients.image_client()


# -- images ---------------------------------------------------------------------

def _filters(req):
    """The Glance v2 query for the request's filters, and the minimum sizes
    (which Glance cannot filter on) to apply to its answer."""
    params = req.params
    filters, minimums = {}, {}
    for name, value in params.items():
        if name in _FILTERS:
            filters[_FILTERS[name]] = value
        elif name.startswith('property-') and len(name) > len('property-'):
            filters[name[len('property-'):]] = value
        elif name in _MINIMUMS:
            minimums[_MINIMUMS[name]] = common.int_in_range(value, name)
    if 'status' in filters:
        filters['status'] = filters['status'].lower()
    if 'instance_uuid' in filters:
        # a server's ID, or its URL
        filters['instance_uuid'] = filters['instance_uuid'].rstrip('/').rsplit('/', 1)[-1]
    since = params.get('changes-since')
    if since:
        filters['updated_at'] = 'gte:' + since
    return filters, minimums


def _list(req, render, collection):
    policies.authorize(req.context, 'images:index')
    limit, marker = common.limit_and_marker(req)
    filters, minimums = _filters(req)
    client = _client()
    if minimums:
        # Glance cannot filter on these: read every page, then cut.
        found = client.list(req.context, filters, marker=marker)
        found = [i for i in found if all(int(i.get(attr) or 0) >= value
                                          for attr, value in minimums.items())][:limit]
    else:
        found = client.list(req.context, filters, limit=limit, marker=marker)
    url = client.endpoint(req.context)
    items = [render(req, image, url) for image in found]
    body = {'images': items}
    links = common.next_link(req, collection, items, limit)
    if links:
        body['images_links'] = links
    return body


def index(req):
    return _list(req, views.basic, 'images')


def detail(req):
    return _list(req, views.detail, 'images/detail')


def show(req, image_id):
    policies.authorize(req.context, 'images:show')
    client = _client()
    image = client.get(req.context, image_id)
    return {'image': views.detail(req, image, client.endpoint(req.context))}


def delete(req, image_id):
    policies.authorize(req.context, 'images:delete')
    _client().delete(req.context, image_id, strict=True)
    return router.Response(None, 204)


def delete_blank(req):
    policies.authorize(req.context, 'images:delete')
    raise exception.ImageNotFound(image_id='')


# -- image metadata ------------------------------------------------------------

def _properties(req, image_id):
    return dict(_client().get(req.context, image_id)['properties'])


def _save(req, image_id, properties):
    reserved = sorted(k for k in properties if k in client_base.IMAGE_ATTRIBUTES)
    if reserved:
        raise exception.Invalid(reason='Image metadata key %s is an attribute of the '
                                       'image, not metadata' % reserved[0])
    limit = CONF.quota.metadata_items
    if 0 <= limit < len(properties):
        raise exception.ImageMetadataLimitExceeded()
    return _client().update_properties(req.context, image_id, properties)


def list_metadata(req, image_id):
    policies.authorize(req.context, 'images:metadata:index')
    return {'metadata': _properties(req, image_id)}


def update_metadata(req, image_id):
    policies.authorize(req.context, 'images:metadata:create')
    body = common.validate(schemas.metadata, req.body)
    properties = dict(_properties(req, image_id), **body['metadata'])
    return {'metadata': _save(req, image_id, properties)}


def replace_metadata(req, image_id):
    policies.authorize(req.context, 'images:metadata:update_all')
    body = common.validate(schemas.metadata, req.body)
    _properties(req, image_id)  # 404 before any change for an unknown image
    _save(req, image_id, dict(body['metadata']))
    return {'metadata': body['metadata']}


def show_meta(req, image_id, key):
    policies.authorize(req.context, 'images:metadata:show')
    properties = _properties(req, image_id)
    if key not in properties:
        raise exception.NotFound('Image metadata item %s was not found' % key)
    return {'meta': {key: properties[key]}}


def set_meta(req, image_id, key):
    policies.authorize(req.context, 'images:metadata:update')
    body = common.validate(schemas.meta_item, req.body)
    if key not in body['meta']:
        raise exception.Invalid(reason='Request body and URI mismatch')
    _save(req, image_id, dict(_properties(req, image_id), **body['meta']))
    return {'meta': body['meta']}


def delete_meta(req, image_id, key):
    policies.authorize(req.context, 'images:metadata:delete')
    properties = _properties(req, image_id)
    if key not in properties:
        raise exception.NotFound('Invalid metadata key')
    del properties[key]
    _save(req, image_id, properties)
    return router.Response(None, 204)
