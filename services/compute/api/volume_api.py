"""The compute API's service layer for block volumes: attach and detach
(``os-volume_attachments``), the mappings of a server create
(``block_device_mapping_v2``) and the volumes a deleted server leaves.

Attach follows nova: the API reserves the volume with the volume service
(an attachment without a connector), has the conductor write the mapping
with its device name, and casts the hot-plug to the server's host, which
connects it, plugs it in and completes the attachment.
"""

import json
import os
import tempfile

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import strutils

from services.compute import clients
from services.compute import exception
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.objects import block_device as bdm_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
#: What a request asks to boot from: (source_type, destination_type).
_VOLUME_SOURCES = {('volume', 'volume'), ('image', 'volume'), ('blank', 'volume'),
                   ('snapshot', 'volume')}


def guest_devices(instance):
    """Device names the guest's own disks take: root, ephemeral, swap and a
    config drive (a virtio disk on machines without IDE)."""
    flavor = instance.flavor or {}
    count = 1 + bool(flavor.get('ephemeral_gb')) + bool(flavor.get('swap')) + \
        bool(instance.config_drive)
    return ['vd' + chr(ord('a') + index) for index in range(count)]


def mappings(context, instance_uuids):
    """``{instance_uuid: [volume mappings]}`` for a page of servers."""
    if not instance_uuids:
        return {}
    return bdm_obj.volumes_by_instance(
        bdm_obj.BlockDeviceMappingList.get_by_instance_uuids(context, list(instance_uuids)))


def get_mapping(context, instance, volume_id):
    try:
        return bdm_obj.BlockDeviceMapping.get_by_volume(context, instance.uuid, volume_id)
    except exception.VolumeBDMNotFound:
        raise exception.VolumeBDMNotFound(volume_id=volume_id)


def check_multiattach(volume, supports_multiattach):
    """A multiattach volume is attached (or booted from) only by a caller
    at 2.60 or later, as nova: older clients do not expect a volume to be
    shared."""
    if volume.get('multiattach') and not supports_multiattach:
        raise exception.MultiattachNotSupportedOldMicroversion()


def _mapped(context, instance, volume_id):
    """Whether the server has a mapping of the volume already: also one
    whose attach is still going on (the volume lists only attachments
    that completed), as a multiattach volume lets that through."""
    try:
        bdm_obj.BlockDeviceMapping.get_by_volume(context, instance.uuid, volume_id)
    except exception.VolumeBDMNotFound:
        return False
    return True


def _reserve(context, volume_api, instance, volume_id, device, tag,
             delete_on_termination, supports_multiattach):
    """The volume's attachment to the server made and its mapping written
    with a device name (the attachment deleted again if that fails).  A
    multiattach volume may be attached to other servers already, never
    twice to this one."""
    volume = volume_api.get(context, volume_id)  # 404 when the caller cannot see it
    check_multiattach(volume, supports_multiattach)
    if any(a.get('server_id') == instance.uuid for a in volume.get('attachments') or []) \
            or _mapped(context, instance, volume_id):
        raise exception.VolumeAttached(volume_id=volume_id)
    attachment = volume_api.attachment_create(context, volume_id, instance.uuid)
    bdm = bdm_obj.BlockDeviceMapping(
        context, instance_uuid=instance.uuid, source_type='volume',
        destination_type='volume', volume_id=volume_id, volume_size=volume.get('size'),
        device_name=device, tag=tag, delete_on_termination=bool(delete_on_termination),
        attachment_id=attachment['id'], boot_index=None, disk_bus='virtio',
        device_type='disk')
    try:
        return conductor_rpcapi.ConductorAPI().reserve_block_device_name(
            context, bdm, guest_devices(instance))
    except Exception:
        _delete_attachment(context, attachment['id'])
        raise


def attach(context, instance, volume_id, device=None, tag=None,
           delete_on_termination=False, supports_multiattach=False):
    """Reserve ``volume_id`` for the server, write its mapping, cast the
    hot-plug to the server's host; answers the mapping.
    ``supports_multiattach``: the request is at 2.60 or later."""
    bdm = _reserve(context, clients.volume_client(), instance, volume_id, device, tag,
                   delete_on_termination, supports_multiattach)
    action_obj.InstanceAction.action_start(context, instance.uuid, 'attach_volume')
    compute_rpcapi.ComputeAPI().attach_volume(context, instance.host, instance.uuid, bdm)
    return bdm


# -- swap volume (PUT os-volume_attachments/{volume} with another volumeId) --------

def swap_volumes(context, old_volume_id, new_volume_id):
    """The two volumes of a swap, as nova looks at them first: the old one
    404 when unknown, 409 when the volume service is not migrating it (a
    swap is the volume service's call, unless
    ``[compute_api] allow_volume_swap_without_migration``); the new one,
    named in the body, 400 when unknown."""
    volume_api = clients.volume_client()
    old = volume_api.get(context, old_volume_id)
    if not old.get('migration_status') and \
            not CONF.compute_api.allow_volume_swap_without_migration:
        raise exception.Conflict(reason='Volume %s is not migrating; only the volume service '
                                        'swaps it for another' % old_volume_id)
    try:
        new = volume_api.get(context, new_volume_id)
    except exception.VolumeNotFound as exc:
        raise exception.Invalid(reason=str(exc))
    return old, new


def check_swappable(instance, old, new):
    """As nova: the old volume attached to this server, the new one
    available and no smaller, and a multiattach volume attached to more
    than one server not swapped (400 each)."""
    attachments = old.get('attachments') or []
    if not any(a.get('server_id') == instance.uuid for a in attachments):
        raise exception.InvalidVolume(reason='volume %s is not attached to server %s'
                                             % (old['id'], instance.uuid))
    if old.get('multiattach') and len(attachments) > 1:
        raise exception.MultiattachSwapVolumeNotSupported()
    if new.get('status') != 'available' or new.get('attachments'):
        raise exception.InvalidVolume(reason='volume %s must be available to take the place '
                                             'of another, but is %s'
                                             % (new['id'], new.get('status')))
    if int(new.get('size') or 0) < int(old.get('size') or 0):
        raise exception.InvalidVolume(reason='volume %s (%s GiB) is smaller than volume %s '
                                             '(%s GiB)' % (new['id'], new.get('size'),
                                                           old['id'], old.get('size')))


def swap(context, instance, old, new):
    """Reserve the new volume for the server and cast the swap to its host
    (compute RPC 1.14), which copies the guest's disk onto it, moves the
    mapping and lets the old volume go."""
    get_mapping(context, instance, old['id'])  # 404: not this server's
    volume_api = clients.volume_client()
    attachment = volume_api.attachment_create(context, new['id'], instance.uuid)
    try:
        action_obj.InstanceAction.action_start(context, instance.uuid, 'swap_volume')
        compute_rpcapi.ComputeAPI().swap_volume(context, instance.host, instance.uuid,
                                                old['id'], new['id'], attachment['id'])
    except Exception:
        _delete_attachment(context, attachment['id'])
        raise


def detach(context, instance, volume_id):
    clients.volume_client().get(context, volume_id)  # 404 for a volume not visible
    bdm = get_mapping(context, instance, volume_id)
    if bdm.is_root:
        raise exception.Invalid(reason="Cannot detach a root device volume")
    action_obj.InstanceAction.action_start(context, instance.uuid, 'detach_volume')
    compute_rpcapi.ComputeAPI().detach_volume(context, instance.host, instance.uuid,
                                              volume_id)


# -- a SHELVED_OFFLOADED server (2.20): no host to connect on ---------------------

def attach_shelved(context, instance, volume_id, device=None, tag=None,
                   delete_on_termination=False, supports_multiattach=False):
    """As nova for a server with no host: the volume is reserved and its
    attachment completed without a connection (the volume goes
    ``in-use``), the mapping written with its device name; the unshelve
    connects it on the host the server lands on."""
    volume_api = clients.volume_client()
    bdm = _reserve(context, volume_api, instance, volume_id, device, tag,
                   delete_on_termination, supports_multiattach)
    try:
        volume_api.attachment_complete(context, bdm.attachment_id)
    except Exception:
        _delete_attachment(context, bdm.attachment_id)
        bdm.destroy()
        raise
    action_obj.InstanceAction.action_start(context, instance.uuid, 'attach_volume')
    return bdm


def detach_shelved(context, instance, volume_id):
    """Detach from a server with no host: the attachment (never connected)
    and the mapping go at once; the volume is ``available`` again."""
    volume_api = clients.volume_client()
    volume_api.get(context, volume_id)  # 404 for a volume not visible
    bdm = get_mapping(context, instance, volume_id)
    if bdm.is_root:
        raise exception.Invalid(reason="Cannot detach a root device volume")
    action_obj.InstanceAction.action_start(context, instance.uuid, 'detach_volume')
    if bdm.attachment_id:
        volume_api.attachment_delete(context, bdm.attachment_id)
    bdm.destroy()


# -- os-assisted-volume-snapshots ----------------------------------------------------

def _snapshot_server(context, volume_id):
    """The server ``volume_id`` is attached to, ready for a snapshot of it:
    on a host and busy with no task (as nova, 400s otherwise)."""
    # The volume service's user asks for volumes of every project.
    admin = context.elevated()
    bdms = [b for b in bdm_obj.BlockDeviceMappingList.get_by_volume_id(admin, volume_id)
            if b.is_volume]
    if not bdms:
        raise exception.VolumeSnapshotNotAttached(volume_id=volume_id)
    if len(bdms) > 1:
        raise exception.VolumeBDMIsMultiAttach(volume_id=volume_id)
    try:
        instance = inst_obj.Instance.get_by_uuid(admin, bdms[0].instance_uuid)
    except exception.InstanceNotFound:
        raise exception.VolumeSnapshotNotAttached(volume_id=volume_id)
    if not instance.host:
        raise exception.Invalid(reason='Instance %s is not ready' % instance.uuid)
    if instance.task_state is not None:
        raise exception.Invalid(
            reason="Cannot 'volume_snapshot' instance %s while it is in task_state %s"
                   % (instance.uuid, instance.task_state))
    return instance


def snapshot_create(context, volume_id, create_info):
    """Cast the snapshot of the attached volume to its server's host."""
    instance = _snapshot_server(context, volume_id)
    compute_rpcapi.ComputeAPI().volume_snapshot_create(context, instance.host, instance.uuid,
                                                       volume_id, dict(create_info))


def snapshot_delete(context, volume_id, snapshot_id, delete_info):
    """Cast the merge that deletes a snapshot to the volume's server's host."""
    instance = _snapshot_server(context, volume_id)
    compute_rpcapi.ComputeAPI().volume_snapshot_delete(context, instance.host, instance.uuid,
                                                       volume_id, snapshot_id,
                                                       dict(delete_info))


def _delete_attachment(context, attachment_id):
    try:
        clients.volume_client().attachment_delete(context, attachment_id)
    except Exception as exc:
        LOG.warning('Deleting attachment %s failed: %s', attachment_id, exc)


# -- createImage of a volume-backed server --------------------------------------------

#: What an image's mapping keeps of a server's mapping, beside its snapshot.
_IMAGE_MAPPING_FIELDS = ('boot_index', 'device_name', 'volume_size', 'delete_on_termination',
                         'disk_bus', 'device_type', 'tag')


def is_volume_backed(context, instance):
    bdms = mappings(context, [instance.uuid]).get(instance.uuid, [])
    return any(b.is_root for b in bdms)


def snapshot_volume_backed(context, instance, name, properties):
    """createImage of a server that boots from a volume, as nova: a
    snapshot of each of its volumes (forced: they are in use; a file
    backend asks this host's driver through os-assisted-volume-snapshots)
    and an image without data whose ``block_device_mapping`` names those
    snapshots (it is ``active`` at once).  Answers the image's id."""
    volume_api = clients.volume_client()
    bdms = sorted(mappings(context, [instance.uuid]).get(instance.uuid, []),
                  key=lambda b: (b.boot_index is None, b.boot_index or 0, b.device_name))
    made, image_mappings = [], []
    try:
        for bdm in bdms:
            snapshot = volume_api.snapshot_create(context, bdm.volume_id, force=True,
                                                  name='snapshot for %s' % name)
            made.append(snapshot['id'])
            image_mappings.append(_image_mapping(bdm, snapshot))
        return _volume_backed_image(context, name, properties, bdms, image_mappings)
    except Exception:
        for snapshot_id in made:
            _best_effort_snapshot_delete(context, volume_api, snapshot_id)
        raise


def _image_mapping(bdm, snapshot):
    """One entry of the image's ``block_device_mapping``: the new server's
    volume is made from ``snapshot`` (its size, when the mapping of an
    existing volume did not record one)."""
    mapping = {'source_type': 'snapshot', 'destination_type': 'volume',
               'snapshot_id': snapshot['id'], 'volume_id': None, 'image_id': None,
               'no_device': None, 'guest_format': None}
    mapping.update({field: getattr(bdm, field) for field in _IMAGE_MAPPING_FIELDS})
    mapping['volume_size'] = mapping['volume_size'] or snapshot.get('size')
    return mapping


def _volume_backed_image(context, name, properties, bdms, image_mappings):
    """The image of a volume-backed snapshot: its mappings as glance keeps
    them (JSON text), raw and empty so that it becomes ``active``."""
    root = next((b.device_name for b in bdms if b.is_root), '/dev/vda')
    images = clients.image_client()
    image = images.create(context, name, dict(
        properties, bdm_v2='True', root_device_name=root,
        block_device_mapping=json.dumps(image_mappings)), disk_format='raw')
    try:
        with tempfile.TemporaryDirectory() as tmp:
            empty = os.path.join(tmp, 'empty')
            open(empty, 'wb').close()
            images.upload(context, image['id'], empty)
    except Exception:
        images.delete(context, image['id'])
        raise
    return image['id']


def _best_effort_snapshot_delete(context, volume_api, snapshot_id):
    try:
        volume_api.snapshot_delete(context, snapshot_id)
    except Exception as exc:
        LOG.warning('Deleting snapshot %s after a failed createImage failed: %s',
                    snapshot_id, exc)


# -- server create: block_device_mapping_v2 ----------------------------------------

def image_block_devices(image):
    """The volume mappings an image defines (createImage of a volume-backed
    server: ``bdm_v2`` and a ``block_device_mapping`` of snapshots), as
    :func:`parse_block_devices` makes them; [] for any other image."""
    properties = image.get('properties') or {}
    defined = properties.get('block_device_mapping')
    if not defined or not strutils.bool_from_string(properties.get('bdm_v2')):
        return []
    try:
        entries = json.loads(defined) if isinstance(defined, str) else defined
        requested = [dict(entry, uuid=entry.get('%s_id' % entry.get('source_type')))
                     for entry in entries]
    except (TypeError, ValueError, AttributeError):
        raise exception.Invalid(reason='Block Device Mapping is Invalid: the image %s has '
                                       'an unreadable block_device_mapping' % image.get('id'))
    return parse_block_devices(requested)[0]


def merge_block_devices(image_defined, requested):
    """The request's mappings, then the image's whose device name the request
    does not name (nova's order: the request overrides the image)."""
    names = {m['device_name'] for m in requested if m['device_name']}
    return list(requested) + [m for m in image_defined if m['device_name'] not in names]


def _int_or_none(value, name):
    if value is None or value == '':
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise exception.Invalid(reason='Block Device Mapping is Invalid: %s must be an '
                                       'integer' % name)


def parse_block_devices(requested):
    """The volume entries of ``block_device_mapping_v2`` as mapping field
    dicts (plus ``snapshot_id``: a volume snapshot the host makes the volume
    of, its size by default), checked as nova checks them; an image entry
    that stays local (``destination_type`` local) is the image boot nova also
    takes and is left out.  (the mappings, the image a boot disk is made from or None,
    whether a volume is the boot disk)."""
    found = []
    image_id, boots_from_volume = None, False
    for entry in requested or []:
        source = entry.get('source_type') or 'image'
        dest = entry.get('destination_type') or ('volume' if source == 'volume' else 'local')
        boot_index = _int_or_none(entry.get('boot_index'), 'boot_index')
        if (source, dest) not in _VOLUME_SOURCES | {('image', 'local'), ('blank', 'local')}:
            raise exception.Invalid(reason='Block Device Mapping is Invalid: source %s to '
                                           'destination %s' % (source, dest))
        if dest == 'local':
            if source == 'image' and boot_index == 0:
                image_id = entry.get('uuid')
            elif source == 'blank':
                raise exception.Invalid(reason='Block Device Mapping is Invalid: local '
                                               'blank disks come from the flavor here')
            continue
        if source in ('volume', 'image', 'snapshot') and not entry.get('uuid'):
            raise exception.Invalid(reason='Block Device Mapping is Invalid: uuid is '
                                           'required for a %s source' % source)
        size = _int_or_none(entry.get('volume_size'), 'volume_size')
        if source in ('image', 'blank') and not size:
            raise exception.Invalid(reason='Block Device Mapping is Invalid: volume_size '
                                           'is required to create a volume')
        if size is not None and size < 1:
            raise exception.Invalid(reason='Block Device Mapping is Invalid: volume_size '
                                           'must be positive')
        found.append({
            'source_type': source, 'destination_type': 'volume',
            'volume_id': entry.get('uuid') if source == 'volume' else None,
            'image_id': entry.get('uuid') if source == 'image' else None,
            'snapshot_id': entry.get('uuid') if source == 'snapshot' else None,
            'volume_size': size, 'boot_index': boot_index,
            'device_name': entry.get('device_name'), 'tag': entry.get('tag'),
            'delete_on_termination': strutils.bool_from_string(
                entry.get('delete_on_termination', False), strict=True),
            'disk_bus': 'virtio', 'device_type': 'disk'})
        boots_from_volume = boots_from_volume or boot_index == 0
    indexes = [m['boot_index'] for m in found if m['boot_index'] is not None]
    if len(indexes) != len(set(indexes)):
        raise exception.Invalid(reason='Block Device Mapping is Invalid: boot indexes '
                                       'must be unique')
    return found, image_id, boots_from_volume


def check_volumes(context, block_devices, supports_multiattach=False):
    """Every existing volume a create names must be visible and available
    (or multiattach, from 2.60), and the one it boots from bootable (nova
    answers 400 for each); every snapshot visible and available."""
    volume_api = clients.volume_client()
    for values in block_devices:
        if values.get('snapshot_id'):
            _check_snapshot(volume_api, context, values)
        if not values['volume_id']:
            continue
        try:
            volume = volume_api.get(context, values['volume_id'])
        except exception.VolumeNotFound:
            raise exception.Invalid(reason='Block Device Mapping is Invalid: failed to get '
                                           'volume %s.' % values['volume_id'])
        check_multiattach(volume, supports_multiattach)
        if values['boot_index'] == 0 and not _bootable(volume):
            raise exception.Invalid(reason='Block Device %s is not bootable.'
                                           % values['volume_id'])
        if volume.get('status') != 'available' and not volume.get('multiattach'):
            raise exception.Invalid(reason='Invalid volume: volume %s status must be '
                                           'available' % values['volume_id'])
        if values['volume_size'] is None:
            values['volume_size'] = volume.get('size')


def _check_snapshot(volume_api, context, values):
    """A snapshot to make a volume of: visible and available; the volume is
    the snapshot's size unless the request asks for more."""
    try:
        snapshot = volume_api.snapshot_get(context, values['snapshot_id'])
    except exception.SnapshotNotFound:
        raise exception.Invalid(reason='Block Device Mapping is Invalid: failed to get '
                                       'snapshot %s.' % values['snapshot_id'])
    if snapshot.get('status') != 'available':
        raise exception.Invalid(reason='Invalid snapshot: snapshot %s status must be '
                                       'available' % values['snapshot_id'])
    size = int(snapshot.get('size') or 0)
    if values['volume_size'] is None:
        values['volume_size'] = size or None
    elif values['volume_size'] < size:
        raise exception.Invalid(reason='Block Device Mapping is Invalid: volume_size %d is '
                                       'smaller than snapshot %s (%d GiB)'
                                       % (values['volume_size'], values['snapshot_id'], size))


def _bootable(volume):
    """The volume service's ``bootable`` ("true"/"false" in its JSON); a
    volume that does not say is bootable, as nova takes it."""
    value = volume.get('bootable', True)
    if isinstance(value, str):
        return value.strip().lower() in ('true', '1', 'yes', 'on')
    return bool(value)


def create_mappings(context, instance, block_devices):
    """A new server's volume mappings: existing volumes reserved for it at
    once (an attachment each), device names in order (root ``/dev/vda``)."""
    used = []
    ordered = sorted(block_devices, key=lambda m: (m['boot_index'] is None,
                                                   m['boot_index'] or 0))
    for values in ordered:
        values = dict(values)
        # The mapping keeps the snapshot in its image_id column, its
        # source_type telling which (``BlockDeviceMapping.snapshot_id``).
        snapshot_id = values.pop('snapshot_id', None)
        if snapshot_id:
            values['image_id'] = snapshot_id
        if values['boot_index'] == 0:
            values['device_name'] = '/dev/vda'
        else:
            values['device_name'] = _next_name(guest_devices(instance) + used)
        used.append(values['device_name'])
        if values['volume_id']:
            values['attachment_id'] = clients.volume_client().attachment_create(
                context, values['volume_id'], instance.uuid)['id']
        bdm_obj.BlockDeviceMapping(context, instance_uuid=instance.uuid, **values).create()


def _next_name(used):
    taken = {u.rsplit('/', 1)[-1] for u in used}
    index = 0
    while 'vd' + chr(ord('a') + index) in taken:
        index += 1
    return '/dev/vd' + chr(ord('a') + index)


def release_for_deleted(context, instance):
    """The volumes of a server deleted without a host to do it: each
    attachment deleted (and the volume with ``delete_on_termination``),
    every mapping removed."""
    volume_api = clients.volume_client()
    for bdm in bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(context, instance.uuid):
        try:
            if bdm.attachment_id:
                volume_api.attachment_delete(context, bdm.attachment_id,
                                             project_id=instance.project_id)
            if bdm.volume_id and bdm.delete_on_termination:
                volume_api.delete(context, bdm.volume_id, project_id=instance.project_id)
        except Exception as exc:
            LOG.warning('Releasing volume %s of deleted server %s failed: %s',
                        bdm.volume_id, instance.uuid, exc)
        bdm.destroy()
