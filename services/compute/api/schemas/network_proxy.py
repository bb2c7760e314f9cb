"""Bodies of the nova-network proxy APIs (os-security-groups,
os-security-group-rules, os-floating-ips).  Names and descriptions are
checked by :mod:`services.compute.api.network_proxy` as nova does (strings
of 1-255 characters once stripped, kept as given)."""

security_group = {
    'type': 'object',
    'properties': {'security_group': {'type': 'object'}},
    'required': ['security_group'],
}

_port = {'type': ['integer', 'string', 'null']}
security_group_rule = {
    'type': 'object',
    'properties': {'security_group_rule': {
        'type': 'object',
        'properties': {'parent_group_id': {'type': ['string', 'integer']},
                       'ip_protocol': {'type': ['string', 'null']},
                       'from_port': _port, 'to_port': _port,
                       'cidr': {'type': ['string', 'null']},
                       'group_id': {'type': ['string', 'integer', 'null']}},
        'required': ['parent_group_id']}},
    'required': ['security_group_rule'],
}

floating_ip = {
    'type': ['object', 'null'],
    'properties': {'pool': {'type': ['string', 'null']}},
}
