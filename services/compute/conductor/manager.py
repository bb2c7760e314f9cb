"""Compute conductor: the only process with the compute database.

It serves remotable object calls for the other daemons (see
``common.objects.ObjectConductorEndpoint``), runs the build and migrate
flows, and watches for servers stuck building on dead compute hosts.
"""

import datetime
import threading
import time

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from common import context as alto_context
from common import servicegroup
from services.compute import exception
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.conductor import placement
from services.compute.conductor import rpcapi
from services.compute.conductor.tasks import build
from services.compute.conductor.tasks import unshelve
from services.compute.objects import compute_node as node_obj
from services.compute.objects import flavor as flavor_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import migration as migration_obj
from services.compute.objects import request_spec as spec_obj
from services.compute.objects import service as service_obj
from services.compute.scheduler import rpcapi as scheduler_rpcapi

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
BINARY = service_obj.CONDUCTOR


class ConductorManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self, host=None):
        self.host = host or CONF.host
        self.scheduler_api = scheduler_rpcapi.SchedulerAPI()
        self.compute_api = compute_rpcapi.ComputeAPI()
        self.build_task = build.BuildTask(self.scheduler_api, self.compute_api)
        self.unshelve_task = unshelve.UnshelveTask(self.scheduler_api, self.compute_api)
        self._build_slots = threading.BoundedSemaphore(CONF.conductor.max_concurrent_builds)
        self.periodic_tasks = [(self.fail_builds_on_dead_hosts,
                                CONF.conductor.build_watchdog_interval)]
        # Since when heartbeats have been arriving over the bus (see
        # _dead_hosts); from start-up, as the hosts may not know us yet.
        self._heard_since = time.monotonic()
        self._bus_silent = False

    def report_state(self):
        service_obj.Service.report(alto_context.get_admin_context(), self.host, BINARY,
                                   rpcapi.TOPIC, rpcapi.RPC_API_VERSION)

    # -- RPC -----------------------------------------------------------------
    # ``request_spec`` is a RequestSpec, or its dict from a client before 1.2.
    def ping(self, context):
        return 'pong'

    def build_instances(self, context, instance_uuids, request_spec):
        self._run_build(self.build_task.build, context, instance_uuids,
                        spec_obj.RequestSpec.from_rpc(request_spec))

    def reschedule_instance(self, context, instance_uuid, request_spec, failed_host, reason,
                            claim_released=False):
        self._run_build(self.build_task.reschedule, context, instance_uuid,
                        spec_obj.RequestSpec.from_rpc(request_spec), failed_host, reason,
                        claim_released)

    def unshelve_instance(self, context, instance_uuid, request_spec):
        # Placement like a build's: on the bounded build threads.
        self._run_build(self.unshelve_task.unshelve, context, instance_uuid,
                        spec_obj.RequestSpec.from_rpc(request_spec))

    def placement(self, context, operation, args):
        """The placement API's view of the claim data (conductor/placement.py)."""
        try:
            return placement.dispatch(context, operation, args)
        except exception.PlacementError:
            # An answer, not a failure: re-raised to the caller, not logged here.
            raise messaging.ExpectedException()

    def reserve_block_device_name(self, context, bdm, guest_devices):
        """A volume's mapping, written with its device name in one
        transaction (see ``BlockDeviceMapping.reserve``)."""
        try:
            bdm.reserve(guest_devices)
        except (exception.VolumeAttached, exception.DevicePathInUse,
                exception.InvalidDevicePath):
            raise messaging.ExpectedException()  # the caller's answer, not our failure
        return bdm

    def _run_build(self, func, *args):
        """Run a build flow on its own thread, at most
        ``[conductor] max_concurrent_builds`` at once.

        The RPC executor's slot is freed at once: a build waits on the
        scheduler, which reads host state back through this conductor, so
        builds holding every executor slot would starve the very calls they
        wait for.  Bounding the builds keeps a boot storm's memory flat and,
        with less contention, finishes it sooner.
        """
        def run():
            with self._build_slots:
                try:
                    func(*args)
                except Exception:
                    LOG.exception('Build flow %s failed', func.__name__)

        threading.Thread(target=run, name='build', daemon=True).start()

    def migrate_server(self, context, instance_uuid, flavorid, request_spec):
        instance = inst_obj.Instance.get_by_uuid(context, instance_uuid)
        source = instance.host
        old_flavor_id = _flavor_row_id(context, instance.flavor.get('flavorid'))
        new_flavor_obj = flavor_obj.Flavor.get_by_flavor_id(context, flavorid) \
            if flavorid else None
        new_flavor = new_flavor_obj.snapshot() if flavorid else dict(instance.flavor)
        migration_obj.Migration.record(
            context, instance, migration_obj.RESIZE if flavorid else migration_obj.MIGRATION,
            'pre-migrating', old_flavor_id=old_flavor_id,
            new_flavor_id=new_flavor_obj.id if flavorid else old_flavor_id)
        spec = spec_obj.RequestSpec.from_rpc(request_spec)
        spec.flavor = new_flavor
        # A cold migration must move; a resize may stay when nothing else fits.
        excluded = [source] if not flavorid else []
        try:
            candidates = self.scheduler_api.select_destinations(context, spec, 1,
                                                                excluded)[0]
        except exception.NoValidHost as exc:
            self._abort_migration(context, instance, exc.message)
            return
        for host in candidates:
            if node_obj.ComputeNode.claim(context, host, *spec.claim_args()):
                break
        else:
            self._abort_migration(context, instance, 'No valid host was found.')
            return
        migration_obj.Migration.advance(context, instance_uuid, 'migrating',
                                        dest_compute=host)
        instance.new_flavor = new_flavor
        instance.task_state = 'resize_migrating'
        instance.system_metadata = dict(instance.system_metadata, resize_source=source,
                                        resize_dest=host)
        instance.save()
        self.compute_api.resize_instance(context, source, instance_uuid, host)

    def _abort_migration(self, context, instance, message):
        migration_obj.Migration.advance(context, instance.uuid, 'error')
        instance.task_state = None
        instance.save()
        instance.add_fault(400, message, host=instance.host)

    def evacuate_server(self, context, instance_uuid, host, request_spec, target_state=None):
        instance = inst_obj.Instance.get_by_uuid(context, instance_uuid)
        source = instance.host
        spec = spec_obj.RequestSpec.from_rpc(request_spec)
        spec.flavor = dict(instance.flavor)
        if host:
            spec.force_hosts = [host]
        flavor_id = _flavor_row_id(context, instance.flavor.get('flavorid'))
        migration_obj.Migration.record(context, instance, migration_obj.EVACUATION,
                                       'accepted', dest_compute=host,
                                       old_flavor_id=flavor_id, new_flavor_id=flavor_id)
        try:
            candidates = self.scheduler_api.select_destinations(context, spec, 1, [source])[0]
        except exception.NoValidHost as exc:
            migration_obj.Migration.advance(context, instance_uuid, 'error')
            instance.set_error('Evacuation failed: %s' % exc.message)
            return
        for dest in candidates:
            if node_obj.ComputeNode.claim(context, dest, *instance.claim_args()):
                break
        else:
            migration_obj.Migration.advance(context, instance_uuid, 'error')
            instance.set_error('Evacuation failed: no host could take it')
            return
        migration_obj.Migration.advance(context, instance_uuid, 'pre-migrating',
                                        dest_compute=dest)
        node_obj.ComputeNode.release(context, source, *instance.claim_args())
        instance.host = dest
        instance.node = dest
        instance.availability_zone = build.host_availability_zone(context, dest)
        instance.task_state = 'rebuilding'
        instance.save()
        self.compute_api.rebuild_instance(context, dest, instance_uuid, instance.image_ref,
                                          evacuated_from=source, target_state=target_state)

    # -- periodic --------------------------------------------------------------
    def fail_builds_on_dead_hosts(self):
        """Builds that can no longer finish go to ERROR instead of staying
        in BUILD forever: servers building on a compute host that stopped
        heartbeating, and servers still waiting to be scheduled after
        ``[conductor] schedule_timeout`` (their build was queued in a
        conductor that stopped).  Each goes to ERROR only from the state it
        was read in, so a build or delete that moved it on meanwhile wins."""
        context = alto_context.get_admin_context()
        self._fail_unscheduled_builds(context)
        dead = self._dead_hosts(context)
        if not dead:
            return
        stuck = inst_obj.InstanceList.get_by_filters(
            context, {'host': dead, 'vm_state': inst_obj.BUILDING})
        for instance in stuck:
            # The claim goes back in the transaction that sends the server
            # to ERROR: a database lost between the two cannot leak it.
            instance.set_error('Compute host %s stopped responding while building the '
                               'server' % instance.host,
                               expected_task_state=[instance.task_state],
                               expected_vm_state=[inst_obj.BUILDING], release_on=instance.host)

    def _dead_hosts(self, context):
        """Compute hosts forced down, or silent for ``service_down_time``.

        Silence counts only while heartbeats reach this conductor over the
        bus: when no service but conductors has reported for that long, the
        message bus is away, not every host at once, and once reports resume
        each host gets ``service_down_time`` to send its own before it is
        judged.  (A broker restart would otherwise fail every build in
        flight on hosts that were only waiting for it.)"""
        down_time = CONF.service.service_down_time
        services = service_obj.ServiceList.get_all(context)
        heard = any(servicegroup.is_up(s.last_seen_at, down_time)
                    for s in services if s.binary != BINARY)
        now = time.monotonic()
        if not heard:
            self._bus_silent = True
        elif self._bus_silent:
            self._bus_silent = False
            self._heard_since = now
        judge_silence = heard and now - self._heard_since >= down_time
        return [s.host for s in services if s.binary == service_obj.COMPUTE and (
            s.forced_down or (judge_silence and not servicegroup.is_up(s.last_seen_at,
                                                                        down_time)))]

    def _fail_unscheduled_builds(self, context):
        timeout = CONF.conductor.schedule_timeout
        if not timeout:
            return
        cutoff = timeutils.utcnow() - datetime.timedelta(seconds=timeout)
        waiting = inst_obj.InstanceList.get_by_filters(
            context, {'vm_state': inst_obj.BUILDING, 'task_state': 'scheduling',
                      'host': None, 'changes_before': cutoff.isoformat()})
        for instance in waiting:
            # No claim to give back here: a build claims in the same transaction
            # that places the server, and a queued build that wakes up later
            # finds it no longer in BUILD and claims nothing.
            instance.set_error('Build of instance %s was not scheduled within %d seconds; '
                               'the conductor that queued it may have stopped.'
                               % (instance.uuid, timeout),
                               expected_task_state=['scheduling'],
                               expected_vm_state=[inst_obj.BUILDING])
        # Placed and cast to a live host that never started it: the cast was
        # lost (a broker restart drops the messages it held).
        unstarted = inst_obj.InstanceList.get_by_filters(
            context, {'vm_state': inst_obj.BUILDING, 'task_state': 'networking',
                      'changes_before': cutoff.isoformat()})
        for instance in unstarted:
            if instance.host:  # its claim goes back with the move to ERROR, as above
                instance.set_error(
                    'Compute host %s did not start the build of instance %s within %d '
                    'seconds; the request may have been lost.'
                    % (instance.host, instance.uuid, timeout),
                    expected_task_state=['networking'], expected_vm_state=[inst_obj.BUILDING],
                    release_on=instance.host)


def _flavor_row_id(context, flavorid):
    """The flavor's row ID (nova's instance_type_id); None once deleted."""
    try:
        return flavor_obj.Flavor.get_by_flavor_id(context, flavorid).id if flavorid else None
    except exception.FlavorNotFound:
        return None
