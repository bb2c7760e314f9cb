"""POST /servers/{id}/action: lifecycle actions.

Each action checks the server's state (409 otherwise), records an instance
action, sets a task_state with a compare-and-swap save (so two racing
requests cannot both start) and casts to the server's compute host.
"""

import re
import secrets

from oslo_utils import uuidutils

from common import exception as base_exc
from common import rpc
from services.compute import clients
from services.compute import exception
from services.compute.api import compute_api
from services.compute.api import network_proxy
from services.compute.api import policies
from services.compute.api import router
from services.compute.api import volume_api
from services.compute.api.controllers import common
from services.compute.api.controllers import consoles
from services.compute.api.controllers import server_guest_actions
from services.compute.api.controllers import servers
from services.compute.api.schemas import server_actions as schemas
from services.compute.api.views import servers as views
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.objects import flavor as flavor_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj
from services.compute.objects import request_spec as spec_obj
from services.compute.virt import rescue as virt_rescue

ACTIVE, STOPPED, PAUSED, SUSPENDED, RESIZED, ERROR, RESCUED = (
    inst_obj.ACTIVE, inst_obj.STOPPED, inst_obj.PAUSED, inst_obj.SUSPENDED, inst_obj.RESIZED,
    inst_obj.ERROR, inst_obj.RESCUED)
SHELVED, SHELVED_OFFLOADED = inst_obj.SHELVED, inst_obj.SHELVED_OFFLOADED


def register(r):
    r.add('POST', '/servers/{server_id}/action', action)


def _require(instance, action_name, vm_states, task_states=(None,)):
    if instance.vm_state not in vm_states:
        raise exception.InstanceInvalidState(action=action_name, instance_uuid=instance.uuid,
                                             attr='vm_state', state=instance.vm_state)
    if instance.task_state not in task_states:
        raise exception.InstanceInvalidState(action=action_name, instance_uuid=instance.uuid,
                                             attr='task_state', state=instance.task_state)


def _begin(req, instance, action_name, task_state, vm_states, task_states=(None,)):
    """State check, task_state compare-and-swap, instance action record."""
    _require(instance, action_name, vm_states, task_states)
    instance.task_state = task_state
    try:
        instance.save(expected_task_state=list(task_states))
    except exception.InstanceInvalidState:
        raise exception.InstanceInvalidState(action=action_name, instance_uuid=instance.uuid,
                                             attr='task_state', state='changing')
    action_obj.InstanceAction.action_start(req.context, instance.uuid, action_name)


def _compute():
    return compute_rpcapi.ComputeAPI()


def _reboot(req, instance, body):
    reboot_type = body['type'].upper()
    if reboot_type == 'SOFT':
        _begin(req, instance, 'reboot', 'rebooting', (ACTIVE,))
    else:
        _begin(req, instance, 'reboot', 'rebooting_hard',
               (ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR),
               (None, 'rebooting', 'reboot_pending', 'reboot_started'))
    _compute().reboot_instance(req.context, instance.host, instance.uuid, reboot_type)


def _simple(action_name, task_state, vm_states, method):
    def run(req, instance, body):
        _begin(req, instance, action_name, task_state, vm_states)
        getattr(_compute(), method)(req.context, instance.host, instance.uuid)
    return run


def _rebuild(req, instance, body):
    if 'description' in body and not req.at_least(19):
        raise exception.Invalid(reason="Additional properties are not allowed "
                                       "('description' was unexpected)")
    common.fields_for_version(req, body, schemas.REBUILD_SINCE, schemas.REBUILD_UNTIL)
    hostname = servers.check_hostname(req, body.get('hostname'))
    if 'key_name' in body:
        # 2.54: a new keypair for the guest, or none (null).
        instance.key_data = compute_api.key_data(req.context, body['key_name'])
        instance.key_name = body['key_name']
    if 'user_data' in body:
        instance.user_data = servers.check_user_data(body['user_data'])
    if hostname:
        instance.hostname = hostname
    if 'trusted_image_certificates' in body:
        instance.system_metadata = compute_api.with_trusted_certs(
            instance.system_metadata, body['trusted_image_certificates'])
    image_ref = body['imageRef']
    flavor = flavor_obj.Flavor(req.context, **{k: v for k, v in instance.flavor.items()
                                               if k in flavor_obj.Flavor.fields})
    image = compute_api.boot_image(req.context, image_ref, flavor)
    reimage = _check_rebuild_volumes(req, instance, image['id'])
    for key in ('name', 'description'):
        if key in body:
            setattr(instance, 'display_name' if key == 'name' else 'display_description',
                    body[key])
    if 'metadata' in body:
        instance.metadata = body['metadata']
    if 'OS-DCF:diskConfig' in body:
        instance.auto_disk_config = body['OS-DCF:diskConfig'] == 'AUTO'
    if 'accessIPv4' in body:
        instance.access_ip_v4 = servers.access_ip(body['accessIPv4'])
    if 'accessIPv6' in body:
        instance.access_ip_v6 = servers.access_ip(body['accessIPv6'])
    if not reimage:  # a volume-backed server keeps no image of its own ('')
        instance.image_ref = image['id']
    _begin(req, instance, 'rebuild', 'rebuilding', (ACTIVE, STOPPED, ERROR))
    _compute().rebuild_instance(req.context, instance.host, instance.uuid, image['id'],
                                reimage_boot_volume=reimage)
    # Below 2.75 the reduced view, and the new admin password (generated when
    # none was given), as nova with its instance passwords enabled.
    server = views.rebuilt(req, instance, servers.render_updated(req, instance))
    server['adminPass'] = body.get('adminPass') or secrets.token_urlsafe(9)
    return router.Response({'server': server}, 202,
                           {'Location': '%s/v2.1/servers/%s' % (req.host_url, instance.uuid)})


def _check_rebuild_volumes(req, instance, image_id):
    """A server with volumes attached is rebuilt with them (the compute host
    unplugs and plugs them back around the new root disk: compute RPC
    1.12).  One that boots from a volume has its root volume reimaged by
    the volume service from 2.93 (compute RPC 1.15): True then.  Below
    2.93 a different image is a 400 as in nova, and the same one a 409
    (rebuilding the guest alone is not built)."""
    bdms = volume_api.mappings(req.context, [instance.uuid]).get(instance.uuid, [])
    if not bdms:
        return False
    if any(b.is_root for b in bdms):
        if not req.at_least(93):
            if image_id != instance.image_ref:
                raise exception.Invalid(reason='Image %s is unacceptable: Unable to rebuild '
                                               'with a different image for a volume-backed '
                                               'server.' % image_id)
            raise exception.DriverNotSupported(operation='rebuild of a volume-backed server',
                                               driver='compute')
        rpc.require_version(_compute().client, compute_rpcapi.REIMAGE_BOOT_VOLUME, 'compute')
        return True
    rpc.require_version(_compute().client, compute_rpcapi.REBUILD_WITH_VOLUMES, 'compute')
    return False


def _check_move_volumes(req, instance):
    """A server with volumes (or booting from one) is resized and migrated
    with them: its compute host disconnects them and the destination
    connects them (compute RPC 1.13).  True when it boots from a volume."""
    bdms = volume_api.mappings(req.context, [instance.uuid]).get(instance.uuid, [])
    if bdms:
        rpc.require_version(_compute().client, compute_rpcapi.RESIZE_WITH_VOLUMES,
                            'compute')
    return any(b.is_root for b in bdms)


def _resize(req, instance, body):
    flavor = compute_api.flavor_for(req.context, body['flavorRef'])
    if flavor.flavorid == instance.flavor['flavorid']:
        raise exception.Invalid(reason='When resizing, instances must change flavor!')
    # A volume-backed server's root disk is its volume: the flavor's disk
    # does not apply (nova's).
    if not _check_move_volumes(req, instance) and flavor.root_gb < instance.flavor['root_gb']:
        raise exception.Invalid(reason='Resize to zero disk flavor is not allowed.'
                                if not flavor.root_gb else
                                'Flavor disk is smaller than the current one.')
    deltas = {'cores': max(flavor.vcpus - instance.flavor['vcpus'], 0),
              'ram': max(flavor.memory_mb - instance.flavor['memory_mb'], 0)}
    if any(deltas.values()):
        from services.compute.objects import quota as quota_obj
        quota_obj.Quotas.check_deltas(req.context, instance.project_id, deltas)
    if 'OS-DCF:diskConfig' in body:
        instance.auto_disk_config = body['OS-DCF:diskConfig'] == 'AUTO'
    _begin(req, instance, 'resize', 'resize_prep', (ACTIVE, STOPPED))
    conductor_rpcapi.ConductorAPI().migrate_server(req.context, instance.uuid,
                                                   flavor.flavorid, _spec(instance))


def _spec(instance):
    return spec_obj.RequestSpec(
        flavor=instance.flavor, image={'id': instance.image_ref, 'properties': {}},
        availability_zone=instance.requested_availability_zone,
        project_id=instance.project_id)


def _migrate(req, instance, body):
    _check_move_volumes(req, instance)
    _begin(req, instance, 'migrate', 'resize_prep', (ACTIVE, STOPPED))
    conductor_rpcapi.ConductorAPI().migrate_server(req.context, instance.uuid, None,
                                                   _spec(instance))


def _confirm_resize(req, instance, body):
    _begin(req, instance, 'confirmResize', 'resize_confirming', (RESIZED,))
    source = instance.system_metadata.get('resize_source') or instance.host
    _compute().confirm_resize(req.context, source, instance.uuid)
    return router.Response(None, 204)


def _revert_resize(req, instance, body):
    _begin(req, instance, 'revertResize', 'resize_reverting', (RESIZED,))
    _compute().revert_resize(req.context, instance.host, instance.uuid)


def _evacuate(req, instance, body):
    services = compute_api.compute_services(req.context)
    if compute_api.host_is_up(services, instance.host):
        raise exception.Invalid(reason='Compute service of %s is still in use.'
                                % instance.host)
    host = (body or {}).get('host')
    # 2.95: the server is left stopped on its new host (before, it keeps the
    # state it had: a stopped one stays stopped, the others run).
    target_state = STOPPED if req.at_least(95) else None
    conductor = conductor_rpcapi.ConductorAPI()
    if target_state:
        rpc.require_version(conductor.client, conductor_rpcapi.EVACUATE_TARGET_STATE,
                            'conductor')
        rpc.require_version(_compute().client, compute_rpcapi.REBUILD_TARGET_STATE,
                            'compute')
    _begin(req, instance, 'evacuate', 'rebuilding', (ACTIVE, STOPPED, ERROR))
    conductor.evacuate_server(req.context, instance.uuid, host, _spec(instance),
                              target_state=target_state)
    return {'adminPass': None} if not req.at_least(14) else None


#: The states a server is snapshotted in (createImage, createBackup).
_SNAPSHOT_STATES = (ACTIVE, STOPPED, PAUSED, SUSPENDED)


def _create_image(req, instance, body):
    name, metadata = body['name'], body.get('metadata') or {}
    _require(instance, 'createImage', _SNAPSHOT_STATES)
    if volume_api.is_volume_backed(req.context, instance):
        # As nova: snapshots of its volumes named in an image without data,
        # made here; the server itself does nothing (no task state).
        action_obj.InstanceAction.action_start(req.context, instance.uuid, 'createImage')
        image_id = volume_api.snapshot_volume_backed(
            req.context, instance, name, _snapshot_properties(req, instance, metadata))
        return _image_answer(req, image_id)
    image = clients.image_client().create(req.context, name,
                                          _snapshot_properties(req, instance, metadata))
    _begin(req, instance, 'createImage', 'image_snapshot', _SNAPSHOT_STATES)
    _compute().snapshot_instance(req.context, instance.host, instance.uuid, image['id'])
    return _image_answer(req, image['id'])


def _image_answer(req, image_id, location=True):
    """From 2.45 the new image's id in the body; before, its URL in a
    Location header."""
    if req.at_least(45):
        return router.Response({'image_id': image_id}, 202)
    headers = {'Location': '%s/images/%s' % (req.host_url, image_id)} if location else {}
    return router.Response(None, 202, headers)


def _create_backup(req, instance, body):
    """A snapshot tagged ``image_type=backup`` with its ``backup_type``;
    once it is uploaded the compute host deletes this server's backups of
    that type beyond the newest ``rotation`` (0 keeps none, not even the
    new one, as nova)."""
    # The schema checks digits; their value is checked here (jsonschema's
    # maximum does not apply to a string).
    rotation = common.int_in_range(body['rotation'], 'rotation')
    _require(instance, 'createBackup', _SNAPSHOT_STATES)
    bdms = volume_api.mappings(req.context, [instance.uuid]).get(instance.uuid, [])
    if any(b.is_root for b in bdms):
        raise exception.Invalid(reason='Backup is not supported for volume-backed '
                                       'instances.')
    compute = _compute()
    rpc.require_version(compute.client, compute_rpcapi.BACKUP, 'compute')
    properties = _snapshot_properties(req, instance, body.get('metadata'),
                                      image_type='backup')
    properties['backup_type'] = body['backup_type']
    images = clients.image_client()
    image = images.create(req.context, body['name'], properties)
    try:
        _begin(req, instance, 'createBackup', 'image_backup', _SNAPSHOT_STATES)
    except exception.InstanceInvalidState:
        images.delete(req.context, image['id'])
        raise
    compute.backup_instance(req.context, instance.host, instance.uuid, image['id'],
                            body['backup_type'], rotation)
    # Before 2.45 nova names the image only when the rotation keeps it.
    return _image_answer(req, image['id'], location=rotation > 0)


#: Properties of the server's image a snapshot does not keep: those that
#: describe the image's own bits or its origin (the snapshot has its own).
_NOT_INHERITED = ('img_signature', 'owner_specified.', 'os_glance', 'instance_uuid',
                  'image_type', 'base_image_ref', 'image_location', 'image_state',
                  'block_device_mapping', 'bdm_v2', 'root_device_name')


def _inherited_properties(context, instance):
    """What a snapshot keeps of the server's image, as nova: how it boots
    (``kernel_id``, ``ramdisk_id``, ``os_command_line``, ``hw_*``), or a
    guest made of a kernel-boot image's snapshot (an unshelve) would find
    no kernel and never start an OS.  Nothing when the image is gone."""
    if not instance.image_ref:
        return {}
    try:
        image = clients.image_client().get(context, instance.image_ref)
    except exception.ImageNotFound:
        return {}
    return {k: v for k, v in (image.get('properties') or {}).items()
            if isinstance(v, str) and not k.startswith(_NOT_INHERITED)}


def _snapshot_properties(req, instance, metadata=None, image_type='snapshot'):
    properties = _inherited_properties(req.context, instance)
    properties.update(instance_uuid=instance.uuid, image_type=image_type,
                      base_image_ref=instance.image_ref or '')
    user = {k: str(v) for k, v in (metadata or {}).items()}
    if image_type == 'backup':
        # A backup's identity is what its rotation looks for: metadata may
        # not rename it into another server's (or another type's) backups.
        user = {k: v for k, v in user.items()
                if k not in ('instance_uuid', 'image_type', 'backup_type')}
    # As in nova, the caller's metadata wins over the other properties set here.
    properties.update(user)
    return properties


def _shelve(req, instance, body):
    states = (ACTIVE, STOPPED, PAUSED, SUSPENDED)
    _require(instance, 'shelve', states)
    compute = _compute()
    rpc.require_version(compute.client, '1.1', 'compute')
    if volume_api.is_volume_backed(req.context, instance):
        # As nova: nothing to snapshot (the disk is a volume), so the server
        # is offloaded at once and an unshelve boots it from its volume again.
        _begin(req, instance, 'shelve', 'shelving_offloading', states)
        compute.shelve_offload_instance(req.context, instance.host, instance.uuid)
        return
    images = clients.image_client()
    # The server's project owns the snapshot, also when an admin shelves it:
    # the owner unshelves with their own token.
    image = images.create(req.context, '%s-shelved' % instance.display_name,
                          _snapshot_properties(req, instance), owner=instance.project_id)
    try:
        _begin(req, instance, 'shelve', 'shelving', states)
    except exception.InstanceInvalidState:
        images.delete(req.context, image['id'])
        raise
    compute.shelve_instance(req.context, instance.host, instance.uuid, image['id'])


def _shelve_offload(req, instance, body):
    compute = _compute()
    rpc.require_version(compute.client, '1.1', 'compute')
    _begin(req, instance, 'shelveOffload', 'shelving_offloading', (SHELVED,))
    compute.shelve_offload_instance(req.context, instance.host, instance.uuid)


def _unshelve_target(req, instance, body):
    """(zone given?, zone, host) of an unshelve: up to 2.76 the body is
    null; 2.77 names an availability zone, 2.91 a host (admin) and a null
    zone (unpinned).  Both only for a server whose disk left its host."""
    body = body or {}
    common.fields_for_version(req, body, schemas.UNSHELVE_SINCE)
    if 'availability_zone' in body and body['availability_zone'] is None and \
            not req.at_least(91):
        raise exception.Invalid(reason="Invalid input for field/attribute "
                                       "availability_zone. Value: None.")
    if body and instance.vm_state != SHELVED_OFFLOADED:
        raise exception.Conflict(reason='The unshelve action with availability_zone or '
                                        'host is only allowed for a shelved_offloaded '
                                        'server.')
    host = body.get('host')
    if host:
        policies.authorize(req.context, 'os-shelve:unshelve_to_host', servers.target(instance))
        if host not in compute_api.compute_services(req.context):
            raise exception.Invalid(reason='Compute host %s could not be found.' % host)
    return 'availability_zone' in body, body.get('availability_zone'), host


def _unshelve(req, instance, body):
    compute, conductor = _compute(), conductor_rpcapi.ConductorAPI()
    rpc.require_version(compute.client, '1.1', 'compute')
    rpc.require_version(conductor.client, '1.1', 'conductor')
    new_zone, zone, host = _unshelve_target(req, instance, body)
    if new_zone:
        instance.requested_availability_zone = zone
    _begin(req, instance, 'unshelve', 'unshelving', (SHELVED, SHELVED_OFFLOADED))
    if instance.vm_state == SHELVED:
        compute.unshelve_instance(req.context, instance.host, instance.uuid)
        return
    spec = _spec(instance)
    if host:
        spec.force_hosts = [host]
    image_id = instance.system_metadata.get('shelved_image_id')
    spec.image = ({'id': image_id, 'properties': {}} if image_id else
                  {'properties': inst_obj.image_properties(instance)})  # volume-backed
    if instance.server_group_uuid:
        spec.group = compute_api.group_spec(req.context, instance.server_group_uuid)
    conductor.unshelve_instance(req.context, instance.uuid, spec)


def _lock(req, instance, body):
    reason = (body or {}).get('locked_reason')
    if reason is not None and not req.at_least(73):
        raise exception.Invalid(reason='locked_reason needs microversion 2.73')
    instance.locked = True
    instance.locked_by = servers._lock_role(req)
    meta = dict(instance.system_metadata or {})
    meta.pop(inst_obj.LOCKED_REASON_KEY, None)
    if reason is not None:
        meta[inst_obj.LOCKED_REASON_KEY] = reason
    instance.system_metadata = meta
    instance.save()
    action_obj.InstanceAction.action_start(req.context, instance.uuid, 'lock')


def _unlock(req, instance, body):
    if instance.locked and instance.locked_by == 'admin':
        policies.authorize(req.context, 'os-lock-server:unlock:unlock_override',
                           servers.target(instance))
    instance.locked = False
    instance.locked_by = None
    meta = dict(instance.system_metadata or {})
    if meta.pop(inst_obj.LOCKED_REASON_KEY, None) is not None:
        instance.system_metadata = meta
    instance.save()
    action_obj.InstanceAction.action_start(req.context, instance.uuid, 'unlock')


def _rescue(req, instance, body):
    """As nova: the rescue image (``rescue_image_ref``, else the server's
    own) may ask for a stable device rescue (``virt.rescue``; 400 for values
    no guest takes); a volume-backed server is rescued only that way, from
    2.87 on, its own image being the one its root volume was made of."""
    image_ref = (body or {}).get('rescue_image_ref')
    bdms = volume_api.mappings(req.context, [instance.uuid]).get(instance.uuid, [])
    root = next((b for b in bdms if b.is_root), None)
    if root is not None and not req.at_least(87):
        _not_rescuable(instance)
    image = None
    if image_ref:
        # Resolved with the caller's rights: the host's image cache must not
        # hand out an image the caller may not see.
        image = compute_api.image_visible_to(req.context, image_ref)
    elif root is not None:
        image = _root_volume_image(req.context, root)
    properties = image.get('properties') if image else inst_obj.image_properties(instance)
    stable = virt_rescue.layout(properties or {}) is not None
    if root is not None and not (stable and image):
        _not_rescuable(instance)
    _begin(req, instance, 'rescue', 'rescuing', (ACTIVE, STOPPED, ERROR))
    _compute().rescue_instance(req.context, instance.host, instance.uuid,
                               image['id'] if image else None)
    return {'adminPass': (body or {}).get('adminPass') or uuidutils.generate_uuid()[:12]}


def _not_rescuable(instance):
    raise exception.Invalid(reason='Instance %s cannot be rescued: Cannot rescue a '
                                   'volume-backed instance' % instance.uuid)


def _root_volume_image(context, root):
    """The image a root volume was made of (its ``volume_image_metadata``),
    None when it was not made of one, or that image is gone or out of sight."""
    try:
        volume = clients.volume_client().get(context, root.volume_id)
        image_id = (volume.get('volume_image_metadata') or {}).get('image_id')
        return compute_api.image_visible_to(context, image_id) if image_id else None
    except (exception.VolumeNotFound, exception.Invalid):
        return None


def _console_output(req, instance, body):
    length = (body or {}).get('length')
    if length is not None:
        length = common.int_in_range(length, 'length', -1)
        if length == -1:
            length = None
    if instance.vm_state == inst_obj.BUILDING or not instance.host:
        raise exception.InstanceInvalidState(action='getConsoleOutput',
                                             instance_uuid=instance.uuid,
                                             attr='vm_state', state=instance.vm_state)
    output = _compute().get_console_output(req.context, instance.host, instance.uuid, length)
    return {'output': _CONTROL_CHARACTERS.sub('', output)}


# What nova strips from console output: control characters but tab and
# newline (a guest's colour codes, carriage returns, bells).
_CONTROL_CHARACTERS = re.compile('[\x00-\x08\x0b-\x1f]')


def _force_delete(req, instance, body):
    compute_api.delete(req.context, instance)


def _restore(req, instance, body):
    rpc.require_version(_compute().client, '1.6', 'compute')
    _begin(req, instance, 'restore', 'restoring', (inst_obj.SOFT_DELETED,))
    _compute().restore_instance(req.context, instance.host, instance.uuid)


def _reset_state(req, instance, body):
    instance.vm_state = body['state']
    instance.task_state = None
    instance.save()


def _security_group(add):
    """Put a group of the server's project on its ports, or take it off
    (404 for an unknown group, or one the server does not have); the names
    the server shows follow."""
    def run(req, instance, body):
        change = network_proxy.add_to_instance if add else network_proxy.remove_from_instance
        group = change(req.context, instance, body['name'])
        names = [g for g in instance.security_groups or []
                 if g.get('name') not in (group.get('name'), group['id'])]
        instance.security_groups = names + ([{'name': group.get('name') or group['id']}]
                                            if add else [])
        instance.save()
    return run


def _add_floating_ip(req, instance, body):
    network_proxy.associate(req.context, instance, body['address'],
                            body.get('fixed_address'))


def _remove_floating_ip(req, instance, body):
    network_proxy.disassociate(req.context, instance, body['address'])


def _fixed_ip(add):
    """addFixedIp / removeFixedIp: the server's port changed in the network
    service, then its host asked to read the server's addresses again."""
    def run(req, instance, body):
        if add:
            network_proxy.add_fixed_ip(req.context, instance, body['networkId'])
        else:
            network_proxy.remove_fixed_ip(req.context, instance, body['address'])
        _compute().inject_network_info(req.context, instance.host, instance.uuid)
    return run


#: action -> (handler, policy rule)
ACTIONS = {
    'reboot': (_reboot, 'servers:reboot'),
    'os-stop': (_simple('stop', 'powering-off', (ACTIVE, RESCUED, ERROR), 'stop_instance'),
                'servers:stop'),
    'os-start': (_simple('start', 'powering-on', (STOPPED,), 'start_instance'),
                 'servers:start'),
    'pause': (_simple('pause', 'pausing', (ACTIVE,), 'pause_instance'),
              'os-pause-server:pause'),
    'unpause': (_simple('unpause', 'unpausing', (PAUSED,), 'unpause_instance'),
                'os-pause-server:unpause'),
    'suspend': (_simple('suspend', 'suspending', (ACTIVE,), 'suspend_instance'),
                'os-suspend-server:suspend'),
    'resume': (_simple('resume', 'resuming', (SUSPENDED,), 'resume_instance'),
               'os-suspend-server:resume'),
    'unrescue': (_simple('unrescue', 'unrescuing', (RESCUED,), 'unrescue_instance'),
                 'os-unrescue'),
    'rebuild': (_rebuild, 'servers:rebuild'),
    'resize': (_resize, 'servers:resize'),
    'confirmResize': (_confirm_resize, 'servers:confirm_resize'),
    'revertResize': (_revert_resize, 'servers:revert_resize'),
    'migrate': (_migrate, 'os-migrate-server:migrate'),
    'evacuate': (_evacuate, 'os-evacuate'),
    'createImage': (_create_image, 'servers:create_image'),
    'createBackup': (_create_backup, 'os-create-backup'),
    'lock': (_lock, 'os-lock-server:lock'),
    'unlock': (_unlock, 'os-lock-server:unlock'),
    'rescue': (_rescue, 'os-rescue'),
    'os-getConsoleOutput': (_console_output, 'os-console-output'),
    'os-getVNCConsole': (consoles.get_vnc_console_action, consoles.RULE),
    'forceDelete': (_force_delete, 'os-deferred-delete:force'),
    'restore': (_restore, 'os-deferred-delete:restore'),
    'os-resetState': (_reset_state, 'os-admin-actions:reset_state'),
    'addSecurityGroup': (_security_group(True), 'os-security-groups:add'),
    'removeSecurityGroup': (_security_group(False), 'os-security-groups:remove'),
    'addFloatingIp': (_add_floating_ip, 'os-floating-ips:add'),
    'removeFloatingIp': (_remove_floating_ip, 'os-floating-ips:remove'),
    'addFixedIp': (_fixed_ip(True), 'os-multinic:add'),
    'removeFixedIp': (_fixed_ip(False), 'os-multinic:remove'),
    'shelve': (_shelve, 'os-shelve:shelve'),
    'shelveOffload': (_shelve_offload, 'os-shelve:shelve_offload'),
    'unshelve': (_unshelve, 'os-shelve:unshelve'),
    **server_guest_actions.ACTIONS,
}

# An evacuation rebuilds the guest on another host: not done yet for a
# server with volumes (it would lose them), so a 409.  A rebuild keeps them
# (``_check_rebuild_volumes``); a resize and a cold migration move them
# (``_check_move_volumes``).
# A rescue keeps the attached volumes (nova's too); a server that boots from
# a volume is rescued only by a stable device rescue from 2.87 (``_rescue``).
# A shelve of a server that boots from a volume offloads it at once
# (``_shelve``); its createImage snapshots its volumes
# (``volume_api.snapshot_volume_backed``).
_NOT_WITH_VOLUMES = {'evacuate'}

# Actions nova removed: the highest microversion that still serves each.
_MAX_VERSION = {'addFloatingIp': (2, 43), 'removeFloatingIp': (2, 43),
                'addFixedIp': (2, 43), 'removeFixedIp': (2, 43)}

# Actions a locked server refuses to non-admins.
_LOCK_EXEMPT = {'lock', 'unlock', 'os-getConsoleOutput', 'os-getVNCConsole', 'createImage',
                'createBackup',
                'addSecurityGroup', 'removeSecurityGroup', 'addFloatingIp', 'removeFloatingIp'}


def _refuse_with_volumes(req, instance, name):
    if name not in _NOT_WITH_VOLUMES:
        return
    if volume_api.mappings(req.context, [instance.uuid]).get(instance.uuid):
        raise exception.DriverNotSupported(operation='%s of a server with volumes' % name,
                                           driver='compute')


def action(req, server_id):
    body = req.body
    known = [key for key in body if key in ACTIONS] if isinstance(body, dict) else []
    if len(known) != 1:
        raise exception.Invalid(reason='There is no such action: %s' % ', '.join(
            str(key)[:255] for key in (body if isinstance(body, dict) else [])))
    name = known[0]
    if name in _MAX_VERSION and tuple(req.version) > _MAX_VERSION[name]:
        raise base_exc.VersionNotFoundForAPIMethod(version='%d.%d' % tuple(req.version))
    args = common.validate(schemas.body(name), body)[name]
    handler, rule = ACTIONS[name]
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, rule, servers.target(instance))
    if name not in _LOCK_EXEMPT:
        servers.check_not_locked(req, instance)
    if name not in ('lock', 'unlock', 'forceDelete', 'os-resetState', 'evacuate',
                    'addSecurityGroup', 'removeSecurityGroup', 'addFloatingIp',
                    'removeFloatingIp', 'unshelve') and \
            not instance.host:
        raise exception.InstanceInvalidState(action=name, instance_uuid=instance.uuid,
                                             attr='vm_state', state=instance.vm_state)
    _refuse_with_volumes(req, instance, name)
    result = handler(req, instance, args)
    if isinstance(result, router.Response):
        return result
    if result is None:
        return router.Response(None, 202)
    return router.Response(result, 200)
