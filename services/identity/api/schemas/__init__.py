"""jsonschema documents for request bodies, one module per concern."""

NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255}
ID = {'type': 'string', 'minLength': 1, 'maxLength': 64}
NULLABLE_ID = {'type': ['string', 'null'], 'maxLength': 64}
DESCRIPTION = {'type': ['string', 'null'], 'maxLength': 65535}
BOOLEAN = {'type': 'boolean'}
TAGS = {'type': 'array', 'maxItems': 80, 'uniqueItems': True,
        'items': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                  'pattern': '^[^,/]*$'}}


def wrapped(key, properties, required=(), additional=True, min_properties=0):
    """``{key: {...}}`` bodies, the shape every identity call uses."""
    inner = {'type': 'object', 'properties': properties,
             'additionalProperties': additional}
    if required:
        inner['required'] = list(required)
    if min_properties:
        inner['minProperties'] = min_properties
    return {'type': 'object', 'properties': {key: inner}, 'required': [key],
            'additionalProperties': False}
