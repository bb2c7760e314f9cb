"""JSON-patch updates (``application/openstack-images-v2.1-json-patch``)."""

import jsonschema

from common import exception as common_exc
from services.image import exception
from services.image.api.schemas import image as schemas

PATCH_MEDIA_TYPES = ('application/openstack-images-v2.1-json-patch',
                     'application/openstack-images-v2.0-json-patch')
CORE_ATTRS = ('name', 'visibility', 'protected', 'os_hidden', 'owner', 'container_format',
              'disk_format', 'min_ram', 'min_disk', 'tags')
#: only changeable before data is uploaded, as in glance
QUEUED_ONLY = ('container_format', 'disk_format')


def parse_path(path, media_type):
    """``/name`` (v2.1 JSON pointer) or ``name`` (v2.0) -> ``name``."""
    if media_type.endswith('v2.1-json-patch'):
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
    for op in operations:
        name = parse_path(op['path'], media_type)
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
