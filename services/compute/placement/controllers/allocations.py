"""Allocations of a consumer, project usages and allocation candidates."""

from services.compute.placement import policies
from services.compute.placement.controllers import common
from services.compute.placement.views import placement as views


def show(req, consumer_uuid):
    policies.authorize(req.context, 'allocations:list')
    return views.allocations(req, common.call(req, 'get_allocations',
                                              consumer_uuid=consumer_uuid))


def usages(req):
    common.only(req, ['project_id', 'user_id'] +
                (['consumer_type'] if req.at_least(38) else []))
    if not req.params.get('project_id'):
        raise common.bad("Invalid query string parameters: 'project_id' is a required "
                         "property")
    policies.authorize(req.context, 'usages')
    return common.call(req, 'get_project_usages', project_id=req.params['project_id'],
                       user_id=req.params.get('user_id'))


def candidates(req):
    allowed = ['resources']
    allowed += ['limit'] if req.at_least(16) else []
    allowed += ['required'] if req.at_least(17) else []
    allowed += ['member_of'] if req.at_least(21) else []
    common.only(req, allowed)
    if not req.params.get('resources'):
        raise common.bad("Invalid query string parameters: 'resources' is a required "
                         "property")
    policies.authorize(req.context, 'allocation_candidates:list')
    args = {'resources': common.resources(req.params['resources'])}
    if 'required' in req.params:
        args['required'], args['forbidden'] = common.traits(req, 'required')
    if 'member_of' in req.params:
        args['member_of'] = common.member_of(req)
    if 'limit' in req.params:
        try:
            args['limit'] = int(req.params['limit'])
            assert args['limit'] >= 1
        except (ValueError, AssertionError):
            raise common.bad('Invalid query string parameters: limit must be a '
                             'positive integer')
    return views.candidates(req, common.call(req, 'allocation_candidates', **args))


def register(router):
    router.add('GET', '/allocations/{consumer_uuid}', show)
    router.add('GET', '/usages', usages, min_version=(1, 9))
    router.add('GET', '/allocation_candidates', candidates, min_version=(1, 10))
