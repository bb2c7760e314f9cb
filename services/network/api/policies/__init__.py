"""Network API policy defaults (oslo.policy, defaults in code).

Reads are scoped by the conductor (a project only finds its own rows plus
shared and external networks); these rules decide who may act on a found
resource and who may set or see the admin-only attributes.
"""

from oslo_policy import policy

RESOURCES = ('network', 'subnet', 'subnetpool', 'port', 'router', 'floatingip',
             'security_group', 'security_group_rule')

# Attributes only an administrator may set (create/update) or see (get).
ADMIN_ATTRIBUTES = {
    'network': ('provider:network_type', 'provider:physical_network',
                'provider:segmentation_id', 'router:external', 'shared', 'is_default'),
    'subnetpool': ('is_default', 'shared'),
    'port': ('binding:host_id', 'binding:profile', 'binding:vif_type',
             'binding:vif_details'),
}
ADMIN_VISIBLE_ONLY = {
    'network': ('provider:network_type', 'provider:physical_network',
                'provider:segmentation_id'),
    'port': ('binding:host_id', 'binding:profile', 'binding:vif_type',
             'binding:vif_details'),
}

BASE = [
    policy.RuleDefault('owner', 'project_id:%(project_id)s',
                       'The caller owns the target resource.'),
    policy.RuleDefault('admin_or_owner', 'rule:context_is_admin or rule:owner',
                       'Administrator or owner of the target.'),
    policy.RuleDefault('shared', 'True:%(shared)s', 'The target is shared.'),
    policy.RuleDefault('external', 'True:%(router:external)s',
                       'The target is an external network.'),
    policy.RuleDefault('regular_user', '', 'Any authenticated user.'),
]


def _resource_rules(resource):
    read = 'rule:admin_or_owner'
    if resource == 'network':
        read = 'rule:admin_or_owner or rule:shared or rule:external'
    elif resource == 'subnetpool':
        read = 'rule:admin_or_owner or rule:shared'
    elif resource == 'subnet':
        read = 'rule:admin_or_owner or rule:shared or rule:external'
    rules = []
    for verb, check in (('create', 'rule:admin_or_owner'), ('get', read),
                        ('update', 'rule:admin_or_owner'),
                        ('delete', 'rule:admin_or_owner')):
        rules.append(policy.DocumentedRuleDefault(
            '%s_%s' % (verb, resource), check, '%s a %s' % (verb.title(), resource),
            [{'method': 'GET' if verb == 'get' else
              {'create': 'POST', 'update': 'PUT', 'delete': 'DELETE'}[verb],
              'path': '/v2.0/%ss' % resource.replace('_', '-')}]))
    for attr in ADMIN_ATTRIBUTES.get(resource, ()):
        for verb in ('create', 'update', 'get'):
            if verb == 'get' and attr not in ADMIN_VISIBLE_ONLY.get(resource, ()):
                continue
            rules.append(policy.RuleDefault('%s_%s:%s' % (verb, resource, attr),
                                            'rule:context_is_admin',
                                            'Set or see %s of a %s' % (attr, resource)))
    return rules


OTHER = [
    policy.RuleDefault('add_router_interface', 'rule:admin_or_owner',
                       'Attach a subnet or port to a router.'),
    policy.RuleDefault('remove_router_interface', 'rule:admin_or_owner',
                       'Detach a subnet or port from a router.'),
    policy.RuleDefault('get_quota', 'rule:context_is_admin or rule:owner',
                       "Show a project's quotas."),
    policy.RuleDefault('update_quota', 'rule:context_is_admin', 'Set quotas.'),
    policy.RuleDefault('delete_quota', 'rule:context_is_admin', 'Reset quotas.'),
    policy.RuleDefault('list_quotas', 'rule:context_is_admin', 'List quotas.'),
    policy.RuleDefault('get_agent', 'rule:context_is_admin', 'List and show agents.'),
    policy.RuleDefault('update_agent', 'rule:context_is_admin', 'Update an agent.'),
    policy.RuleDefault('delete_agent', 'rule:context_is_admin', 'Delete an agent.'),
    policy.RuleDefault('get_network_ip_availability', 'rule:context_is_admin',
                       'Show IP availability.'),
    policy.RuleDefault('get_availability_zone', 'rule:regular_user',
                       'List availability zones.'),
    policy.RuleDefault('get_extension', 'rule:regular_user', 'List extensions.'),
]


def list_rules():
    rules = list(BASE)
    for resource in RESOURCES:
        rules.extend(_resource_rules(resource))
    return rules + OTHER
