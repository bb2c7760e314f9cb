from services.identity.api.schemas import wrapped

_TYPE = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_BLOB = {'type': 'string', 'maxLength': 65535}
policy_create = wrapped('policy', {'type': _TYPE, 'blob': _BLOB}, required=['type', 'blob'])
policy_update = wrapped('policy', {'type': _TYPE, 'blob': _BLOB}, min_properties=1)
