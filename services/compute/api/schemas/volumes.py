"""Bodies of nova's deprecated os-volumes and os-snapshots proxies."""

from services.compute.api.schemas import types

volume = {
    'type': 'object',
    'properties': {'volume': {
        'type': 'object',
        'properties': {
            'volume_type': {'type': 'string'},
            'metadata': {'type': 'object'},
            'snapshot_id': {'type': 'string'},
            # digits (text or number); 0 is refused by the handler
            'size': {'type': ['integer', 'string'], 'pattern': '^[0-9]+$', 'minimum': 1},
            'availability_zone': {'type': 'string'},
            'display_name': {'type': 'string'},
            'display_description': {'type': 'string'},
        },
        'required': ['size'],
        'additionalProperties': False}},
    'required': ['volume'],
    'additionalProperties': False,
}

snapshot = {
    'type': 'object',
    'properties': {'snapshot': {
        'type': 'object',
        'properties': {
            'volume_id': {'type': 'string'},
            'force': types.boolean,
            'display_name': {'type': 'string'},
            'display_description': {'type': 'string'},
        },
        'required': ['volume_id'],
        'additionalProperties': False}},
    'required': ['snapshot'],
    'additionalProperties': False,
}
