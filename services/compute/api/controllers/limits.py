"""/limits and /os-quota-sets."""

from oslo_config import cfg

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.schemas import types
from services.compute.conf import quota as quota_conf
from services.compute.objects import quota as quota_obj

CONF = cfg.CONF

_update_schema = {
    'type': 'object',
    'properties': {'quota_set': {
        'type': 'object',
        'properties': dict({name: types.signed_int_or_digits()
                            for name in quota_conf.RESOURCES},
                           force={'type': ['boolean', 'string']}),
        'additionalProperties': False}},
    'required': ['quota_set'],
    'additionalProperties': False,
}


def register(r):
    r.add('GET', '/limits', limits)
    r.add('GET', '/os-quota-sets/{project_id}', show)
    r.add('GET', '/os-quota-sets/{project_id}/detail', detail)
    r.add('GET', '/os-quota-sets/{project_id}/defaults', defaults)
    r.add('PUT', '/os-quota-sets/{project_id}', update)
    r.add('DELETE', '/os-quota-sets/{project_id}', delete)


def limits(req):
    policies.authorize(req.context, 'limits')
    project_id = req.context.project_id
    asked = req.params.get('tenant_id')
    if asked and asked != project_id:
        # Another project's limits and usage are an admin's business.
        policies.authorize(req.context, 'limits:other_project', {'project_id': asked})
        project_id = asked
    quota = quota_obj.Quotas.get_limits(req.context, project_id)
    usage = quota_obj.Quotas.get_usage(req.context, project_id)
    absolute = {
        'maxServerMeta': quota['metadata_items'], 'maxTotalInstances': quota['instances'],
        'maxTotalKeypairs': quota['key_pairs'], 'maxServerGroups': quota['server_groups'],
        'maxServerGroupMembers': quota['server_group_members'],
        'maxTotalCores': quota['cores'], 'maxTotalRAMSize': quota['ram'],
        'totalInstancesUsed': usage['instances'], 'totalCoresUsed': usage['cores'],
        'totalRAMUsed': usage['ram'], 'totalServerGroupsUsed': usage['server_groups'],
        'maxPersonality': 0, 'maxPersonalitySize': 0,
    }
    if not req.at_least(39):
        absolute['maxImageMeta'] = quota['metadata_items']
    return {'limits': {'rate': [], 'absolute': absolute}}


def _authorize(req, operation, project_id):
    policies.authorize(req.context, 'os-quota-sets:' + operation, {'project_id': project_id})
    if len(project_id) > 255:
        # Longer than any project ID, and than the column that would store it.
        raise exception.Invalid(reason='Invalid project ID %s' % project_id[:255])


def show(req, project_id):
    _authorize(req, 'show', project_id)
    values = quota_obj.Quotas.get_limits(req.context, project_id)
    return {'quota_set': dict(values, id=project_id)}


def detail(req, project_id):
    _authorize(req, 'detail', project_id)
    values = quota_obj.Quotas.get_limits(req.context, project_id)
    user_id = req.params.get('user_id') or req.context.user_id
    usage = quota_obj.Quotas.get_usage(req.context, project_id, user_id)
    body = {name: {'limit': limit, 'in_use': usage.get(name, 0), 'reserved': 0}
            for name, limit in values.items()}
    return {'quota_set': dict(body, id=project_id)}


def defaults(req, project_id):
    _authorize(req, 'defaults', project_id)
    values = {name: getattr(CONF.quota, name) for name in quota_conf.RESOURCES}
    return {'quota_set': dict(values, id=project_id)}


def update(req, project_id):
    _authorize(req, 'update', project_id)
    body = common.validate(_update_schema, req.body)['quota_set']
    force = common.bool_param(body.pop('force', False), 'force')
    limits = {name: common.int_in_range(value, name, -1) for name, value in body.items()}
    if not force:
        usage = quota_obj.Quotas.get_usage(req.context, project_id)
        for name, value in limits.items():
            if 0 <= value < usage.get(name, 0):
                raise exception.Invalid(reason='Quota limit %s for %s must be greater than '
                                               'or equal to already used and reserved %s.'
                                        % (value, name, usage[name]))
    quota_obj.Quotas.set_limits(req.context, project_id, limits)
    return {'quota_set': quota_obj.Quotas.get_limits(req.context, project_id)}


def delete(req, project_id):
    _authorize(req, 'delete', project_id)
    quota_obj.Quotas.reset(req.context, project_id)
    return router.Response(None, 202)
