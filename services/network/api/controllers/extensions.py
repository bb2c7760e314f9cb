"""``/v2.0/extensions``: the neutron extensions this service implements."""

import pecan
from pecan import rest

from services.network import exception
from services.network.api.controllers import base

UPDATED = '2026-01-01T00:00:00-00:00'
EXTENSIONS = [
    ('address-scope', 'Address scope', 'Address scopes extension.'),
    ('agent', 'agent', 'The agent management extension.'),
    ('allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs'),
    ('auto-allocated-topology', 'Auto Allocated Topology Services',
     'Auto Allocated Topology Services.'),
    ('availability_zone', 'Availability Zone', 'The availability zone extension.'),
    ('binding', 'Port Binding', 'Expose port bindings of a virtual port to external '
                                'application'),
    ('dhcp_agent_scheduler', 'DHCP Agent Scheduler', 'Schedule networks among dhcp agents'),
    ('default-subnetpools', 'Default Subnetpools', 'Provides ability to mark and use a '
                                                   'subnetpool as the default.'),
    ('external-net', 'Neutron external network', 'Adds external network attribute to '
                                                 'network resource.'),
    ('ext-gw-mode', 'Neutron L3 Configurable external gateway mode',
     'Extension of the router abstraction for specifying whether SNAT should occur on '
     'the external gateway'),
    ('extra_dhcp_opt', 'Neutron Extra DHCP options', 'Extra options configuration for '
                                                     'DHCP. For example PXE boot options '
                                                     'to DHCP clients can be specified'),
    ('extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router'),
    ('ip-substring-filtering', 'IP address substring filtering',
     'Ports may be listed by a part of their IP addresses (fixed_ips=ip_address_substr=...).'),
    ('l3_agent_scheduler', 'L3 Agent Scheduler', 'Schedule routers among l3 agents'),
    ('extraroute-atomic', 'Atomically add/remove extra routes',
     'Edit extra routes of a router on server side by atomically adding/removing extra '
     'routes'),
    ('fields', 'Field selection', 'The fields query parameter selects attributes.'),
    ('filter-validation', 'Filter parameters validation', 'Unknown filters are ignored.'),
    ('metering', 'Neutron Metering', 'Neutron Metering extension.'),
    ('metering_source_and_destination_fields',
     'Neutron Metering with source and destination filtering',
     'Neutron Metering extension that enables the use of source and destination IP '
     'prefixes in the metering label rules.'),
    ('multi-provider', 'Multi Provider Network', 'Expose mapping of virtual networks to '
                                                'physical networks'),
    ('net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'),
    ('network-ip-availability', 'Network IP Availability', 'Provides IP availability data '
                                                           'for each network and subnet.'),
    ('pagination', 'Pagination support', 'Extension that indicates that pagination is '
                                         'enabled.'),
    ('port-security', 'Port Security', 'Provides port security'),
    ('project-id', 'project_id field enabled', 'Extension that indicates that project_id '
                                               'field is enabled.'),
    ('provider', 'Provider Network', 'Expose mapping of virtual networks to physical '
                                     'networks'),
    ('qos', 'Quality of Service', 'The Quality of Service extension.'),
    ('qos-bw-limit-direction', 'Direction for QoS bandwidth limit rule',
     'Allow to configure QoS bandwidth limit rule with specific direction: ingress or '
     'egress'),
    ('qos-bw-minimum-ingress', 'Ingress direction for QoS minimum bandwidth rule',
     'Allows to configure QoS minimum bandwidth rule with ingress direction.'),
    ('qos-default', 'QoS default policy', 'Expose the QoS default policy per project'),
    ('qos-rule-type-details', 'QoS rule type details', 'Expose details about QoS rule '
                                                       'types supported by loaded backend '
                                                       'drivers'),
    ('quotas', 'Quota management support', 'Expose functions for quotas management per '
                                           'tenant'),
    ('quota_details', 'Quota details management support', 'Expose functions for quotas '
                                                           'usage statistics per project'),
    ('rbac-policies', 'RBAC Policies', 'Allows creation and modification of policies that '
                                       'control tenant access to resources.'),
    ('router', 'Neutron L3 Router', 'Router abstraction for basic L3 forwarding between L2 '
                                    'Neutron networks and access to external networks via '
                                    'a NAT gateway.'),
    ('segment', 'Segment', 'Segments extension.'),
    ('security-group', 'security-group', 'The security groups extension.'),
    ('service-type', 'Neutron Service Type Management', 'API for retrieving service '
                                                       'providers for Neutron advanced '
                                                       'services'),
    ('sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.'),
    ('standard-attr-description', 'standard-attr-description', 'Extension to add '
                                                               'descriptions to standard '
                                                               'attributes'),
    ('standard-attr-revisions', 'Resource revision numbers', 'This extension will display '
                                                            'the revision number of '
                                                            'neutron resources.'),
    ('standard-attr-tag', 'Tag support for resources with standard attribute: subnet, '
                          'trunk, network_segment_range, router, network, policy, '
                          'subnetpool, port, security_group, floatingip',
     'Enables to set tag on resources with standard attribute.'),
    ('standard-attr-timestamp', 'Resource timestamps', 'Adds created_at and updated_at '
                                                      'fields to all Neutron resources '
                                                      'that have Neutron standard '
                                                      'attributes.'),
    ('stateful-security-group', 'Stateful security group', 'Indicates if the security '
                                                            'group is stateful or not'),
    ('tag', 'Tag support', 'Tags on networks (the first resource standard-attr-tag covers).'),
    ('trunk', 'Trunk Extension', 'Provides support for trunk ports'),
    ('subnet_allocation', 'Subnet Allocation', 'Enables allocation of subnets from a '
                                               'subnet pool'),
]


def _extension(alias, name, description):
    return {'alias': alias, 'name': name, 'description': description,
            'updated': UPDATED, 'links': []}


class ExtensionsController(rest.RestController):

    @pecan.expose('json')
    def get_all(self):
        base.authorize('get_extension', None)
        return {'extensions': [_extension(*e) for e in EXTENSIONS]}

    @pecan.expose('json')
    def get_one(self, alias):
        base.authorize('get_extension', None)
        for entry in EXTENSIONS:
            if entry[0] == alias:
                return {'extension': _extension(*entry)}
        raise exception.ExtensionNotFound(alias=alias)
