"""/servers/{id}/os-volume_attachments: a server's block volumes.

List and show read the server's mappings; attach reserves the volume and
casts the hot-plug to the server's host (``api/volume_api.py``); detach
casts the unplug.  A SHELVED_OFFLOADED server (from 2.20) has no host: its
volumes are reserved or released at once and its unshelve connects them.

Swapping one volume for another (PUT with another volumeId; below 2.85
every PUT is a swap) is admin only and, as nova, the volume service's call:
409 unless the volume service is migrating the old volume (or
``[compute_api] allow_volume_swap_without_migration``).  The new volume is
reserved and the swap cast to the server's host (``compute/volumes.py``).
From 2.85 a PUT with the same volumeId updates ``delete_on_termination``.

A multiattach volume is attached from 2.60 only (400 below), to several
servers, once to each.
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
    swapping = body['volumeId'] != volume_id
    if swapping or not req.at_least(85):
        # As nova: the swap rule whatever the server's project (the volume
        # service asks for a swap with its own user's project).
        policies.authorize(req.context, 'os-volumes-attachments:swap', {})
    else:
        policies.authorize(req.context, 'os-volumes-attachments:update',
                           servers.target(instance))
    if req.at_least(85):
        _update_fields(req, instance, volume_id, body)
    if swapping or not req.at_least(85):
        _swap(req, instance, volume_id, body['volumeId'])
    return router.Response(None, 202)


#: States a server's volume is swapped in, as nova.
_SWAP_STATES = (inst_obj.ACTIVE, inst_obj.PAUSED, inst_obj.RESIZED)


def _swap(req, instance, old_volume_id, new_volume_id):
    """Swap volume: nova's checks in nova's order (404 old volume, 409 not
    migrating, 400 new volume, 409 state or lock, 400 volumes, 404 not
    attached), then the cast to the server's host."""
    old, new = volume_api.swap_volumes(req.context, old_volume_id, new_volume_id)
    interfaces.check_state(req, instance, 'swap_volume', _SWAP_STATES)
    servers.check_not_locked(req, instance)
    volume_api.check_swappable(instance, old, new)
    volume_api.swap(req.context, instance, old, new)


def _update_fields(req, instance, volume_id, body):
    """2.85: ``delete_on_termination`` changed, the other fields as they
    are (400 otherwise); 404 when the volume is not attached."""
    servers.check_not_locked(req, instance)
    bdm = _attached(req, instance, volume_id)
    for field, name in (('device', 'device_name'), ('tag', 'tag'), ('id', 'volume_id'),
                        ('serverId', 'instance_uuid')):
        if field in body and body[field] != getattr(bdm, name):
            raise exception.Invalid(reason='The %s of an attachment cannot be changed'
                                           % field)
    if 'delete_on_termination' in body:
        bdm.delete_on_termination = body['delete_on_termination']
        bdm.save()


def delete(req, server_id, volume_id):
    instance = _instance(req, server_id, 'delete')
    servers.check_not_locked(req, instance)
    if _shelved_offloaded(req, instance, 'detach_volume'):
        volume_api.detach_shelved(req.context, instance, volume_id)
    else:
        interfaces.check_state(req, instance, 'detach_volume', _STATES)
        volume_api.detach(req.context, instance, volume_id)
    return router.Response(None, 202)
