"""JSON schema for os-interface requests."""

_ip_address = {'type': 'string', 'anyOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}

create = {
    'type': 'object',
    'properties': {
        'interfaceAttachment': {
            'type': 'object',
            'properties': {
                'net_id': {'type': 'string', 'format': 'uuid'},
                'port_id': {'type': 'string', 'format': 'uuid'},
                'tag': {'type': 'string', 'minLength': 1, 'maxLength': 60,
                        'pattern': '^[^,/]*$'},
                'fixed_ips': {
                    'type': 'array', 'minItems': 1, 'maxItems': 1,
                    'items': {
                        'type': 'object',
                        'properties': {'ip_address': _ip_address},
                        'required': ['ip_address'],
                        'additionalProperties': False,
                    },
                },
            },
            'additionalProperties': False,
        },
    },
    'additionalProperties': False,
}
