"""Request bodies of volume transfers."""

from common import validation

CREATE = {'type': 'object', 'required': ['transfer'], 'properties': {
    'transfer': {'type': 'object', 'required': ['volume_id'], 'properties': {
        'volume_id': {'type': 'string', 'minLength': 1, 'maxLength': 36},
        'name': {'type': ['string', 'null'], 'maxLength': 255,
                 'pattern': validation.NAME_PATTERN},
        'no_snapshots': {'type': ['boolean', 'string']},
    }, 'additionalProperties': False}},
    'additionalProperties': False}

ACCEPT = {'type': 'object', 'required': ['accept'], 'properties': {
    'accept': {'type': 'object', 'required': ['auth_key'], 'properties': {
        'auth_key': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    }, 'additionalProperties': False}},
    'additionalProperties': False}
