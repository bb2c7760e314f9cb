"""Parameter types shared by the compute schemas, with the database's ranges.

Integers that the API also takes as decimal strings (flavor sizes, counts,
quotas) are checked twice: by the schema when they are JSON numbers, and by
:func:`services.compute.api.controllers.common.int_in_range` after the
string is converted, so no value the columns cannot hold reaches the
database.
"""

#: Signed 32-bit INTEGER columns (MySQL, PostgreSQL).
MAX_INT = 2 ** 31 - 1
#: Single-precision FLOAT columns.
MAX_FLOAT = 3.40282e38


def int_or_digits(minimum=0, maximum=MAX_INT, allow_empty=False):
    return {'type': ['integer', 'string'],
            'pattern': '^[0-9]*$' if allow_empty else '^[0-9]+$',
            'minimum': minimum, 'maximum': maximum}


def signed_int_or_digits(minimum=-1, maximum=MAX_INT):
    return {'type': ['integer', 'string'], 'pattern': '^-?[0-9]+$',
            'minimum': minimum, 'maximum': maximum}


uuid = {'type': 'string', 'format': 'uuid'}
name = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': r'^(?!\s)[\S\s]*(?<!\s)$'}
description = {'type': ['string', 'null'], 'maxLength': 255}
admin_password = {'type': 'string'}
boolean = {'type': ['boolean', 'string'],
           'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes',
                    False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No',
                    'no']}
metadata = {'type': 'object', 'maxProperties': 128,
            'patternProperties': {'^.{1,255}$': {'type': 'string', 'maxLength': 255}},
            'additionalProperties': False}
#: Image and flavor references: an ID, or a URL whose last segment is one.
image_ref = {'type': 'string', 'minLength': 1, 'maxLength': 2048}
flavor_ref = {'type': ['string', 'integer'], 'minLength': 1, 'maxLength': 2048,
              'minimum': 0, 'maximum': MAX_INT}
#: Trusted image certificate ids (2.63): null, or 1-50 distinct non-empty ids.
trusted_certs = {'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
                 'uniqueItems': True, 'items': {'type': 'string', 'minLength': 1}}
#: A server's hostname (2.90): an RFC 1123 label; from 2.94 a dotted name of
#: up to 255 characters (checked by the handler against the version).
hostname = {'type': 'string', 'minLength': 2, 'maxLength': 255,
            'pattern': r'^[a-zA-Z0-9]([a-zA-Z0-9.\-]*[a-zA-Z0-9])?$'}
