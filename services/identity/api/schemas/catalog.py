from services.identity.api.schemas import BOOLEAN, DESCRIPTION, ID, NAME, NULLABLE_ID
from services.identity.api.schemas import wrapped

region_create = wrapped('region', {'id': ID, 'description': DESCRIPTION,
                                   'parent_region_id': NULLABLE_ID})
region_update = wrapped('region', {'description': DESCRIPTION,
                                   'parent_region_id': NULLABLE_ID}, min_properties=1)

_SERVICE = {'type': {'type': 'string', 'minLength': 1, 'maxLength': 255}, 'name': NAME,
            'description': DESCRIPTION, 'enabled': BOOLEAN}
service_create = wrapped('service', _SERVICE, required=['type'])
service_update = wrapped('service', dict(_SERVICE), min_properties=1)

_ENDPOINT = {'service_id': {'type': 'string', 'minLength': 1, 'maxLength': 64},
             'interface': {'type': 'string', 'enum': ['public', 'internal', 'admin']},
             'url': {'type': 'string', 'minLength': 1, 'maxLength': 1024,
                     'pattern': '^[a-zA-Z0-9+.-]+://'},
             'region_id': NULLABLE_ID, 'region': NULLABLE_ID, 'enabled': BOOLEAN}
endpoint_create = wrapped('endpoint', _ENDPOINT, required=['service_id', 'interface', 'url'])
endpoint_update = wrapped('endpoint', dict(_ENDPOINT), min_properties=1)
