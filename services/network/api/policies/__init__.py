"""Network API policy defaults (oslo.policy, defaults in code).

The rule table follows the default personas of the Networking API:

* a **reader** of the project that owns a resource reads it;
* a **member** of that project also creates, updates and deletes it;
* an **admin** does everything, on every project, and alone sets or sees
  the admin-only attributes (provider segments, sharing, binding, ...);
* keystone's **service** role (compute's service user) reads networks,
  subnets, security groups and floating IPs (a server's addresses show its
  floating IPs) and creates, reads, updates and deletes ports of any
  project, binding included, without being admin;
* shared and external networks (and their subnets), and shared subnet
  pools, are readable by any project.

Reads are also scoped by the conductor (a project only finds its own rows,
shared and external networks, and the rows the service role may reach);
these rules decide who may act on a found resource.
"""

from oslo_policy import policy

RESOURCES = ('network', 'subnet', 'subnetpool', 'port', 'router', 'floatingip',
             'security_group', 'security_group_rule', 'metering_label',
             'metering_label_rule', 'rbac_policy', 'address_scope', 'policy',
             'policy_bandwidth_limit_rule', 'policy_dscp_marking_rule',
             'policy_minimum_bandwidth_rule', 'trunk', 'segment')

ADMIN = 'rule:admin_api'
MEMBER = 'rule:admin_or_member'
READER = 'rule:admin_or_reader'
SERVICE = 'rule:service_api'
ADMIN_OR_SERVICE = '%s or %s' % (ADMIN, SERVICE)

# verb -> check, per resource. A verb not listed is not offered by the API.
RULES = {
    'network': {'create': MEMBER, 'update': MEMBER, 'delete': MEMBER,
                'get': '%s or rule:shared or rule:external or %s' % (READER, SERVICE)},
    'subnet': {'create': MEMBER, 'update': MEMBER, 'delete': MEMBER,
               'get': '%s or rule:shared or rule:network_owner or %s' % (READER, SERVICE)},
    'subnetpool': {'create': MEMBER, 'update': MEMBER, 'delete': MEMBER,
                   'get': '%s or rule:shared' % READER},
    'port': {'create': '%s or %s' % (MEMBER, SERVICE), 'get': '%s or %s' % (READER, SERVICE),
             'update': '%s or %s' % (MEMBER, SERVICE),
             'delete': '%s or %s' % (MEMBER, SERVICE)},
    'router': {'create': MEMBER, 'get': READER, 'update': MEMBER, 'delete': MEMBER},
    'floatingip': {'create': MEMBER, 'get': '%s or %s' % (READER, SERVICE), 'update': MEMBER,
                   'delete': MEMBER},
    'security_group': {'create': MEMBER, 'get': '%s or %s' % (READER, SERVICE),
                       'update': MEMBER, 'delete': MEMBER},
    'security_group_rule': {'create': MEMBER, 'get': READER, 'delete': MEMBER},
    'metering_label': {'create': ADMIN, 'get': ADMIN, 'delete': ADMIN},
    'metering_label_rule': {'create': ADMIN, 'get': ADMIN, 'delete': ADMIN},
    # Sharing with every project (target ``*``) is the admin's: the conductor checks.
    'rbac_policy': {'create': MEMBER, 'get': READER, 'update': MEMBER, 'delete': MEMBER},
    'address_scope': {'create': MEMBER, 'update': MEMBER, 'delete': MEMBER,
                      'get': '%s or rule:shared' % READER},
    # QoS policies and their rules are the admin's; the project and, when
    # shared, everyone read them.
    'policy': {'create': ADMIN, 'update': ADMIN, 'delete': ADMIN,
               'get': '%s or rule:shared' % READER},
}
RULES['segment'] = {'create': ADMIN, 'get': ADMIN, 'update': ADMIN, 'delete': ADMIN}
RULES['trunk'] = {'create': MEMBER, 'get': READER, 'update': MEMBER, 'delete': MEMBER}
for _rule in ('bandwidth_limit', 'dscp_marking', 'minimum_bandwidth'):
    RULES['policy_%s_rule' % _rule] = dict(RULES['policy'])

# Attributes only an administrator (or, for port binding, the service role)
# may set on create / update; ``external_gateway_info:enable_snat`` names a
# key inside ``external_gateway_info``.
ADMIN_ATTRIBUTES = {
    'network': ('provider:network_type', 'provider:physical_network',
                'provider:segmentation_id', 'router:external', 'shared', 'is_default'),
    'subnet': ('segment_id', 'service_types'),
    'subnetpool': ('is_default', 'shared'),
    'address_scope': ('shared',),
    'port': ('binding:host_id', 'binding:profile'),
    'router': ('external_gateway_info:enable_snat',
               'external_gateway_info:external_fixed_ips', 'distributed', 'ha'),
    'floatingip': ('floating_ip_address',),
}
# Port attributes that choose addresses or turn off anti-spoofing: only the
# network's own project (admin, service) may set them, so a port on a shared
# network cannot take, or pretend to be, the network owner's addresses.
NETWORK_OWNER_ATTRIBUTES = {
    'port': ('mac_address', 'fixed_ips:ip_address', 'port_security_enabled',
             'allowed_address_pairs'),
}
NET_OWNER_MEMBER = 'rule:admin_api or (role:member and project_id:%(network:project_id)s)'
# Attributes only an administrator (or the service role, for ports) may see.
ADMIN_VISIBLE_ONLY = {
    'network': ('provider:network_type', 'provider:physical_network',
                'provider:segmentation_id', 'segments'),
    'port': ('binding:host_id', 'binding:profile', 'binding:vif_type',
             'binding:vif_details'),
}
# Who may set or see an admin-only attribute, where it is not the admin alone.
ATTRIBUTE_CHECKS = {'port': ADMIN_OR_SERVICE}

BASE = [
    policy.RuleDefault('service_api', 'role:service',
                       "Keystone's service role: calls between services."),
    policy.RuleDefault('shared', 'True:%(shared)s', 'The target is shared.'),
    policy.RuleDefault('external', 'True:%(router:external)s',
                       'The target is (on) an external network.'),
    policy.RuleDefault('regular_user', '', 'Any authenticated user.'),
    policy.RuleDefault('network_owner', 'role:reader and '
                       'project_id:%(network:project_id)s',
                       "A reader of the project owning the target's network."),
]

_METHODS = {'create': 'POST', 'get': 'GET', 'update': 'PUT', 'delete': 'DELETE'}


def collection_path(resource):
    path = '/v2.0/%ss' % resource.replace('_', '-')
    path = path.replace('/metering-', '/metering/metering-').replace('policys', 'policies')
    if resource.startswith('policy_'):
        return '/v2.0/qos/policies/{policy_id}/%ss' % resource[len('policy_'):]
    return path.replace('/v2.0/policies', '/v2.0/qos/policies')


def _resource_rules(resource):
    rules = []
    for verb, check in RULES[resource].items():
        path = collection_path(resource) + ('' if verb == 'create' else '/{id}')
        rules.append(policy.DocumentedRuleDefault(
            '%s_%s' % (verb, resource), check, '%s a %s' % (verb.title(), resource),
            [{'method': _METHODS[verb], 'path': path}]))
    check = ATTRIBUTE_CHECKS.get(resource, ADMIN)
    for attr in ADMIN_ATTRIBUTES.get(resource, ()):
        for verb in ('create', 'update'):
            rules.append(policy.RuleDefault('%s_%s:%s' % (verb, resource, attr), check,
                                            'Set %s of a %s' % (attr, resource)))
    for attr in NETWORK_OWNER_ATTRIBUTES.get(resource, ()):
        for verb in ('create', 'update'):
            rules.append(policy.RuleDefault(
                '%s_%s:%s' % (verb, resource, attr), '%s or %s' % (NET_OWNER_MEMBER, SERVICE),
                'Set %s of a %s on a network of ones own project' % (attr, resource)))
    for attr in ADMIN_VISIBLE_ONLY.get(resource, ()):
        rules.append(policy.RuleDefault('get_%s:%s' % (resource, attr), check,
                                        'See %s of a %s' % (attr, resource)))
    return rules


OTHER = [
    policy.DocumentedRuleDefault('add_router_interface', MEMBER,
                                 'Attach a subnet or port to a router.',
                                 [{'method': 'PUT',
                                   'path': '/v2.0/routers/{id}/add_router_interface'}]),
    policy.DocumentedRuleDefault('remove_router_interface', MEMBER,
                                 'Detach a subnet or port from a router.',
                                 [{'method': 'PUT',
                                   'path': '/v2.0/routers/{id}/remove_router_interface'}]),
    policy.DocumentedRuleDefault('add_extraroutes', MEMBER,
                                 'Add routes to a router.',
                                 [{'method': 'PUT',
                                   'path': '/v2.0/routers/{id}/add_extraroutes'}]),
    policy.DocumentedRuleDefault('remove_extraroutes', MEMBER,
                                 'Remove routes from a router.',
                                 [{'method': 'PUT',
                                   'path': '/v2.0/routers/{id}/remove_extraroutes'}]),
    policy.DocumentedRuleDefault('add_subports', MEMBER, 'Add subports to a trunk.',
                                 [{'method': 'PUT', 'path': '/v2.0/trunks/{id}/add_subports'}]),
    policy.DocumentedRuleDefault('remove_subports', MEMBER, 'Remove subports from a trunk.',
                                 [{'method': 'PUT',
                                   'path': '/v2.0/trunks/{id}/remove_subports'}]),
    policy.DocumentedRuleDefault('get_subports', READER, "List a trunk's subports.",
                                 [{'method': 'GET', 'path': '/v2.0/trunks/{id}/get_subports'}]),
    policy.DocumentedRuleDefault('get_auto_allocated_topology', MEMBER,
                                 "Show (and build on first ask) a project's auto-allocated "
                                 'topology.',
                                 [{'method': 'GET',
                                   'path': '/v2.0/auto-allocated-topology/{project_id}'}]),
    policy.DocumentedRuleDefault('delete_auto_allocated_topology', MEMBER,
                                 "Take a project's auto-allocated topology down.",
                                 [{'method': 'DELETE',
                                   'path': '/v2.0/auto-allocated-topology/{project_id}'}]),
    policy.DocumentedRuleDefault('get_quota', READER, "Show a project's quotas.",
                                 [{'method': 'GET', 'path': '/v2.0/quotas/{project_id}'}]),
    policy.DocumentedRuleDefault('update_quota', ADMIN, 'Set quotas.',
                                 [{'method': 'PUT', 'path': '/v2.0/quotas/{project_id}'}]),
    policy.DocumentedRuleDefault('delete_quota', ADMIN, 'Reset quotas.',
                                 [{'method': 'DELETE', 'path': '/v2.0/quotas/{project_id}'}]),
    policy.DocumentedRuleDefault('list_quotas', ADMIN, 'List quotas.',
                                 [{'method': 'GET', 'path': '/v2.0/quotas'}]),
    policy.DocumentedRuleDefault('get_agent', ADMIN, 'List and show agents.',
                                 [{'method': 'GET', 'path': '/v2.0/agents'}]),
    policy.DocumentedRuleDefault('update_agent', ADMIN, 'Update an agent.',
                                 [{'method': 'PUT', 'path': '/v2.0/agents/{id}'}]),
    policy.DocumentedRuleDefault('delete_agent', ADMIN, 'Delete an agent.',
                                 [{'method': 'DELETE', 'path': '/v2.0/agents/{id}'}]),
    # Agent scheduling (neutron's names, admin only).
    policy.DocumentedRuleDefault('create_l3-router', ADMIN, 'Add a router to an L3 agent.',
                                 [{'method': 'POST', 'path': '/v2.0/agents/{id}/l3-routers'}]),
    policy.DocumentedRuleDefault('get_l3-routers', ADMIN, "List an L3 agent's routers.",
                                 [{'method': 'GET', 'path': '/v2.0/agents/{id}/l3-routers'}]),
    policy.DocumentedRuleDefault('delete_l3-router', ADMIN,
                                 'Remove a router from an L3 agent.',
                                 [{'method': 'DELETE',
                                   'path': '/v2.0/agents/{id}/l3-routers/{router_id}'}]),
    policy.DocumentedRuleDefault('get_l3-agents', ADMIN, "List a router's L3 agents.",
                                 [{'method': 'GET', 'path': '/v2.0/routers/{id}/l3-agents'}]),
    policy.DocumentedRuleDefault('create_dhcp-network', ADMIN,
                                 'Add a network to a DHCP agent.',
                                 [{'method': 'POST', 'path': '/v2.0/agents/{id}/dhcp-networks'}]),
    policy.DocumentedRuleDefault('get_dhcp-networks', ADMIN, "List a DHCP agent's networks.",
                                 [{'method': 'GET', 'path': '/v2.0/agents/{id}/dhcp-networks'}]),
    policy.DocumentedRuleDefault('delete_dhcp-network', ADMIN,
                                 'Remove a network from a DHCP agent.',
                                 [{'method': 'DELETE',
                                   'path': '/v2.0/agents/{id}/dhcp-networks/{network_id}'}]),
    policy.DocumentedRuleDefault('get_dhcp-agents', ADMIN, "List a network's DHCP agents.",
                                 [{'method': 'GET',
                                   'path': '/v2.0/networks/{id}/dhcp-agents'}]),
    policy.DocumentedRuleDefault('get_network_ip_availability', ADMIN,
                                 'Show IP availability.',
                                 [{'method': 'GET', 'path': '/v2.0/network-ip-availabilities'}]),
    policy.DocumentedRuleDefault('get_availability_zone', READER,
                                 'List availability zones.',
                                 [{'method': 'GET', 'path': '/v2.0/availability_zones'}]),
    policy.DocumentedRuleDefault('get_service_provider', 'rule:regular_user',
                                 'List service providers.',
                                 [{'method': 'GET', 'path': '/v2.0/service-providers'}]),
    policy.DocumentedRuleDefault('get_rule_type', 'rule:regular_user',
                                 'List QoS rule types.',
                                 [{'method': 'GET', 'path': '/v2.0/qos/rule-types'}]),
    policy.DocumentedRuleDefault('get_extension', 'rule:regular_user', 'List extensions.',
                                 [{'method': 'GET', 'path': '/v2.0/extensions'}]),
]


def list_rules():
    rules = list(BASE)
    for resource in RESOURCES:
        rules.extend(_resource_rules(resource))
    return rules + OTHER
