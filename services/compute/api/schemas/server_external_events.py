"""JSON schema for POST /os-server-external-events (nova's body)."""

import copy

#: Event names accepted at 2.1 and, from 2.51, ``volume-extended`` too.
NAMES = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged',
         'network-vif-deleted']
NAMES_V251 = NAMES + ['volume-extended']
STATUSES = ['failed', 'completed', 'in-progress']

create = {
    'type': 'object',
    'properties': {
        'events': {
            'type': 'array', 'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {
                    'server_uuid': {'type': 'string', 'format': 'uuid'},
                    'name': {'type': 'string', 'enum': NAMES},
                    'status': {'type': 'string', 'enum': STATUSES},
                    'tag': {'type': 'string', 'maxLength': 255},
                },
                'required': ['server_uuid', 'name'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['events'],
    'additionalProperties': False,
}

create_v251 = copy.deepcopy(create)
create_v251['properties']['events']['items']['properties']['name']['enum'] = NAMES_V251
