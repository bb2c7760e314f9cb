"""The form a server listing takes on the RPC hop.

One JSON document, column-wise (``{"keys": [...], "columns": [[...], ...]}``),
encoded once with orjson in the conductor and decoded once in the API: a
thousand dicts repeating thirty keys cost more to encode, carry and decode
than thirty lists.  JSON columns arrive from the database as their stored
text and go into the document as they are (``orjson.Fragment``), so the
conductor never decodes them.  Imported by the API: no database here.
"""

import datetime
import json

import orjson

#: Columns an API listing shows (``servers/detail``); the rest stay in the DB.
COLUMNS = (
    'id', 'uuid', 'project_id', 'user_id', 'display_name', 'display_description', 'hostname',
    'host', 'node', 'availability_zone', 'vm_state', 'task_state', 'power_state', 'image_ref',
    'flavor', 'key_name', 'user_data', 'metadata', 'tags', 'network_info', 'security_groups',
    'access_ip_v4', 'access_ip_v6', 'locked', 'config_drive', 'progress', 'reservation_id',
    'launch_index', 'launched_at', 'terminated_at', 'created_at', 'updated_at',
    'auto_disk_config', 'requested_availability_zone', 'system_metadata', 'scheduler_hints',
    'server_group_uuid')
#: Columns stored as JSON text.
JSON_COLUMNS = frozenset(('flavor', 'metadata', 'tags', 'network_info', 'security_groups',
                          'system_metadata', 'scheduler_hints'))

FORMAT = 1


def _value(key, value):
    if key in JSON_COLUMNS and isinstance(value, (str, bytes)):
        return orjson.Fragment(value)
    return value


def _default(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError


def encode(rows, faults=None):
    """The listing document (a str) of ``rows`` (dicts with the same keys)
    and ``faults`` (latest fault per instance uuid, for ERROR servers)."""
    row_keys = list(rows[0]) if rows else list(COLUMNS)
    fault_column = [[faults.get(row['uuid']) for row in rows]] if faults else []
    keys = row_keys + (['fault'] if faults else [])
    columns = [[_value(key, row[key]) for row in rows] for key in row_keys]
    try:
        return orjson.dumps({'format': FORMAT, 'keys': keys,
                             'columns': columns + fault_column},
                            default=_default).decode('utf-8')
    except (orjson.JSONEncodeError, TypeError):
        # What orjson refuses (lone surrogates, integers past 64 bits).
        columns = [[_plain(key, row[key]) for row in rows] for key in row_keys]
        return json.dumps({'format': FORMAT, 'keys': keys, 'columns': columns + fault_column},
                          default=_default)


def _plain(key, value):
    if key in JSON_COLUMNS and isinstance(value, (str, bytes)):
        return json.loads(value)
    return value


def decode(document):
    """The rows (dicts) of a listing document."""
    try:
        data = orjson.loads(document)
    except orjson.JSONDecodeError:
        data = json.loads(document)
    if data.get('format') != FORMAT:
        raise ValueError('listing format %r is not %d' % (data.get('format'), FORMAT))
    keys = data['keys']
    if not data['columns'] or not data['columns'][0]:
        return []
    return [dict(zip(keys, row)) for row in zip(*data['columns'])]
