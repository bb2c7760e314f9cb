"""Client side of the per-host compute RPC API (topic ``compute.<host>``).

Version history:
    1.0 - build_and_run_instance, terminate_instance, reboot_instance,
          stop_instance, start_instance, pause_instance, unpause_instance,
          suspend_instance, resume_instance, rebuild_instance,
          snapshot_instance, get_console_output, rescue_instance,
          unrescue_instance, finish_resize, confirm_resize, revert_resize,
          finish_revert_resize
    1.1 - attach_interface (call), detach_interface, shelve_instance,
          shelve_offload_instance, unshelve_instance
    1.2 - get_host_uptime (call)
    1.3 - build_and_run_instance and unshelve_instance take a RequestSpec
          object (the dict before)
    1.4 - external_instance_event (os-server-external-events)
    1.5 - attach_volume, detach_volume (block volumes)
    1.6 - soft_delete_instance, restore_instance (deferred delete)
    1.7 - resize_instance (cast to the source: power off, move the disks,
          then finish_resize on the destination), prepare_resize_target
          (call to the destination), get_vnc_console and
          validate_console_port (calls)
    1.8 - get_diagnostics, set_admin_password (calls), inject_network_info,
          cleanup_resize_source (casts)
    1.9 - not used (skipped when 1.8's calls landed)
    1.10 - rebuild_instance takes ``target_state`` (2.95: an evacuated
           server is left stopped)
    1.11 - volume_snapshot_create, volume_snapshot_delete (casts:
           os-assisted-volume-snapshots)
    1.12 - backup_instance (cast: createBackup, a snapshot then its
           rotation); rebuild_instance keeps the attached volumes (the API
           rebuilds a server with volumes only at 1.12)
    1.13 - resize_instance, finish_resize, revert_resize and
           finish_revert_resize move the attached volumes (the source
           disconnects them, the destination connects them; a revert the
           other way round) and a volume-backed server's root volume (the
           API resizes and migrates a server with volumes only at 1.13)
    1.14 - swap_volume (cast: the guest's disk copied from one volume onto
           another, its mapping moved; the API swaps volumes only at 1.14)
    1.15 - rebuild_instance takes ``reimage_boot_volume`` (2.93: the root
           volume of a volume-backed server is reimaged by the volume
           service; the API rebuilds such a server only at 1.15)
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc
from services.compute.objects import base as obj_base
from services.compute.objects import request_spec as spec_obj

CONF = cfg.CONF
TOPIC = 'compute'
# -- version bump: external_instance_event (1.4), block volumes (1.5),
# deferred delete (1.6), resize through the source and VNC consoles (1.7),
# diagnostics, admin password, network info refresh, resize source cleanup (1.8),
# rebuild's target state (1.10), assisted volume snapshots (1.11),
# backups and rebuild with volumes (1.12), resize with volumes (1.13),
# swap volume (1.14), rebuild reimaging the root volume (1.15) --
RPC_API_VERSION = '1.15'
#: The first version whose rebuild_instance takes ``target_state``.
REBUILD_TARGET_STATE = '1.10'
#: The first version with backup_instance.
BACKUP = '1.12'
#: The first version whose rebuild_instance reimages a root volume.
REIMAGE_BOOT_VOLUME = '1.15'
#: The first version whose rebuild_instance plugs the volumes back.
REBUILD_WITH_VOLUMES = '1.12'
#: The first version whose resize and cold migration move the volumes.
RESIZE_WITH_VOLUMES = '1.13'
#: The first version with swap_volume.
SWAP_VOLUME = '1.14'


class ComputeAPI:
    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.compute,
                                     serializer=obj_base.Serializer())

    def _prepare(self, host, version):
        if version != '1.0':
            rpc.require_version(self.client, version, 'compute')
        return self.client.prepare(server=host, version=version)

    def _cast(self, context, host, method, version='1.0', **kwargs):
        self._prepare(host, version).cast(context, method, **kwargs)

    def build_and_run_instance(self, context, host, instance_uuid, request_spec):
        version, request_spec = spec_obj.wire_form(self.client, '1.3', '1.0', request_spec)
        self._cast(context, host, 'build_and_run_instance', version=version,
                   instance_uuid=instance_uuid, request_spec=request_spec)

    def terminate_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'terminate_instance', instance_uuid=instance_uuid)

    def reboot_instance(self, context, host, instance_uuid, reboot_type):
        self._cast(context, host, 'reboot_instance', instance_uuid=instance_uuid,
                   reboot_type=reboot_type)

    def stop_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'stop_instance', instance_uuid=instance_uuid)

    def start_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'start_instance', instance_uuid=instance_uuid)

    def pause_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'pause_instance', instance_uuid=instance_uuid)

    def unpause_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'unpause_instance', instance_uuid=instance_uuid)

    def suspend_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'suspend_instance', instance_uuid=instance_uuid)

    def resume_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'resume_instance', instance_uuid=instance_uuid)

    def rebuild_instance(self, context, host, instance_uuid, image_ref, evacuated_from=None,
                         target_state=None, reimage_boot_volume=False):
        """``target_state``: ``stopped`` to leave the guest powered off
        (an evacuation at 2.95); None keeps the state the server had.
        ``reimage_boot_volume``: the server boots from a volume, which the
        volume service rewrites with ``image_ref`` (2.93)."""
        extra, version = {}, '1.0'
        if target_state is not None:
            extra, version = {'target_state': target_state}, REBUILD_TARGET_STATE
        if reimage_boot_volume:
            extra['reimage_boot_volume'] = True
            version = REIMAGE_BOOT_VOLUME
        self._cast(context, host, 'rebuild_instance', version=version,
                   instance_uuid=instance_uuid, image_ref=image_ref,
                   evacuated_from=evacuated_from, **extra)

    def snapshot_instance(self, context, host, instance_uuid, image_id):
        self._cast(context, host, 'snapshot_instance', instance_uuid=instance_uuid,
                   image_id=image_id)

    def backup_instance(self, context, host, instance_uuid, image_id, backup_type, rotation):
        """Snapshot into ``image_id``, then keep the newest ``rotation``
        backups of ``backup_type`` of the server (cast)."""
        self._cast(context, host, 'backup_instance', version=BACKUP,
                   instance_uuid=instance_uuid, image_id=image_id, backup_type=backup_type,
                   rotation=rotation)

    def get_console_output(self, context, host, instance_uuid, length=None):
        return self.client.prepare(server=host, version='1.0').call(
            context, 'get_console_output', instance_uuid=instance_uuid, length=length)

    def rescue_instance(self, context, host, instance_uuid, rescue_image_ref=None):
        self._cast(context, host, 'rescue_instance', instance_uuid=instance_uuid,
                   rescue_image_ref=rescue_image_ref)

    def unrescue_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'unrescue_instance', instance_uuid=instance_uuid)

    def finish_resize(self, context, host, instance_uuid, source_host):
        self._cast(context, host, 'finish_resize', instance_uuid=instance_uuid,
                   source_host=source_host)

    def confirm_resize(self, context, host, instance_uuid):
        self._cast(context, host, 'confirm_resize', instance_uuid=instance_uuid)

    def revert_resize(self, context, host, instance_uuid):
        self._cast(context, host, 'revert_resize', instance_uuid=instance_uuid)

    def finish_revert_resize(self, context, host, instance_uuid):
        self._cast(context, host, 'finish_revert_resize', instance_uuid=instance_uuid)

    def attach_interface(self, context, host, instance_uuid, network_id, port_id,
                         requested_ip):
        """Create or take a port, bind and plug it; answers its network_info
        entry (call: the API shows the port it made)."""
        return self._prepare(host, '1.1').call(
            context, 'attach_interface', instance_uuid=instance_uuid, network_id=network_id,
            port_id=port_id, requested_ip=requested_ip)

    def detach_interface(self, context, host, instance_uuid, port_id):
        self._cast(context, host, 'detach_interface', version='1.1',
                   instance_uuid=instance_uuid, port_id=port_id)

    def soft_delete_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'soft_delete_instance', version='1.6',
                   instance_uuid=instance_uuid)

    def restore_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'restore_instance', version='1.6',
                   instance_uuid=instance_uuid)

    def shelve_instance(self, context, host, instance_uuid, image_id):
        self._cast(context, host, 'shelve_instance', version='1.1',
                   instance_uuid=instance_uuid, image_id=image_id)

    def shelve_offload_instance(self, context, host, instance_uuid):
        self._cast(context, host, 'shelve_offload_instance', version='1.1',
                   instance_uuid=instance_uuid)

    def unshelve_instance(self, context, host, instance_uuid, request_spec=None):
        """Power on a shelved guest in place, or (``request_spec`` from the
        conductor's claim) spawn an offloaded one from its shelved image."""
        version = '1.1'
        if request_spec is not None:
            version, request_spec = spec_obj.wire_form(self.client, '1.3', '1.1',
                                                       request_spec)
        self._cast(context, host, 'unshelve_instance', version=version,
                   instance_uuid=instance_uuid, request_spec=request_spec)

    def get_host_uptime(self, context, host):
        """The host's ``uptime`` line (call)."""
        return self._prepare(host, '1.2').call(context, 'get_host_uptime')

    # -- 1.4: external_instance_event --
    def external_instance_event(self, context, host, events):
        """Events from other services for servers on ``host`` (dicts with
        ``server_uuid``, ``name``, ``tag``, ``status``)."""
        self._cast(context, host, 'external_instance_event', version='1.4', events=events)

    # -- 1.5: block volumes ----------------------------------------------------
    def attach_volume(self, context, host, instance_uuid, bdm):
        """Connect the reserved volume mapping ``bdm`` and hot-plug it (cast)."""
        self._cast(context, host, 'attach_volume', version='1.5',
                   instance_uuid=instance_uuid, bdm=bdm)

    def detach_volume(self, context, host, instance_uuid, volume_id):
        """Unplug the volume, disconnect it and delete its attachment (cast)."""
        self._cast(context, host, 'detach_volume', version='1.5',
                   instance_uuid=instance_uuid, volume_id=volume_id)

    # -- 1.7: resize and cold migration through the source ------------------------
    def resize_instance(self, context, host, instance_uuid, dest_host):
        """On the source ``host``: stop the guest, move its disks to
        ``dest_host``, which then finishes the resize (cast). Computes capped
        below 1.7 get finish_resize on the destination straight away."""
        if not self.client.can_send_version('1.7'):
            self.finish_resize(context, dest_host, instance_uuid, host)
            return
        self._cast(context, host, 'resize_instance', version='1.7',
                   instance_uuid=instance_uuid, dest_host=dest_host)

    def prepare_resize_target(self, context, host, instance_uuid):
        """Where the destination ``host`` takes the guest's files (call)."""
        return self._prepare(host, '1.7').call(context, 'prepare_resize_target',
                                               instance_uuid=instance_uuid)

    def get_vnc_console(self, context, host, instance_uuid, console_type):
        """``{'type', 'url'}`` of a console URL with a fresh token (call)."""
        return self._prepare(host, '1.7').call(context, 'get_vnc_console',
                                               instance_uuid=instance_uuid,
                                               console_type=console_type)

    def validate_console_port(self, context, host, instance_uuid, port, console_type):
        """Whether ``port`` is still the guest's display (call)."""
        return self._prepare(host, '1.7').call(context, 'validate_console_port',
                                               instance_uuid=instance_uuid, port=port,
                                               console_type=console_type)

    # -- 1.8: diagnostics, admin password, network info, resize source cleanup --
    def get_diagnostics(self, context, host, instance_uuid):
        """The running guest's figures (call)."""
        return self._prepare(host, '1.8').call(context, 'get_diagnostics',
                                               instance_uuid=instance_uuid)

    def set_admin_password(self, context, host, instance_uuid, new_pass):
        """Set the guest's administrator password (call: errors go back to
        the API caller)."""
        return self._prepare(host, '1.8').call(context, 'set_admin_password',
                                               instance_uuid=instance_uuid,
                                               new_pass=new_pass)

    def inject_network_info(self, context, host, instance_uuid):
        """Refresh the server's network info from the network service (cast)."""
        self._cast(context, host, 'inject_network_info', version='1.8',
                   instance_uuid=instance_uuid)

    def cleanup_resize_source(self, context, host, instance_uuid):
        """On the source of a resize whose server was deleted on the
        destination: drop what it kept for a revert (cast)."""
        self._cast(context, host, 'cleanup_resize_source', version='1.8',
                   instance_uuid=instance_uuid)

    def volume_snapshot_create(self, context, host, instance_uuid, volume_id, create_info):
        """Snapshot the attached file volume ``volume_id`` onto
        ``create_info['new_file']`` and report to the volume service (cast)."""
        self._cast(context, host, 'volume_snapshot_create', version='1.11',
                   instance_uuid=instance_uuid, volume_id=volume_id, create_info=create_info)

    def volume_snapshot_delete(self, context, host, instance_uuid, volume_id, snapshot_id,
                               delete_info):
        """Merge away the snapshot file ``delete_info`` names and report to
        the volume service (cast)."""
        self._cast(context, host, 'volume_snapshot_delete', version='1.11',
                   instance_uuid=instance_uuid, volume_id=volume_id,
                   snapshot_id=snapshot_id, delete_info=delete_info)

    # -- 1.14: swap volume ------------------------------------------------------
    def swap_volume(self, context, host, instance_uuid, old_volume_id, new_volume_id,
                    new_attachment_id):
        """Copy the guest's disk from ``old_volume_id`` onto
        ``new_volume_id`` (reserved with ``new_attachment_id``), move the
        mapping and release the old volume (cast)."""
        self._cast(context, host, 'swap_volume', version=SWAP_VOLUME,
                   instance_uuid=instance_uuid, old_volume_id=old_volume_id,
                   new_volume_id=new_volume_id, new_attachment_id=new_attachment_id)
