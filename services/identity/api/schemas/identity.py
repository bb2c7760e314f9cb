from services.identity.api.schemas import BOOLEAN, DESCRIPTION, NAME, NULLABLE_ID
from services.identity.api.schemas import wrapped

PASSWORD = {'type': ['string', 'null'], 'maxLength': 4096}
_USER = {'name': NAME, 'domain_id': NULLABLE_ID, 'default_project_id': NULLABLE_ID,
         'enabled': BOOLEAN, 'password': PASSWORD, 'description': DESCRIPTION,
         'email': {'type': ['string', 'null'], 'maxLength': 255},
         'options': {'type': 'object'}}
user_create = wrapped('user', _USER, required=['name'])
_USER_UPDATE = dict(_USER)
_USER_UPDATE.pop('domain_id')
user_update = wrapped('user', _USER_UPDATE, min_properties=1)
password_change = wrapped('user', {
    'original_password': {'type': 'string', 'maxLength': 4096},
    'password': {'type': 'string', 'minLength': 1, 'maxLength': 4096},
}, required=['original_password', 'password'], additional=False)

# other keys (clients send e.g. project_id) are ignored, as keystone does
GROUP_FIELDS = ('name', 'domain_id', 'description')
group_create = wrapped('group', {'name': NAME, 'domain_id': NULLABLE_ID,
                                 'description': DESCRIPTION}, required=['name'])
group_update = wrapped('group', {'name': NAME, 'description': DESCRIPTION},
                       min_properties=1)
