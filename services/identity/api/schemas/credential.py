from services.identity.api.schemas import ID, NULLABLE_ID
from services.identity.api.schemas import wrapped

# other attributes are kept and shown back, as keystone does
_CREDENTIAL = {
    'blob': {'type': 'string', 'maxLength': 65535},
    'type': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'user_id': ID,
    'project_id': NULLABLE_ID,
    'id': {'type': 'string'},
}
credential_create = wrapped('credential', _CREDENTIAL, required=['blob', 'type', 'user_id'])
credential_update = wrapped('credential', _CREDENTIAL, min_properties=1)
