"""How an image of the image service looks through nova's image proxy API.

Glance v2 images (as the image client returns them: user properties under
``properties``) become the compute API's image: camel-case sizes, the
upload state as a status and a percentage, the user properties as
``metadata`` and, for a server snapshot, a link to its server.
"""

from oslo_utils import strutils

from services.compute.api.controllers import common

#: Glance status -> compute image status; anything else is UNKNOWN.
_STATUS = {'active': 'ACTIVE', 'queued': 'SAVING', 'saving': 'SAVING',
           'deleted': 'DELETED', 'pending_delete': 'DELETED', 'killed': 'ERROR'}
#: Glance status -> upload progress in percent; anything else is 0.
_PROGRESS = {'queued': 25, 'saving': 50, 'active': 100}


def status(image):
    return _STATUS.get(image.get('status'), 'UNKNOWN')


def links(req, image_id, image_url=None):
    result = common.link(req, 'images', image_id)
    if image_url:
        result.append({'rel': 'alternate', 'type': 'application/vnd.openstack.image',
                       'href': '%s/images/%s' % (image_url, image_id)})
    return result


def basic(req, image, image_url=None):
    return {'id': image['id'], 'name': image.get('name'),
            'links': links(req, image['id'], image_url)}


def detail(req, image, image_url=None):
    properties = dict(image.get('properties') or {})
    body = {
        'id': image['id'],
        'name': image.get('name'),
        'minRam': int(image.get('min_ram') or 0),
        'minDisk': int(image.get('min_disk') or 0),
        'metadata': properties,
        'created': common.isotime(image.get('created_at')) or '',
        'updated': common.isotime(image.get('updated_at')) or '',
        'status': status(image),
        'progress': _PROGRESS.get(image.get('status'), 0),
        'OS-EXT-IMG-SIZE:size': image.get('size'),
        'links': links(req, image['id'], image_url),
    }
    server_id = properties.get('instance_uuid')
    if server_id is not None:
        body['server'] = {'id': server_id, 'links': common.link(req, 'servers', server_id)}
    disk_config = properties.get('auto_disk_config')
    if disk_config is not None:
        body['OS-DCF:diskConfig'] = ('AUTO' if strutils.bool_from_string(disk_config)
                                     else 'MANUAL')
    return body
