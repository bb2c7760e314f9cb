"""JSON schemas for server requests (with the microversion each field
needs: :data:`CREATE_SINCE`, :data:`CREATE_UNTIL`, :data:`UPDATE_SINCE`)."""

from services.compute.api.schemas import types

_name = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': r'^(?!\s)[\S\s]*(?<!\s)$'}
# No item count here: more items than [quota] metadata_items is nova's 403
# (quota), checked by the handlers, not a 400.
_metadata = {'type': 'object',
             'patternProperties': {'^.{1,255}$': {'type': 'string', 'maxLength': 255}},
             'additionalProperties': False}
_uuid_or_auto = {'type': 'string', 'minLength': 1}
_tag = {'type': 'string', 'minLength': 1, 'maxLength': 60, 'pattern': r'^[^,/]*$'}

network = {
    'type': 'object',
    'properties': {
        'uuid': {'type': 'string', 'format': 'uuid'},
        'port': {'type': ['string', 'null'], 'format': 'uuid'},
        'fixed_ip': {'type': 'string', 'anyOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]},
        'tag': _tag,
    },
    'additionalProperties': False,
}

bdm = {
    'type': 'object',
    'properties': {
        'uuid': {'type': 'string'}, 'source_type': {'enum': ['image', 'blank', 'volume',
                                                             'snapshot']},
        'destination_type': {'enum': ['local', 'volume']},
        'boot_index': {'type': ['integer', 'string', 'null']},
        'volume_size': {'type': ['integer', 'string', 'null']},
        'delete_on_termination': types.boolean,  # 'true' as well, as nova
        'device_name': {'type': 'string'}, 'tag': _tag,
        'disk_bus': {'type': 'string'}, 'device_type': {'type': 'string'},
        'guest_format': {'type': 'string'},
        'volume_type': {'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255},
    },
    'additionalProperties': False,
}

_uuid = {'type': 'string', 'format': 'uuid'}
_uuids = {'oneOf': [_uuid, {'type': 'array', 'items': _uuid, 'maxItems': 1000}]}
scheduler_hints = {
    'type': 'object',
    'properties': {'group': _uuid, 'same_host': _uuids, 'different_host': _uuids,
                   'query': {'type': ['string', 'object']},
                   'build_near_host_ip': {'type': 'string', 'format': 'ipv4'},
                   'cidr': {'type': 'string', 'pattern': '^/[0-9a-f.:]+$'}},
    'additionalProperties': True,
}

create = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': _name,
                'imageRef': {'type': 'string'},
                'flavorRef': {'type': ['string', 'integer'], 'minLength': 1},
                'adminPass': {'type': 'string'},
                'metadata': _metadata,
                'networks': {'oneOf': [{'type': 'array', 'items': network},
                                       {'enum': ['auto', 'none']}]},
                'key_name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                'user_data': {'type': 'string', 'maxLength': 65535},
                'availability_zone': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                'security_groups': {'type': 'array', 'items': {
                    'type': 'object', 'properties': {'name': {'type': 'string', 'minLength': 1,
                                                              'maxLength': 255}},
                    'additionalProperties': False}},
                'min_count': {'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
                              'minimum': 1},
                'max_count': {'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
                              'minimum': 1},
                'return_reservation_id': {'type': ['boolean', 'string']},
                'config_drive': {'type': ['boolean', 'string']},
                'block_device_mapping_v2': {'type': 'array', 'items': bdm},
                'accessIPv4': {'type': 'string', 'format': 'ipv4'},
                'accessIPv6': {'type': 'string', 'format': 'ipv6'},
                'OS-DCF:diskConfig': {'enum': ['AUTO', 'MANUAL']},
                'description': {'type': ['string', 'null'], 'maxLength': 255},
                'tags': {'type': 'array', 'items': _tag, 'maxItems': 50},
                'personality': {'type': 'array'},
                'trusted_image_certificates': types.trusted_certs,
                'host': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                'hypervisor_hostname': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                'hostname': types.hostname,
            },
            'required': ['name', 'flavorRef'],
            'additionalProperties': False,
        },
        'os:scheduler_hints': scheduler_hints,
        'OS-SCH-HNT:scheduler_hints': scheduler_hints,
    },
    'required': ['server'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': _name,
                'description': {'type': ['string', 'null'], 'maxLength': 255},
                # An address, or '' to clear it.
                'accessIPv4': {'type': 'string', 'anyOf': [{'format': 'ipv4'}, {'enum': ['']}]},
                'accessIPv6': {'type': 'string', 'anyOf': [{'format': 'ipv6'}, {'enum': ['']}]},
                'OS-DCF:diskConfig': {'enum': ['AUTO', 'MANUAL']},
                'hostname': types.hostname,
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}

#: create's fields by microversion: the first that takes each, the last.
CREATE_SINCE = {'description': 19, 'tags': 52, 'trusted_image_certificates': 63,
                'host': 74, 'hypervisor_hostname': 74, 'hostname': 90}
CREATE_UNTIL = {'personality': 56}
BDM_SINCE = {'volume_type': 67}
UPDATE_SINCE = {'description': 19, 'hostname': 90}

metadata = {'type': 'object', 'properties': {'metadata': _metadata},
            'required': ['metadata'], 'additionalProperties': False}
meta_item = {'type': 'object', 'properties': {'meta': _metadata}, 'required': ['meta'],
             'additionalProperties': False}
tags = {'type': 'object', 'properties': {'tags': {'type': 'array', 'items': _tag}},
        'required': ['tags'], 'additionalProperties': False}
TAG = _tag

#: GET /servers and /servers/detail: the query parameters nova's schema
#: names, with the first microversion that knows each (0: always).  From
#: 2.75 any other parameter is a 400; before, it is ignored.
LIST_QUERY_SINCE = dict.fromkeys((
    'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref', 'image',
    'kernel_id', 'ramdisk_id', 'hostname', 'key_name', 'power_state', 'vm_state',
    'task_state', 'host', 'node', 'flavor', 'reservation_id', 'launched_at',
    'terminated_at', 'availability_zone', 'name', 'display_name', 'description',
    'display_description', 'locked_by', 'uuid', 'root_device_name', 'config_drive',
    'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'progress', 'sort_key',
    'sort_dir', 'all_tenants', 'soft_deleted', 'deleted', 'status', 'changes-since',
    'ip', 'ip6', 'created_at', 'limit', 'marker',
    # joined tables: named by the schema, refused by nova's handler
    'block_device_mapping', 'services', 'metadata', 'system_metadata', 'info_cache',
    'security_groups', 'pci_devices'), 0)
LIST_QUERY_SINCE.update({'tags': 26, 'tags-any': 26, 'not-tags': 26, 'not-tags-any': 26,
                         'changes-before': 66, 'locked': 73})
#: From 2.75 a sort_key outside this list is a 400 (before, nova ignores
#: the columns it does not let clients sort by).
LIST_SORT_KEYS_2_75 = frozenset((
    'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone',
    'config_drive', 'created_at', 'display_description', 'display_name', 'host',
    'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index',
    'launched_at', 'locked', 'locked_by', 'node', 'power_state', 'progress', 'project_id',
    'ramdisk_id', 'root_device_name', 'task_state', 'terminated_at', 'updated_at',
    'user_id', 'uuid', 'vm_state'))
