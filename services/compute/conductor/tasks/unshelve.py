"""Unshelve of a shelved-offloaded server: schedule -> claim -> cast.

The server has no host any more, so it is placed like a new build (same
filters, weighers and atomic claim, on the build threads); the chosen
compute spawns it from the shelved image.  No host, or no claim that
holds, leaves it SHELVED_OFFLOADED with the reason on the action's event.
"""

import oslo_messaging as messaging
from oslo_log import log as logging

from services.compute import exception
from services.compute.conductor.tasks import build
from services.compute.objects import compute_node as node_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj

LOG = logging.getLogger(__name__)
EVENT = 'schedule_instances'


class UnshelveTask:
    def __init__(self, scheduler_api, compute_api):
        self.scheduler_api = scheduler_api
        self.compute_api = compute_api

    def unshelve(self, context, uuid, spec):
        action_obj.InstanceAction.event_start(context, uuid, EVENT)
        try:
            candidates = self.scheduler_api.select_destinations(context, spec, 1)[0]
        except exception.NoValidHost as exc:
            self._give_up(context, uuid, exc.message)
            return
        except messaging.MessagingTimeout:
            self._give_up(context, uuid, 'The scheduler did not answer in time')
            return
        args = spec.claim_args()
        for host in candidates:
            if node_obj.ComputeNode.claim(context, host, *args):
                break
        else:
            self._give_up(context, uuid, 'No valid host was found. Claims failed on %s'
                          % ', '.join(candidates))
            return
        try:
            instance = inst_obj.Instance.get_by_uuid(context, uuid)
            instance.host = host
            instance.node = host
            instance.availability_zone = build.host_availability_zone(context, host)
            instance.save(expected_task_state=['unshelving'],
                          expected_vm_state=[inst_obj.SHELVED_OFFLOADED])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            # Deleted (or changed) while we scheduled: give the claim back.
            node_obj.ComputeNode.release(context, host, *args)
            return
        action_obj.InstanceAction.event_finish(context, uuid, EVENT)
        self.compute_api.unshelve_instance(context, host, uuid, spec)

    def _give_up(self, context, uuid, message):
        LOG.warning('Unshelve of %s failed: %s', uuid, message)
        action_obj.InstanceAction.event_finish(context, uuid, EVENT, 'Error', message)
        try:
            instance = inst_obj.Instance.get_by_uuid(context, uuid)
            instance.task_state = None
            instance.save(expected_task_state=['unshelving'])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            pass
