"""JSON schema for POST /os-assisted-volume-snapshots (nova's body).

``new_file`` names a file beside the volume's current one (the volume
service's remotefs protocol), so it is a plain file name: no directory part,
not ``.`` or ``..``.
"""

FILE_NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
             'pattern': r'^(?!\.\.?$)[^/\x00]+$'}

create = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'volume_id': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                'create_info': {
                    'type': 'object',
                    'properties': {
                        'snapshot_id': {'type': 'string', 'minLength': 1,
                                        'maxLength': 255},
                        'type': {'type': 'string', 'enum': ['qcow2']},
                        'new_file': FILE_NAME,
                        'id': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                    },
                    'required': ['snapshot_id', 'type', 'new_file'],
                    'additionalProperties': False,
                },
            },
            'required': ['volume_id', 'create_info'],
            'additionalProperties': False,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}

#: The JSON the ``delete_info`` query parameter carries: ``volume_id``, and
#: for the merge the remotefs protocol asks ``type`` (qcow2),
#: ``file_to_merge`` and ``merge_target_file`` (file names beside the
#: volume's files, or null).
delete_info = {
    'type': 'object',
    'properties': {
        'volume_id': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'type': {'type': 'string'},
        'file_to_merge': {'oneOf': [FILE_NAME, {'type': 'null'}]},
        'merge_target_file': {'oneOf': [FILE_NAME, {'type': 'null'}]},
    },
    'required': ['volume_id'],
}
