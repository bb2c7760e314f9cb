_ID_OR_NAME_DOMAIN = {'type': 'object', 'properties': {
    'id': {'type': 'string'}, 'name': {'type': 'string'},
    'domain': {'type': 'object', 'properties': {'id': {'type': 'string'},
                                                'name': {'type': 'string'}},
               'minProperties': 1}}}

_USER = dict(_ID_OR_NAME_DOMAIN)
_USER['properties'] = dict(_USER['properties'], password={'type': 'string'})

token_request = {
    'type': 'object', 'required': ['auth'],
    'properties': {'auth': {
        'type': 'object', 'required': ['identity'],
        'properties': {
            'identity': {
                'type': 'object', 'required': ['methods'],
                'properties': {
                    'methods': {'type': 'array', 'minItems': 1,
                                'items': {'type': 'string'}},
                    'password': {'type': 'object', 'required': ['user'],
                                 'properties': {'user': _USER}},
                    'token': {'type': 'object', 'required': ['id'],
                              'properties': {'id': {'type': 'string'}}},
                    'application_credential': {
                        'type': 'object', 'required': ['secret'],
                        'properties': {'id': {'type': 'string'},
                                       'name': {'type': 'string'},
                                       'secret': {'type': 'string'},
                                       'user': _ID_OR_NAME_DOMAIN}},
                }},
            'scope': {'oneOf': [
                {'type': 'string', 'enum': ['unscoped']},
                {'type': 'object', 'maxProperties': 1, 'properties': {
                    'project': {'type': 'object', 'properties': {
                        'id': {'type': 'string'}, 'name': {'type': 'string'},
                        'domain': _ID_OR_NAME_DOMAIN['properties']['domain']},
                        'anyOf': [{'required': ['id']}, {'required': ['name', 'domain']}]},
                    'domain': {'type': 'object', 'minProperties': 1, 'properties': {
                        'id': {'type': 'string'}, 'name': {'type': 'string'}}},
                    'system': {'type': 'object'},
                    'unscoped': {'type': 'object'},
                    'OS-TRUST:trust': {'type': 'object'},
                }},
            ]},
        }}},
}
