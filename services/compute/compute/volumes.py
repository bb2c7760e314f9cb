"""The compute host's side of block volumes.

The volume service hands out an attachment's ``connection_info`` once it
has this host's connector properties; os-brick turns that into something
the hypervisor can open (for the file driver's ``local`` kind, the path of
the volume's file; an ``iscsi`` volume is left to QEMU's own initiator),
and the virt driver hot-plugs it.  Every step that
succeeded is undone when a later one fails, so a volume is either attached
(guest, mapping, attachment ``attached``) or not at all.

Assisted snapshots of an attached file volume (the volume service asking
through ``os-assisted-volume-snapshots``) run here too: the driver does the
work, the outcome goes back with ``os-update_snapshot_status``.  The guest
then writes into overlays the volume service does not know of, so every
path that takes a volume from its guest (detach, server delete, a failed
build's clean-up) first has ``merge_overlays`` write them back into the
volume's own file; when that fails the volume stays attached.

Swap volume (compute RPC 1.14) runs here too: the new volume connected
beside the old one, the driver copies the guest's disk onto it, the mapping
moves (same device, new attachment), then the volume service hears it with
``os-migrate_volume_completion`` and the old volume is let go.

A multiattach volume (2.60) is connected once per server like any other,
its ``connection_info`` marked ``multiattach`` (the guest's disk is then
shareable); what undoes a host connection (detach, delete, a move, a
shelve offload) leaves it while another server on the host has it
connected (``disconnect_unless_shared``).
"""

import functools
import os
import platform
import socket
import sys
import time

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import excutils

from services.compute import clients
from services.compute import exception
from services.compute.objects import block_device as bdm_obj
from services.compute.objects import instance as inst_obj
from services.compute.virt import driver as virt_driver

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def _os_brick():
    """os-brick's connector module (deferred: a compute host only).  A
    daemon that runs as root has os-brick's privileged helpers run in its
    own process; otherwise they go through the privsep helper that
    ``[privsep_osbrick] helper_command`` starts."""
    from os_brick import privileged
    from os_brick.initiator import connector
    if os.geteuid() == 0:
        privileged.default.set_client_mode(False)
    return connector


@functools.lru_cache(maxsize=8)
def connector_properties(host):
    """This host's connector (os-brick's, for every transport it knows);
    read once per host: initiator names do not change under a running
    daemon."""
    try:
        props = _os_brick().get_connector_properties(
            CONF.compute.volume_root_helper, CONF.compute.my_block_storage_ip,
            False, False, host=host)
    except Exception as exc:
        # Probing iSCSI/NVMe initiators runs privileged helpers, which an
        # unprivileged daemon (as deploy runs it) may not start; the file
        # backend's local connections need none of what they would find.
        LOG.warning('Probing the block storage initiators of this host failed (%s); '
                    'sending the basic connector only', exc)
        props = {'ip': CONF.compute.my_block_storage_ip, 'os_type': sys.platform,
                 'multipath': False, 'enforce_multipath': False}
    props.setdefault('host', host or socket.gethostname())
    props.setdefault('platform', platform.machine())
    return props


def _brick(connection_info):
    connector = _os_brick()
    protocol = str(connection_info.get('driver_volume_type') or '').upper()
    try:
        return connector.InitiatorConnector.factory(
            protocol, CONF.compute.volume_root_helper, use_multipath=False)
    except ValueError as exc:
        raise exception.VolumeAttachFailed(volume_id=connection_info.get('volume_id'),
                                           reason='unsupported volume type %s (%s)'
                                           % (protocol.lower(), exc))


#: Volume kinds QEMU opens itself (its own iSCSI initiator, as the libvirt
#: driver's network disks): nothing to connect on the host.
HYPERVISOR_PROTOCOLS = ('iscsi',)


def _opened_by_hypervisor(connection_info):
    return connection_info.get('driver_volume_type') in HYPERVISOR_PROTOCOLS


def connect(connection_info):
    """Connect the volume on this host; ``connection_info`` with
    ``data.device_path`` set to what the guest opens (or as it came for a
    volume the hypervisor opens itself)."""
    if _opened_by_hypervisor(connection_info):
        return dict(connection_info)
    device = _brick(connection_info).connect_volume(connection_info['data'])
    data = dict(connection_info['data'], device_path=device['path'])
    return dict(connection_info, data=data)


def disconnect(connection_info):
    """Best effort: a volume this host no longer uses."""
    if _opened_by_hypervisor(connection_info):
        return
    try:
        _brick(connection_info).disconnect_volume(connection_info['data'], None)
    except Exception as exc:
        LOG.warning('Disconnecting %s failed: %s', connection_info.get('data'), exc)


def _used_by_another_server(context, instance, volume_id, host):
    """Whether another server on ``host`` has ``volume_id`` connected (a
    multiattach volume): its mapping holds a connection and the server is
    on this host and not being deleted."""
    admin = context.elevated()  # the other server may be another project's
    for other in bdm_obj.BlockDeviceMappingList.get_by_volume_id(admin, volume_id):
        if other.instance_uuid == instance.uuid or not other.connection_info:
            continue
        try:
            server = inst_obj.Instance.get_by_uuid(admin, other.instance_uuid)
        except exception.InstanceNotFound:
            continue
        if server.host == host and server.task_state != 'deleting':
            return True
    return False


def disconnect_unless_shared(context, instance, connection_info, host):
    """``disconnect``, except for a multiattach volume another server on
    this host still uses: the host connection (an os-brick session, a
    device) is one per host, not one per guest, and goes with its last
    user."""
    if not connection_info:
        return
    volume_id = connection_info.get('volume_id') or connection_info.get('serial')
    if connection_info.get('multiattach') and volume_id and \
            _used_by_another_server(context, instance, volume_id, host):
        LOG.info('Volume %s stays connected on %s: another server here uses it',
                 volume_id, host)
        return
    disconnect(connection_info)


def _best_effort(what, func, *args, **kwargs):
    try:
        func(*args, **kwargs)
    except Exception as exc:
        LOG.warning('%s failed: %s', what, exc)


def connect_mapping(context, instance, bdm, host):
    """Send the connector, connect: the mapping's ``connection_info``
    (``multiattach`` True for a volume other servers may have too: its
    guest disk is shared and its host connection outlives this server)."""
    volume_api = clients.volume_client()
    attachment = volume_api.attachment_update(
        context, bdm.attachment_id, connector_properties(host), bdm.device_name,
        project_id=instance.project_id)
    info = attachment.get('connection_info') or {}
    if not info.get('driver_volume_type'):
        raise exception.VolumeAttachFailed(volume_id=bdm.volume_id,
                                           reason='the volume service gave no connection')
    volume = volume_api.get(context, bdm.volume_id, project_id=instance.project_id)
    return dict(connect(info), serial=bdm.volume_id, volume_id=bdm.volume_id,
                multiattach=bool(volume.get('multiattach')))


def attach(context, driver, instance, bdm, host):
    """Hot-plug the reserved mapping ``bdm`` into the guest; on any
    failure everything is undone (guest, host connection, attachment,
    mapping) and the error raised."""
    volume_api = clients.volume_client()
    info = plugged = None
    try:
        info = connect_mapping(context, instance, bdm, host)
        driver.attach_volume(context, instance, info, bdm.device_name)
        plugged = True
        bdm.connection_info = info
        bdm.save()
        volume_api.attachment_complete(context, bdm.attachment_id,
                                       project_id=instance.project_id)
    except Exception:
        if plugged:
            _best_effort('Unplugging volume %s' % bdm.volume_id, driver.detach_volume,
                         context, instance, info, bdm.device_name)
        if info:
            disconnect_unless_shared(context, instance, info, host)
        _best_effort('Deleting attachment %s' % bdm.attachment_id,
                     volume_api.attachment_delete, context, bdm.attachment_id,
                     project_id=instance.project_id)
        _best_effort('Removing the mapping of %s' % bdm.volume_id, bdm.destroy)
        raise


class _Reserved:
    """The new volume of a swap as ``connect_mapping`` takes a mapping."""

    def __init__(self, volume_id, attachment_id, device_name):
        self.volume_id, self.attachment_id, self.device_name = (volume_id, attachment_id,
                                                                device_name)


def swap(context, driver, instance, bdm, new_volume_id, new_attachment_id, host):
    """Swap volume on the server's host: the old volume's overlays merged
    back, the new volume (reserved by the API with ``new_attachment_id``)
    connected, the guest's disk copied onto it by the driver, then the
    mapping moved to it (same device), its attachment completed, the volume
    service told (``os-migrate_volume_completion``: the id the mapping
    keeps) and the old volume's connection and attachment released.  A
    failure before the guest moved leaves the old volume as it was and the
    new one released."""
    volume_api = clients.volume_client()
    project = instance.project_id
    old_volume_id = bdm.volume_id
    new_info = None
    try:
        merge_overlays(context, driver, instance, bdm)
        old_info = bdm.connection_info
        if not old_info:
            raise exception.VolumeSwapFailed(volume_id=old_volume_id,
                                             reason='it is not connected on this host')
        old = volume_api.get(context, old_volume_id, project_id=project)
        new = volume_api.get(context, new_volume_id, project_id=project)
        new_info = connect_mapping(context, instance,
                                   _Reserved(new_volume_id, new_attachment_id,
                                             bdm.device_name), host)
        grow = int(new.get('size') or 0) > int(old.get('size') or 0)
        driver.swap_volume(context, instance, old_info, new_info, bdm.device_name,
                           resize_to=int(new['size']) if grow else 0)
    except Exception:
        with excutils.save_and_reraise_exception():
            if new_info:
                disconnect_unless_shared(context, instance, new_info, host)
            _best_effort('Deleting attachment %s' % new_attachment_id,
                         volume_api.attachment_delete, context, new_attachment_id,
                         project_id=project)
            _best_effort('Reporting the failed swap of %s' % old_volume_id,
                         volume_api.migrate_volume_completion, context, old_volume_id,
                         new_volume_id, error=True, project_id=project)
    # The guest is on the new volume: so is its mapping, whatever follows.
    old_attachment_id = bdm.attachment_id
    bdm.volume_id, bdm.attachment_id = new_volume_id, new_attachment_id
    bdm.connection_info, bdm.volume_size = new_info, new.get('size')
    bdm.save()
    disconnect_unless_shared(context, instance, old_info, host)
    volume_api.attachment_complete(context, new_attachment_id, project_id=project)
    saved = volume_api.migrate_volume_completion(context, old_volume_id, new_volume_id,
                                                 project_id=project)
    if saved and saved != new_volume_id:
        # The volume service migrated the old volume and gave the new one
        # its id: the mapping keeps that id.
        bdm.volume_id = saved
        bdm.connection_info = dict(new_info, serial=saved, volume_id=saved)
        bdm.save()
    elif old_attachment_id:
        # Gone already when the volume service released it in the completion.
        volume_api.attachment_delete(context, old_attachment_id, project_id=project)
    LOG.info('Volume %s of %s swapped for %s on %s', old_volume_id, instance.uuid,
             new_volume_id, bdm.device_name)


def merge_overlays(context, driver, instance, bdm):
    """The one step before a volume leaves its guest: assisted-snapshot
    overlays (``OVERLAY_BASE`` in its connection_info) merged back into the
    volume's own file, the mapping saved with that file's connection.
    Nothing to do for a volume never snapshotted.  Raises when the merge
    failed: the caller keeps the volume attached (the data is in the
    overlays, which stay)."""
    info = bdm.connection_info
    if not info or not info.get(virt_driver.OVERLAY_BASE):
        return
    LOG.info('Merging the snapshot overlays of volume %s of %s back into %s',
             bdm.volume_id, instance.uuid, info[virt_driver.OVERLAY_BASE].get('device_path'))
    bdm.connection_info = driver.volume_snapshot_merge(context, instance, info,
                                                       bdm.device_name)
    bdm.save()


def merge_all(context, driver, instance, bdms):
    """``merge_overlays`` for each of a server's volumes (one failure does
    not stop the others); raises VolumeSnapshotFailed naming those that
    failed."""
    failed, reasons = [], []
    for bdm in bdms:
        try:
            merge_overlays(context, driver, instance, bdm)
        except Exception as exc:
            LOG.error('Merging the snapshot overlays of volume %s of %s failed: %s',
                      bdm.volume_id, instance.uuid, exc)
            failed.append(bdm.volume_id)
            reasons.append(str((getattr(exc, 'kwargs', None) or {}).get('reason') or exc))
    if failed:
        raise exception.VolumeSnapshotFailed(
            volume_id=', '.join(failed),
            reason='its overlays could not be merged back (%s)' % '; '.join(reasons))


def detach(context, driver, instance, bdm, host):
    """Merge the overlays back, unplug, disconnect (unless another server
    on ``host`` shares the volume), delete the attachment and the mapping.
    The mapping stays when the merge fails or the guest refuses, so the
    detach can be retried."""
    merge_overlays(context, driver, instance, bdm)
    if bdm.connection_info:
        driver.detach_volume(context, instance, bdm.connection_info, bdm.device_name)
        disconnect_unless_shared(context, instance, bdm.connection_info, host)
    release(context, instance, bdm, delete_volume=False)


def release(context, instance, bdm, delete_volume=None):
    """The volume service's side of a mapping the guest no longer uses:
    its attachment goes, the volume too when it was made to go with the
    server (``delete_on_termination``), then the mapping."""
    volume_api = clients.volume_client()
    if bdm.attachment_id:
        volume_api.attachment_delete(context, bdm.attachment_id,
                                     project_id=instance.project_id)
    if bdm.delete_on_termination if delete_volume is None else delete_volume:
        _best_effort('Deleting volume %s' % bdm.volume_id, volume_api.delete, context,
                     bdm.volume_id, project_id=instance.project_id)
    bdm.destroy()


def release_all(context, instance, bdms, host=None):
    """A deleted server's volumes: every mapping released, best effort each
    (one volume service failure does not keep the others attached), and
    every mapping row removed whatever the volume service said.  With
    ``host`` their connections on that host are undone first."""
    for bdm in bdms:
        if host and bdm.connection_info:
            _best_effort('Disconnecting volume %s' % bdm.volume_id,
                         disconnect_unless_shared, context, instance, bdm.connection_info,
                         host)
        try:
            if bdm.is_volume and bdm.volume_id:
                release(context, instance, bdm)
        except Exception as exc:
            LOG.warning('Releasing volume %s of %s failed: %s', bdm.volume_id,
                        instance.uuid, exc)
        finally:
            _best_effort('Removing mapping %s' % bdm.uuid, bdm.destroy)


def wait_available(context, volume_id, project_id):
    """Poll a volume being created until it is ``available``."""
    volume_api = clients.volume_client()
    deadline = time.monotonic() + CONF.volume.volume_create_timeout
    while True:
        volume = volume_api.get(context, volume_id, project_id=project_id)
        if volume['status'] == 'available':
            return volume
        if volume['status'] in ('error', 'error_restoring', 'error_extending'):
            raise exception.VolumeNotReady(volume_id=volume_id,
                                           reason='its status is %s' % volume['status'])
        if time.monotonic() > deadline:
            raise exception.VolumeNotReady(volume_id=volume_id,
                                           reason='still %s after %d s' % (
                                               volume['status'],
                                               CONF.volume.volume_create_timeout))
        time.sleep(CONF.volume.volume_poll_interval)


def prepare_boot_volumes(context, instance, bdms, host):
    """A build's volume mappings, connected to this host: volumes made from
    their image or volume snapshot where asked (and waited for), an attachment each, then the
    connection.  Answers the driver's ``block_device_info``."""
    volume_api = clients.volume_client()
    project = instance.project_id
    devices = []
    for bdm in bdms:
        if not bdm.is_volume:
            continue
        if not bdm.volume_id:
            volume = volume_api.create(
                context, _new_volume_size(instance, bdm),
                name='%s-vol' % (instance.display_name or instance.uuid),
                image_id=bdm.image_id if bdm.source_type == 'image' else None,
                availability_zone=None, project_id=project, snapshot_id=bdm.snapshot_id)
            bdm.volume_id = volume['id']
            bdm.save()
            wait_available(context, bdm.volume_id, project)
        if not bdm.attachment_id:
            bdm.attachment_id = volume_api.attachment_create(
                context, bdm.volume_id, instance.uuid, project_id=project)['id']
            bdm.save()
        bdm.connection_info = connect_mapping(context, instance, bdm, host)
        bdm.save()
        devices.append(block_device(bdm))
    return devices


def _new_volume_size(instance, bdm):
    """The size asked for, else a snapshot's own (None: the volume service
    knows it) or the flavor's root disk."""
    if bdm.volume_size or bdm.snapshot_id:
        return bdm.volume_size or None
    return instance.flavor.get('root_gb') or 1


def block_device(bdm):
    """One entry of a driver's ``block_device_info``."""
    return {'connection_info': bdm.connection_info, 'device_name': bdm.device_name,
            'boot_index': bdm.boot_index, 'volume_id': bdm.volume_id, 'tag': bdm.tag}


def complete_all(context, instance, bdms):
    for bdm in bdms:
        if bdm.is_volume and bdm.attachment_id:
            clients.volume_client().attachment_complete(context, bdm.attachment_id,
                                                        project_id=instance.project_id)


def disconnect_all(context, instance, bdms, host):
    """The host connections of a server leaving ``host`` (a shelve
    offload, a failed unshelve, a resize) undone, but those another server
    there shares; the attachments stay (the server keeps its volumes for
    the next unshelve)."""
    for bdm in bdms:
        if bdm.is_volume and bdm.connection_info:
            _best_effort('Disconnecting volume %s' % bdm.volume_id, disconnect_unless_shared,
                         context, instance, bdm.connection_info, host)
            bdm.connection_info = None
            _best_effort('Resetting mapping %s' % bdm.uuid, bdm.save)


def unplug_for_rebuild(context, driver, instance, bdms):
    """Before a rebuild destroys the guest: its volumes' overlays merged
    back (the new guest opens the volume's own file).  A merge that fails
    stops the rebuild (the guest keeps writing into what the volume service
    does not know).  The disks are not unplugged from the guest one by one:
    it is destroyed next, and a guest that is still booting would make each
    unplug wait out its attempts."""
    merge_all(context, driver, instance, bdms)


def replug_for_rebuild(context, instance, bdms, host):
    """Once the old guest is gone: each volume's host connection made anew
    from the connection the attachment gave (the attachment itself is
    kept), for the new guest's ``block_device_info``.  A multiattach
    volume another server here uses keeps its connection as it is."""
    devices = []
    for bdm in bdms:
        info = bdm.connection_info
        if not info:
            continue
        if not (info.get('multiattach') and _used_by_another_server(
                context, instance, bdm.volume_id, host)):
            disconnect(info)
            bdm.connection_info = dict(connect(info), multiattach=bool(info.get('multiattach')))
            bdm.save()
        devices.append(block_device(bdm))
    return devices


def reimage_root(context, instance, bdm, image_id, host, events, timeout):
    """A rebuild of a server that boots from a volume (2.93), the old guest
    gone: the root volume leaves this host and is reserved for the server
    by a new attachment before its old one goes (so it stays ``reserved``),
    the volume service writes ``image_id`` over it (os-reimage with
    ``reimage_reserved``) and reports the end with ``volume-reimaged``,
    waited for up to ``timeout`` seconds through ``events`` (the host's
    InstanceEvents); then the new attachment connects.  Answers the
    volume's ``block_device_info`` entry; the caller completes the
    attachment once the guest runs.  Raises VolumeReimageFailed on a
    failure or the timeout, the new attachment deleted (the mapping is
    kept, with no attachment: a later rebuild or the server's delete
    starts from there)."""
    volume_api = clients.volume_client()
    project = instance.project_id
    if bdm.connection_info:
        disconnect_unless_shared(context, instance, bdm.connection_info, host)
    new_id = volume_api.attachment_create(context, bdm.volume_id, instance.uuid,
                                          project_id=project)['id']
    old_id, bdm.attachment_id, bdm.connection_info = bdm.attachment_id, new_id, None
    bdm.save()
    try:
        if old_id:
            volume_api.attachment_delete(context, old_id, project_id=project)
        with events.expect(instance.uuid, [('volume-reimaged', bdm.volume_id)]) as waiter:
            volume_api.reimage(context, bdm.volume_id, image_id, reimage_reserved=True,
                               project_id=project)
            LOG.info('Waiting up to %d s for volume-reimaged of %s for %s', timeout,
                     bdm.volume_id, instance.uuid)
            if not waiter.wait(timeout):
                raise exception.VolumeReimageFailed(
                    volume_id=bdm.volume_id,
                    reason='no volume-reimaged event within %d s' % timeout)
            if waiter.cancelled:
                raise exception.VolumeReimageFailed(volume_id=bdm.volume_id,
                                                    reason=waiter.cancelled)
            if waiter.failed:
                raise exception.VolumeReimageFailed(
                    volume_id=bdm.volume_id,
                    reason='the volume service reported it failed (volume-reimaged '
                           'status failed)')
        bdm.connection_info = connect_mapping(context, instance, bdm, host)
        bdm.save()
    except Exception:
        _best_effort('Deleting attachment %s' % new_id, volume_api.attachment_delete,
                     context, new_id, project_id=project)
        bdm.attachment_id = bdm.connection_info = None
        _best_effort('Resetting mapping %s' % bdm.uuid, bdm.save)
        raise
    return block_device(bdm)


def unprepare(context, driver, instance, bdms, host):
    """A failed build's volumes back to how the API left them: connections
    and attachments gone (another host makes its own), mappings and the
    volumes kept (a volume made from an image too: a reschedule reuses it)."""
    volume_api = clients.volume_client()
    for bdm in bdms:
        try:
            merge_overlays(context, driver, instance, bdm)
        except Exception as exc:
            LOG.error('Volume %s of the failed build of %s keeps its attachment: its '
                      'snapshot overlays could not be merged back (%s)', bdm.volume_id,
                      instance.uuid, exc)
            continue
        if bdm.connection_info:
            disconnect_unless_shared(context, instance, bdm.connection_info, host)
        if bdm.attachment_id:
            _best_effort('Deleting attachment %s' % bdm.attachment_id,
                         volume_api.attachment_delete, context, bdm.attachment_id,
                         project_id=instance.project_id)
        bdm.attachment_id = None
        bdm.connection_info = None
        _best_effort('Resetting mapping %s' % bdm.uuid, bdm.save)


# -- assisted volume snapshots (os-assisted-volume-snapshots) ----------------------

def _mapping(context, instance_uuid, volume_id):
    instance = inst_obj.Instance.get_by_uuid(context, instance_uuid)
    return instance, bdm_obj.BlockDeviceMapping.get_by_volume(context, instance_uuid,
                                                              volume_id)


def _report(context, snapshot_id, status):
    """Best effort: the volume service may not know the snapshot (a
    caller's own id) or refuse the move; compute's work stands."""
    try:
        clients.volume_client().update_snapshot_status(context, snapshot_id, status)
    except Exception as exc:
        LOG.warning('Reporting snapshot %s as %s to the volume service failed: %s',
                    snapshot_id, status, exc)


def _with_overlay_base(before, after):
    """``after`` (the connection of the overlay) remembering the volume's
    own file (the first snapshot's file under it, kept by later ones) and
    every overlay made for it (``overlays``: a merge back removes those a
    snapshot delete merged away too)."""
    base = (before or {}).get(virt_driver.OVERLAY_BASE)
    data = (before or {}).get('data') or {}
    new_path = (after.get('data') or {}).get('device_path')
    if not data.get('device_path') or data.get('device_path') == new_path:
        return dict(after, **{virt_driver.OVERLAY_BASE: base}) if base else after
    if not base:
        base = {'device_path': data['device_path'], 'format': data.get('format') or 'raw'}
    overlays = [p for p in base.get('overlays') or [] if p != new_path] + [new_path]
    return dict(after, **{virt_driver.OVERLAY_BASE: dict(base, overlays=overlays)})


def snapshot_create(context, driver, instance_uuid, volume_id, create_info):
    """The guest's disk moves onto the overlay ``new_file`` (the file under
    it is the snapshot); the mapping keeps the new connection (the next
    boot opens the overlay) and the volume service hears ``creating`` at
    90%, or ``error`` when anything failed."""
    snapshot_id = create_info.get('snapshot_id')
    try:
        instance, bdm = _mapping(context, instance_uuid, volume_id)
        info = driver.volume_snapshot_create(context, instance, bdm.connection_info,
                                             bdm.device_name, create_info)
        if info:
            bdm.connection_info = _with_overlay_base(bdm.connection_info, info)
            bdm.save()
    except Exception as exc:
        LOG.warning('Snapshot %s of volume %s on %s failed: %s', snapshot_id, volume_id,
                    instance_uuid, exc)
        _report(context, snapshot_id, 'error')
        return
    LOG.info('Volume %s of %s snapshotted onto %s', volume_id, instance_uuid,
             create_info.get('new_file'))
    _report(context, snapshot_id, 'creating')


def snapshot_delete(context, driver, instance_uuid, volume_id, snapshot_id, delete_info):
    """The merge ``delete_info`` asks; the volume service hears ``deleting``
    at 90%, or ``error_deleting`` when anything failed."""
    try:
        instance, bdm = _mapping(context, instance_uuid, volume_id)
        info = driver.volume_snapshot_delete(context, instance, bdm.connection_info,
                                             bdm.device_name, delete_info)
        if info and info != bdm.connection_info:
            bdm.connection_info = info
            bdm.save()
    except Exception as exc:
        LOG.warning('Deleting snapshot %s of volume %s on %s failed: %s', snapshot_id,
                    volume_id, instance_uuid, exc)
        _report(context, snapshot_id, 'error_deleting')
        return
    LOG.info('Snapshot %s of volume %s on %s merged', snapshot_id, volume_id, instance_uuid)
    _report(context, snapshot_id, 'deleting')
