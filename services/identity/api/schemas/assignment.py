from services.identity.api.schemas import DESCRIPTION, NAME, NULLABLE_ID
from services.identity.api.schemas import wrapped

role_create = wrapped('role', {'name': NAME, 'domain_id': NULLABLE_ID,
                               'description': DESCRIPTION, 'options': {'type': 'object'}},
                      required=['name'])
role_update = wrapped('role', {'name': NAME, 'description': DESCRIPTION,
                               'options': {'type': 'object'}}, min_properties=1)
