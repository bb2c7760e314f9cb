"""Request bodies of backups."""

from common import validation

_NAME = {'type': ['string', 'null'], 'maxLength': 255, 'pattern': validation.NAME_PATTERN}

CREATE = {'type': 'object', 'required': ['backup'], 'properties': {
    'backup': {'type': 'object', 'required': ['volume_id'], 'properties': {
        'volume_id': {'type': 'string', 'minLength': 1, 'maxLength': 36},
        'name': _NAME, 'description': {'type': ['string', 'null'], 'maxLength': 255},
        'container': _NAME, 'incremental': {'type': ['boolean', 'string']},
        'force': {'type': ['boolean', 'string']},
        'snapshot_id': {'type': ['string', 'null'], 'maxLength': 36},
        'metadata': {'type': ['object', 'null']},
        'availability_zone': {'type': ['string', 'null'], 'maxLength': 255},
    }, 'additionalProperties': False}},
    'additionalProperties': False}

RESTORE = {'type': 'object', 'required': ['restore'], 'properties': {
    'restore': {'type': ['object', 'null'], 'properties': {
        'volume_id': {'type': ['string', 'null'], 'maxLength': 36},
        'name': _NAME,
    }, 'additionalProperties': False}},
    'additionalProperties': False}
