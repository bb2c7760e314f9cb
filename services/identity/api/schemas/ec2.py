from services.identity.api.schemas import ID

ec2_create = {'type': 'object', 'properties': {'tenant_id': ID}, 'required': ['tenant_id']}
_CREDS = {'type': 'object', 'properties': {
    'access': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'signature': {'type': 'string', 'maxLength': 1024},
    'host': {'type': ['string', 'null'], 'maxLength': 1024},
    'verb': {'type': ['string', 'null'], 'maxLength': 16},
    'path': {'type': ['string', 'null'], 'maxLength': 8192},
    'params': {'type': ['object', 'null']},
    'headers': {'type': ['object', 'null']},
    'body_hash': {'type': ['string', 'null'], 'maxLength': 128},
    'token': {'type': 'string', 'maxLength': 65536},
}, 'required': ['access', 'signature']}
# keystone takes "credentials", and "ec2Credentials" from older clients
ec2tokens = {'type': 'object', 'properties': {'credentials': _CREDS, 'ec2Credentials': _CREDS},
             'anyOf': [{'required': ['credentials']}, {'required': ['ec2Credentials']}]}
s3tokens = {'type': 'object', 'properties': {'credentials': _CREDS}, 'required': ['credentials']}
