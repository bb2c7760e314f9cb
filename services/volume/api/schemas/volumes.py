"""Request bodies of volumes, snapshots, volume actions, types and attachments."""

from common import validation

_NAME = {'type': ['string', 'null'], 'maxLength': 255, 'pattern': validation.NAME_PATTERN}
_TEXT = {'type': ['string', 'null'], 'maxLength': 255}
_UUID = {'type': ['string', 'null'], 'maxLength': 36}
_METADATA = {'type': 'object', 'maxProperties': 128,
             'propertyNames': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                               'pattern': validation.NAME_PATTERN},
             'additionalProperties': {'type': 'string', 'maxLength': 255}}
_SIZE = {'type': ['integer', 'string', 'null']}
#: clients send ``"metadata": null`` for "none"
_METADATA_OR_NULL = dict(_METADATA, type=['object', 'null'])


def _metadata_body(key):
    return {'type': 'object', 'required': [key], 'properties': {key: _METADATA},
            'additionalProperties': False}


#: ``{"metadata": {...}}``: a volume's or snapshot's metadata, set or updated
METADATA = _metadata_body('metadata')
#: ``{"meta": {key: value}}``: one metadata item
META_ITEM = _metadata_body('meta')
#: ``{"extra_specs": {...}}``: a volume type's extra specs
EXTRA_SPECS = _metadata_body('extra_specs')

VOLUME_CREATE = {'type': 'object', 'required': ['volume'], 'properties': {
    'volume': {'type': 'object', 'properties': {
        'name': _NAME, 'description': _TEXT, 'display_name': _NAME,
        'display_description': _TEXT, 'size': _SIZE,
        'availability_zone': _NAME, 'source_volid': _UUID, 'snapshot_id': _UUID,
        'imageRef': _TEXT, 'image_id': _TEXT, 'backup_id': _UUID,
        'volume_type': _NAME, 'metadata': _METADATA_OR_NULL,
        'multiattach': {'type': ['boolean', 'string']},
        'consistencygroup_id': _UUID, 'group_id': _UUID,
    }, 'additionalProperties': True},
    'OS-SCH-HNT:scheduler_hints': {'type': ['object', 'null']},
}}

VOLUME_UPDATE = {'type': 'object', 'required': ['volume'], 'properties': {
    'volume': {'type': 'object', 'properties': {
        'name': _NAME, 'description': _TEXT, 'display_name': _NAME,
        'display_description': _TEXT, 'metadata': _METADATA,
    }, 'additionalProperties': False, 'minProperties': 1}}}

SNAPSHOT_CREATE = {'type': 'object', 'required': ['snapshot'], 'properties': {
    'snapshot': {'type': 'object', 'required': ['volume_id'], 'properties': {
        'name': _NAME, 'description': _TEXT, 'display_name': _NAME,
        'display_description': _TEXT, 'volume_id': _UUID,
        'force': {'type': ['boolean', 'string']}, 'metadata': _METADATA_OR_NULL,
    }, 'additionalProperties': False}}}

SNAPSHOT_UPDATE = {'type': 'object', 'required': ['snapshot'], 'properties': {
    'snapshot': {'type': 'object', 'properties': {
        'name': _NAME, 'description': _TEXT, 'display_name': _NAME,
        'display_description': _TEXT,
    }, 'additionalProperties': False, 'minProperties': 1}}}

#: os-volume_upload_image's arguments (wrapped as ``upload``)
UPLOAD_IMAGE = {'type': 'object', 'properties': {'upload': {
    'type': 'object', 'required': ['image_name'], 'properties': {
        'image_name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                       'pattern': validation.NAME_PATTERN},
        'force': {'type': ['boolean', 'string']},
        'disk_format': {'type': 'string',
                        'enum': ['raw', 'qcow2', 'vmdk', 'vdi', 'vhdx']},
        'container_format': {'type': 'string', 'enum': ['bare']},
        'visibility': {'type': 'string',
                       'enum': ['public', 'private', 'shared', 'community']},
        'protected': {'type': ['boolean', 'string']},
    }, 'additionalProperties': False}}}

#: os-retype's arguments
RETYPE = {'type': 'object', 'required': ['new_type'], 'properties': {
    'new_type': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'migration_policy': {'type': ['string', 'null'], 'enum': ['never', 'on-demand', None]},
}, 'additionalProperties': False}

#: os-reimage (3.68): cinder takes ``reimage_reserved`` as a boolean or its string.
REIMAGE = {'type': 'object', 'required': ['image_id'], 'properties': {
    'image_id': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'reimage_reserved': {'type': ['boolean', 'string']},
}, 'additionalProperties': False}

TYPE_CREATE = {'type': 'object', 'required': ['volume_type'], 'properties': {
    'volume_type': {'type': 'object', 'required': ['name'], 'properties': {
        'name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': validation.NAME_PATTERN},
        'description': _TEXT,
        'os-volume-type-access:is_public': {'type': ['boolean', 'string']},
        'extra_specs': _METADATA,
    }, 'additionalProperties': False}}}

TYPE_UPDATE = {'type': 'object', 'required': ['volume_type'], 'properties': {
    'volume_type': {'type': 'object', 'properties': {
        'name': {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255,
                 'pattern': validation.NAME_PATTERN},
        'description': _TEXT,
        'is_public': {'type': ['boolean', 'string']},
    }, 'additionalProperties': False}}}

ATTACHMENT_CREATE = {'type': 'object', 'required': ['attachment'], 'properties': {
    'attachment': {'type': 'object', 'required': ['instance_uuid'], 'properties': {
        'instance_uuid': {'type': 'string', 'minLength': 1, 'maxLength': 36},
        'volume_uuid': {'type': 'string', 'maxLength': 36},
        'volume_id': {'type': 'string', 'maxLength': 36},
        'connector': {'type': ['object', 'null']},
        'mode': {'type': 'string', 'enum': ['rw', 'ro']},
    }, 'additionalProperties': False}}}

ATTACHMENT_UPDATE = {'type': 'object', 'required': ['attachment'], 'properties': {
    'attachment': {'type': 'object', 'required': ['connector'], 'properties': {
        'connector': {'type': 'object'},
    }, 'additionalProperties': False}}}
