"""JSON schemas: the documents served under /v2/schemas and request validation.

The served schemas tell clients which image attributes exist, which are
read-only and which values are allowed; custom properties are strings.
"""

import copy

STATUSES = ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing',
            'pending_delete', 'deactivated']
VISIBILITIES = ['community', 'public', 'private', 'shared']
MEMBER_STATUSES = ['pending', 'accepted', 'rejected']

READ_ONLY = ('checksum', 'created_at', 'updated_at', 'size', 'virtual_size', 'status',
             'os_hash_algo', 'os_hash_value', 'direct_url', 'self', 'file', 'schema',
             'stores')
RESERVED = ('location', 'locations', 'deleted', 'deleted_at')
RESERVED_PREFIX = 'os_glance'
#: the database columns' ranges (INTEGER and BIGINT), checked before a write
INT_MAX = 2 ** 31 - 1
BIGINT_MAX = 2 ** 63 - 1
#: custom property names are stored in a VARCHAR(255)
PROPERTY_NAME_MAX = 255
UUID_PATTERN = ('^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}'
                '-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$')


def _str_or_null(**extra):
    return dict({'type': ['null', 'string']}, **extra)


def image_properties(disk_formats, container_formats):
    return {
        'id': {'type': 'string', 'description': 'An identifier for the image',
               'pattern': UUID_PATTERN},
        'name': _str_or_null(description='Descriptive name for the image', maxLength=255),
        'status': {'type': 'string', 'readOnly': True, 'enum': STATUSES,
                   'description': 'Status of the image'},
        'visibility': {'type': 'string', 'enum': VISIBILITIES,
                       'description': 'Scope of image accessibility'},
        'protected': {'type': 'boolean',
                      'description': 'If true, image will not be deletable.'},
        'os_hidden': {'type': 'boolean',
                      'description': 'If true, image will not appear in default image '
                                     'list response.'},
        'checksum': _str_or_null(readOnly=True, maxLength=32,
                                 description='md5 hash of image contents.'),
        'os_hash_algo': _str_or_null(readOnly=True, maxLength=64,
                                     description='Algorithm to calculate the os_hash_value'),
        'os_hash_value': _str_or_null(readOnly=True, maxLength=128,
                                      description='Hexdigest of the image contents using '
                                                  'the algorithm in os_hash_algo.'),
        'owner': _str_or_null(maxLength=255, description='Owner of the image'),
        'size': {'type': ['null', 'integer'], 'readOnly': True,
                 'description': 'Size of image file in bytes'},
        'virtual_size': {'type': ['null', 'integer'], 'readOnly': True,
                         'description': 'Virtual size of image in bytes'},
        'container_format': {'type': ['null', 'string'],
                             'enum': [None] + list(container_formats),
                             'description': 'Format of the container'},
        'disk_format': {'type': ['null', 'string'], 'enum': [None] + list(disk_formats),
                        'description': 'Format of the disk'},
        'created_at': {'type': 'string', 'readOnly': True,
                       'description': 'Date and time of image registration'},
        'updated_at': {'type': 'string', 'readOnly': True,
                       'description': 'Date and time of the last image modification'},
        'tags': {'type': 'array', 'items': {'type': 'string', 'maxLength': 255},
                 'description': 'List of strings related to the image'},
        'direct_url': {'type': 'string', 'readOnly': True,
                       'description': 'URL to access the image file kept in external store'},
        'min_ram': {'type': 'integer', 'minimum': 0, 'maximum': INT_MAX,
                    'description': 'Amount of ram (in MB) required to boot image.'},
        'min_disk': {'type': 'integer', 'minimum': 0, 'maximum': INT_MAX,
                     'description': 'Amount of disk space (in GB) required to boot image.'},
        'self': {'type': 'string', 'readOnly': True,
                 'description': 'An image self url'},
        'file': {'type': 'string', 'readOnly': True,
                 'description': 'An image file url'},
        'stores': {'type': 'string', 'readOnly': True,
                   'description': 'Store in which image data resides.'},
        'schema': {'type': 'string', 'readOnly': True,
                   'description': 'An image schema url'},
        'locations': {'type': 'array', 'description': 'A set of URLs to access the image '
                                                      'file kept in external store',
                      'items': {'type': 'object'}},
        'kernel_id': _str_or_null(pattern=UUID_PATTERN, is_base=False,
                                  description='ID of image stored in Glance that should be '
                                              'used as the kernel when booting an AMI-style '
                                              'image.'),
        'ramdisk_id': _str_or_null(pattern=UUID_PATTERN, is_base=False,
                                   description='ID of image stored in Glance that should be '
                                               'used as the ramdisk when booting an AMI-style '
                                               'image.'),
        'instance_uuid': {'type': 'string', 'is_base': False,
                          'description': 'Metadata which can be used to record which '
                                         'instance this image is associated with.'},
        'architecture': {'type': 'string', 'is_base': False,
                         'description': 'Operating system architecture'},
        'os_distro': {'type': 'string', 'is_base': False,
                      'description': 'Common name of operating system distribution'},
        'os_version': {'type': 'string', 'is_base': False,
                       'description': 'Operating system version as specified by the '
                                      'distributor'},
    }


def image_schema(disk_formats, container_formats):
    return {
        'name': 'image',
        'properties': image_properties(disk_formats, container_formats),
        'additionalProperties': {'type': 'string'},
        'links': [{'rel': 'self', 'href': '{self}'},
                  {'rel': 'enclosure', 'href': '{file}'},
                  {'rel': 'describedby', 'href': '{schema}'}],
    }


def images_schema(disk_formats, container_formats):
    return {
        'name': 'images',
        'properties': {
            'images': {'type': 'array',
                       'items': image_schema(disk_formats, container_formats)},
            'schema': {'type': 'string'},
            'first': {'type': 'string'},
            'next': {'type': 'string'},
        },
        'links': [{'rel': 'first', 'href': '{first}'},
                  {'rel': 'next', 'href': '{next}'},
                  {'rel': 'describedby', 'href': '{schema}'}],
    }


MEMBER_SCHEMA = {
    'name': 'member',
    'properties': {
        'created_at': {'type': 'string', 'description': 'Date and time of image member '
                                                        'creation'},
        'image_id': {'type': 'string', 'pattern': UUID_PATTERN,
                     'description': 'An identifier for the image'},
        'member_id': {'type': 'string', 'description': 'An identifier for the image member '
                                                       '(tenantId)'},
        'schema': {'type': 'string', 'readOnly': True},
        'status': {'type': 'string', 'enum': MEMBER_STATUSES,
                   'description': 'The status of this image member'},
        'updated_at': {'type': 'string', 'description': 'Date and time of last modification '
                                                        'of image member'},
    },
}

MEMBERS_SCHEMA = {
    'name': 'members',
    'properties': {
        'members': {'type': 'array', 'items': MEMBER_SCHEMA},
        'schema': {'type': 'string'},
    },
    'links': [{'rel': 'describedby', 'href': '{schema}'}],
}


def writable_schema(disk_formats, container_formats):
    """Validation schema for the attributes a client may set."""
    props = copy.deepcopy(image_properties(disk_formats, container_formats))
    for name in list(props):
        props[name].pop('is_base', None)
        if props[name].pop('readOnly', False) or name == 'locations':
            del props[name]
    return {'type': 'object', 'properties': props,
            'propertyNames': {'maxLength': PROPERTY_NAME_MAX},
            'additionalProperties': {'type': 'string', 'maxLength': 65535}}


_WRITABLE_SCHEMAS = {}


def shared_writable_schema(disk_formats, container_formats):
    """:func:`writable_schema`, built once per pair of format lists and
    shared (callers must not change it): request validation caches a
    validator per schema object, so a schema built per request costs a
    validator build each time."""
    key = (tuple(disk_formats), tuple(container_formats))
    schema = _WRITABLE_SCHEMAS.get(key)
    if schema is None:
        schema = _WRITABLE_SCHEMAS[key] = writable_schema(disk_formats, container_formats)
    return schema


ADD_MEMBER = {
    'type': 'object',
    'properties': {'member': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
    'required': ['member'],
}

UPDATE_MEMBER = {
    'type': 'object',
    'properties': {'status': {'type': 'string', 'enum': MEMBER_STATUSES}},
    # openstacksdk echoes member/image ids alongside; glance ignores them
    'required': ['status'],
}

IMPORT = {
    'type': 'object',
    'properties': {
        'method': {'type': 'object',
                   'properties': {'name': {'type': 'string'}, 'uri': {'type': 'string'}},
                   'required': ['name']},
        'stores': {'type': 'array', 'items': {'type': 'string'}},
        'all_stores': {'type': 'boolean'},
        'all_stores_must_succeed': {'type': 'boolean'},
    },
    'required': ['method'],
}

#: a PATCH body before its media type is known: a list of change objects
PATCH = {
    'type': 'array',
    'items': {'type': 'object'},
}
