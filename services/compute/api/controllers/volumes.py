"""os-volumes and os-snapshots: nova's deprecated proxies of the volume
service (below 2.36; from 2.36 they answer 404, as nova).

Every call goes to the volume service with the caller's own token, so the
volume service decides what the caller sees and may change; this module
turns Cinder's shapes into nova's and applies nova's policies and bodies.
"""

from services.compute import clients
from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.schemas import volumes as schemas
from services.compute.api.views import volumes as views

#: The last microversion that serves the proxies (nova removed them at 2.36).
PROXY_MAX = (2, 35)


def register(r):
    r.add('GET', '/os-volumes', index, max_version=PROXY_MAX)
    r.add('GET', '/os-volumes/detail', detail, max_version=PROXY_MAX)
    r.add('POST', '/os-volumes', create, max_version=PROXY_MAX)
    r.add('GET', '/os-volumes/{volume_id}', show, max_version=PROXY_MAX)
    r.add('DELETE', '/os-volumes/{volume_id}', delete, max_version=PROXY_MAX)
    r.add('GET', '/os-snapshots', snapshot_index, max_version=PROXY_MAX)
    r.add('GET', '/os-snapshots/detail', snapshot_detail, max_version=PROXY_MAX)
    r.add('POST', '/os-snapshots', snapshot_create, max_version=PROXY_MAX)
    r.add('GET', '/os-snapshots/{snapshot_id}', snapshot_show, max_version=PROXY_MAX)
    r.add('DELETE', '/os-snapshots/{snapshot_id}', snapshot_delete, max_version=PROXY_MAX)


def _client():
    return clients.volume_client()


def _no_blank_id(req):
    """``GET /os-volumes/`` names a volume with an empty id: none (404, as
    nova), not the collection."""
    if req.raw.path.endswith('/'):
        raise exception.NotFound()


def _page(req, items):
    """nova's offset / limit over the whole listing."""
    offset = common.int_param(req, 'offset', default=0)
    limit, _marker = common.limit_and_marker(req)
    return items[offset:offset + limit]


# -- volumes -----------------------------------------------------------------------

def _list(req, rule):
    _no_blank_id(req)
    policies.authorize(req.context, rule)
    volumes = _page(req, _client().list(req.context))
    return {'volumes': [views.volume(v) for v in volumes]}


def index(req):
    return _list(req, 'os-volumes:list')


def detail(req):
    return _list(req, 'os-volumes:detail')


def show(req, volume_id):
    policies.authorize(req.context, 'os-volumes:show')
    return {'volume': views.volume(_client().get(req.context, volume_id))}


def create(req):
    body = common.validate(schemas.volume, req.body)['volume']
    policies.authorize(req.context, 'os-volumes:create')
    size = common.int_in_range(body['size'], 'size', minimum=1)
    volume = _client().create_volume(
        req.context, size, name=body.get('display_name'),
        description=body.get('display_description'), volume_type=body.get('volume_type'),
        snapshot_id=body.get('snapshot_id'), metadata=body.get('metadata'),
        availability_zone=body.get('availability_zone'))
    location = '%s/v2.1/os-volumes/%s' % (req.host_url, volume['id'])
    return router.Response({'volume': views.volume(volume)}, 200, {'Location': location})


def delete(req, volume_id):
    policies.authorize(req.context, 'os-volumes:delete')
    _client().delete_volume(req.context, volume_id)
    return router.Response(None, 202)


# -- snapshots ---------------------------------------------------------------------

def _snapshots(req, rule):
    _no_blank_id(req)
    policies.authorize(req.context, rule)
    snapshots = _page(req, _client().snapshot_list(req.context))
    return {'snapshots': [views.snapshot(s) for s in snapshots]}


def snapshot_index(req):
    return _snapshots(req, 'os-volumes:snapshots:list')


def snapshot_detail(req):
    return _snapshots(req, 'os-volumes:snapshots:detail')


def snapshot_show(req, snapshot_id):
    policies.authorize(req.context, 'os-volumes:snapshots:show')
    return {'snapshot': views.snapshot(_client().snapshot_get(req.context, snapshot_id))}


def snapshot_create(req):
    body = common.validate(schemas.snapshot, req.body)['snapshot']
    policies.authorize(req.context, 'os-volumes:snapshots:create')
    force = common.bool_param(body.get('force', False), 'force')
    snapshot = _client().snapshot_create(
        req.context, body['volume_id'], force=force, name=body.get('display_name'),
        description=body.get('display_description'))
    return {'snapshot': views.snapshot(snapshot)}


def snapshot_delete(req, snapshot_id):
    policies.authorize(req.context, 'os-volumes:snapshots:delete')
    _client().snapshot_delete(req.context, snapshot_id)
    return router.Response(None, 202)
