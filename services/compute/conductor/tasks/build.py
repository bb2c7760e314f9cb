"""The build flow: schedule -> claim -> cast to the host, and rescheduling.

Claims are atomic conditional updates in the conductor's database, so two
conductors (or schedulers) racing for the last resources on a host cannot
both win; the loser falls through to its next alternate host.  A build's
claim is written in the same transaction as the server's placement, so the
server's row is the claim's record: a database that goes away mid-build
leaves both or neither.
"""

import time

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_log import log as logging

from common import objects as common_objects
from services.compute import exception
from services.compute.objects import aggregate as agg_obj
from services.compute.objects import compute_node as node_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: Seconds a build whose placement went unanswered (the database went away)
#: waits for the database to read back whether it was placed.
ANSWER_WAIT = 60


def host_availability_zone(context, host):
    for agg in agg_obj.AggregateList.get_all(context).for_host(host):
        if agg.metadata.get('availability_zone'):
            return agg.metadata['availability_zone']
    return CONF.compute.default_availability_zone


class BuildTask:
    def __init__(self, scheduler_api, compute_api):
        self.scheduler_api = scheduler_api
        self.compute_api = compute_api

    def build(self, context, instance_uuids, spec):
        """Place and start building the servers ``instance_uuids`` of the
        RequestSpec ``spec``."""
        event = 'conductor_schedule_and_build_instances'
        for uuid in instance_uuids:
            action_obj.InstanceAction.event_start(context, uuid, event)
        try:
            selections = self.scheduler_api.select_destinations(
                context, spec, len(instance_uuids), spec.failed_hosts)
        except exception.NoValidHost as exc:
            for uuid in instance_uuids:
                self._fail(context, uuid, exc.message, event)
            return
        except messaging.MessagingTimeout:
            for uuid in instance_uuids:
                self._fail(context, uuid, 'The scheduler did not answer in time', event)
            return
        for uuid, candidates in zip(instance_uuids, selections):
            self._claim_and_cast(context, uuid, candidates, spec, event)

    def _fail(self, context, uuid, message, event):
        try:
            instance = inst_obj.Instance.get_by_uuid(context, uuid)
        except exception.InstanceNotFound:
            return
        # Not over a server the watchdog failed or a delete took meanwhile.
        instance.set_error(message, code=500, expected_task_state=['scheduling'],
                           expected_vm_state=[inst_obj.BUILDING])
        action_obj.InstanceAction.event_finish(context, uuid, event, 'Error', message)

    def _claim_and_cast(self, context, uuid, candidates, spec, event):
        try:
            inst_obj.Instance.get_by_uuid(context, uuid)
        except exception.InstanceNotFound:
            LOG.info('Server %s was deleted before it was scheduled', uuid)
            return
        for host in candidates:
            try:
                placed = self._place(context, uuid, host, spec)
                if placed is None:  # the database was away and nothing landed: once more
                    placed = self._place(context, uuid, host, spec)
            except (exception.InstanceNotFound, exception.InstanceInvalidState):
                # Deleted (or its state moved on) while we scheduled: nothing
                # was claimed, or whoever moved it on gave the claim back.
                return
            if placed:
                break
            LOG.info('Claim for %s on %s lost a race; trying the next host', uuid, host)
        else:
            self._fail(context, uuid, 'No valid host was found. Claims failed on %s'
                       % ', '.join(candidates), event)
            return
        try:
            action_obj.InstanceAction.event_finish(context, uuid, event)
        except Exception as exc:  # only the record of the step: the build goes on
            LOG.warning('Could not record the scheduling of %s: %s', uuid, exc)
        self.compute_api.build_and_run_instance(context, host, uuid, spec)

    def _place(self, context, uuid, host, spec):
        """Claim on ``host`` and place the server there, in one transaction.

        True when placed; False when the resources did not fit; None when the
        database went away and nothing landed.  The claim is never separate
        from the placement, so a build that dies between the two (the
        database restarting) cannot leave a claim no server accounts for:
        either the server is placed (the host or the watchdog finishes it
        and gives the claim back), or neither is written.  A commit whose
        answer was lost is told apart by reading the server back."""
        values = {'host': host, 'node': host, 'task_state': 'networking',
                  'availability_zone': host_availability_zone(context, host)}
        try:
            # BUILD too: a build that waited in the queue must not take over
            # a server the watchdog sent to ERROR (task_state None) meanwhile.
            return node_obj.ComputeNode.claim_and_place(
                context, host, uuid, values, *spec.claim_args(),
                expected_task_state=['scheduling', None],
                expected_vm_state=[inst_obj.BUILDING])
        except Exception as exc:
            if not common_objects.database_away(exc):
                raise
            LOG.warning('Placing %s on %s: the database went away (%s); reading back '
                        'whether it was placed', uuid, host, exc)
            return self._placed_after_outage(context, uuid, host, exc)

    def _placed_after_outage(self, context, uuid, host, error):
        deadline = time.monotonic() + ANSWER_WAIT
        while True:
            try:
                current = inst_obj.Instance.get_by_uuid(context, uuid)
                break
            except Exception as exc:
                if not common_objects.database_away(exc):
                    raise  # gone (deleted): nothing was left to give back
                if time.monotonic() > deadline:
                    raise error
            time.sleep(1)
        if current.host == host:
            if current.task_state == 'networking' and current.vm_state == inst_obj.BUILDING:
                return True  # it landed: ours to cast
            # Landed, and a delete or the watchdog moved it on (giving it back).
            raise exception.InstanceInvalidState(
                action='place', instance_uuid=uuid, attr='task_state',
                state=current.task_state)
        if current.task_state not in ('scheduling', None) or \
                current.vm_state != inst_obj.BUILDING:
            raise exception.InstanceInvalidState(
                action='place', instance_uuid=uuid, attr='task_state',
                state=current.task_state)
        return None

    def reschedule(self, context, uuid, spec, failed_host, reason, claim_released=False):
        """A host failed the build: try elsewhere.

        The failed host's claim went back in the transaction that gave the
        server up (``claim_released``: the host's Instance.save_and_release),
        so a database or a cast lost in between cannot leak it.  A compute
        host older than conductor RPC 1.6 gave the server up alone: its
        claim goes back here, as it always did."""
        if not claim_released:
            node_obj.ComputeNode.release(context, failed_host, *spec.claim_args())
        spec = spec.obj_clone()
        spec.failed_hosts = list(spec.failed_hosts) + [failed_host]
        try:
            instance = inst_obj.Instance.get_by_uuid(context, uuid)
        except exception.InstanceNotFound:
            return
        if spec.num_attempts >= CONF.scheduler.max_attempts:
            instance.set_error('Exceeded maximum number of retries. Exhausted all hosts '
                               'available for retrying build failures for instance %s.'
                               % uuid,
                               details='Last failure on %s: %s' % (failed_host, reason))
            return
        spec.num_attempts += 1
        instance.host = None
        instance.node = None
        instance.task_state = 'scheduling'
        try:
            # Not over a delete that started meanwhile (the claim is back already).
            instance.save(expected_task_state=['scheduling', 'networking', 'spawning'],
                          expected_vm_state=[inst_obj.BUILDING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            return
        LOG.info('Rescheduling %s (attempt %d) after failure on %s: %s', uuid,
                 spec.num_attempts, failed_host, reason)
        self.build(context, [uuid], spec)
