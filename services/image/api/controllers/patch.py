"""JSON-patch updates.

Two media types, as glance: ``application/openstack-images-v2.1-json-patch``
(RFC 6902 style, ``{"op": "replace", "path": "/name", "value": ...}``) and
the older ``application/openstack-images-v2.0-json-patch``, where the
operation is the key (``{"replace": "/name", "value": ...}``).  Both name
the attribute by a JSON pointer.
"""

import jsonschema

from common import exception as common_exc
from services.image import exception
from services.image.api import errors
from services.image.api.schemas import image as schemas

PATCH_MEDIA_TYPES = errors.PATCH_MEDIA_TYPES
CORE_ATTRS = ('name', 'visibility', 'protected', 'os_hidden', 'owner', 'container_format',
              'disk_format', 'min_ram', 'min_disk', 'tags')
#: only changeable before data is uploaded, as in glance
QUEUED_ONLY = ('container_format', 'disk_format')


OPERATIONS = ('add', 'remove', 'replace')


def _change_v21(change):
    op = change.get('op')
    if op is None:
        raise common_exc.BadRequest(
            reason="Unable to find 'op' in JSON Schema change. It must be one of the "
                   "following: %s." % ', '.join(OPERATIONS))
    if op not in OPERATIONS:
        raise common_exc.BadRequest(
            reason="Invalid operation: '%s'. It must be one of the following: %s."
                   % (op, ', '.join(OPERATIONS)))
    if 'path' not in change:
        raise common_exc.BadRequest(reason="Unable to find 'path' in JSON Schema change")
    return op, change['path']


def _change_v20(change):
    ops = [name for name in OPERATIONS if name in change]
    if len(ops) != 1:
        raise common_exc.BadRequest(
            reason='Operation objects must contain exactly one member named "add", '
                   '"remove", or "replace".')
    return ops[0], change[ops[0]]


def normalize(changes, media_type):
    """The changes of either media type as ``{"op", "path"[, "value"]}``."""
    read = _change_v20 if media_type.endswith('v2.0-json-patch') else _change_v21
    result = []
    for change in changes:
        op, path = read(change)
        if not isinstance(path, str):
            raise common_exc.BadRequest(reason='The change path must be a string.')
        normal = {'op': op, 'path': path}
        if 'value' in change:
            normal['value'] = change['value']
        result.append(normal)
    return result


def parse_path(path, media_type=None):
    """The JSON pointer ``/name`` -> ``name``."""
    if not path.startswith('/'):
        raise common_exc.BadRequest(
            reason="Invalid JSON pointer for this resource: '%s'" % path)
    path = path[1:]
    if not path or '/' in path:
        raise common_exc.BadRequest(
            reason="Invalid JSON pointer for this resource: '/%s'" % path)
    return path.replace('~1', '/').replace('~0', '~')


def check_settable(name):
    if len(name) > schemas.PROPERTY_NAME_MAX:
        raise common_exc.BadRequest(reason='Property names are at most %d characters.'
                                    % schemas.PROPERTY_NAME_MAX)
    if name in schemas.RESERVED or name.startswith(schemas.RESERVED_PREFIX):
        raise exception.ReservedAttribute(attr=name)
    if name in schemas.READ_ONLY or name == 'id':
        raise exception.ReadOnlyAttribute(attr=name)


def _validate_value(name, value, writable):
    prop = writable['properties'].get(name, writable['additionalProperties'])
    try:
        jsonschema.Draft7Validator(prop).validate(value)
    except jsonschema.ValidationError as exc:
        raise common_exc.ValidationError(reason="'%s': %s" % (name, exc.message))


def apply(image, operations, media_type, writable):
    """Apply ``operations`` to a copy of ``image``; return ``(core, properties)``."""
    core = {name: image[name] for name in CORE_ATTRS}
    properties = dict(image['properties'])
    for op in normalize(operations, media_type):
        name = parse_path(op['path'])
        check_settable(name)
        if op['op'] in ('add', 'replace') and 'value' not in op:
            raise common_exc.BadRequest(reason="Operation '%s' needs a value" % op['op'])
        if name in CORE_ATTRS:
            if op['op'] == 'remove':
                raise exception.ReadOnlyAttribute(attr=name) if name != 'tags' else \
                    common_exc.BadRequest(reason='tags cannot be removed; replace them '
                                                 'with an empty list')
            _validate_value(name, op['value'], writable)
            if name in QUEUED_ONLY and image['status'] != 'queued' \
                    and op['value'] != image[name]:
                raise common_exc.Forbidden(
                    "Attribute %s can be only replaced for a queued image." % name)
            core[name] = op['value']
        elif op['op'] == 'remove':
            if name not in properties:
                raise common_exc.Conflict(reason='Property %s does not exist.' % name)
            del properties[name]
        else:
            if op['op'] == 'replace' and name not in properties:
                raise common_exc.Conflict(reason='Property %s does not exist.' % name)
            _validate_value(name, op['value'], writable)
            properties[name] = op['value']
    return core, properties
