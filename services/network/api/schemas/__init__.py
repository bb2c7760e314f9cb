"""Request bodies of the Networking API as JSON schemas.

Each resource lists its attributes once as ``name: (schema, on_create,
on_update)``; the create and update schemas are built from that table once,
at import (:func:`body_schema` hands them out), rejecting unknown attributes
like neutron does.
"""

#: The largest value an integer column (and a ``?limit=``) may take.
DB_INT_MAX = 2 ** 31 - 1

_STR = {'type': 'string', 'maxLength': 255}
_NAME = {'type': 'string', 'maxLength': 255}
_STR_OR_NULL = {'type': ['string', 'null'], 'maxLength': 255}
_BOOL = {'type': 'boolean'}
_UUID = {'type': 'string', 'minLength': 1, 'maxLength': 36}
_UUID_OR_NULL = {'type': ['string', 'null'], 'maxLength': 36}
_IP = {'type': 'string', 'minLength': 1, 'maxLength': 64}
_IP_OR_NULL = {'type': ['string', 'null'], 'maxLength': 64}
_INT_OR_NULL = {'type': ['integer', 'null'], 'minimum': -1, 'maximum': DB_INT_MAX}
_PREFIXLEN = {'type': 'integer', 'minimum': 0, 'maximum': 128}
_PROJECT = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_FIXED_IPS = {'type': ['array', 'null'], 'items': {
    'type': 'object', 'additionalProperties': False,
    'properties': {'subnet_id': _UUID, 'ip_address': _IP}}}
_PAIRS = {'type': ['array', 'null'], 'items': {
    'type': 'object', 'required': ['ip_address'], 'additionalProperties': False,
    'properties': {'ip_address': _IP, 'mac_address': _STR}}}
_ROUTES = {'type': ['array', 'null'], 'items': {
    'type': 'object', 'required': ['destination', 'nexthop'], 'additionalProperties': False,
    'properties': {'destination': _IP, 'nexthop': _IP}}}
_POOLS = {'type': ['array', 'null'], 'items': {
    'type': 'object', 'required': ['start', 'end'], 'additionalProperties': False,
    'properties': {'start': _IP, 'end': _IP}}}
_GATEWAY_INFO = {'type': ['object', 'null'], 'additionalProperties': False, 'properties': {
    'network_id': _UUID, 'enable_snat': _BOOL, 'external_fixed_ips': _FIXED_IPS,
    'qos_policy_id': _UUID_OR_NULL}}
_PORT_NUMBER = {'type': ['integer', 'null'], 'minimum': -DB_INT_MAX, 'maximum': DB_INT_MAX}
_DHCP_OPTS = {'type': ['array', 'null'], 'items': {
    'type': 'object', 'required': ['opt_name'], 'additionalProperties': False,
    'properties': {'opt_name': {'type': 'string', 'minLength': 1, 'maxLength': 64},
                   'opt_value': {'type': ['string', 'null'], 'maxLength': 255},
                   'ip_version': {'type': ['integer', 'string', 'null'],
                                  'enum': [4, 6, '4', '6', None]}}}}
# Subports' values are checked by the conductor, with neutron's messages.
_SUBPORTS = {'type': 'array', 'items': {
    'type': 'object', 'required': ['port_id'], 'additionalProperties': False,
    'properties': {'port_id': _UUID,
                   'segmentation_type': {'type': ['string', 'null'], 'maxLength': 32},
                   'segmentation_id': {'type': ['integer', 'null'],
                                       'minimum': -DB_INT_MAX, 'maximum': DB_INT_MAX}}}}
SUBPORTS = {'type': 'object', 'required': ['sub_ports'], 'additionalProperties': False,
            'properties': {'sub_ports': _SUBPORTS}}
_COMMON = {'name': (_NAME, True, True), 'description': (_STR, True, True),
           'project_id': (_PROJECT, True, False), 'tenant_id': (_PROJECT, True, False)}

ATTRIBUTES = {
    'network': dict(_COMMON, **{
        'admin_state_up': (_BOOL, True, True), 'shared': (_BOOL, True, True),
        'router:external': (_BOOL, True, True), 'is_default': (_BOOL, True, True),
        'mtu': ({'type': 'integer', 'minimum': 68, 'maximum': 65535}, True, True),
        'port_security_enabled': (_BOOL, True, True),
        'provider:network_type': ({'type': 'string', 'enum': ['flat', 'vlan', 'vxlan',
                                                               'geneve', 'gre', 'local']},
                                  True, True),
        'provider:physical_network': ({'type': ['string', 'null'], 'maxLength': 64},
                                      True, True),
        'provider:segmentation_id': ({'type': ['integer', 'null'], 'minimum': 0,
                                      'maximum': DB_INT_MAX}, True, True),
        'availability_zone_hints': ({'type': 'array', 'items': _STR}, True, False),
        'dns_domain': (_STR, True, True),
        'qos_policy_id': (_UUID_OR_NULL, True, True),
    }),
    'subnet': dict(_COMMON, **{
        'network_id': (_UUID, True, False),
        'ip_version': ({'type': 'integer', 'enum': [4, 6]}, True, False),
        'cidr': ({'type': ['string', 'null'], 'maxLength': 64}, True, False),
        'gateway_ip': (_IP_OR_NULL, True, True), 'enable_dhcp': (_BOOL, True, True),
        'allocation_pools': (_POOLS, True, True),
        'dns_nameservers': ({'type': ['array', 'null'], 'items': _IP}, True, True),
        'host_routes': (_ROUTES, True, True),
        'ipv6_ra_mode': ({'type': ['string', 'null'], 'enum': [
            'slaac', 'dhcpv6-stateful', 'dhcpv6-stateless', None]}, True, False),
        'ipv6_address_mode': ({'type': ['string', 'null'], 'enum': [
            'slaac', 'dhcpv6-stateful', 'dhcpv6-stateless', None]}, True, False),
        'subnetpool_id': (_UUID_OR_NULL, True, False),
        'use_default_subnetpool': (_BOOL, True, False),
        'prefixlen': (_PREFIXLEN, True, False),
        'segment_id': (_UUID_OR_NULL, True, False),
        'service_types': ({'type': 'array', 'maxItems': 0}, True, True),
    }),
    'subnetpool': dict(_COMMON, **{
        'prefixes': ({'type': 'array', 'minItems': 1, 'items': _IP}, True, True),
        'default_prefixlen': (_PREFIXLEN, True, True),
        'min_prefixlen': (_PREFIXLEN, True, True),
        'max_prefixlen': (_PREFIXLEN, True, True),
        'shared': (_BOOL, True, False), 'is_default': (_BOOL, True, True),
        'default_quota': (_INT_OR_NULL, True, True),
        'address_scope_id': (_UUID_OR_NULL, True, True),
    }),
    'port': dict(_COMMON, **{
        'network_id': (_UUID, True, False), 'admin_state_up': (_BOOL, True, True),
        'mac_address': (_STR, True, True), 'fixed_ips': (_FIXED_IPS, True, True),
        'device_id': (_STR, True, True), 'device_owner': (_STR, True, True),
        'security_groups': ({'type': ['array', 'null'], 'items': _UUID}, True, True),
        'allowed_address_pairs': (_PAIRS, True, True),
        'port_security_enabled': (_BOOL, True, True),
        'binding:host_id': ({'type': ['string', 'null'], 'maxLength': 255}, True, True),
        'binding:vnic_type': ({'type': 'string', 'enum': ['normal', 'direct', 'macvtap',
                                                          'baremetal', 'direct-physical',
                                                          'virtio-forwarder']},
                              True, True),
        'binding:profile': ({'type': ['object', 'null']}, True, True),
        'dns_name': (_STR, True, True),
        'extra_dhcp_opts': (_DHCP_OPTS, True, True),
        'qos_policy_id': (_UUID_OR_NULL, True, True),
    }),
    'router': dict(_COMMON, **{
        'admin_state_up': (_BOOL, True, True), 'external_gateway_info': (_GATEWAY_INFO,
                                                                         True, True),
        'routes': (_ROUTES, False, True),
        # Admin-only (policy); the conductor then refuses true: no DVR or HA.
        'distributed': (_BOOL, True, True), 'ha': (_BOOL, True, True),
        'availability_zone_hints': ({'type': 'array', 'items': _STR}, True, False),
    }),
    'floatingip': {
        'description': (_STR, True, True), 'project_id': (_PROJECT, True, False),
        'tenant_id': (_PROJECT, True, False), 'floating_network_id': (_UUID, True, False),
        'floating_ip_address': (_IP, True, False), 'subnet_id': (_UUID_OR_NULL, True, False),
        'port_id': (_UUID_OR_NULL, True, True), 'fixed_ip_address': (_IP_OR_NULL, True, True),
        'dns_name': (_STR, True, False), 'dns_domain': (_STR, True, False),
        'qos_policy_id': (_UUID_OR_NULL, True, True),
    },
    'security_group': dict(_COMMON, **{'stateful': (_BOOL, True, True)}),
    'security_group_rule': {
        'description': (_STR, True, False), 'project_id': (_PROJECT, True, False),
        'tenant_id': (_PROJECT, True, False), 'security_group_id': (_UUID, True, False),
        'direction': ({'type': 'string', 'enum': ['ingress', 'egress']}, True, False),
        'ethertype': ({'type': 'string', 'enum': ['IPv4', 'IPv6']}, True, False),
        'protocol': ({'type': ['string', 'integer', 'null'], 'maxLength': 40,
                      'minimum': 0, 'maximum': 255}, True, False),
        # Out-of-range ports are refused by the conductor with neutron's message.
        'port_range_min': (_PORT_NUMBER, True, False),
        'port_range_max': (_PORT_NUMBER, True, False),
        'remote_ip_prefix': (_IP_OR_NULL, True, False),
        'remote_group_id': (_UUID_OR_NULL, True, False),
        'remote_address_group_id': ({'type': 'null'}, True, False),
    },
    'agent': {'admin_state_up': (_BOOL, False, True), 'description': (_STR, False, True)},
    'segment': {
        'network_id': (_UUID, True, False), 'name': (_STR_OR_NULL, True, True),
        'description': (_STR_OR_NULL, True, True),
        'network_type': ({'type': 'string', 'enum': ['flat', 'vlan', 'vxlan', 'geneve',
                                                     'gre', 'local']}, True, False),
        'physical_network': ({'type': ['string', 'null'], 'maxLength': 64}, True, False),
        'segmentation_id': ({'type': ['integer', 'null'], 'minimum': 0,
                             'maximum': DB_INT_MAX}, True, False),
        'project_id': (_PROJECT, True, False), 'tenant_id': (_PROJECT, True, False)},
    'trunk': dict(_COMMON, **{
        'admin_state_up': (_BOOL, True, True), 'port_id': (_UUID, True, False),
        'sub_ports': (_SUBPORTS, True, False)}),
    'policy': dict(_COMMON, **{'shared': (_BOOL, True, True),
                               'is_default': (_BOOL, True, True)}),
    'bandwidth_limit_rule': {
        'max_kbps': ({'type': 'integer', 'minimum': 0, 'maximum': DB_INT_MAX}, True, True),
        'max_burst_kbps': ({'type': 'integer', 'minimum': 0, 'maximum': DB_INT_MAX},
                           True, True),
        'direction': ({'type': 'string', 'enum': ['egress', 'ingress']}, True, True)},
    'dscp_marking_rule': {'dscp_mark': ({'type': 'integer', 'minimum': 0, 'maximum': 56},
                                        True, True)},
    'minimum_bandwidth_rule': {
        'min_kbps': ({'type': 'integer', 'minimum': 0, 'maximum': DB_INT_MAX}, True, True),
        'direction': ({'type': 'string', 'enum': ['egress', 'ingress']}, True, True)},
    'address_scope': {
        'name': (_NAME, True, True),
        'ip_version': ({'type': 'integer', 'enum': [4, 6]}, True, False),
        'shared': (_BOOL, True, True), 'project_id': (_PROJECT, True, False),
        'tenant_id': (_PROJECT, True, False)},
    'rbac_policy': {
        'object_type': ({'type': 'string', 'maxLength': 255}, True, False),
        'object_id': (_UUID, True, False),
        'action': ({'type': 'string', 'enum': ['access_as_shared', 'access_as_external']},
                   True, False),
        'target_tenant': (_PROJECT, True, True), 'target_project': (_PROJECT, True, True),
        'project_id': (_PROJECT, True, False), 'tenant_id': (_PROJECT, True, False)},
    'metering_label': {
        'name': (_NAME, True, False),
        'description': ({'type': 'string', 'maxLength': 1024}, True, False),
        'shared': (_BOOL, True, False), 'project_id': (_PROJECT, True, False),
        'tenant_id': (_PROJECT, True, False)},
    'metering_label_rule': {
        'metering_label_id': (_UUID, True, False),
        'direction': ({'type': 'string', 'enum': ['ingress', 'egress']}, True, False),
        'excluded': (_BOOL, True, False),
        'remote_ip_prefix': (_IP_OR_NULL, True, False),
        'source_ip_prefix': (_IP_OR_NULL, True, False),
        'destination_ip_prefix': (_IP_OR_NULL, True, False),
        'project_id': (_PROJECT, True, False), 'tenant_id': (_PROJECT, True, False)},
}

# Tags may be given on create (then set with the resource, ``tag-creation``).
_TAGS = {'type': 'array', 'items': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                                    'pattern': '^[^,]*$'}}
for _resource in ('network', 'subnet', 'subnetpool', 'port', 'router', 'floatingip',
                  'security_group', 'policy', 'trunk'):
    ATTRIBUTES[_resource]['tags'] = (_TAGS, True, False)

REQUIRED = {
    'subnet': ['network_id', 'ip_version'], 'port': ['network_id'],
    'floatingip': ['floating_network_id'],
    'security_group_rule': ['security_group_id', 'direction'],
    'subnetpool': ['prefixes', 'name'],
    'metering_label_rule': ['metering_label_id', 'direction'],
    'rbac_policy': ['object_type', 'object_id', 'action'],
    'address_scope': ['ip_version'],
    'trunk': ['port_id'],
    'segment': ['network_id', 'network_type'],
}

EXTRA_ROUTES = {'type': 'object', 'required': ['router'], 'additionalProperties': False,
                'properties': {'router': {
                    'type': 'object', 'required': ['routes'], 'additionalProperties': False,
                    'properties': {'routes': dict(_ROUTES, type='array')}}}}
ROUTER_INTERFACE = {'type': 'object', 'additionalProperties': False,
                    'properties': {'subnet_id': _UUID, 'port_id': _UUID}}
QUOTA = {'type': 'object', 'required': ['quota'], 'properties': {
    'quota': {'type': 'object', 'properties': {'check_limit': {'type': 'boolean'},
                                               'force': {'type': 'boolean'}},
              'additionalProperties': {'type': ['integer', 'string'], 'minimum': -1,
                                       'maximum': DB_INT_MAX, 'maxLength': 16}}}}


def _build_body_schema(resource, creating):
    index = 1 if creating else 2
    props = {name: spec[0] for name, spec in ATTRIBUTES[resource].items() if spec[index]}
    schema = {'type': 'object', 'properties': props, 'additionalProperties': False}
    if creating and resource in REQUIRED:
        schema['required'] = REQUIRED[resource]
    return schema


# Built once: validation caches one validator per schema object, so a schema
# built per request would cost a validator build on every create and update.
_BODY_SCHEMAS = {(resource, creating): _build_body_schema(resource, creating)
                 for resource in ATTRIBUTES for creating in (True, False)}


def body_schema(resource, creating):
    """The create (``creating``) or update schema of ``resource``'s body;
    shared, callers must not change it."""
    return _BODY_SCHEMAS[(resource, bool(creating))]
