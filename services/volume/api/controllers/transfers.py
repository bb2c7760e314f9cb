"""Volume transfers: /os-volume-transfer (3.0) and /volume-transfers (3.55):
offer a volume with an auth key, list, show, accept into another project,
withdraw."""

from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.schemas import transfers as schemas

SORT_KEYS = ('id', 'name', 'created_at', 'volume_id')
#: collection name and the first microversion serving it
COLLECTIONS = (('os-volume-transfer', None), ('volume-transfers', (3, 55)))


def register(r):
    for name, since in COLLECTIONS:
        base = '/' + name
        r.add('GET', base, _bind(index, name), min_version=since)
        r.add('GET', base + '/detail', _bind(detail, name), min_version=since)
        r.add('POST', base, _bind(create, name), min_version=since)
        r.add('GET', base + '/{transfer_id}', _bind(show, name), min_version=since)
        r.add('DELETE', base + '/{transfer_id}', delete, min_version=since)
        r.add('POST', base + '/{transfer_id}/accept', _bind(accept, name),
              min_version=since)


def _bind(handler, collection):
    def bound(req, **kwargs):
        return handler(req, collection, **kwargs)
    bound.__name__ = handler.__name__
    return bound


def summary(req, collection, transfer):
    return {'id': transfer['id'], 'name': transfer['name'],
            'volume_id': transfer['volume_id'],
            'links': common.links(req, collection, transfer['id'])}


def view(req, collection, transfer):
    body = dict(summary(req, collection, transfer), created_at=transfer['created_at'])
    if req.at_least(55):
        body['no_snapshots'] = transfer['no_snapshots']
    if req.at_least(57):
        body.update(source_project_id=transfer['source_project_id'],
                    destination_project_id=None, accepted=False)
    return body


def _list(req):
    policies.authorize(req.context, 'volume:get_all_transfers')
    sorts, limit, marker = common.page(req, SORT_KEYS)
    return common.conductor().transfer_list(req.context, common.scoped_project(req),
                                            sorts=sorts, limit=limit, marker=marker)


def index(req, collection):
    return {'transfers': [summary(req, collection, t) for t in _list(req)]}


def detail(req, collection):
    return {'transfers': [view(req, collection, t) for t in _list(req)]}


def show(req, collection, transfer_id):
    transfer = common.conductor().transfer_get(req.context, transfer_id)
    policies.authorize(req.context, 'volume:get_transfer', transfer['source_project_id'])
    return {'transfer': view(req, collection, transfer)}


def create(req, collection):
    ctx = req.context
    policies.authorize(ctx, 'volume:create_transfer')
    body = req.body
    common.validate(schemas.CREATE, body)
    spec = body['transfer']
    no_snapshots = req.at_least(55) and common.boolean(spec.get('no_snapshots', False),
                                                       'no_snapshots')
    volume = common.conductor().volume_get(ctx, spec['volume_id'])
    policies.authorize(ctx, 'volume:create_transfer', volume['project_id'])
    transfer = common.conductor().transfer_create(ctx, volume['id'], spec.get('name'),
                                                  no_snapshots)
    answer = dict(view(req, collection, transfer), auth_key=transfer['auth_key'])
    return router.Response({'transfer': answer}, 202)


def delete(req, transfer_id):
    transfer = common.conductor().transfer_get(req.context, transfer_id)
    policies.authorize(req.context, 'volume:delete_transfer', transfer['source_project_id'])
    common.conductor().transfer_delete(req.context, transfer_id)
    return router.Response(None, 202)


def accept(req, collection, transfer_id):
    policies.authorize(req.context, 'volume:accept_transfer')
    body = req.body
    common.validate(schemas.ACCEPT, body)
    transfer = common.conductor().transfer_accept(req.context, transfer_id,
                                                  body['accept']['auth_key'])
    return router.Response({'transfer': summary(req, collection, transfer)}, 202)
