from services.identity.api.schemas import ID, NULLABLE_ID
from services.identity.api.schemas import wrapped

_ROLE = {'type': 'object', 'properties': {'id': ID, 'name': {'type': 'string',
                                                            'minLength': 1,
                                                            'maxLength': 255}},
         'minProperties': 1}
trust_create = wrapped('trust', {
    'trustor_user_id': ID, 'trustee_user_id': ID, 'project_id': NULLABLE_ID,
    'impersonation': {'type': 'boolean'},
    'expires_at': {'type': ['string', 'null'], 'maxLength': 64},
    'remaining_uses': {'type': ['integer', 'null'], 'minimum': 1},
    'allow_redelegation': {'type': ['boolean', 'null']},
    'redelegation_count': {'type': ['integer', 'null'], 'minimum': 0},
    'roles': {'type': 'array', 'items': _ROLE, 'maxItems': 100},
}, required=['trustor_user_id', 'trustee_user_id', 'impersonation'])
