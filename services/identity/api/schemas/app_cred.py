from services.identity.api.schemas import DESCRIPTION, NAME
from services.identity.api.schemas import wrapped

_ROLE_REF = {'type': 'object', 'minProperties': 1, 'additionalProperties': False,
             'properties': {'id': {'type': 'string'}, 'name': {'type': 'string'}}}
ACCESS_RULE = {'type': 'object', 'additionalProperties': False, 'minProperties': 1,
               'properties': {
                   'id': {'type': 'string', 'maxLength': 64},
                   'service': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                   'path': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                   'method': {'type': 'string',
                              'enum': ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']}}}
app_cred_create = wrapped('application_credential', {
    'name': NAME, 'description': DESCRIPTION,
    'secret': {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 4096},
    'expires_at': {'type': ['string', 'null']},
    'roles': {'type': 'array', 'items': _ROLE_REF},
    'unrestricted': {'type': ['boolean', 'null']},
    'access_rules': {'type': 'array', 'maxItems': 100, 'items': ACCESS_RULE},
}, required=['name'], additional=False)
