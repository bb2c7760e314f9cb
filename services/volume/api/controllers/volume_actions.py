"""POST /volumes/{id}/action: one handler per action key of the body."""

from services.volume import exception
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.controllers import volumes

#: What os-reset_status may set.
STATUSES = ('available', 'error', 'creating', 'deleting', 'in-use', 'attaching', 'detaching',
            'error_deleting', 'maintenance', 'reserved', 'error_extending', 'extending',
            'downloading', 'uploading', 'retyping', 'backing-up', 'restoring-backup',
            'error_restoring', 'error_managing', 'awaiting-transfer')
ATTACH_STATUSES = ('attached', 'detached')


def register(r):
    r.add('POST', '/volumes/{volume_id}/action', action)


def action(req, volume_id):
    body = req.body
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.InvalidInput(reason='The action body must hold exactly one action.')
    name, args = next(iter(body.items()))
    handler = ACTIONS.get(name)
    if handler is None:
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
    common.conductor().volume_update(req.context, volume_id, {'readonly': readonly},
                                     {'status': ['available', 'in-use']})
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


ACTIONS = {
    'os-extend': extend,
    'os-set_bootable': set_bootable,
    'os-update_readonly_flag': update_readonly_flag,
    'os-reset_status': reset_status,
    'os-force_delete': force_delete,
}
