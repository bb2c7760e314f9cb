"""Resource classes: the standard ones and CUSTOM_* ones (from 1.2)."""

from common import validation
from services.compute.placement import policies
from services.compute.placement.controllers import common
from services.compute.placement.schemas import placement as schemas

BASE = '/resource_classes'


def _view(name):
    return {'name': name, 'links': [{'rel': 'self', 'href': '%s/%s' % (BASE, name)}]}


def index(req):
    policies.authorize(req.context, 'resource_classes:list')
    return {'resource_classes': [_view(n) for n in common.call(req, 'list_resource_classes')]}


def show(req, name):
    policies.authorize(req.context, 'resource_classes:show')
    return _view(common.call(req, 'get_resource_class', name=name))


def create(req):
    body = req.body
    validation.validate(schemas.RESOURCE_CLASS, body)
    policies.authorize(req.context, 'resource_classes:create')
    if not common.call(req, 'create_resource_class', name=body['name']):
        raise common.exception.PlacementConflict(
            'Conflicting resource class already exists: %s' % body['name'],
            error_code='placement.undefined_code')
    return common.Response(status=201, headers={'Location': '%s/%s' % (BASE, body['name'])})


def update(req, name):
    """PUT creates (1.7+): 201 when new, 204 when it existed."""
    validation.validate(schemas.RESOURCE_CLASS, {'name': name})
    policies.authorize(req.context, 'resource_classes:create')
    created = common.call(req, 'create_resource_class', name=name)
    return common.Response(status=201 if created else 204,
                           headers={'Location': '%s/%s' % (BASE, name)})


def delete(req, name):
    policies.authorize(req.context, 'resource_classes:delete')
    common.call(req, 'delete_resource_class', name=name)
    return common.Response(status=204)


def register(router):
    router.add('GET', BASE, index)
    router.add('GET', BASE + '/{name}', show)
    router.add('POST', BASE, create, min_version=(1, 2))
    router.add('PUT', BASE + '/{name}', update, min_version=(1, 7))
    router.add('DELETE', BASE + '/{name}', delete, min_version=(1, 2))
