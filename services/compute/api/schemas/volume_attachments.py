"""JSON schemas for os-volume_attachments requests (nova's shapes)."""

from services.compute.api.schemas import servers

#: nova's device path pattern (/dev/vdb, /dev/xvdc, /dev/sdb1, ...).
DEVICE = {'type': ['string', 'null'],
          'pattern': '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'}
_uuid = {'type': 'string', 'format': 'uuid'}


def _create(tag=False, delete_on_termination=False):
    """The attach body; ``tag`` from 2.49, ``delete_on_termination`` from 2.79."""
    properties = {'volumeId': _uuid, 'device': DEVICE}
    if tag:
        properties['tag'] = servers.TAG
    if delete_on_termination:
        properties['delete_on_termination'] = {'type': 'boolean'}
    return {
        'type': 'object',
        'properties': {'volumeAttachment': {
            'type': 'object', 'properties': properties, 'required': ['volumeId'],
            'additionalProperties': False}},
        'required': ['volumeAttachment'],
        'additionalProperties': False,
    }


def _update(extended=False):
    """The update (swap) body; from 2.85 also the attachment's own fields."""
    properties = {'volumeId': _uuid}
    if extended:
        properties.update({'device': DEVICE, 'tag': servers.TAG, 'id': _uuid,
                           'serverId': _uuid, 'delete_on_termination': {'type': 'boolean'}})
    return {
        'type': 'object',
        'properties': {'volumeAttachment': {
            'type': 'object', 'properties': properties, 'required': ['volumeId'],
            'additionalProperties': False}},
        'required': ['volumeAttachment'],
        'additionalProperties': False,
    }


# Fixed values, one per microversion band: validation caches a validator per
# schema object, so a schema built per request would cost one per request.
CREATE = _create()
CREATE_V249 = _create(tag=True)
CREATE_V279 = _create(tag=True, delete_on_termination=True)
UPDATE = _update()
UPDATE_V285 = _update(extended=True)
