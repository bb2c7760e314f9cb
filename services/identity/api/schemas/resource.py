from services.identity.api.schemas import BOOLEAN, DESCRIPTION, ID, NULLABLE_ID, TAGS
from services.identity.api.schemas import wrapped

# domain and project names stop at 64 characters in keystone (users, groups
# and roles at 255)
NAME = {'type': 'string', 'minLength': 1, 'maxLength': 64}

_DOMAIN = {'name': NAME, 'description': DESCRIPTION, 'enabled': BOOLEAN, 'tags': TAGS,
           'explicit_domain_id': ID}
domain_create = wrapped('domain', _DOMAIN, required=['name'])
domain_update = wrapped('domain', dict(_DOMAIN), min_properties=1)

_PROJECT = {'name': NAME, 'description': DESCRIPTION, 'enabled': BOOLEAN, 'tags': TAGS,
            'domain_id': NULLABLE_ID, 'parent_id': NULLABLE_ID,
            'is_domain': BOOLEAN}
project_create = wrapped('project', _PROJECT, required=['name'])
project_update = wrapped('project', {'name': NAME, 'description': DESCRIPTION,
                                     'enabled': BOOLEAN, 'tags': TAGS}, min_properties=1)
project_tags = {'type': 'object', 'properties': {'tags': TAGS}, 'required': ['tags'],
                'additionalProperties': False}
