from services.identity.api.schemas import DESCRIPTION, NAME
from services.identity.api.schemas import wrapped

_FILTERS = {'type': 'object', 'properties': {
    'interface': {'type': 'string', 'enum': ['public', 'internal', 'admin']},
    'service_id': {'type': 'string', 'maxLength': 64},
    'region_id': {'type': 'string', 'maxLength': 255}},
    'additionalProperties': False, 'minProperties': 1}
endpoint_group_create = wrapped('endpoint_group', {
    'name': NAME, 'description': DESCRIPTION, 'filters': _FILTERS},
    required=['name', 'filters'], additional=False)
endpoint_group_update = wrapped('endpoint_group', {
    'name': NAME, 'description': DESCRIPTION, 'filters': _FILTERS},
    additional=False, min_properties=1)
