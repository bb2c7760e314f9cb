"""Volumes: /volumes, /volumes/detail, /volumes/{id}, /volumes/{id}/metadata."""

from services.volume import exception
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.schemas import volumes as schemas
from services.volume.api.views import volumes as views

SORT_KEYS = ('id', 'name', 'size', 'status', 'created_at', 'updated_at', 'availability_zone',
             'bootable', 'project_id', 'description')
_FILTERS = ('name', 'status', 'availability_zone', 'bootable')


def register(r):
    r.add('GET', '/volumes', index)
    r.add('GET', '/volumes/detail', detail)
    r.add('POST', '/volumes', create)
    r.add('GET', '/volumes/{volume_id}', show)
    r.add('PUT', '/volumes/{volume_id}', update)
    r.add('DELETE', '/volumes/{volume_id}', delete)
    r.add('GET', '/volumes/{volume_id}/metadata', metadata_index)
    r.add('POST', '/volumes/{volume_id}/metadata', metadata_create)
    r.add('PUT', '/volumes/{volume_id}/metadata', metadata_replace)
    r.add('GET', '/volumes/{volume_id}/metadata/{key}', metadata_show)
    r.add('PUT', '/volumes/{volume_id}/metadata/{key}', metadata_update)
    r.add('DELETE', '/volumes/{volume_id}/metadata/{key}', metadata_delete)


def get_volume(req, volume_id, rule):
    """The volume if the caller may see it (404 otherwise), then ``rule``
    enforced on its project (403)."""
    volume = common.conductor().volume_get(req.context, volume_id)
    policies.authorize(req.context, rule, volume['project_id'])
    return volume


def _list(req):
    policies.authorize(req.context, 'volume:get_all')
    sorts, limit, marker = common.page(req, SORT_KEYS)
    skip = common.offset(req)
    filters = {}
    for key in _FILTERS:
        value = req.params.get(key)
        if value not in (None, ''):
            filters[key] = common.boolean(value, key) if key == 'bootable' else value
    project = common.scoped_project(req)
    if project:
        filters['project_id'] = project
    volumes = common.conductor().volume_list(
        req.context, filters=filters, metadata=common.metadata_filter(req), sorts=sorts,
        limit=limit + skip, marker=marker)
    return volumes[skip:], limit


def index(req):
    volumes, limit = _list(req)
    body = {'volumes': [views.summary(req, v) for v in volumes]}
    body.update(common.next_links(req, 'volumes', volumes, limit, 'volumes'))
    return body


def detail(req):
    volumes, limit = _list(req)
    body = {'volumes': [views.detail(req, v) for v in volumes]}
    body.update(common.next_links(req, 'volumes/detail', volumes, limit, 'volumes'))
    return body


def show(req, volume_id):
    return {'volume': views.detail(req, get_volume(req, volume_id, 'volume:get'))}


def _name(body, key):
    return body.get(key) if body.get(key) is not None else body.get('display_' + key)


def create(req):
    ctx = req.context
    policies.authorize(ctx, 'volume:create')
    body = req.body
    common.validate(schemas.VOLUME_CREATE, body)
    spec = body['volume']
    if spec.get('backup_id'):
        raise exception.InvalidInput(reason='Restoring a backup is not supported.')
    values = {'name': _name(spec, 'name'), 'description': _name(spec, 'description'),
              'availability_zone': spec.get('availability_zone') or None,
              'snapshot_id': spec.get('snapshot_id') or None,
              'source_volid': spec.get('source_volid') or None,
              'multiattach': common.boolean(spec.get('multiattach', False), 'multiattach')}
    sources = [k for k in ('snapshot_id', 'source_volid') if values[k]]
    image_ref = spec.get('imageRef') or spec.get('image_id')
    if image_ref:
        sources.append('imageRef')
    if len(sources) > 1:
        raise exception.InvalidInput(reason='Only one of %s may be given.' % ', '.join(sources))
    size = spec.get('size')
    if size is None and not (values['snapshot_id'] or values['source_volid']):
        raise exception.InvalidInput(reason='Size must be specified when creating a volume '
                                            'without a source.')
    values['size'] = None if size is None else common.integer(size, 'size', 1)
    if image_ref:
        policies.authorize(ctx, 'volume:create_from_image')
        values.update(image_values(req, image_ref, values['size']))
    volume = common.conductor().volume_create(ctx, values, spec.get('metadata') or {},
                                              spec.get('volume_type') or None)
    return router.Response({'volume': views.detail(req, volume, extended=False)}, 202)


def image_values(req, image_ref, size):
    """Check the image the caller names is active and fits ``size`` GiB
    (400 otherwise); what the volume keeps of it (a create or a reimage)."""
    from services.volume.clients import image
    try:
        record = image.ImageClient().get(req.context, image_ref)
    except exception.ImageNotFound:
        raise exception.InvalidInput(
            reason='Invalid image identifier or unable to access requested image.')
    if record.get('status') != 'active':
        raise exception.InvalidInput(reason='Image %s is not active.' % image_ref)
    gib = 1 << 30
    needed = max(-(-int(record.get('size') or 0) // gib),
                 -(-int(record.get('virtual_size') or 0) // gib),
                 int(record.get('min_disk') or 0))
    if size < needed:
        raise exception.InvalidInput(
            reason='Image %s needs a volume of at least %dGB; %dGB was requested.'
                   % (image_ref, needed, size))
    return {'image_id': record['id'], 'image_metadata': image.properties(record)}


def update(req, volume_id):
    volume = get_volume(req, volume_id, 'volume:update')
    body = req.body
    common.validate(schemas.VOLUME_UPDATE, body)
    spec = body['volume']
    values = {}
    for key in ('name', 'description'):
        if key in spec or 'display_' + key in spec:
            values[key] = _name(spec, key)
    api = common.conductor()
    if 'metadata' in spec:
        api.metadata_update(req.context, 'volume', volume_id, spec['metadata'], True)
    volume = api.volume_update(req.context, volume['id'], values)
    return {'volume': views.detail(req, volume, extended=False)}


def delete(req, volume_id):
    get_volume(req, volume_id, 'volume:delete')
    cascade = req.params.get('cascade')
    cascade = cascade not in (None, '') and common.boolean(cascade, 'cascade')
    force = req.params.get('force')
    force = force not in (None, '') and common.boolean(force, 'force')
    if force:
        policies.authorize(req.context, 'volume_extension:volume_admin_actions:force_delete')
    common.conductor().volume_delete(req.context, volume_id, force, cascade)
    return router.Response(None, 202)


# -- metadata ----------------------------------------------------------------------------

def metadata_index(req, volume_id):
    return {'metadata': get_volume(req, volume_id, 'volume:get_volume_metadata')['metadata']}


def _set_metadata(req, volume_id, rule, replace):
    get_volume(req, volume_id, rule)
    body = req.body
    common.validate(schemas.METADATA, body)
    return {'metadata': common.conductor().metadata_update(
        req.context, 'volume', volume_id, body['metadata'], replace)}


def metadata_create(req, volume_id):
    return _set_metadata(req, volume_id, 'volume:create_volume_metadata', False)


def metadata_replace(req, volume_id):
    return _set_metadata(req, volume_id, 'volume:update_volume_metadata', True)


def metadata_show(req, volume_id, key):
    metadata = get_volume(req, volume_id, 'volume:get_volume_metadata')['metadata']
    if key not in metadata:
        raise exception.MetadataNotFound(kind='volume', resource_id=volume_id, key=key)
    return {'meta': {key: metadata[key]}}


def metadata_update(req, volume_id, key):
    get_volume(req, volume_id, 'volume:update_volume_metadata')
    body = req.body
    common.validate(schemas.META_ITEM, body)
    meta = body['meta']
    if list(meta) != [key]:
        raise exception.InvalidInput(reason='Request body and URI mismatch')
    common.conductor().metadata_update(req.context, 'volume', volume_id, meta, False)
    return {'meta': meta}


def metadata_delete(req, volume_id, key):
    get_volume(req, volume_id, 'volume:delete_volume_metadata')
    common.conductor().metadata_delete(req.context, 'volume', volume_id, key)
    return router.Response(None, 200)
