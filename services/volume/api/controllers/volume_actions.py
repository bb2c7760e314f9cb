"""POST /volumes/{id}/action: one handler per action key of the body."""

from services.volume import exception
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.controllers import volumes
from services.volume.api.schemas import volumes as schemas
from services.volume.api.views import types as type_views

#: What os-reset_status may set.
STATUSES = ('available', 'error', 'creating', 'deleting', 'in-use', 'attaching', 'detaching',
            'error_deleting', 'maintenance', 'reserved', 'error_extending', 'extending',
            'downloading', 'uploading', 'retyping', 'backing-up', 'restoring-backup',
            'error_restoring', 'error_managing', 'awaiting-transfer')
ATTACH_STATUSES = ('attached', 'detached')
#: What os-reimage takes without ``reimage_reserved``.
REIMAGE_STATUSES = ('available', 'error')
#: Actions that exist from a microversion on (3.<minor>); below it they are
#: unknown actions, as any other name.
SINCE = {'os-reimage': 68}


def register(r):
    r.add('POST', '/volumes/{volume_id}/action', action)


def action(req, volume_id):
    body = req.body
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.InvalidInput(reason='The action body must hold exactly one action.')
    name, args = next(iter(body.items()))
    handler = ACTIONS.get(name)
    if handler is None or not req.at_least(SINCE.get(name, 0)):
        raise exception.InvalidInput(reason='There is no such action: %s' % name)
    return handler(req, volume_id, args)


def _args(args, name):
    if not isinstance(args, dict):
        raise exception.InvalidInput(reason='%s takes an object.' % name)
    return args


def extend(req, volume_id, args):
    args = _args(args, 'os-extend')
    volume = volumes.get_volume(req, volume_id, 'volume:extend')
    if 'new_size' not in args:
        raise exception.InvalidInput(reason="'new_size' is a required property")
    new_size = common.integer(args['new_size'], 'new_size', 1)
    common.conductor().volume_extend(req.context, volume['id'], new_size)
    return router.Response(None, 202)


def set_bootable(req, volume_id, args):
    args = _args(args, 'os-set_bootable')
    volumes.get_volume(req, volume_id, 'volume_extension:volume_actions:set_bootable')
    if 'bootable' not in args:
        raise exception.InvalidInput(reason="'bootable' is a required property")
    bootable = common.boolean(args['bootable'], 'bootable')
    common.conductor().volume_update(req.context, volume_id, {'bootable': bootable})
    return router.Response(None, 200)


def update_readonly_flag(req, volume_id, args):
    args = _args(args, 'os-update_readonly_flag')
    volumes.get_volume(req, volume_id, 'volume:update_readonly_flag')
    if 'readonly' not in args:
        raise exception.InvalidInput(reason="'readonly' is a required property")
    readonly = common.boolean(args['readonly'], 'readonly')
    common.conductor().volume_update(req.context, volume_id, {
        'readonly': readonly, 'admin_metadata': {'readonly': str(readonly)}},
        {'status': ['available', 'in-use']})
    return router.Response(None, 202)


def upload_image(req, volume_id, args):
    """Create the image record (queued) as the caller, then have the volume's
    host write the volume into it; 202 with cinder's answer."""
    args = _args(args, 'os-volume_upload_image')
    ctx = req.context
    volume = volumes.get_volume(req, volume_id,
                                'volume_extension:volume_actions:upload_image')
    common.validate(schemas.UPLOAD_IMAGE, {'upload': args})
    force = common.boolean(args.get('force', False), 'force')
    disk_format = args.get('disk_format') or 'raw'
    container_format = args.get('container_format') or 'bare'
    visibility, protected = 'private', False
    if req.at_least(1):
        visibility = args.get('visibility') or 'private'
        protected = common.boolean(args.get('protected', False), 'protected')
        if visibility == 'public':
            policies.authorize(ctx, 'volume_extension:volume_actions:upload_public',
                               volume['project_id'])
    allowed = ('available', 'in-use') if force else ('available',)
    if volume['status'] not in allowed:
        raise exception.InvalidVolume(
            reason='Volume %s status must be %s to upload it to an image, but current status '
                   'is: %s.' % (volume_id, ' or '.join(allowed), volume['status']))
    from services.volume.clients import image as image_client
    client = image_client.ImageClient()
    body = {'name': args['image_name'], 'disk_format': disk_format,
            'container_format': container_format, 'visibility': visibility,
            'protected': protected, 'min_disk': volume['size']}
    body.update(image_client.inherited_properties(volume.get('image_metadata') or {}))
    image = client.create(ctx, body)
    try:
        volume = common.conductor().volume_upload_image(
            ctx, volume_id, {'id': image['id'], 'disk_format': disk_format}, force)
    except Exception:
        client.delete(ctx, image['id'])
        raise
    vtype = common.conductor().type_get(ctx, volume['volume_type_id']) \
        if volume['volume_type_id'] else None
    answer = {'id': volume['id'], 'updated_at': volume['updated_at'],
              'status': volume['status'], 'display_description': volume['description'],
              'size': volume['size'],
              'volume_type': type_views.detail(req, vtype) if vtype else None,
              'image_id': image['id'], 'container_format': container_format,
              'disk_format': disk_format, 'image_name': args['image_name']}
    if req.at_least(1):
        answer.update(visibility=visibility, protected=protected)
    return router.Response({'os-volume_upload_image': answer}, 202)


def retype(req, volume_id, args):
    """Same backend: the type changes in place; another backend (the new
    type names it) with ``migration_policy`` ``on-demand``: the volume is
    copied there."""
    args = _args(args, 'os-retype')
    volumes.get_volume(req, volume_id, 'volume:retype')
    common.validate(schemas.RETYPE, args)
    common.conductor().volume_retype(req.context, volume_id, args['new_type'],
                                     args.get('migration_policy') or 'never')
    return router.Response(None, 202)


def reimage(req, volume_id, args):
    """Write an image over the volume's data (3.68).  An available or
    error volume, or (``reimage_reserved``, compute's rebuild of a
    volume-backed server) a reserved one; the image must be active and fit
    the volume.  202; the volume is ``downloading`` meanwhile."""
    args = _args(args, 'os-reimage')
    volume = volumes.get_volume(req, volume_id, 'volume:reimage')
    common.validate(schemas.REIMAGE, args)
    reserved = common.boolean(args.get('reimage_reserved', False), 'reimage_reserved')
    if reserved:
        policies.authorize(req.context, 'volume:reimage_reserved', volume['project_id'])
    allowed = REIMAGE_STATUSES + (('reserved',) if reserved else ())
    if volume['status'] not in allowed:
        raise exception.InvalidVolume(
            reason='Volume %s status must be %s to reimage it, but current status is: %s.'
                   % (volume_id, ' or '.join(allowed), volume['status']))
    image = volumes.image_values(req, args['image_id'], volume['size'])
    common.conductor().volume_reimage(req.context, volume_id, image, reserved)
    return router.Response(None, 202)


def reset_status(req, volume_id, args):
    args = _args(args, 'os-reset_status')
    volumes.get_volume(req, volume_id, 'volume_extension:volume_admin_actions:reset_status')
    values = {}
    if args.get('status') is not None:
        if args['status'] not in STATUSES:
            raise exception.InvalidInput(reason='Invalid status %r.' % args['status'])
        values['status'] = args['status']
    if args.get('attach_status') is not None:
        if args['attach_status'] not in ATTACH_STATUSES:
            raise exception.InvalidInput(reason='Invalid attach_status %r.'
                                         % args['attach_status'])
        values['attach_status'] = args['attach_status']
    if args.get('migration_status') is not None:
        raise exception.InvalidInput(reason='Migration is not supported.')
    if not values:
        raise exception.InvalidInput(reason='Must specify status, attach_status or '
                                            'migration_status for update!')
    common.conductor().volume_update(req.context, volume_id, values)
    return router.Response(None, 202)


def force_delete(req, volume_id, args):
    volumes.get_volume(req, volume_id, 'volume_extension:volume_admin_actions:force_delete')
    common.conductor().volume_delete(req.context, volume_id, True)
    return router.Response(None, 202)


def migrate_volume_completion(req, volume_id, args):
    """Compute's word that a swap of this volume for ``new_volume`` is
    done (admin; nova calls it after a swap volume).  A swap the volume
    service did not start (neither volume migrating): the old volume's
    attachments to the servers the new volume is now attached to go (it is
    ``available`` once it has no other), the new volume keeps its id.  A
    migration's completion checks the two volumes as cinder does; moving
    an attached volume between backends is not done here (400)."""
    args = _args(args, 'os-migrate_volume_completion')
    volume = volumes.get_volume(
        req, volume_id, 'volume_extension:volume_admin_actions:migrate_volume_completion')
    new_id = args.get('new_volume')
    if not new_id or not isinstance(new_id, str):
        raise exception.InvalidInput(reason="'new_volume' is a required property")
    error = common.boolean(args.get('error', False), 'error')
    new = common.conductor().volume_get(req.context, new_id)
    if not (volume.get('migration_status') or new.get('migration_status')):
        if not error:
            _release_swapped(req.context, volume, new)
        return {'save_volume_id': new['id']}
    if not volume.get('migration_status'):
        raise exception.InvalidVolume(reason='Source volume not mid-migration.')
    if not new.get('migration_status'):
        raise exception.InvalidVolume(reason='Destination volume not mid-migration.')
    expected = 'target:%s' % volume['id']
    if new['migration_status'] != expected:
        raise exception.InvalidVolume(reason='Destination has migration_status %s, expected '
                                             '%s.' % (new['migration_status'], expected))
    raise exception.InvalidVolume(reason='Migrating an attached volume to another backend is '
                                         'not supported.')


def _release_swapped(ctx, old, new):
    """The old volume's attachments to the servers that have the new one."""
    conductor = common.conductor()
    servers = {a['instance_uuid'] for a in conductor.attachment_list(
        ctx, filters={'volume_id': new['id']}) if a.get('instance_uuid')}
    for attachment in conductor.attachment_list(ctx, filters={'volume_id': old['id']}):
        if attachment.get('instance_uuid') in servers:
            conductor.attachment_delete(ctx, attachment['id'])


ACTIONS = {
    'os-extend': extend,
    'os-set_bootable': set_bootable,
    'os-update_readonly_flag': update_readonly_flag,
    'os-reset_status': reset_status,
    'os-volume_upload_image': upload_image,
    'os-retype': retype,
    'os-reimage': reimage,
    'os-force_delete': force_delete,
    'os-migrate_volume_completion': migrate_volume_completion,
}
