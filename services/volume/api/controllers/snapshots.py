"""Snapshots: /snapshots, /snapshots/detail, /snapshots/{id}, metadata, actions."""

from services.volume import exception
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.schemas import volumes as schemas
from services.volume.api.views import snapshots as views

SORT_KEYS = ('id', 'name', 'size', 'status', 'created_at', 'updated_at', 'volume_id',
             'project_id')


def register(r):
    r.add('GET', '/snapshots', index)
    r.add('GET', '/snapshots/detail', detail)
    r.add('POST', '/snapshots', create)
    r.add('GET', '/snapshots/{snapshot_id}', show)
    r.add('PUT', '/snapshots/{snapshot_id}', update)
    r.add('DELETE', '/snapshots/{snapshot_id}', delete)
    r.add('POST', '/snapshots/{snapshot_id}/action', action)
    r.add('GET', '/snapshots/{snapshot_id}/metadata', metadata_index)
    r.add('POST', '/snapshots/{snapshot_id}/metadata', metadata_create)
    r.add('PUT', '/snapshots/{snapshot_id}/metadata', metadata_replace)
    r.add('GET', '/snapshots/{snapshot_id}/metadata/{key}', metadata_show)
    r.add('PUT', '/snapshots/{snapshot_id}/metadata/{key}', metadata_update)
    r.add('DELETE', '/snapshots/{snapshot_id}/metadata/{key}', metadata_delete)


def get_snapshot(req, snapshot_id, rule):
    snapshot = common.conductor().snapshot_get(req.context, snapshot_id)
    policies.authorize(req.context, rule, snapshot['project_id'])
    return snapshot


def index(req):
    """The summary list: no os-extended-snapshot-attributes (cinder's)."""
    return _listing(req, extended=False)


def detail(req):
    return _listing(req, extended=True)


def _listing(req, extended):
    policies.authorize(req.context, 'volume:get_all_snapshots')
    sorts, limit, marker = common.page(req, SORT_KEYS)
    skip = common.offset(req)
    filters = {k: req.params[k] for k in ('name', 'status', 'volume_id')
               if req.params.get(k) not in (None, '')}
    project = common.scoped_project(req)
    if project:
        filters['project_id'] = project
    snapshots = common.conductor().snapshot_list(
        req.context, filters=filters, metadata=common.metadata_filter(req), sorts=sorts,
        limit=limit + skip, marker=marker)[skip:]
    body = {'snapshots': [views.detail(req, s, extended=extended) for s in snapshots]}
    body.update(common.next_links(req, 'snapshots/detail' if extended else 'snapshots',
                                  snapshots, limit, 'snapshots'))
    return body


def show(req, snapshot_id):
    return {'snapshot': views.detail(req, get_snapshot(req, snapshot_id,
                                                       'volume:get_snapshot'))}


def _name(body, key):
    return body.get(key) if body.get(key) is not None else body.get('display_' + key)


def create(req):
    ctx = req.context
    policies.authorize(ctx, 'volume:create_snapshot')
    body = req.body
    common.validate(schemas.SNAPSHOT_CREATE, body)
    spec = body['snapshot']
    force = common.boolean(spec.get('force', False), 'force')
    if not spec['volume_id']:
        # cinder looks the volume up and finds nothing: 404, as Tempest expects
        raise exception.VolumeNotFound(volume_id=spec['volume_id'])
    api = common.conductor()
    volume = api.volume_get(ctx, spec['volume_id'])
    policies.authorize(ctx, 'volume:create_snapshot', volume['project_id'])
    if volume['status'] == 'in-use' and not force and not req.at_least(66):
        raise exception.InvalidVolume(reason='Volume %s is in-use; snapshot it with force.'
                                      % volume['id'])
    snapshot = api.snapshot_create(ctx, {'volume_id': volume['id'],
                                         'name': _name(spec, 'name'),
                                         'description': _name(spec, 'description')},
                                   spec.get('metadata') or {}, force or req.at_least(66))
    return router.Response({'snapshot': views.detail(req, snapshot, extended=False)}, 202)


def update(req, snapshot_id):
    get_snapshot(req, snapshot_id, 'volume:update_snapshot')
    body = req.body
    common.validate(schemas.SNAPSHOT_UPDATE, body)
    spec = body['snapshot']
    values = {key: _name(spec, key) for key in ('name', 'description')
              if key in spec or 'display_' + key in spec}
    snapshot = common.conductor().snapshot_update(req.context, snapshot_id, values)
    return {'snapshot': views.detail(req, snapshot, extended=False)}


def delete(req, snapshot_id):
    get_snapshot(req, snapshot_id, 'volume:delete_snapshot')
    common.conductor().snapshot_delete(req.context, snapshot_id)
    return router.Response(None, 202)


def action(req, snapshot_id):
    body = req.body
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.InvalidInput(reason='The action body must hold exactly one action.')
    name, args = next(iter(body.items()))
    if name == 'os-force_delete':
        get_snapshot(req, snapshot_id, 'volume_extension:snapshot_admin_actions:force_delete')
        common.conductor().snapshot_delete(req.context, snapshot_id, True)
        return router.Response(None, 202)
    if name == 'os-reset_status':
        get_snapshot(req, snapshot_id, 'volume_extension:snapshot_admin_actions:reset_status')
        status = args.get('status') if isinstance(args, dict) else None
        if status not in ('available', 'error', 'creating', 'deleting', 'error_deleting'):
            raise exception.InvalidInput(reason='Invalid status %r.' % status)
        common.conductor().snapshot_update(req.context, snapshot_id, {'status': status})
        return router.Response(None, 202)
    if name == 'os-update_snapshot_status':
        return _update_status(req, snapshot_id, args)
    raise exception.InvalidInput(reason='There is no such action: %s' % name)


#: os-update_snapshot_status: the statuses a snapshot may be moved to from
#: each status it may be in (cinder's); a snapshot in any other status
#: refuses the action.
UPDATE_STATUS_MOVES = {'creating': ('creating', 'available', 'error'),
                       'deleting': ('deleting', 'error_deleting')}


def _progress(value):
    """A percentage as cinder takes it: ``'0%'`` to ``'100%'``."""
    text = value if isinstance(value, str) else ''
    digits = text[:-1]
    if not text.endswith('%') or not digits.isdigit() or int(digits) > 100:
        raise exception.InvalidInput(reason='progress must be an integer percentage')
    return text


def _update_status(req, snapshot_id, args):
    """os-update_snapshot_status: the service that does a snapshot's work
    (compute's assisted snapshots of attached file volumes) reports how it
    went: ``status`` and an optional ``progress``."""
    snapshot = get_snapshot(req, snapshot_id,
                            'snapshot_extension:snapshot_actions:update_snapshot_status')
    if not isinstance(args, dict) or 'status' not in args:
        raise exception.InvalidInput(reason="'status' must be specified.")
    current, status = snapshot['status'], args['status']
    if current not in UPDATE_STATUS_MOVES:
        raise exception.InvalidInput(
            reason='Snapshot status %s not allowed for update_snapshot_status' % current)
    if status not in UPDATE_STATUS_MOVES[current]:
        raise exception.InvalidInput(
            reason='Provided snapshot status %s not allowed for snapshot with status %s.'
            % (status, current))
    values = {'status': status}
    if args.get('progress'):
        values['progress'] = _progress(args['progress'])
    # Only from the status it was read in: a racing update is refused.
    common.conductor().snapshot_update(req.context, snapshot_id, values,
                                       expected={'status': [current]})
    return router.Response(None, 202)


# -- metadata ----------------------------------------------------------------------------

def metadata_index(req, snapshot_id):
    return {'metadata': get_snapshot(req, snapshot_id,
                                     'volume:get_snapshot_metadata')['metadata']}


def _set(req, snapshot_id, replace):
    get_snapshot(req, snapshot_id, 'volume:update_snapshot_metadata')
    body = req.body
    common.validate(schemas.METADATA, body)
    return {'metadata': common.conductor().metadata_update(
        req.context, 'snapshot', snapshot_id, body['metadata'], replace)}


def metadata_create(req, snapshot_id):
    return _set(req, snapshot_id, False)


def metadata_replace(req, snapshot_id):
    return _set(req, snapshot_id, True)


def metadata_show(req, snapshot_id, key):
    metadata = get_snapshot(req, snapshot_id, 'volume:get_snapshot_metadata')['metadata']
    if key not in metadata:
        raise exception.MetadataNotFound(kind='snapshot', resource_id=snapshot_id, key=key)
    return {'meta': {key: metadata[key]}}


def metadata_update(req, snapshot_id, key):
    get_snapshot(req, snapshot_id, 'volume:update_snapshot_metadata')
    body = req.body
    common.validate(schemas.META_ITEM, body)
    if list(body['meta']) != [key]:
        raise exception.InvalidInput(reason='Request body and URI mismatch')
    common.conductor().metadata_update(req.context, 'snapshot', snapshot_id, body['meta'],
                                       False)
    return {'meta': body['meta']}


def metadata_delete(req, snapshot_id, key):
    get_snapshot(req, snapshot_id, 'volume:delete_snapshot_metadata')
    common.conductor().metadata_delete(req.context, 'snapshot', snapshot_id, key)
    return router.Response(None, 200)
