"""JSON schemas of the placement request bodies."""

MAX_INT = 2 ** 31 - 1

_INVENTORY_PROPERTIES = {
    'total': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
    'reserved': {'type': 'integer', 'minimum': 0, 'maximum': MAX_INT},
    'min_unit': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
    'max_unit': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
    'step_size': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
    'allocation_ratio': {'type': 'number', 'minimum': 0, 'exclusiveMinimum': 0,
                         'maximum': 3.40282e+38},
}

INVENTORY = {
    'type': 'object',
    'properties': dict(_INVENTORY_PROPERTIES, resource_provider_generation={
        'type': 'integer'}),
    'required': ['total', 'resource_provider_generation'],
    'additionalProperties': False,
}

INVENTORIES = {
    'type': 'object',
    'properties': {
        'resource_provider_generation': {'type': 'integer'},
        'inventories': {
            'type': 'object',
            'patternProperties': {
                '^[A-Z0-9_]+$': {'type': 'object', 'properties': _INVENTORY_PROPERTIES,
                                 'required': ['total'], 'additionalProperties': False}},
            'additionalProperties': False},
    },
    'required': ['resource_provider_generation', 'inventories'],
    'additionalProperties': False,
}

TRAITS = {
    'type': 'object',
    'properties': {
        'resource_provider_generation': {'type': 'integer'},
        'traits': {'type': 'array', 'items': {'type': 'string',
                                              'pattern': '^[A-Z0-9_]+$'},
                   'uniqueItems': True},
    },
    'required': ['resource_provider_generation', 'traits'],
    'additionalProperties': False,
}

RESOURCE_CLASS = {
    'type': 'object',
    'properties': {'name': {'type': 'string', 'pattern': '^CUSTOM_[A-Z0-9_]+$',
                            'maxLength': 255}},
    'required': ['name'],
    'additionalProperties': False,
}
