"""Per-host compute manager (DB-free: all state through the conductor)."""

import contextlib
import os
import tempfile
import traceback

import oslo_messaging as messaging
from oslo_concurrency import lockutils
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import excutils
from oslo_utils import timeutils

from common import context as alto_context
from services.compute import clients
from services.compute import exception
from services.compute.compute import backups
from services.compute.compute import image_cache
from services.compute.compute import instance_events
from services.compute.compute import rpcapi
from services.compute.compute import usage_audit
from services.compute.compute import volumes
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.metadata import configdrive
from services.compute.objects import block_device as bdm_obj
from services.compute.objects import compute_node as node_obj
from services.compute.objects import console_auth_token as console_obj
from services.compute.objects import flavor as flavor_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj
from services.compute.objects import migration as migration_obj
from services.compute.objects import request_spec as spec_obj
from services.compute.objects import service as service_obj
from services.compute.virt import driver as virt_driver
from services.compute.virt import rescue as virt_rescue

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
BINARY = service_obj.COMPUTE

# vm_state each power action leaves a server in.
_POWER_ACTIONS = {
    'stop_instance': ('power_off', inst_obj.STOPPED, 'powering-off', False),
    'start_instance': ('power_on', inst_obj.ACTIVE, 'powering-on', True),
    'pause_instance': ('pause', inst_obj.PAUSED, 'pausing', False),
    'unpause_instance': ('unpause', inst_obj.ACTIVE, 'unpausing', False),
    'suspend_instance': ('suspend', inst_obj.SUSPENDED, 'suspending', True),
    'resume_instance': ('resume', inst_obj.ACTIVE, 'resuming', True),
    'soft_delete_instance': ('power_off', inst_obj.SOFT_DELETED, 'soft-deleting', False),
    'restore_instance': ('power_on', inst_obj.ACTIVE, 'restoring', True),
}


_POWER_STATE_NAMES = {inst_obj.NOSTATE: 'pending', inst_obj.RUNNING: 'running',
                      inst_obj.PAUSED_POWER: 'paused', inst_obj.SHUTDOWN: 'shutdown',
                      inst_obj.CRASHED: 'crashed', inst_obj.SUSPENDED_POWER: 'suspended'}
_SHELVING_STATES = ('shelving', 'shelving_image_pending_upload', 'shelving_image_uploading')


def _delete_image(context, image_id):
    """Best effort: a snapshot nobody needs any more (shelved, or failed)."""
    if not image_id:
        return
    try:
        clients.image_client().delete(context, image_id)
    except Exception as exc:
        LOG.warning('Could not delete image %s: %s', image_id, exc)


def volume_image(image):
    """What a guest booting from a volume written from ``image`` keeps of
    it: its properties (kernel, ramdisk, hardware), no id (nothing to
    fetch but the kernel and ramdisk)."""
    return {'properties': dict(image.get('properties') or {}),
            'min_disk': image.get('min_disk') or 0, 'min_ram': image.get('min_ram') or 0}


def tail(text, length):
    """The last ``length`` lines of a console log as nova counts them: the
    text after the last newline is a line too (empty when the log ends with
    one), so the answer always splits into ``length`` pieces."""
    if length is None:
        return text
    return '\n'.join(text.split('\n')[-length:]) if length > 0 else ''


class ComputeManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self, host=None, driver=None):
        self.host = host or CONF.host
        self.driver = driver or virt_driver.load_driver(CONF.compute.compute_driver, self.host)
        self.conductor_api = conductor_rpcapi.ConductorAPI()
        self.instance_events = instance_events.InstanceEvents()
        self.periodic_tasks = [
            (self.report_resources, CONF.compute.resource_report_interval),
            (self.sync_power_states, CONF.compute.sync_power_state_interval),
            (self.offload_shelved_instances, CONF.compute.shelved_poll_interval),
            (self.reclaim_soft_deleted, CONF.compute.reclaim_instance_interval or 60)]
        if CONF.instance_usage_audit:
            self.periodic_tasks.append((self.audit_instance_usage,
                                        CONF.instance_usage_audit_interval))
        if CONF.compute.image_cache_manager_interval:
            self.periodic_tasks.append((self.prune_image_cache,
                                        CONF.compute.image_cache_manager_interval))

    # -- start-up and periodic work -------------------------------------------
    def init_host(self):
        # No heartbeat here: the service loop sends the first one once the
        # RPC server listens. A host that looks up before its queue exists
        # would be chosen and its build cast dropped, leaving the server in
        # BUILD for good.
        self.driver.init_host(self.host)
        context = alto_context.get_admin_context()
        self.report_resources()
        self._reconcile(context)

    def _reconcile(self, context):
        """Bring the control plane and the hypervisor back in line after a
        restart: interrupted builds fail, half-done deletes finish, guests
        nobody owns are removed, power states are refreshed."""
        mine = inst_obj.InstanceList.get_by_filters(context, {'host': self.host})
        known = set()
        for instance in mine:
            known.add(instance.uuid)
            if instance.task_state == 'deleting':
                self._terminate(context, instance)
            elif instance.vm_state == inst_obj.BUILDING:
                node_obj.ComputeNode.release(context, self.host, *instance.claim_args())
                instance.set_error('The compute service restarted during the build')
            else:
                self._sync_one(instance)
        for uuid in set(self.driver.list_instance_uuids()) - known:
            LOG.warning('Removing guest %s that no server owns', uuid)
            orphan = inst_obj.Instance(context, uuid=uuid)
            self.driver.destroy(context, orphan, [])

    def report_state(self):
        service_obj.Service.report(alto_context.get_admin_context(), self.host, BINARY,
                                   rpcapi.TOPIC, rpcapi.RPC_API_VERSION)

    def report_resources(self):
        resources = self.driver.get_available_resource()
        resources.update(cpu_allocation_ratio=CONF.compute.cpu_allocation_ratio,
                         ram_allocation_ratio=CONF.compute.ram_allocation_ratio,
                         disk_allocation_ratio=CONF.compute.disk_allocation_ratio)
        node_obj.ComputeNode.report(alto_context.get_admin_context(), self.host, resources)

    def prune_image_cache(self):
        """Remove cached images no guest of this host uses
        (``[compute] remove_unused_base_images``)."""
        if CONF.compute.remove_unused_base_images:
            image_cache.prune(self.host, self.driver.base_files_in_use())

    def audit_instance_usage(self):
        """Record the servers of the last completed audit period once
        (``[DEFAULT] instance_usage_audit``)."""
        usage_audit.audit(alto_context.get_admin_context(), self.host,
                          CONF.instance_usage_audit_period)

    def sync_power_states(self):
        context = alto_context.get_admin_context()
        for instance in inst_obj.InstanceList.get_by_filters(context, {'host': self.host}):
            if instance.task_state is None:
                self._sync_one(instance)

    def _sync_one(self, instance):
        power = self.driver.get_power_state(instance)
        if power == instance.power_state:
            return
        instance.power_state = power
        if instance.vm_state == inst_obj.ACTIVE and power in (
                inst_obj.SHUTDOWN, inst_obj.NOSTATE, inst_obj.CRASHED):
            # The guest stopped behind our back: show it as stopped.
            instance.vm_state = inst_obj.STOPPED
        try:
            instance.save(expected_task_state=[None])
        except (exception.InstanceInvalidState, exception.InstanceNotFound):
            pass

    # -- helpers -------------------------------------------------------------
    @contextlib.contextmanager
    def _event(self, context, instance_uuid, name):
        action_obj.InstanceAction.event_start(context, instance_uuid, name, host=self.host)
        try:
            yield
        except Exception as exc:
            self._finish_event(context, instance_uuid, name, 'Error', traceback.format_exc())
            LOG.warning('%s failed for %s: %s', name, instance_uuid, exc)
            raise
        self._finish_event(context, instance_uuid, name)

    @staticmethod
    def _finish_event(context, instance_uuid, name, result=None, details=None):
        """Record the end of a step, best effort: the work is done (or has
        failed) already, and a record the database could not take (it was
        away) must not turn a finished build into a failed one, whose
        clean-up would remove the guest of a server that is ACTIVE."""
        try:
            if result is None:
                action_obj.InstanceAction.event_finish(context, instance_uuid, name)
            else:
                action_obj.InstanceAction.event_finish(context, instance_uuid, name, result,
                                                       details)
        except Exception as exc:
            LOG.warning('Could not record the end of %s for %s: %s', name, instance_uuid, exc)

    def _get(self, context, uuid):
        return inst_obj.Instance.get_by_uuid(context, uuid)

    def _instance_lock(self, uuid):
        """Serialise this host's work on one server (two interface attaches
        would otherwise lose one; a delete waits for work in flight)."""
        return lockutils.lock('%s-instance-%s' % (self.host, uuid))

    def _cached_image(self, context, image_id):
        """Path of the host's cached copy of an image, fetched once."""
        return image_cache.fetch(context, self.host, image_id)

    def _with_boot_files(self, context, image):
        """``image`` plus the cached files of the kernel and ramdisk images
        its ``kernel_id`` / ``ramdisk_id`` name (``kernel_path``,
        ``ramdisk_path``), for a direct kernel boot."""
        props = (image or {}).get('properties') or {}
        extra = {key.replace('_id', '_path'): self._cached_image(context, props[key])
                 for key in ('kernel_id', 'ramdisk_id') if props.get(key)}
        return dict(image, **extra) if extra else image

    def get_host_uptime(self, context):
        return self.driver.get_host_uptime()

    # -- build and delete ----------------------------------------------------
    def build_and_run_instance(self, context, instance_uuid, request_spec):
        # A RequestSpec, or its dict from a conductor before compute RPC 1.3.
        request_spec = spec_obj.RequestSpec.from_rpc(request_spec)
        # Under the server's lock, as terminate_instance: a delete that
        # arrives mid-build runs after the build has given up.
        with self._instance_lock(instance_uuid):
            try:
                instance = self._get(context, instance_uuid)
            except exception.InstanceNotFound:
                return
            try:
                with self._event(context, instance_uuid, 'compute_build_and_run_instance'):
                    self._build(context, instance, request_spec)
            except exception.BuildAbortException as exc:  # no other host would do better
                self._cleanup_failed_build(context, instance)
                self._abort_build(context, instance, exc)
            except Exception as exc:  # any driver or network failure: try elsewhere
                self._cleanup_failed_build(context, instance)
                released = self.conductor_api.client.can_send_version(
                    conductor_rpcapi.RESCHEDULE_CLAIM_RELEASED)
                if self._give_up_host(context, instance, release=released):
                    self.conductor_api.reschedule_instance(
                        context, instance_uuid, request_spec, self.host, str(exc),
                        claim_released=released)

    def _build(self, context, instance, spec):
        network_info = clients.network_client().allocate_for_instance(
            context, instance, instance.requested_networks, self.host)
        instance.network_info = network_info
        if not network_info:
            # As nova: a server's groups are its ports'; without a port it has none.
            instance.security_groups = []
        tags = {inst_obj.VIF_TAG_PREFIX + vif['port_id']: request['tag']
                for request, vif in zip(instance.requested_networks or [], network_info)
                if request.get('tag')}
        if tags:  # the ports' device tags given at boot (one port per request)
            instance.system_metadata = dict(instance.system_metadata or {}, **tags)
        instance.task_state = 'spawning'
        if not instance.config_drive and configdrive.required(instance):
            instance.config_drive = 'True'  # [DEFAULT] force_config_drive
        instance.save(expected_task_state=['networking'])
        image = spec.image or {}
        path = self._cached_image(context, image.get('id'))
        image = self._with_boot_files(context, image)
        bdms = self._volume_mappings(context, instance)
        block_devices = volumes.prepare_boot_volumes(context, instance, bdms, self.host) \
            if bdms else None
        # Registered before the guest starts: the agent may wire it at once.
        expected = [('network-vif-plugged', port_id)
                    for port_id in self.driver.vif_plugged_events(network_info)]
        if not CONF.vif_plugging_timeout:
            expected = []
        with self.instance_events.expect(instance.uuid, expected) as waiter:
            self.driver.spawn(context, instance, image, path, network_info, instance.flavor,
                              block_device_info=block_devices,
                              wait_for_network=(lambda: self._wait_for_vifs(instance, waiter))
                              if expected else None)
        volumes.complete_all(context, instance, bdms)
        instance.vm_state = inst_obj.ACTIVE
        instance.task_state = None
        instance.power_state = self.driver.get_power_state(instance)
        instance.launched_at = timeutils.utcnow()
        instance.save(expected_task_state=['spawning'])

    def _wait_for_vifs(self, instance, waiter):
        """Called by the driver between starting the guest (paused) and
        resuming it: wait for the network service to report every port wired."""
        timeout = CONF.vif_plugging_timeout
        LOG.info('Waiting up to %d s for network-vif-plugged of %s for %s', timeout,
                 ', '.join(waiter.missing()), instance.uuid)
        if not waiter.wait(timeout):
            missing = ', '.join(waiter.missing())
            if CONF.vif_plugging_is_fatal:
                raise exception.BuildAbortException(
                    instance_uuid=instance.uuid,
                    reason='Timed out after %d s (vif_plugging_timeout) waiting for '
                           'network-vif-plugged of port %s' % (timeout, missing))
            LOG.warning('No network-vif-plugged for port %s of %s within %d s; booting '
                        'anyway (vif_plugging_is_fatal is false)', missing, instance.uuid,
                        timeout)
        elif waiter.cancelled:
            raise exception.ComputeError(waiter.cancelled)
        elif waiter.failed:
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid,
                reason='The network service reported port %s failed (network-vif-plugged '
                       'status failed)' % waiter.failed[1])

    def _abort_build(self, context, instance, exc):
        """ERROR with the reason, no host, the claim given back; the guest and
        ports are gone already. A delete that moved the server on first
        gives the claim back itself."""
        instance.host = None
        instance.node = None
        instance.network_info = []
        if instance.set_error(str(exc), expected_task_state=['networking', 'spawning'],
                              expected_vm_state=[inst_obj.BUILDING]):
            node_obj.ComputeNode.release(context, self.host, *instance.claim_args())

    # -- events from other services ------------------------------------------------
    def external_instance_event(self, context, events):
        """Events the API accepted for servers on this host (compute RPC
        1.4): each goes to the build waiting for it; a deleted port is
        unplugged, a changed one refreshes the server's network info; others
        are only logged. Every awaited event is handed over before any
        work under a server's lock, which a waiting build holds."""
        unawaited = []
        for event in events:
            uuid, name = event['server_uuid'], event['name']
            tag, status = event.get('tag'), event.get('status', 'completed')
            if self.instance_events.deliver(uuid, name, tag, status):
                LOG.info('Event %s:%s (%s) for %s delivered', name, tag, status, uuid)
            else:
                unawaited.append((uuid, name, tag, status))
        refreshed = set()
        for uuid, name, tag, status in unawaited:
            if name == 'network-vif-deleted' and not self.instance_events.waiting(uuid):
                self._forget_deleted_port(context, uuid, tag)
            elif name == 'network-changed':
                if uuid not in refreshed:  # one refresh reads every port of the server
                    refreshed.add(uuid)
                    self._refresh_network_info(uuid, tag)
            else:
                LOG.debug('Event %s:%s (%s) for %s: nothing waits for it', name, tag,
                          status, uuid)

    def _refresh_network_info(self, instance_uuid, port_id):
        """A port of the server changed in the network service (a floating
        IP came or went: network-changed): rebuild its network info (nova's
        info cache refresh), as compute's own service user, which reads the
        ports and floating IPs of every project."""
        context = alto_context.get_admin_context()
        with self._instance_lock(instance_uuid):
            try:
                instance = self._get(context, instance_uuid)
            except exception.InstanceNotFound:
                return
            if instance.host != self.host:
                return  # moved on; the new host's own network info stands
            try:
                vifs = clients.network_client().refresh_network_info(context, instance)
            except (exception.ComputeError, exception.ExternalServiceError) as exc:
                LOG.warning('Network info of %s not refreshed after a change of port %s: '
                            '%s', instance_uuid, port_id, exc)
                return
            if vifs == (instance.network_info or []):
                return
            LOG.info('Network info of %s refreshed after a change of port %s', instance_uuid,
                     port_id)
            instance.network_info = vifs
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass

    def _forget_deleted_port(self, context, instance_uuid, port_id):
        """A port of the server was deleted in the network service: unplug
        it and drop it from the server's addresses (nova's handling of
        network-vif-deleted). Compute's own detach or delete removed it
        already, and then this finds nothing to do."""
        with self._instance_lock(instance_uuid):
            try:
                instance = self._get(context, instance_uuid)
            except exception.InstanceNotFound:
                return
            vifs = instance.network_info or []
            vif = next((v for v in vifs if v['port_id'] == port_id), None)
            if vif is None or instance.host != self.host:
                return
            LOG.info('Port %s of %s was deleted in the network service: unplugging it',
                     port_id, instance_uuid)
            try:
                self.driver.detach_interface(context, instance, vif)
            except Exception as exc:
                LOG.warning('Unplugging deleted port %s from %s failed: %s', port_id,
                            instance_uuid, exc)
            instance.network_info = [v for v in vifs if v['port_id'] != port_id]
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass

    @staticmethod
    def _volume_mappings(context, instance):
        return [b for b in bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
            context, instance.uuid) if b.is_volume]

    def _cleanup_failed_build(self, context, instance):
        try:
            self.driver.destroy(context, instance, instance.network_info)
            clients.network_client().deallocate_for_instance(context, instance)
            volumes.unprepare(context, self.driver, instance,
                              self._volume_mappings(context, instance), self.host)
        except Exception:
            LOG.exception('Cleaning up the failed build of %s', instance.uuid)

    def _give_up_host(self, context, instance, release=True):
        """Hand a failed build back for rescheduling: True when this host
        still built it.

        The claim on this host is given back exactly once: with ``release``
        in the same transaction as this conditional update when it wins
        (a database or a reschedule cast lost after it cannot leak the
        claim), else by the conductor's reschedule (a conductor older than
        RPC 1.6); or by the delete that moved the server on (to
        ``deleting``, or gone) first.
        """
        instance.host = None
        instance.node = None
        instance.network_info = []
        instance.task_state = 'scheduling'
        # Still building: a final save that failed (the database was away)
        # left ACTIVE and its launch in the object's pending changes.
        instance.vm_state = inst_obj.BUILDING
        instance.power_state = inst_obj.NOSTATE
        instance.launched_at = None
        expected = {'expected_task_state': ['networking', 'spawning'],
                    'expected_vm_state': [inst_obj.BUILDING]}
        try:
            if release:
                instance.save_and_release(self.host, **expected)
            else:
                instance.save(**expected)
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Server %s was deleted while it was building', instance.uuid)
            return False
        return True

    def terminate_instance(self, context, instance_uuid):
        # A build waiting for its ports gives up now rather than at its timeout.
        self.instance_events.cancel(instance_uuid, 'Server %s is being deleted' % instance_uuid)
        # After any interface, shelve or unshelve work in flight on this
        # server, and with what that work left behind (ports, host).
        with self._instance_lock(instance_uuid):
            try:
                instance = self._get(context, instance_uuid)
            except exception.InstanceNotFound:
                return
            with self._event(context, instance_uuid, 'compute_terminate_instance'):
                self._terminate(context, instance)

    def _terminate(self, context, instance):
        bdms = bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(context, instance.uuid)
        # Assisted-snapshot overlays go back into the volumes' own files
        # while the guest is still there; when that fails nothing is torn
        # down: the server goes to ERROR with the reason and the volumes
        # keep their data (in the overlays), attached, until a delete again.
        try:
            volumes.merge_all(context, self.driver, instance, bdms)
        except exception.VolumeSnapshotFailed as exc:
            instance.set_error('Deleting the server failed: %s' % exc,
                               code=getattr(exc, 'code', 500))
            return
        self.driver.destroy(context, instance, instance.network_info)
        console_obj.ConsoleAuthToken.clean_for_instance(context, instance.uuid)
        clients.network_client().deallocate_for_instance(context, instance)
        # The guest is gone: its volumes are disconnected and released (and
        # deleted when they were to go with the server).
        volumes.release_all(context, instance, bdms, host=self.host)
        # A server offloaded meanwhile gave its claim back already.
        if instance.host == self.host and (instance.vm_state != inst_obj.ERROR
                                           or instance.launched_at):
            node_obj.ComputeNode.release(context, self.host, *instance.claim_args())
        if instance.new_flavor and instance.vm_state == inst_obj.RESIZED:
            self._release_resize_other_side(context, instance)
        instance.destroy()

    def _release_resize_other_side(self, context, instance):
        """A server deleted while its resize waits for confirmation on this
        (the destination) host: the source gives back its claim and drops
        what it kept for a revert (libvirt's ``<uuid>_resize``)."""
        source = instance.system_metadata.get('resize_source')
        if source and source != self.host:
            node_obj.ComputeNode.release(context, source, *instance.claim_args(old=True))
            try:
                rpcapi.ComputeAPI().cleanup_resize_source(context, source, instance.uuid)
            except Exception as exc:  # a source capped below 1.8 keeps the files
                LOG.warning('Could not ask %s to drop what it kept of %s: %s', source,
                            instance.uuid, exc)

    def cleanup_resize_source(self, context, instance_uuid):
        """Runs on the source of a resize whose server was deleted on the
        destination (compute RPC 1.8): drop the guest's kept files."""
        with self._instance_lock(instance_uuid):
            gone = inst_obj.Instance(context, uuid=instance_uuid)
            self.driver.confirm_migration(context, gone, same_host=False)
            LOG.info('Dropped what this host kept of deleted server %s', instance_uuid)

    # -- power and lifecycle actions ----------------------------------------------
    def _power_action(self, context, instance_uuid, method):
        driver_call, vm_state, task_state, needs_context = _POWER_ACTIONS[method]
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_' + method):
            func = getattr(self.driver, driver_call)
            func(context, instance) if needs_context else func(instance)
            instance.vm_state = vm_state
            instance.task_state = None
            instance.power_state = self.driver.get_power_state(instance)
            instance.save(expected_task_state=[task_state])

    def stop_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'stop_instance')

    def start_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'start_instance')

    def soft_delete_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'soft_delete_instance')

    def restore_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'restore_instance')

    def pause_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'pause_instance')

    def unpause_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'unpause_instance')

    def suspend_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'suspend_instance')

    def resume_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, 'resume_instance')

    def reboot_instance(self, context, instance_uuid, reboot_type):
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_reboot_instance'):
            self.driver.reboot(context, instance, reboot_type)
            instance.vm_state = inst_obj.ACTIVE
            instance.task_state = None
            instance.power_state = self.driver.get_power_state(instance)
            instance.save()

    def rebuild_instance(self, context, instance_uuid, image_ref, evacuated_from=None,
                         target_state=None, reimage_boot_volume=False):
        """Rebuild in place, or (``evacuated_from``) on this host for a
        server whose host is down.  As nova: a server rebuilt or evacuated
        while stopped is stopped again afterwards, and ``target_state``
        ``stopped`` (an evacuation at 2.95) leaves any server stopped.
        ``reimage_boot_volume`` (compute RPC 1.15, 2.93): the server boots
        from a volume, which the volume service rewrites with ``image_ref``
        before the new guest boots from it."""
        instance = self._get(context, instance_uuid)
        was_stopped = instance.vm_state == inst_obj.STOPPED or target_state == inst_obj.STOPPED
        root = None
        with self._event(context, instance_uuid, 'compute_rebuild_instance'):
            try:
                block_devices = None
                if not evacuated_from:
                    # Attached volumes leave the old guest and come back in
                    # the new one; their attachments stay as they are (but a
                    # root volume being reimaged: it gets a new one).
                    bdms = self._volume_mappings(context, instance)
                    volumes.unplug_for_rebuild(context, self.driver, instance, bdms)
                    self.driver.destroy(context, instance, instance.network_info)
                    if reimage_boot_volume:
                        root = self._root_mapping(instance, bdms)
                        bdms = [b for b in bdms if b is not root]
                    block_devices = volumes.replug_for_rebuild(context, instance, bdms,
                                                               self.host) or None
                else:
                    clients.network_client().bind_ports(context, instance, self.host)
                image = clients.image_client().get(context, image_ref) if image_ref else {}
                if root is not None:
                    block_devices = [self._reimage_root(context, instance, root, image)] + \
                        (block_devices or [])
                    # Booted from the volume: the image's properties only.
                    image, path = volume_image(image), None
                else:
                    path = self._cached_image(context, image_ref)
                image = self._with_boot_files(context, image)
                instance.task_state = 'rebuild_spawning'
                instance.save()
                self.driver.spawn(context, instance, image, path, instance.network_info,
                                  instance.flavor, block_device_info=block_devices)
                if root is not None:
                    volumes.complete_all(context, instance, [root])
            except Exception as exc:
                instance.set_error('Rebuild failed: %s' % exc)
                if evacuated_from:
                    migration_obj.Migration.advance(context, instance_uuid, 'failed',
                                                    [migration_obj.EVACUATION])
                raise
            if root is None:  # a volume-backed server has no image of its own
                instance.image_ref = image_ref
            instance.vm_state = inst_obj.ACTIVE
            if was_stopped:
                self.driver.power_off(instance)
                instance.vm_state = inst_obj.STOPPED
            instance.task_state = None
            instance.power_state = self.driver.get_power_state(instance)
            instance.launched_at = timeutils.utcnow()
            instance.save()
            if evacuated_from:
                migration_obj.Migration.advance(context, instance_uuid, 'done',
                                                [migration_obj.EVACUATION])

    @staticmethod
    def _root_mapping(instance, bdms):
        root = next((b for b in bdms if b.is_root), None)
        if root is None or not root.volume_id:
            raise exception.VolumeReimageFailed(
                volume_id=None, reason='server %s does not boot from a volume' % instance.uuid)
        return root

    def _reimage_root(self, context, instance, root, image):
        """The root volume rewritten with ``image`` by the volume service,
        waited for ``[DEFAULT] reimage_timeout_per_gb`` per GiB of the
        image; its ``block_device_info`` entry."""
        gib = max(1, -(-int(image.get('size') or 0) // (1 << 30)))
        timeout = CONF.reimage_timeout_per_gb * gib
        return volumes.reimage_root(context, instance, root, image['id'], self.host,
                                    self.instance_events, timeout)

    def snapshot_instance(self, context, instance_uuid, image_id):
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_snapshot_instance'):
            try:
                self._upload_snapshot(context, instance, image_id)
            finally:
                instance.task_state = None
                instance.save()

    def backup_instance(self, context, instance_uuid, image_id, backup_type, rotation):
        """createBackup (compute RPC 1.12): a snapshot, then the rotation of
        the server's backups of ``backup_type``.  The server is ACTIVE again
        only once the rotation is done, so the next backup sees its result."""
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_backup_instance'):
            try:
                self._upload_snapshot(context, instance, image_id)
                backups.rotate(context, instance_uuid, backup_type, rotation)
            finally:
                instance.task_state = None
                instance.save()

    def _upload_snapshot(self, context, instance, image_id):
        instance.task_state = 'image_uploading'
        instance.save()
        with tempfile.TemporaryDirectory(dir=CONF.state_path) as tmp:
            path = os.path.join(tmp, 'snapshot')
            try:
                self.driver.snapshot(context, instance, path)
                clients.image_client().upload(context, image_id, path)
            except Exception:
                # The image the API made for this snapshot would stay queued (or
                # half-written) for ever: delete it, as nova does.
                with excutils.save_and_reraise_exception():
                    _delete_image(context, image_id)

    def get_console_output(self, context, instance_uuid, length=None):
        instance = self._get(context, instance_uuid)
        return tail(self.driver.get_console_output(context, instance), length)

    def get_vnc_console(self, context, instance_uuid, console_type):
        """A console URL for the guest's VNC display (call, compute RPC 1.7):
        a token the conductor keeps ``[consoleauth] token_ttl`` seconds."""
        if not CONF.vnc.enabled:
            raise exception.ConsoleTypeUnavailable(console_type=console_type)
        instance = self._get(context, instance_uuid)
        display = self.driver.get_vnc_console(context, instance)
        token = console_obj.ConsoleAuthToken(
            context, console_type=console_type, host=display['host'], port=display['port'],
            instance_uuid=instance.uuid, access_url_base=CONF.vnc.novncproxy_base_url)
        token.authorize(CONF.consoleauth.token_ttl)
        return {'type': console_type, 'url': token.access_url}

    # -- 1.8: diagnostics, admin password, network info --------------------------
    def get_diagnostics(self, context, instance_uuid):
        """The running guest's figures (call); InstanceInvalidState (409)
        when it does not run, as nova."""
        instance = self._get(context, instance_uuid)
        power = self.driver.get_power_state(instance)
        if power != inst_obj.RUNNING:
            raise exception.InstanceInvalidState(
                action='get_diagnostics', instance_uuid=instance_uuid, attr='power state',
                state=_POWER_STATE_NAMES.get(power, 'pending'))
        return self.driver.get_diagnostics(instance)

    def set_admin_password(self, context, instance_uuid, new_pass):
        """changePassword (call): the driver sets the password of the
        image's ``os_admin_user`` (root by default); task_state
        ``updating_password`` ends either way."""
        instance = self._get(context, instance_uuid)
        try:
            with self._event(context, instance_uuid, 'compute_set_admin_password'):
                if self.driver.get_power_state(instance) != inst_obj.RUNNING:
                    raise exception.InstancePasswordSetFailed(
                        instance=instance_uuid, reason='the server is not running')
                self.driver.set_admin_password(instance, new_pass,
                                               self._admin_user(context, instance))
        finally:
            instance.task_state = None
            try:
                instance.save(expected_task_state=['updating_password'])
            except (exception.InstanceNotFound, exception.InstanceInvalidState):
                pass

    @staticmethod
    def _admin_user(context, instance):
        try:
            image = clients.image_client().get(context, instance.image_ref) \
                if instance.image_ref else {}
        except Exception:  # an image deleted since: its defaults
            image = {}
        props = (image or {}).get('properties') or {}
        if props.get('os_admin_user'):
            return props['os_admin_user']
        return 'Administrator' if props.get('os_type') == 'windows' else 'root'

    def inject_network_info(self, context, instance_uuid):
        """Refresh the server's network info from the network service
        (cast; injectNetworkInfo)."""
        with self._instance_lock(instance_uuid):
            try:
                instance = self._get(context, instance_uuid)
            except exception.InstanceNotFound:
                return
            vifs = clients.network_client().refresh_network_info(context, instance)
            if vifs != (instance.network_info or []):
                LOG.info('Network info of %s refreshed: %d ports', instance_uuid, len(vifs))
                instance.network_info = vifs
                instance.save()

    def validate_console_port(self, context, instance_uuid, port, console_type):
        """Whether ``port`` is still the guest's display (call, compute RPC
        1.7; the console proxy asks before it connects)."""
        try:
            display = self.driver.get_vnc_console(context, self._get(context, instance_uuid))
        except (exception.InstanceNotFound, exception.InstanceNotReady,
                exception.ConsoleTypeUnavailable):
            return False
        return display['port'] == port

    def rescue_instance(self, context, instance_uuid, rescue_image_ref=None):
        """Boot the guest from the rescue image (the server's own without
        ``rescue_image_ref``); the driver reads the image's properties for
        a stable device rescue, which also boots the image's own kernel.  A
        failure leaves the server in ERROR, as nova's."""
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_rescue_instance'):
            try:
                image, path = self._rescue_image(context, rescue_image_ref or instance.image_ref)
                self.driver.rescue(context, instance, path, image)
            except Exception as exc:
                with excutils.save_and_reraise_exception():
                    instance.set_error('Rescue failed: %s' % exc)
            instance.vm_state = inst_obj.RESCUED
            instance.task_state = None
            instance.power_state = self.driver.get_power_state(instance)
            instance.save()

    def _rescue_image(self, context, image_ref):
        """(image meta, cached path) of a rescue image; a stable device
        rescue image's kernel and ramdisk fetched for its direct boot."""
        if not image_ref:
            raise exception.ComputeError('There is no image to rescue from')
        image = clients.image_client().get(context, image_ref)
        path = self._cached_image(context, image_ref)
        if virt_rescue.image_layout(image) is not None:
            image = self._with_boot_files(context, image)
        return image, path

    def unrescue_instance(self, context, instance_uuid):
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_unrescue_instance'):
            self.driver.unrescue(context, instance)
            instance.vm_state = inst_obj.ACTIVE
            instance.task_state = None
            instance.save()

    # -- port interfaces ----------------------------------------------------------
    def attach_interface(self, context, instance_uuid, network_id, port_id, requested_ip):
        with self._instance_lock(instance_uuid):
            instance = self._get(context, instance_uuid)
            with self._event(context, instance_uuid, 'compute_attach_interface'):
                return self._attach_interface(context, instance, network_id, port_id,
                                              requested_ip)

    def _attach_interface(self, context, instance, network_id, port_id, requested_ip):
        network = clients.network_client()
        if port_id:
            device = network.get_port(context, port_id).get('device_id')
            if device and device != instance.uuid:
                raise exception.PortInUse(port_id=port_id)
        vif = network.allocate_port_for_instance(context, instance, self.host,
                                                 network_id=network_id, port_id=port_id,
                                                 fixed_ip=requested_ip)
        try:
            self.driver.attach_interface(context, instance, {'id': instance.image_ref}, vif)
        except Exception as exc:
            LOG.warning('Plugging port %s into %s failed: %s', vif['port_id'],
                        instance.uuid, exc)
            network.deallocate_port_for_instance(context, instance, vif)
            raise exception.InterfaceAttachFailed(instance_uuid=instance.uuid)
        instance.network_info = list(instance.network_info or []) + [vif]
        try:
            instance.save()
        except exception.InstanceNotFound:
            # Deleted while we attached: the delete did not know this port.
            self.driver.detach_interface(context, instance, vif)
            network.deallocate_port_for_instance(context, instance, vif)
            raise
        return vif

    def detach_interface(self, context, instance_uuid, port_id):
        with self._instance_lock(instance_uuid):
            instance = self._get(context, instance_uuid)
            with self._event(context, instance_uuid, 'compute_detach_interface'):
                vifs = instance.network_info or []
                vif = next((v for v in vifs if v['port_id'] == port_id), None)
                if vif is None:
                    raise exception.InterfaceNotAttached(instance_uuid=instance_uuid,
                                                         port_id=port_id)
                self.driver.detach_interface(context, instance, vif)
                clients.network_client().deallocate_port_for_instance(context, instance, vif)
                instance.network_info = [v for v in vifs if v['port_id'] != port_id]
                tag_key = inst_obj.VIF_TAG_PREFIX + port_id
                if tag_key in (instance.system_metadata or {}):  # the device tag goes too
                    instance.system_metadata = {k: v for k, v in
                                                instance.system_metadata.items()
                                                if k != tag_key}
                instance.save()

    # -- block volumes (compute RPC 1.4) ------------------------------------------------
    def attach_volume(self, context, instance_uuid, bdm):
        """Hot-plug the volume the API reserved (``bdm``); a failure undoes
        every step and leaves a fault on the server."""
        with self._instance_lock(instance_uuid):
            try:
                instance = self._get(context, instance_uuid)
            except exception.InstanceNotFound:
                volumes.release_all(context, inst_obj.Instance(
                    context, uuid=instance_uuid, project_id=context.project_id), [bdm])
                return
            try:
                with self._event(context, instance_uuid, 'compute_attach_volume'):
                    volumes.attach(context, self.driver, instance, bdm, self.host)
            except Exception as exc:
                instance.add_fault(getattr(exc, 'code', 500),
                                   'Failed to attach volume %s: %s' % (bdm.volume_id, exc),
                                   host=self.host)

    def detach_volume(self, context, instance_uuid, volume_id):
        with self._instance_lock(instance_uuid):
            instance = self._get(context, instance_uuid)
            try:
                bdm = bdm_obj.BlockDeviceMapping.get_by_volume(context, instance_uuid,
                                                               volume_id)
            except exception.VolumeBDMNotFound:
                return  # detached meanwhile
            try:
                with self._event(context, instance_uuid, 'compute_detach_volume'):
                    volumes.detach(context, self.driver, instance, bdm, self.host)
            except Exception as exc:
                instance.add_fault(getattr(exc, 'code', 500),
                                   'Failed to detach volume %s: %s' % (volume_id, exc),
                                   host=self.host)

    # -- swap volume (compute RPC 1.14) -------------------------------------------------
    def swap_volume(self, context, instance_uuid, old_volume_id, new_volume_id,
                    new_attachment_id):
        """Put the guest's disk on ``new_volume_id`` (``compute/volumes.py``);
        a failure leaves it on the old volume, releases the new one and a
        fault on the server."""
        with self._instance_lock(instance_uuid):
            try:
                instance = self._get(context, instance_uuid)
                bdm = bdm_obj.BlockDeviceMapping.get_by_volume(context, instance_uuid,
                                                               old_volume_id)
            except (exception.InstanceNotFound, exception.VolumeBDMNotFound):
                # Deleted or detached meanwhile: the reservation goes.
                try:
                    clients.volume_client().attachment_delete(context, new_attachment_id)
                except Exception as exc:
                    LOG.warning('Deleting attachment %s failed: %s', new_attachment_id, exc)
                return
            try:
                with self._event(context, instance_uuid, 'compute_swap_volume'):
                    volumes.swap(context, self.driver, instance, bdm, new_volume_id,
                                 new_attachment_id, self.host)
            except Exception as exc:
                instance.add_fault(getattr(exc, 'code', 500),
                                   'Failed to swap volume %s for %s: %s'
                                   % (old_volume_id, new_volume_id, exc), host=self.host)

    # -- assisted volume snapshots (compute RPC 1.11) ---------------------------------
    def volume_snapshot_create(self, context, instance_uuid, volume_id, create_info):
        """Switch the attached file volume onto ``create_info['new_file']``
        and tell the volume service how it went (``compute/volumes.py``)."""
        with self._instance_lock(instance_uuid):
            volumes.snapshot_create(context, self.driver, instance_uuid, volume_id,
                                    create_info)

    def volume_snapshot_delete(self, context, instance_uuid, volume_id, snapshot_id,
                               delete_info):
        """Merge the snapshot file away as ``delete_info`` says and tell the
        volume service how it went."""
        with self._instance_lock(instance_uuid):
            volumes.snapshot_delete(context, self.driver, instance_uuid, volume_id,
                                    snapshot_id, delete_info)

    # -- shelve / unshelve ------------------------------------------------------------
    def shelve_instance(self, context, instance_uuid, image_id):
        """Power off, snapshot to ``image_id``, SHELVED; with
        ``[compute] shelved_offload_time`` 0 offload at once."""
        with self._instance_lock(instance_uuid):
            instance = self._get(context, instance_uuid)
            with self._event(context, instance_uuid, 'compute_shelve_instance'):
                try:
                    self._shelve(context, instance, image_id)
                except Exception:
                    self._revert_task_state(context, instance_uuid, _SHELVING_STATES)
                    _delete_image(context, image_id)
                    raise
            if instance.task_state == 'shelving_offloading':
                with self._event(context, instance_uuid, 'compute_shelve_offload_instance'):
                    self._shelve_offload(context, instance)

    def _shelve(self, context, instance, image_id):
        if self.driver.get_power_state(instance) != inst_obj.SHUTDOWN:
            self.driver.power_off(instance)
        instance.task_state = 'shelving_image_pending_upload'
        instance.save(expected_task_state=['shelving'])
        with tempfile.TemporaryDirectory(dir=CONF.state_path) as tmp:
            path = os.path.join(tmp, 'snapshot')
            self.driver.snapshot(context, instance, path)
            instance.task_state = 'shelving_image_uploading'
            instance.save(expected_task_state=['shelving_image_pending_upload'])
            clients.image_client().upload(context, image_id, path)
        instance.system_metadata = dict(
            instance.system_metadata, shelved_at=timeutils.utcnow().isoformat(),
            shelved_image_id=image_id, shelved_host=self.host)
        instance.vm_state = inst_obj.SHELVED
        instance.power_state = self.driver.get_power_state(instance)
        # Set together with SHELVED, so no unshelve can slip in before the offload.
        instance.task_state = ('shelving_offloading' if CONF.compute.shelved_offload_time == 0
                               else None)
        instance.save(expected_task_state=['shelving_image_uploading'])

    def _revert_task_state(self, context, uuid, expected):
        """Clear a task_state this host set, unless someone (a delete) moved on."""
        try:
            instance = self._get(context, uuid)
            if instance.task_state in expected:
                instance.task_state = None
                instance.power_state = self.driver.get_power_state(instance)
                instance.save(expected_task_state=list(expected))
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            pass

    def shelve_offload_instance(self, context, instance_uuid):
        with self._instance_lock(instance_uuid):
            instance = self._get(context, instance_uuid)
            with self._event(context, instance_uuid, 'compute_shelve_offload_instance'):
                self._shelve_offload(context, instance)

    def _shelve_offload(self, context, instance):
        """Take a SHELVED server off this host: the guest goes, the ports stay
        (unbound), the volumes stay attached with no host connection (the
        unshelve connects them where the server lands), the claim is given
        back."""
        try:
            power = self.driver.get_power_state(instance)
            if power not in (inst_obj.SHUTDOWN, inst_obj.NOSTATE):
                self.driver.power_off(instance)
                power = inst_obj.SHUTDOWN
            bdms = self._volume_mappings(context, instance)
            # Overlays of assisted snapshots live beside the guest: written
            # back first, or the offload stops here with the guest intact.
            volumes.merge_all(context, self.driver, instance, bdms)
            self.driver.destroy(context, instance, instance.network_info)
            volumes.disconnect_all(context, instance, bdms, self.host)
            clients.network_client().unbind_ports(context, instance)
        except Exception:
            self._revert_task_state(context, instance.uuid, ('shelving_offloading',))
            raise
        instance.host = None
        instance.node = None
        instance.vm_state = inst_obj.SHELVED_OFFLOADED
        instance.task_state = None
        instance.power_state = power
        instance.save(expected_task_state=['shelving_offloading'])
        node_obj.ComputeNode.release(context, self.host, *instance.claim_args())

    def reclaim_soft_deleted(self):
        """Delete for good the servers soft-deleted here more than
        ``reclaim_instance_interval`` seconds ago."""
        interval = CONF.compute.reclaim_instance_interval
        if interval <= 0:
            return
        context = alto_context.get_admin_context()
        found = inst_obj.InstanceList.get_by_filters(
            context, {'host': self.host, 'vm_state': inst_obj.SOFT_DELETED,
                      'task_state': None})
        now = timeutils.utcnow()
        for instance in found:
            since = timeutils.normalize_time(instance.updated_at) \
                if instance.updated_at else None
            if since and (now.replace(tzinfo=None) - since).total_seconds() < interval:
                continue
            instance.task_state = 'deleting'
            try:
                instance.save(expected_task_state=[None],
                              expected_vm_state=[inst_obj.SOFT_DELETED])
            except (exception.InstanceNotFound, exception.InstanceInvalidState):
                continue  # restored or deleted meanwhile
            LOG.info('Reclaiming soft-deleted server %s', instance.uuid)
            try:
                self.terminate_instance(context, instance.uuid)
            except Exception:
                LOG.exception('Reclaiming soft-deleted server %s failed', instance.uuid)

    def offload_shelved_instances(self):
        """Offload servers shelved here longer than ``shelved_offload_time``."""
        timeout = CONF.compute.shelved_offload_time
        if timeout <= 0:
            return
        context = alto_context.get_admin_context()
        shelved = inst_obj.InstanceList.get_by_filters(
            context, {'host': self.host, 'vm_state': inst_obj.SHELVED, 'task_state': None})
        now = timeutils.utcnow()
        for instance in shelved:
            shelved_at = instance.system_metadata.get('shelved_at')
            if shelved_at and (now - timeutils.normalize_time(timeutils.parse_isotime(
                    shelved_at))).total_seconds() < timeout:
                continue
            instance.task_state = 'shelving_offloading'
            try:
                instance.save(expected_task_state=[None],
                              expected_vm_state=[inst_obj.SHELVED])
            except (exception.InstanceNotFound, exception.InstanceInvalidState):
                continue
            LOG.info('Offloading %s, shelved since %s (now %s)', instance.uuid, shelved_at,
                     now.isoformat())
            try:
                self.shelve_offload_instance(context, instance.uuid)
            except Exception:
                LOG.exception('Offloading shelved server %s failed', instance.uuid)

    def unshelve_instance(self, context, instance_uuid, request_spec=None):
        with self._instance_lock(instance_uuid):
            instance = self._get(context, instance_uuid)
            with self._event(context, instance_uuid, 'compute_unshelve_instance'):
                if instance.vm_state == inst_obj.SHELVED:
                    try:
                        self.driver.power_on(context, instance)
                    except Exception:
                        self._revert_task_state(context, instance_uuid, ('unshelving',))
                        raise
                    expected = 'unshelving'
                else:
                    self._spawn_shelved(context, instance)
                    expected = 'spawning'
                # The guest runs from its own disk now: the snapshot can go.
                _delete_image(context, instance.system_metadata.get('shelved_image_id'))
                instance.system_metadata = {k: v for k, v in instance.system_metadata.items()
                                            if k not in inst_obj.SHELVED_KEYS}
                instance.vm_state = inst_obj.ACTIVE
                instance.task_state = None
                instance.power_state = self.driver.get_power_state(instance)
                instance.save(expected_task_state=[expected])

    def _spawn_shelved(self, context, instance):
        """The conductor claimed this host: spawn from the shelved image, or
        from the root volume of a volume-backed server."""
        image_id = instance.system_metadata.get('shelved_image_id')
        bdms = []
        try:
            instance.task_state = 'spawning'
            instance.save(expected_task_state=['unshelving'])
            clients.network_client().bind_ports(context, instance, self.host)
            if image_id:
                image = clients.image_client().get(context, image_id)
                path = self._cached_image(context, image_id)
            else:  # volume-backed: it boots from its root volume again
                image, path = {'properties': inst_obj.image_properties(instance)}, None
            image = self._with_boot_files(context, image)
            # Its volumes (attached while it was offloaded, too): connected on this host now.
            bdms = self._volume_mappings(context, instance)
            block_devices = volumes.prepare_boot_volumes(context, instance, bdms, self.host) \
                if bdms else None
            self.driver.spawn(context, instance, image, path, instance.network_info,
                              instance.flavor, block_device_info=block_devices)
            volumes.complete_all(context, instance, bdms)
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            # Deleted meanwhile: the delete gave the claim back.
            self.driver.destroy(context, instance, [])
            raise
        except Exception as exc:
            missing = isinstance(exc, exception.ImageNotFound)
            self._abort_unshelve(context, instance, (
                'Unshelve attempted but the image %s cannot be found.' % image_id
                if missing else 'Unshelve failed: %s' % exc), error=missing)
            volumes.disconnect_all(context, instance, bdms, self.host)  # once the guest is gone
            raise

    def _abort_unshelve(self, context, instance, message, error=False):
        """Back to SHELVED_OFFLOADED (ERROR when the image is gone), no host."""
        try:
            self.driver.destroy(context, instance, instance.network_info)
            clients.network_client().unbind_ports(context, instance)
        except Exception:
            LOG.exception('Cleaning up the failed unshelve of %s', instance.uuid)
        instance.add_fault(500, message, host=self.host)
        instance.host = None
        instance.node = None
        instance.vm_state = inst_obj.ERROR if error else inst_obj.SHELVED_OFFLOADED
        instance.task_state = None
        try:
            instance.save(expected_task_state=['spawning'])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            return
        node_obj.ComputeNode.release(context, self.host, *instance.claim_args())

    # -- resize / cold migration -----------------------------------------------
    def prepare_resize_target(self, context, instance_uuid):
        """Runs on the destination (call, compute RPC 1.7): where the source
        sends the guest's files."""
        instance = self._get(context, instance_uuid)
        return self.driver.migration_target(instance)

    def resize_instance(self, context, instance_uuid, dest_host):
        """Runs on the source (compute RPC 1.7): stop the guest, move its
        disks to ``dest_host``, then let the destination finish. A failure
        leaves the guest as it was, gives the destination's claim back and
        records a fault."""
        with self._instance_lock(instance_uuid):
            instance = self._get(context, instance_uuid)
            with self._event(context, instance_uuid, 'compute_resize_instance'):
                bdms = self._volume_mappings(context, instance)
                stopped_here = False
                try:
                    self._refuse_unless_resizable(instance)
                    target = rpcapi.ComputeAPI().prepare_resize_target(context, dest_host,
                                                                       instance_uuid)
                    if bdms:
                        stopped_here = self._stop_for_volume_move(context, instance, bdms)
                    self.driver.migrate_disk_and_power_off(context, instance, target,
                                                           instance.new_flavor)
                except Exception as exc:
                    if stopped_here:  # back as it was: running, on its volumes
                        self._best_effort_power_on(context, instance)
                    self._abort_resize(context, instance, dest_host, exc)
                    raise
                # The guest is off (and gone, its files moved): its volumes
                # leave this host; their attachments stay, the destination
                # connects them on its side.
                volumes.disconnect_all(context, instance, bdms, self.host)
                instance.task_state = 'resize_migrated'
                instance.save(expected_task_state=['resize_migrating'])
        rpcapi.ComputeAPI().finish_resize(context, dest_host, instance_uuid, self.host)

    def _stop_for_volume_move(self, context, instance, bdms):
        """Power the guest off and merge its volumes' assisted-snapshot
        overlays back into their own files (the destination opens those):
        True when it ran before.  A merge that fails stops the resize."""
        running = self.driver.get_power_state(instance) == inst_obj.RUNNING
        if running:
            self.driver.power_off(instance)
        try:
            volumes.merge_all(context, self.driver, instance, bdms)
        except Exception:
            if running:
                self._best_effort_power_on(context, instance)
            raise
        return running

    def _best_effort_power_on(self, context, instance):
        try:
            if self.driver.get_power_state(instance) != inst_obj.RUNNING:
                self.driver.power_on(context, instance)
        except Exception as exc:
            LOG.warning('Could not start %s again after its failed resize: %s',
                        instance.uuid, exc)

    def _refuse_unless_resizable(self, instance):
        if not self.driver.supports_resize:
            raise exception.DriverNotSupported(operation='resize',
                                               driver=self.driver.hypervisor_type)

    def _abort_resize(self, context, instance, dest_host, exc):
        """The resize did not happen: the server stays here with its flavor."""
        node_obj.ComputeNode.release(context, dest_host,
                                     *flavor_obj.claim_args(instance.new_flavor,
                                                            instance.is_volume_backed))
        instance.new_flavor = None
        instance.system_metadata = {k: v for k, v in instance.system_metadata.items()
                                    if k not in ('resize_source', 'resize_dest')}
        instance.task_state = None
        with contextlib.suppress(Exception):  # the hypervisor may be what failed
            instance.power_state = self.driver.get_power_state(instance)
        try:
            instance.save(expected_task_state=['resize_migrating'])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            return
        instance.add_fault(getattr(exc, 'code', 500), 'Resize failed: %s' % exc,
                           host=self.host)

    def finish_resize(self, context, instance_uuid, source_host):
        """Runs on the destination: start the guest with the new flavor."""
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_finish_resize'):
            if not self.driver.supports_resize:
                # Refuse before the guest is torn down: it keeps running as it was.
                migration_obj.Migration.advance(context, instance_uuid, 'error')
                instance.task_state = None
                instance.save()
                self._refuse_unless_resizable(instance)
            image, path = self._resize_image(context, instance)
            if source_host != self.host:
                clients.network_client().bind_ports(context, instance, self.host)
            bdms = self._volume_mappings(context, instance)
            try:
                # The source disconnected the volumes: connected on this host.
                block_devices = self._connect_volumes(context, instance, bdms, reuse=False)
                self.driver.finish_migration(
                    context, instance, image, path, instance.network_info,
                    instance.new_flavor, same_host=source_host == self.host,
                    power_on=instance.vm_state != inst_obj.STOPPED,
                    block_device_info=block_devices or None)
            except Exception as exc:
                volumes.disconnect_all(context, instance, bdms, self.host)  # the new guest did not start
                instance.set_error('Finishing the resize failed: %s' % exc)
                raise
            volumes.complete_all(context, instance, bdms)
            # Confirm and revert leave a server resized while stopped stopped.
            instance.system_metadata = dict(instance.system_metadata,
                                            old_vm_state=instance.vm_state)
            instance.old_flavor = instance.flavor
            instance.flavor = instance.new_flavor
            instance.vcpus = instance.flavor['vcpus']
            instance.memory_mb = instance.flavor['memory_mb']
            instance.root_gb = instance.flavor['root_gb']
            instance.host = self.host
            instance.node = self.host
            instance.vm_state = inst_obj.RESIZED
            instance.task_state = None
            instance.power_state = self.driver.get_power_state(instance)
            instance.save()
            migration_obj.Migration.advance(context, instance_uuid, 'finished')

    def _resize_image(self, context, instance):
        """(image meta, cached path) the moved guest runs with on this host.
        The moved disks are overlays: they need this host's copy of the
        image; a volume-backed server has none, only its image properties
        (kernel, ramdisk, hardware) kept in its system metadata."""
        if not instance.image_ref:
            return self._with_boot_files(
                context, {'properties': inst_obj.image_properties(instance)}), None
        if not self.driver.supports_cow_images:
            return {'id': instance.image_ref}, None
        image = clients.image_client().get(context, instance.image_ref)
        path = self._cached_image(context, instance.image_ref)
        return self._with_boot_files(context, image), path

    def _connect_volumes(self, context, instance, bdms, reuse):
        """The volumes of a server arriving here (a resize, or its revert),
        connected with this host's connection info: the driver's
        ``block_device_info``.  With ``reuse`` (a revert of a resize on this
        very host) a mapping still connected keeps its connection."""
        devices = []
        for bdm in bdms:
            if not (reuse and bdm.connection_info):
                bdm.connection_info = volumes.connect_mapping(context, instance, bdm,
                                                              self.host)
                bdm.save()
            devices.append(volumes.block_device(bdm))
        return devices

    def confirm_resize(self, context, instance_uuid):
        """Runs on the source: drop the old guest and its resources."""
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_confirm_resize'):
            dest = instance.system_metadata.get('resize_dest')
            self.driver.confirm_migration(context, instance, same_host=dest == self.host)
            node_obj.ComputeNode.release(context, self.host, *instance.claim_args(old=True))
            instance.old_flavor = None
            instance.new_flavor = None
            instance.vm_state = self._state_before_resize(instance)
            instance.task_state = None
            instance.save()
            migration_obj.Migration.advance(context, instance_uuid, 'confirmed')

    @staticmethod
    def _state_before_resize(instance):
        """STOPPED for a server resized while stopped, else ACTIVE (as nova);
        the note finish_resize left goes."""
        meta = dict(instance.system_metadata)
        before = meta.pop('old_vm_state', None)
        instance.system_metadata = meta
        return inst_obj.STOPPED if before == inst_obj.STOPPED else inst_obj.ACTIVE

    def revert_resize(self, context, instance_uuid):
        """Runs on the destination: drop the new guest, hand back to the source."""
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_revert_resize'):
            source = instance.system_metadata.get('resize_source')
            migration_obj.Migration.advance(context, instance_uuid, 'reverting')
            if source != self.host:
                self.driver.destroy(context, instance, instance.network_info)
                # The guest is gone: its volumes leave this host (the source
                # connects them again). On one host they stay connected: the
                # source's revert replaces the guest that uses them.
                volumes.disconnect_all(context, instance,
                                       self._volume_mappings(context, instance), self.host)
            node_obj.ComputeNode.release(context, self.host, *instance.claim_args())
        rpcapi.ComputeAPI().finish_revert_resize(context, source, instance_uuid)

    def finish_revert_resize(self, context, instance_uuid):
        """Runs on the source: run the guest with the old flavor again."""
        instance = self._get(context, instance_uuid)
        with self._event(context, instance_uuid, 'compute_finish_revert_resize'):
            if instance.host != self.host:
                clients.network_client().bind_ports(context, instance, self.host)
            bdms = self._volume_mappings(context, instance)
            try:
                # Resized on this host: its volumes were never disconnected.
                block_devices = self._connect_volumes(context, instance, bdms,
                                                      reuse=instance.host == self.host)
                was_stopped = instance.system_metadata.get('old_vm_state') == inst_obj.STOPPED
                self.driver.finish_revert_migration(context, instance, instance.network_info,
                                                    instance.old_flavor,
                                                    block_device_info=block_devices or None,
                                                    power_on=not was_stopped)
            except Exception as exc:
                instance.set_error('Reverting the resize failed: %s' % exc)
                raise
            volumes.complete_all(context, instance, bdms)
            instance.flavor = instance.old_flavor
            instance.vcpus = instance.flavor['vcpus']
            instance.memory_mb = instance.flavor['memory_mb']
            instance.root_gb = instance.flavor['root_gb']
            instance.old_flavor = None
            instance.new_flavor = None
            instance.host = self.host
            instance.node = self.host
            instance.vm_state = self._state_before_resize(instance)
            instance.task_state = None
            instance.power_state = self.driver.get_power_state(instance)
            instance.save()
            migration_obj.Migration.advance(context, instance_uuid, 'reverted')
