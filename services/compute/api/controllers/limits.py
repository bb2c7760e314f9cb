"""/limits and /os-quota-sets.

Besides the quotas compute enforces (``[quota]``), the API shows the ones
nova keeps for compatibility, with nova's defaults: the nova-network era
``fixed_ips``, ``floating_ips``, ``security_groups`` and
``security_group_rules`` up to microversion 2.35 (networking quotas belong
to the network service) and the file injection ones up to 2.56 (nova drops
them, and /limits' ``maxPersonality*``, at 2.57).  They are stored and
shown, never enforced.
"""

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.schemas import types
from services.compute.conf import quota as quota_conf
from services.compute.objects import quota as quota_obj

#: Shown up to 2.35 (nova's FILTERED_QUOTAS of 2.36), with nova's defaults.
NETWORK_ERA = {'fixed_ips': -1, 'floating_ips': 10, 'security_groups': 10,
               'security_group_rules': 20}
#: Personality file quotas (shown up to 2.56 in nova), with nova's defaults.
INJECTED_FILES = {'injected_files': 5, 'injected_file_content_bytes': 10240,
                  'injected_file_path_bytes': 255}


def _update_schema(names):
    properties = {name: types.signed_int_or_digits() for name in names}
    properties['force'] = {'type': ['boolean', 'string']}
    return {
        'type': 'object',
        'properties': {'quota_set': {'type': 'object', 'properties': properties,
                                     'additionalProperties': False}},
        'required': ['quota_set'],
        'additionalProperties': False,
    }


# Up to 2.35 nova also takes ``networks`` (nova-network's quota), and shows
# it nowhere: it is accepted and ignored.
_UPDATE_2_1 = _update_schema(list(quota_conf.RESOURCES) + list(NETWORK_ERA) +
                             list(INJECTED_FILES) + ['networks'])
_UPDATE_2_36 = _update_schema(list(quota_conf.RESOURCES) + list(INJECTED_FILES))
_UPDATE_2_57 = _update_schema(list(quota_conf.RESOURCES))


def _compat_defaults(req):
    """The compatibility quotas the request's version shows, with defaults."""
    shown = {} if req.at_least(57) else dict(INJECTED_FILES)
    if not req.at_least(36):
        shown.update(NETWORK_ERA)
    return shown


def _visible(req, limits):
    """``limits`` as the request's version shows them: the enforced quotas
    and the compatibility ones it shows (stored value, or nova's default)."""
    shown = {name: limits[name] for name in quota_conf.RESOURCES if name in limits}
    for name, default in _compat_defaults(req).items():
        shown[name] = limits.get(name, default)
    return shown


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
    quota = _visible(req, quota_obj.Quotas.get_limits(req.context, project_id))
    usage = quota_obj.Quotas.get_usage(req.context, project_id)
    absolute = {
        'maxServerMeta': quota['metadata_items'], 'maxTotalInstances': quota['instances'],
        'maxTotalKeypairs': quota['key_pairs'], 'maxServerGroups': quota['server_groups'],
        'maxServerGroupMembers': quota['server_group_members'],
        'maxTotalCores': quota['cores'], 'maxTotalRAMSize': quota['ram'],
        'totalInstancesUsed': usage['instances'], 'totalCoresUsed': usage['cores'],
        'totalRAMUsed': usage['ram'], 'totalServerGroupsUsed': usage['server_groups'],
    }
    if not req.at_least(57):
        absolute.update({'maxPersonality': quota['injected_files'],
                         'maxPersonalitySize': quota['injected_file_content_bytes']})
    if not req.at_least(36):
        # Compute allocates no floating IPs or security groups: none used here.
        absolute.update({'maxTotalFloatingIps': quota['floating_ips'],
                         'maxSecurityGroups': quota['security_groups'],
                         'maxSecurityGroupRules': quota['security_group_rules'],
                         'totalFloatingIpsUsed': 0, 'totalSecurityGroupsUsed': 0})
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
    values = _visible(req, quota_obj.Quotas.get_limits(req.context, project_id))
    return {'quota_set': dict(values, id=project_id)}


def detail(req, project_id):
    _authorize(req, 'detail', project_id)
    values = _visible(req, quota_obj.Quotas.get_limits(req.context, project_id))
    user_id = req.params.get('user_id') or req.context.user_id
    usage = quota_obj.Quotas.get_usage(req.context, project_id, user_id)
    body = {name: {'limit': limit, 'in_use': usage.get(name, 0), 'reserved': 0}
            for name, limit in values.items()}
    return {'quota_set': dict(body, id=project_id)}


def defaults(req, project_id):
    _authorize(req, 'defaults', project_id)
    values = _visible(req, quota_obj.QuotaClass.get_limits(req.context,
                                                         quota_obj.DEFAULT_CLASS))
    return {'quota_set': dict(values, id=project_id)}


def update(req, project_id):
    _authorize(req, 'update', project_id)
    schema = _UPDATE_2_57 if req.at_least(57) else \
        _UPDATE_2_36 if req.at_least(36) else _UPDATE_2_1
    body = common.validate(schema, req.body)['quota_set']
    force = common.bool_param(body.pop('force', False), 'force')
    body.pop('networks', None)
    limits = {name: common.int_in_range(value, name, -1) for name, value in body.items()}
    if not force:
        usage = quota_obj.Quotas.get_usage(req.context, project_id)
        for name, value in limits.items():
            if 0 <= value < usage.get(name, 0):
                raise exception.Invalid(reason='Quota limit %s for %s must be greater than '
                                               'or equal to already used and reserved %s.'
                                        % (value, name, usage[name]))
    quota_obj.Quotas.set_limits(req.context, project_id, limits)
    return {'quota_set': _visible(req, quota_obj.Quotas.get_limits(req.context, project_id))}


def delete(req, project_id):
    _authorize(req, 'delete', project_id)
    quota_obj.Quotas.reset(req.context, project_id)
    return router.Response(None, 202)
