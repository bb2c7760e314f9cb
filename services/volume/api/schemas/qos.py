"""Request bodies of QoS specs."""

from common import validation

_KEY = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': validation.NAME_PATTERN}
_VALUE = {'type': 'string', 'maxLength': 255}
_CONSUMER = {'type': 'string', 'enum': ['front-end', 'back-end', 'both']}

CREATE = {'type': 'object', 'required': ['qos_specs'], 'properties': {
    'qos_specs': {'type': 'object', 'required': ['name'], 'properties': {
        'name': _KEY, 'consumer': _CONSUMER,
    }, 'propertyNames': _KEY, 'additionalProperties': _VALUE, 'maxProperties': 128}},
    'additionalProperties': False}

SET_KEYS = {'type': 'object', 'required': ['qos_specs'], 'properties': {
    'qos_specs': {'type': 'object', 'minProperties': 1, 'properties': {
        'consumer': _CONSUMER,
    }, 'propertyNames': _KEY, 'additionalProperties': _VALUE, 'maxProperties': 128}},
    'additionalProperties': False}

DELETE_KEYS = {'type': 'object', 'required': ['keys'], 'properties': {
    'keys': {'type': 'array', 'minItems': 1, 'items': _KEY, 'uniqueItems': True}},
    'additionalProperties': False}
