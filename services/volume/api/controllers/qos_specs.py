"""QoS specs (admin): /qos-specs, keys, and their association with types."""

from services.volume import exception
from services.volume.api import policies
from services.volume.api import router
from services.volume.api.controllers import common
from services.volume.api.schemas import qos as schemas

Q = '/qos-specs/{qos_id}'
SORT_KEYS = ('id', 'name', 'consumer', 'created_at', 'updated_at')


def register(r):
    r.add('GET', '/qos-specs', index)
    r.add('POST', '/qos-specs', create)
    r.add('GET', Q, show)
    r.add('PUT', Q, set_keys)
    r.add('DELETE', Q, delete)
    r.add('PUT', Q + '/delete_keys', delete_keys)
    r.add('GET', Q + '/associations', associations)
    r.add('GET', Q + '/associate', associate)
    r.add('GET', Q + '/disassociate', disassociate)
    r.add('GET', Q + '/disassociate_all', disassociate_all)


def _view(specs):
    return {'id': specs['id'], 'name': specs['name'], 'consumer': specs['consumer'],
            'specs': specs['specs']}


def _with_links(req, specs):
    return {'qos_specs': _view(specs), 'links': common.links(req, 'qos-specs', specs['id'])}


def index(req):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:get_all')
    sorts, limit, marker = common.page(req, SORT_KEYS)
    found = common.conductor().qos_list(req.context, sorts=sorts, limit=limit, marker=marker)
    return {'qos_specs': [_view(s) for s in found]}


def create(req):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:create')
    body = req.body
    common.validate(schemas.CREATE, body)
    specs = dict(body['qos_specs'])
    name = specs.pop('name').strip()
    if not name:
        raise exception.InvalidInput(reason='Name cannot be empty.')
    consumer = specs.pop('consumer', 'back-end')
    return _with_links(req, common.conductor().qos_create(req.context, name, consumer, specs))


def show(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:get')
    return _with_links(req, common.conductor().qos_get(req.context, qos_id))


def set_keys(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:update')
    body = req.body
    common.validate(schemas.SET_KEYS, body)
    common.conductor().qos_set_keys(req.context, qos_id, body['qos_specs'])
    return {'qos_specs': body['qos_specs']}


def delete_keys(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:update')
    body = req.body
    common.validate(schemas.DELETE_KEYS, body)
    common.conductor().qos_delete_keys(req.context, qos_id, body['keys'])
    return router.Response(None, 202)


def delete(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:delete')
    force = req.params.get('force')
    force = force not in (None, '') and common.boolean(force, 'force')
    common.conductor().qos_delete(req.context, qos_id, force)
    return router.Response(None, 202)


def associations(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:get')
    types = common.conductor().qos_associations(req.context, qos_id)
    return {'qos_associations': [{'association_type': 'volume_type', 'id': t['id'],
                                  'name': t['name']} for t in types]}


def _type_id(req):
    type_id = req.params.get('vol_type_id')
    if not type_id:
        raise exception.InvalidInput(reason='Volume Type id must not be None.')
    return type_id


def associate(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:update')
    common.conductor().qos_associate(req.context, qos_id, _type_id(req))
    return router.Response(None, 202)


def disassociate(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:update')
    common.conductor().qos_disassociate(req.context, qos_id, _type_id(req))
    return router.Response(None, 202)


def disassociate_all(req, qos_id):
    policies.authorize(req.context, 'volume_extension:qos_specs_manage:update')
    common.conductor().qos_disassociate(req.context, qos_id, None)
    return router.Response(None, 202)
