"""Resource providers (the compute nodes) and what hangs off them:
inventories, usages, allocations, traits, aggregates."""

from common import validation
from services.compute.placement import policies
from services.compute.placement.controllers import common
from services.compute.placement.schemas import placement as schemas
from services.compute.placement.views import placement as views

RP = '/resource_providers/{uuid}'


def index(req):
    allowed = ['name', 'uuid']
    allowed += ['member_of'] if req.at_least(3) else []
    allowed += ['resources'] if req.at_least(4) else []
    allowed += ['in_tree'] if req.at_least(14) else []
    allowed += ['required'] if req.at_least(18) else []
    common.only(req, allowed)
    policies.authorize(req.context, 'resource_providers:list')
    args = {'name': req.params.get('name'), 'uuid': req.params.get('uuid'),
            'in_tree': req.params.get('in_tree')}
    if 'member_of' in req.params:
        args['member_of'] = common.member_of(req)
    if 'resources' in req.params:
        args['resources'] = common.resources(req.params['resources'])
    if 'required' in req.params:
        args['required'], args['forbidden'] = common.traits(req, 'required')
    return views.providers(req, common.call(req, 'list_providers', **args))


def show(req, uuid):
    policies.authorize(req.context, 'resource_providers:show')
    return views.provider(req, common.call(req, 'get_provider', uuid=uuid))


def inventories(req, uuid):
    policies.authorize(req.context, 'resource_providers:inventories:list')
    return common.call(req, 'get_inventories', uuid=uuid)


def inventory(req, uuid, resource_class):
    policies.authorize(req.context, 'resource_providers:inventories:show')
    found = common.call(req, 'get_inventories', uuid=uuid)
    if resource_class not in found['inventories']:
        raise common.exception.PlacementNotFound(
            'No inventory of class %s for %s' % (resource_class, uuid),
            error_code='placement.undefined_code')
    return views.inventory(found['resource_provider_generation'],
                           found['inventories'][resource_class])


def set_inventories(req, uuid):
    body = req.body
    validation.validate(schemas.INVENTORIES, body)
    policies.authorize(req.context, 'resource_providers:inventories:update')
    return common.call(req, 'set_inventories', uuid=uuid,
                       generation=body['resource_provider_generation'],
                       inventories=body['inventories'])


def set_inventory(req, uuid, resource_class):
    body = req.body
    validation.validate(schemas.INVENTORY, body)
    policies.authorize(req.context, 'resource_providers:inventories:update')
    current = common.call(req, 'get_inventories', uuid=uuid)['inventories']
    generation = body.pop('resource_provider_generation')
    current[resource_class] = body
    found = common.call(req, 'set_inventories', uuid=uuid, generation=generation,
                        inventories=current)
    return views.inventory(found['resource_provider_generation'],
                           found['inventories'][resource_class])


def usages(req, uuid):
    policies.authorize(req.context, 'resource_providers:usages')
    return common.call(req, 'get_usages', uuid=uuid)


def allocations(req, uuid):
    policies.authorize(req.context, 'resource_providers:allocations:list')
    return common.call(req, 'get_provider_allocations', uuid=uuid)


def traits(req, uuid):
    policies.authorize(req.context, 'resource_providers:traits:list')
    return common.call(req, 'get_provider_traits', uuid=uuid)


def set_traits(req, uuid):
    body = req.body
    validation.validate(schemas.TRAITS, body)
    policies.authorize(req.context, 'resource_providers:traits:update')
    return common.call(req, 'set_provider_traits', uuid=uuid,
                       generation=body['resource_provider_generation'],
                       traits=body['traits'])


def delete_traits(req, uuid):
    policies.authorize(req.context, 'resource_providers:traits:update')
    current = common.call(req, 'get_provider_traits', uuid=uuid)
    common.call(req, 'set_provider_traits', uuid=uuid,
                generation=current['resource_provider_generation'], traits=[])
    return common.Response(status=204)


def aggregates(req, uuid):
    policies.authorize(req.context, 'resource_providers:aggregates:list')
    found = common.call(req, 'get_provider_aggregates', uuid=uuid)
    if not req.at_least(19):
        found.pop('resource_provider_generation')
    return found


def register(router):
    router.add('GET', '/resource_providers', index)
    router.add('GET', RP, show)
    router.add('GET', RP + '/inventories', inventories)
    router.add('PUT', RP + '/inventories', set_inventories)
    router.add('GET', RP + '/inventories/{resource_class}', inventory)
    router.add('PUT', RP + '/inventories/{resource_class}', set_inventory)
    router.add('GET', RP + '/usages', usages)
    router.add('GET', RP + '/allocations', allocations)
    router.add('GET', RP + '/traits', traits, min_version=(1, 6))
    router.add('PUT', RP + '/traits', set_traits, min_version=(1, 6))
    router.add('DELETE', RP + '/traits', delete_traits, min_version=(1, 6))
    router.add('GET', RP + '/aggregates', aggregates, min_version=(1, 1))
