"""Scheduler manager: picks hosts for servers (DB-free; state via conductor)."""

import random

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_log import log as logging

from common import context as alto_context
from services.compute import exception
from services.compute.objects import aggregate as agg_obj
from services.compute.objects import compute_node as node_obj
from services.compute.objects import request_spec as spec_obj
from services.compute.objects import service as service_obj
from services.compute.scheduler import filters as host_filters
from services.compute.scheduler import host_state
from services.compute.scheduler import rpcapi
from services.compute.scheduler import weighers as host_weighers

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
BINARY = service_obj.SCHEDULER


class SchedulerManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self, host=None):
        self.host = host or CONF.host
        self.filters = host_filters.load(CONF.scheduler.enabled_filters)
        self.weighers = host_weighers.load(CONF.scheduler.weighers)

    def report_state(self):
        service_obj.Service.report(alto_context.get_admin_context(), self.host, BINARY,
                                   rpcapi.TOPIC, rpcapi.RPC_API_VERSION)

    def _host_states(self, context):
        nodes = node_obj.ComputeNodeList.get_all(context)
        services = {s.host: s for s in service_obj.ServiceList.get_all(
            context, binary=service_obj.COMPUTE)}
        aggregates = agg_obj.AggregateList.get_all(context)
        return [host_state.HostState(node, services.get(node.host),
                                     aggregates.for_host(node.host))
                for node in nodes]

    def select_destinations(self, context, request_spec, num_instances, excluded_hosts=()):
        """For each server, candidate hosts best first (the first is the pick,
        the rest are alternates the conductor may claim on instead)."""
        spec = spec_obj.RequestSpec.from_rpc(request_spec)
        try:
            return self._select(context, spec, num_instances, excluded_hosts)
        except exception.NoValidHost:
            # An answer, not a failure: re-raised to the caller, not logged here.
            raise messaging.ExpectedException()

    def _select(self, context, spec, num_instances, excluded_hosts):
        # A copy: each pick joins the group for the next one, and the
        # caller's spec stays as it was.
        spec = spec.obj_clone()
        group = spec.group
        if group:
            group.setdefault('hosts', [])
        hosts = [h for h in self._host_states(context) if h.host not in set(excluded_hosts)]
        requested = spec.force_hosts
        if requested:
            hosts = [h for h in hosts if h.host in requested]
        selections = []
        for _ in range(num_instances):
            passing = [h for h in hosts if all(f.host_passes(h, spec) for f in self.filters)]
            if not passing:
                LOG.info('No host passes the filters for flavor %s (%d hosts known)',
                         spec.flavor.get('name'), len(hosts))
                raise exception.NoValidHost(
                    reason='There are not enough hosts available.')
            ranked = host_weighers.weigh(self.weighers, passing, spec)
            subset = ranked[:CONF.scheduler.host_subset_size]
            chosen = random.choice(subset)
            ranked.remove(chosen)
            ranked.insert(0, chosen)
            chosen.consume(spec)
            if group:
                group['hosts'].append(chosen.host)
            selections.append([h.host for h in ranked[:CONF.scheduler.max_attempts]])
        return selections
