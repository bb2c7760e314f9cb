"""/servers/{id}/os-volume_attachments: a server's block volumes.

List and show read the server's mappings; attach reserves the volume and
casts the hot-plug to the server's host (``api/volume_api.py``); detach
casts the unplug.  A SHELVED_OFFLOADED server (from 2.20) has no host: its
volumes are reserved or released at once and its unshelve connects them.  Swapping one volume for another (PUT with another
volumeId, admin only) is not supported by the drivers here: 409 (400 first,
as nova, for a multiattach volume on more than one server).  A multiattach
volume is attached from 2.60 only (400 below), to several servers, once to
each.
"""

from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api import volume_api
from services.compute.api.controllers import common
from services.compute.api.controllers import interfaces
from services.compute.api.controllers import servers
from services.compute.api.schemas import volume_attachments as schemas
from services.compute.objects import instance as inst_obj


def register(r):
    r.add('GET', '/servers/{server_id}/os-volume_attachments', index)
    r.add('POST', '/servers/{server_id}/os-volume_attachments', create)
    r.add('GET', '/servers/{server_id}/os-volume_attachments/{volume_id}', show)
    r.add('PUT', '/servers/{server_id}/os-volume_attachments/{volume_id}', update)
    r.add('DELETE', '/servers/{server_id}/os-volume_attachments/{volume_id}', delete)


def view(req, bdm):
    body = {'device': bdm.device_name, 'serverId': bdm.instance_uuid,
            'volumeId': bdm.volume_id}
    if not req.at_least(89):
        body['id'] = bdm.volume_id
    if req.at_least(70):
        body['tag'] = bdm.tag
    if req.at_least(79):
        body['delete_on_termination'] = bool(bdm.delete_on_termination)
    if req.at_least(89):
        body['attachment_id'] = bdm.attachment_id
        body['bdm_uuid'] = bdm.uuid
    return body


def _instance(req, server_id, rule):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'os-volumes-attachments:' + rule,
                       servers.target(instance))
    return instance


def index(req, server_id):
    instance = _instance(req, server_id, 'index')
    limit, _ = common.limit_and_marker(req)
    offset = common.int_param(req, 'offset', default=0)
    bdms = volume_api.mappings(req.context, [instance.uuid]).get(instance.uuid, [])
    return {'volumeAttachments': [view(req, b) for b in bdms[offset:offset + limit]]}


def _attached(req, instance, volume_id):
    """The mapping of ``volume_id`` on ``instance``; 404 when not attached."""
    try:
        return volume_api.get_mapping(req.context, instance, volume_id)
    except exception.VolumeBDMNotFound:
        raise exception.NotFound('Volume %s is not attached to the instance %s'
                                 % (volume_id, instance.uuid))


def show(req, server_id, volume_id):
    instance = _instance(req, server_id, 'show')
    return {'volumeAttachment': view(req, _attached(req, instance, volume_id))}


def create(req, server_id):
    schema = (schemas.CREATE_V279 if req.at_least(79) else
              schemas.CREATE_V249 if req.at_least(49) else schemas.CREATE)
    body = common.validate(schema, req.body)['volumeAttachment']
    instance = _instance(req, server_id, 'create')
    servers.check_not_locked(req, instance)
    attach = volume_api.attach
    if _shelved_offloaded(req, instance, 'attach_volume'):
        attach = volume_api.attach_shelved
    else:
        interfaces.check_state(req, instance, 'attach_volume', _STATES)
    bdm = attach(req.context, instance, body['volumeId'], body.get('device'),
                 body.get('tag'), body.get('delete_on_termination', False),
                 supports_multiattach=req.at_least(60))
    return {'volumeAttachment': view(req, bdm)}


#: States a server on a host takes and gives volumes in: an interface's,
#: and SHELVED too, as nova (the guest is defined but off: only its
#: definition changes; an offload then takes the volume's host connection).
_STATES = interfaces.STATES + (inst_obj.SHELVED,)


def _shelved_offloaded(req, instance, action_name):
    """A SHELVED_OFFLOADED server takes volumes from 2.20, as nova (the
    unshelve connects them); below, and while it is busy, 409."""
    if instance.vm_state != inst_obj.SHELVED_OFFLOADED:
        return False
    if not req.at_least(20) or instance.task_state is not None:
        attr = 'vm_state' if not req.at_least(20) else 'task_state'
        raise exception.InstanceInvalidState(
            action=action_name, instance_uuid=instance.uuid, attr=attr,
            state=getattr(instance, attr))
    return True


def update(req, server_id, volume_id):
    schema = schemas.UPDATE_V285 if req.at_least(85) else schemas.UPDATE
    body = common.validate(schema, req.body)['volumeAttachment']
    instance = servers.get_instance(req, server_id)
    if body['volumeId'] != volume_id:
        policies.authorize(req.context, 'os-volumes-attachments:swap',
                           servers.target(instance))
        _attached(req, instance, volume_id)  # a volume not attached is nova's 404 first
        volume_api.check_swappable(req.context, volume_id)
        raise exception.DriverNotSupported(operation='Swapping a volume', driver='libvirt')
    if not req.at_least(85):
        raise exception.Invalid(reason='Updating an attachment without a new volume needs '
                                       'microversion 2.85')
    policies.authorize(req.context, 'os-volumes-attachments:update', servers.target(instance))
    servers.check_not_locked(req, instance)
    bdm = volume_api.get_mapping(req.context, instance, volume_id)
    for field, name in (('device', 'device_name'), ('tag', 'tag'), ('id', 'volume_id'),
                        ('serverId', 'instance_uuid')):
        if field in body and body[field] != getattr(bdm, name):
            raise exception.Invalid(reason='The %s of an attachment cannot be changed'
                                           % field)
    if 'delete_on_termination' in body:
        bdm.delete_on_termination = body['delete_on_termination']
        bdm.save()
    return router.Response(None, 202)


def delete(req, server_id, volume_id):
    instance = _instance(req, server_id, 'delete')
    servers.check_not_locked(req, instance)
    if _shelved_offloaded(req, instance, 'detach_volume'):
        volume_api.detach_shelved(req.context, instance, volume_id)
    else:
        interfaces.check_state(req, instance, 'detach_volume', _STATES)
        volume_api.detach(req.context, instance, volume_id)
    return router.Response(None, 202)
