from services.identity.api.schemas import DESCRIPTION, ID, NULLABLE_ID

_RESOURCE = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_LIMIT_VALUE = {'type': 'integer', 'minimum': -1, 'maximum': 2147483647}


def _list_of(key, properties, required):
    item = {'type': 'object', 'properties': properties, 'required': required,
            'additionalProperties': False}
    return {'type': 'object', 'properties': {key: {'type': 'array', 'items': item,
                                                    'minItems': 1, 'maxItems': 1000}},
            'required': [key], 'additionalProperties': False}


def _one(key, properties):
    return {'type': 'object', 'properties': {key: {
        'type': 'object', 'properties': properties, 'additionalProperties': False,
        'minProperties': 1}}, 'required': [key], 'additionalProperties': False}


_REGISTERED = {'service_id': ID, 'region_id': NULLABLE_ID, 'resource_name': _RESOURCE,
               'default_limit': _LIMIT_VALUE, 'description': DESCRIPTION}
registered_limits_create = _list_of('registered_limits', _REGISTERED,
                                    ['service_id', 'resource_name', 'default_limit'])
registered_limit_update = _one('registered_limit', _REGISTERED)

_LIMIT = {'service_id': ID, 'region_id': NULLABLE_ID, 'resource_name': _RESOURCE,
          'project_id': NULLABLE_ID, 'domain_id': NULLABLE_ID,
          'resource_limit': _LIMIT_VALUE, 'description': DESCRIPTION}
limits_create = _list_of('limits', _LIMIT, ['service_id', 'resource_name', 'resource_limit'])
limit_update = _one('limit', {'resource_limit': _LIMIT_VALUE, 'description': DESCRIPTION})
