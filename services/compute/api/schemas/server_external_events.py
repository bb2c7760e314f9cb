"""JSON schema for POST /os-server-external-events (nova's body)."""

import copy

#: Event names accepted at 2.1 and, from 2.51, ``volume-extended`` too.
NAMES = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged',
         'network-vif-deleted']
NAMES_V251 = NAMES + ['volume-extended']
#: 2.76: ``power-update`` (tag POWER_ON / POWER_OFF), for servers whose
#: power a hardware service changes; the computes here only log it.
NAMES_V276 = NAMES_V251 + ['power-update']
#: 2.82: ``accelerator-request-bound`` (tag: the accelerator request uuid).
NAMES_V282 = NAMES_V276 + ['accelerator-request-bound']
#: 2.93: ``volume-reimaged`` (tag: the volume id), the end of a root
#: volume's reimage for a rebuild.
NAMES_V293 = NAMES_V282 + ['volume-reimaged']
POWER_TAGS = ('POWER_ON', 'POWER_OFF')
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

create_v276 = copy.deepcopy(create)
create_v276['properties']['events']['items']['properties']['name']['enum'] = NAMES_V276

create_v282 = copy.deepcopy(create)
create_v282['properties']['events']['items']['properties']['name']['enum'] = NAMES_V282

create_v293 = copy.deepcopy(create)
create_v293['properties']['events']['items']['properties']['name']['enum'] = NAMES_V293
