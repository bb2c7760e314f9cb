"""JSON schemas of metadata definitions: served under /v2/schemas/metadefs/*
and used to validate request bodies (one definition for both)."""

import copy

_STAMPS = {
    'created_at': {'type': 'string', 'readOnly': True, 'format': 'date-time',
                   'description': 'Date and time of creation'},
    'updated_at': {'type': 'string', 'readOnly': True, 'format': 'date-time',
                   'description': 'Date and time of the last modification'},
}
_NAME80 = {'type': 'string', 'minLength': 1, 'maxLength': 80}
PROPERTY_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string', 'null']

#: one property definition, as in a namespace's ``properties`` map (no name)
PROPERTY_BODY = {
    'type': 'object',
    'required': ['title', 'type'],
    'properties': {
        'title': {'type': 'string', 'description': 'Human-readable name of the property'},
        'description': {'type': 'string'},
        'operators': {'type': 'array', 'items': {'type': 'string'}},
        'type': {'type': 'string', 'enum': PROPERTY_TYPES},
        'required': {'type': 'array', 'items': {'type': 'string'}},
        'minimum': {'type': 'number'},
        'maximum': {'type': 'number'},
        'maxLength': {'type': 'integer', 'minimum': 0},
        'minLength': {'type': 'integer', 'minimum': 0},
        'pattern': {'type': 'string', 'format': 'regex'},
        'enum': {'type': 'array'},
        'readonly': {'type': 'boolean'},
        'default': {},
        'items': {'type': 'object', 'properties': {
            'type': {'type': 'string', 'enum': PROPERTY_TYPES},
            'enum': {'type': 'array'}}},
        'maxItems': {'type': 'integer', 'minimum': 0},
        'minItems': {'type': 'integer', 'minimum': 0},
        'uniqueItems': {'type': 'boolean', 'default': False},
        'additionalItems': {'type': 'boolean'},
    },
    'additionalProperties': False,
}

PROPERTY = {
    'name': 'property',
    'type': 'object',
    'required': ['name', 'title', 'type'],
    'properties': dict(PROPERTY_BODY['properties'],
                       name={'type': 'string', 'minLength': 1, 'maxLength': 255}),
    'additionalProperties': False,
}

PROPERTIES_MAP = {'type': 'object', 'additionalProperties': PROPERTY_BODY}

OBJECT = {
    'name': 'object',
    'type': 'object',
    'required': ['name'],
    'properties': dict({
        'name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'description': {'type': 'string'},
        'required': {'type': 'array', 'items': {'type': 'string'}},
        'properties': PROPERTIES_MAP,
        'schema': {'type': 'string', 'readOnly': True},
        'self': {'type': 'string', 'readOnly': True},
    }, **_STAMPS),
    'additionalProperties': False,
}

TAG = {
    'name': 'tag',
    'type': 'object',
    'required': ['name'],
    'properties': dict({'name': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
                       **_STAMPS),
    'additionalProperties': False,
}

RESOURCE_TYPE = {
    'name': 'resource_type_association',
    'type': 'object',
    'required': ['name'],
    'properties': dict({
        'name': dict(_NAME80, description='Resource type names should be aligned with '
                                          'Heat resource types, e.g. OS::Nova::Server'),
        'prefix': {'type': 'string', 'maxLength': 80,
                   'description': 'Prefix for the resource type\'s property names, e.g. '
                                  '"hw_" on images and "hw:" on flavors'},
        'properties_target': {'type': 'string', 'maxLength': 80,
                              'description': 'Which part of the resource the properties '
                                             'apply to (e.g. "image" or "metadata" on a '
                                             'volume)'},
    }, **_STAMPS),
    'additionalProperties': False,
}

NAMESPACE = {
    'name': 'namespace',
    'type': 'object',
    'required': ['namespace'],
    'properties': dict({
        'namespace': dict(_NAME80, description='The unique namespace text.'),
        'display_name': {'type': 'string', 'maxLength': 80,
                         'description': 'The user friendly name for the namespace.'},
        'description': {'type': 'string', 'maxLength': 500,
                        'description': 'Provides a user friendly description of the '
                                       'namespace.'},
        'visibility': {'type': 'string', 'enum': ['public', 'private'],
                       'description': 'Scope of namespace accessibility.'},
        'protected': {'type': 'boolean',
                      'description': 'If true, namespace will not be deletable.'},
        'owner': {'type': 'string', 'maxLength': 255,
                  'description': 'Owner of the namespace.'},
        'schema': {'type': 'string', 'readOnly': True},
        'self': {'type': 'string', 'readOnly': True},
        'resource_type_associations': {'type': 'array', 'items': RESOURCE_TYPE},
        'properties': PROPERTIES_MAP,
        'objects': {'type': 'array', 'items': OBJECT},
        'tags': {'type': 'array', 'items': TAG},
    }, **_STAMPS),
    'additionalProperties': False,
}


def _collection(name, key, item, links_to):
    return {
        'name': name,
        'type': 'object',
        'properties': {
            key: {'type': 'array', 'items': item},
            'first': {'type': 'string'},
            'next': {'type': 'string'},
            'schema': {'type': 'string'},
        },
        'links': [{'rel': 'first', 'href': '{first}'}, {'rel': 'next', 'href': '{next}'},
                  {'rel': 'describedby', 'href': '{schema}'}],
    } if links_to else {
        'name': name,
        'type': 'object',
        'properties': {key: {'type': 'array', 'items': item},
                       'schema': {'type': 'string'}},
        'links': [{'rel': 'describedby', 'href': '{schema}'}],
    }


NAMESPACES = _collection('namespaces', 'namespaces', NAMESPACE, True)
OBJECTS = _collection('objects', 'objects', OBJECT, False)
TAGS = _collection('tags', 'tags', TAG, False)
RESOURCE_TYPES = _collection('resource_type_associations', 'resource_type_associations',
                             RESOURCE_TYPE, False)
PROPERTIES = {
    'name': 'properties',
    'type': 'object',
    'properties': {'properties': PROPERTIES_MAP, 'schema': {'type': 'string'}},
    'links': [{'rel': 'describedby', 'href': '{schema}'}],
}

SERVED = {'namespace': NAMESPACE, 'namespaces': NAMESPACES, 'object': OBJECT,
          'objects': OBJECTS, 'property': PROPERTY, 'properties': PROPERTIES, 'tag': TAG,
          'tags': TAGS, 'resource_type': RESOURCE_TYPE, 'resource_types': RESOURCE_TYPES}

_READ_ONLY = ('created_at', 'updated_at', 'schema', 'self')


def request_schema(document):
    """``document`` as a request body schema: read-only fields may be sent
    back (clients PUT what they GET) and are ignored."""
    return copy.deepcopy(document)


def strip_read_only(body):
    return {k: v for k, v in body.items() if k not in _READ_ONLY}
