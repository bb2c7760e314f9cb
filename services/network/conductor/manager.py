"""Server side of :class:`~.rpcapi.NetworkConductorAPI`: every API read and
write, run in a database transaction, then fanned out to the agents."""

import random
import time

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging

from common import context as alto_context

from services.network import exception
from services.network.conductor import agents
from services.network.conductor import autoallocate
from services.network.conductor import availability
from services.network.conductor import quotas
from services.network.conductor import resources
from services.network.conductor import routers
from services.network.conductor import rpc_errors
from services.network.conductor import rpcapi
from services.network.conductor import scheduling
from services.network.conductor import tags
from services.network.conductor import trunks
from services.network.conductor import wire
from services.network.db import api as db_api

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
_RETRIABLE = (db_exc.DBDuplicateEntry, db_exc.DBDeadlock)
_client_errors = rpc_errors.client_errors


def _with_retries(func, *args):
    """Run a write transaction again when a concurrent writer won a unique key
    (an IP, MAC, VNI or default group) or the database reported a deadlock."""
    attempts = CONF.network_conductor.ip_allocation_retries
    for attempt in range(1, attempts + 1):
        try:
            return func(*args)
        except _RETRIABLE as exc:
            if attempt == attempts:
                LOG.warning('Giving up after %d attempts: %s', attempts, exc)
                raise exception.Conflict(reason='Concurrent update; please retry')
            time.sleep(random.uniform(0, 0.01 * attempt))


def _handler(resource):
    handler = resources.RESOURCES.get(resource)
    if handler is None:
        raise exception.ResourceNotFound()
    return handler


class NetworkConductorManager:
    target = messaging.Target(version=rpcapi.NetworkConductorAPI.RPC_API_VERSION)

    def __init__(self, notifier=None, nova_notifier=None):
        self.notifier = notifier
        self.nova_notifier = nova_notifier
        interval = (CONF.agent_scheduler.failover_check_interval
                    or max(CONF.agent.agent_down_time // 2, 1))
        self.periodic_tasks = [(self.reschedule_from_dead_agents, interval)]

    # -- generic resource verbs -------------------------------------------

    @_client_errors
    def get_resource(self, context, resource, resource_id):
        with db_api.reader(context) as session:
            return _handler(resource).get(context, session, resource_id)

    @_client_errors
    def list_resources(self, context, resource, filters=None, sorts=None, limit=None,
                       marker=None, page_reverse=False):
        return rpcapi.pack_rows(self._list(context, resource, filters, sorts, limit, marker,
                                           page_reverse))

    @_client_errors
    def list_resources_compact(self, context, resource, filters=None, sorts=None,
                               limit=None, marker=None, page_reverse=False, fields=None,
                               hidden=None):
        """The listing rendered by :mod:`wire`: only ``fields`` (if given), never
        ``hidden`` ones."""
        handler = _handler(resource)
        page = dict(sorts=sorts, limit=limit, marker=marker, page_reverse=page_reverse)
        shown = wire.shown_keys(fields, hidden)
        if handler.get_columns is not None:
            with db_api.reader(context) as session:
                columns = handler.get_columns(context, session, filters, fields=fields, **page)
            listing = wire.render(columns, shown)
        else:
            listing = wire.render_dicts(self._list(context, resource, filters, **page), shown)
        return wire.encode(listing)

    def _list(self, context, resource, filters, sorts, limit, marker, page_reverse):
        handler = _handler(resource)

        def run():
            with db_api.writer(context) as session:
                return handler.list(context, session, filters, sorts=sorts, limit=limit,
                                    marker=marker, page_reverse=page_reverse)
        if resource == 'security_group':
            # Listing creates the caller's default group on first use.
            return _with_retries(run)
        with db_api.reader(context) as session:
            return handler.list(context, session, filters, sorts=sorts, limit=limit,
                                marker=marker, page_reverse=page_reverse)

    @_client_errors
    def create_resource(self, context, resource, body):
        handler = _handler(resource)
        if handler.create is None:
            raise exception.BadRequest(resource=resource, msg='creation is not supported')

        body = dict(body)
        wanted_tags = body.pop('tags', None)

        def run():
            with db_api.writer(context) as session:
                result = handler.create(context, session, body)
                scheduling.on_created(session, resource, result)
                if wanted_tags:
                    result['tags'] = tags.update(context, session, resource, result['id'],
                                                 replace=wanted_tags)
                    result['revision_number'] = result.get('revision_number', 0) + 1
                return result
        result = _with_retries(run)
        self._notify(context, resource, 'update', result)
        self._tell_compute_of_addresses(result)
        return result

    @_client_errors
    def update_resource(self, context, resource, resource_id, body):
        handler = _handler(resource)
        if handler.update is None:
            raise exception.BadRequest(resource=resource, msg='update is not supported')

        def run():
            with db_api.writer(context) as session:
                return handler.update(context, session, resource_id, body)
        result = _with_retries(run)
        old_router = result.pop('_old_router_id', None)
        self._notify(context, resource, 'update', result, extra_router=old_router)
        self._tell_compute_of_addresses(result)
        return result

    @_client_errors
    def delete_resource(self, context, resource, resource_id):
        handler = _handler(resource)
        if handler.delete is None:
            raise exception.BadRequest(resource=resource, msg='deletion is not supported')

        def run():
            with db_api.writer(context) as session:
                result = handler.delete(context, session, resource_id)
                tags.purge(session, [resource_id] + list(result.pop('_purged', ())))
                return result
        result = _with_retries(run)
        self._notify(context, resource, 'delete', result)
        if resource == 'port' and self.nova_notifier is not None:
            self.nova_notifier.port_deleted(result)
        self._tell_compute_of_addresses(result)

    def _tell_compute_of_addresses(self, result):
        """``network-changed`` for the server ports under the result's
        ``_changed_ports`` (a floating IP came or went): compute refreshes
        the server's addresses."""
        ports = result.pop('_changed_ports', ())
        if self.nova_notifier is None:
            return
        for port in ports:
            self.nova_notifier.port_addresses_changed(port)

    @_client_errors
    def update_tags(self, context, resource, resource_id, replace=None, add=None,
                    remove=None):
        """Replace a resource's tags or add and remove some; returns them."""
        def run():
            with db_api.writer(context) as session:
                return tags.update(context, session, resource, resource_id, replace=replace,
                                   add=add or (), remove=remove or ())
        return _with_retries(run)

    # -- routers -----------------------------------------------------------

    @_client_errors
    def add_router_interface(self, context, router_id, interface_info):
        def run():
            with db_api.writer(context) as session:
                return routers.add_interface(context, session, router_id, interface_info)
        result = _with_retries(run)
        self._notify(context, 'router', 'update', {'id': router_id})
        return result

    @_client_errors
    def remove_router_interface(self, context, router_id, interface_info):
        def run():
            with db_api.writer(context) as session:
                return routers.remove_interface(context, session, router_id, interface_info)
        result = _with_retries(run)
        self._notify(context, 'router', 'update', {'id': router_id})
        return result

    @_client_errors
    def update_extraroutes(self, context, router_id, routes, remove=False):
        def run():
            with db_api.writer(context) as session:
                return routers.update_extraroutes(context, session, router_id, routes,
                                                  remove=remove)
        result = _with_retries(run)
        self._notify(context, 'router', 'update', {'id': router_id})
        return result

    # -- trunks ------------------------------------------------------------

    @_client_errors
    def update_subports(self, context, trunk_id, sub_ports, remove=False):
        action = trunks.remove_subports if remove else trunks.add_subports

        def run():
            with db_api.writer(context) as session:
                return action(context, session, trunk_id, sub_ports)
        return _with_retries(run)

    # -- auto-allocated topology -----------------------------------------------

    @_client_errors
    def get_auto_allocated_topology(self, context, project_id, dry_run=False):
        def run():
            with db_api.writer(context) as session:
                return autoallocate.get(context, session, project_id, dry_run=dry_run)
        result = _with_retries(run)
        new_router = result.pop('_new_router_id', None)
        if new_router:
            self._notify(context, 'router', 'update', {'id': new_router})
        return result

    @_client_errors
    def delete_auto_allocated_topology(self, context, project_id):
        def run():
            with db_api.writer(context) as session:
                return autoallocate.delete(context, session, project_id)
        gone = _with_retries(run)
        if gone:
            if gone['router_id']:
                self._notify(context, 'router', 'delete', {'id': gone['router_id']})
            self._notify(context, 'network', 'delete', {'id': gone['network_id']})

    # -- agent scheduling ----------------------------------------------------------

    @_client_errors
    def list_router_l3_agents(self, context, router_id):
        with db_api.reader(context) as session:
            return scheduling.router_agents(context, session, router_id)

    @_client_errors
    def list_l3_agent_routers(self, context, agent_id):
        with db_api.reader(context) as session:
            return scheduling.agent_routers(context, session, agent_id)

    @_client_errors
    def add_router_to_l3_agent(self, context, agent_id, router_id):
        def run():
            with db_api.writer(context) as session:
                return scheduling.add_router(context, session, agent_id, router_id)
        if _with_retries(run):
            self._notify(context, 'router', 'update', {'id': router_id})

    @_client_errors
    def remove_router_from_l3_agent(self, context, agent_id, router_id):
        def run():
            with db_api.writer(context) as session:
                scheduling.remove(context, session, scheduling.ROUTERS, agent_id, router_id)
        _with_retries(run)
        # The agent no longer finds the router in its sync and takes it down.
        self._notify(context, 'router', 'update', {'id': router_id})

    @_client_errors
    def list_network_dhcp_agents(self, context, network_id):
        with db_api.reader(context) as session:
            return scheduling.network_agents(context, session, network_id)

    @_client_errors
    def list_dhcp_agent_networks(self, context, agent_id):
        with db_api.reader(context) as session:
            return scheduling.agent_networks(context, session, agent_id)

    @_client_errors
    def add_network_to_dhcp_agent(self, context, agent_id, network_id):
        def run():
            with db_api.writer(context) as session:
                scheduling.add_network(context, session, agent_id, network_id)
                return {'id': network_id}
        self._notify(context, 'network', 'update', _with_retries(run))

    @_client_errors
    def remove_network_from_dhcp_agent(self, context, agent_id, network_id):
        def run():
            with db_api.writer(context) as session:
                return scheduling.remove(context, session, scheduling.NETWORKS, agent_id,
                                         network_id)
        for port in _with_retries(run):
            self._notify(context, 'port', 'delete', port)
        # The agent's network read now answers None: it takes its DHCP down.
        self._notify(context, 'network', 'update', {'id': network_id})

    def reschedule_from_dead_agents(self):
        """Periodic: routers and networks of agents that stopped reporting go
        to live ones (as ``[agent_scheduler]`` allows), and those agents hear."""
        context = alto_context.get_admin_context()

        def run():
            with db_api.writer(context) as session:
                return scheduling.reschedule_from_dead_agents(session)
        moved_routers, moved_networks = _with_retries(run)
        for router_id in sorted(moved_routers):
            LOG.info('Router %s moved off a dead L3 agent', router_id)
            self._notify(context, 'router', 'update', {'id': router_id})
        for network_id in sorted(moved_networks):
            LOG.info('Network %s rescheduled off a dead DHCP agent', network_id)
            self._notify(context, 'network', 'update', {'id': network_id})

    # -- quotas --------------------------------------------------------------

    @_client_errors
    def get_quota(self, context, project_id):
        with db_api.reader(context) as session:
            return quotas.limits(session, project_id)

    @_client_errors
    def get_quota_defaults(self, context):
        return quotas.defaults()

    @_client_errors
    def get_quota_details(self, context, project_id):
        with db_api.reader(context) as session:
            return quotas.details(session, project_id)

    @_client_errors
    def update_quota(self, context, project_id, quota):
        def run():
            with db_api.writer(context) as session:
                return quotas.update(session, project_id, quota)
        return _with_retries(run)

    @_client_errors
    def delete_quota(self, context, project_id):
        with db_api.writer(context) as session:
            quotas.delete(session, project_id)

    @_client_errors
    def list_quotas(self, context):
        with db_api.reader(context) as session:
            return [dict(quotas.limits(session, p), project_id=p, tenant_id=p)
                    for p in quotas.projects_with_quotas(session)]

    # -- availability ------------------------------------------------------

    @_client_errors
    def get_network_ip_availability(self, context, network_id):
        with db_api.reader(context) as session:
            return availability.get(context, session, network_id)

    @_client_errors
    def list_network_ip_availabilities(self, context, filters=None):
        with db_api.reader(context) as session:
            return availability.get_all(context, session, filters)

    @_client_errors
    def list_availability_zones(self, context):
        with db_api.reader(context) as session:
            return agents.availability_zones(session)

    # -- agent fanout ----------------------------------------------------

    def _notify(self, context, resource, event, result, extra_router=None):
        if self.notifier is None:
            return
        try:
            self._send(context, resource, event, result, extra_router)
        except Exception:  # agents resync on their own; the API call succeeded
            LOG.exception('Failed to notify agents of %s %s', resource, event)

    def _send(self, context, resource, event, result, extra_router):
        notifier = self.notifier
        if resource == 'network':
            if event == 'delete':
                notifier.network_delete(context, result['id'])
            else:
                notifier.network_update(context, result)
        elif resource == 'subnet':
            if event == 'delete':
                notifier.subnet_delete(context, result['id'], result['network_id'])
            else:
                notifier.subnet_update(context, result)
        elif resource == 'port':
            if event == 'delete':
                notifier.port_delete(context, result['id'], result['network_id'])
                if result.get('_fip_routers'):
                    notifier.routers_updated(context, result['_fip_routers'])
            else:
                notifier.port_update(context, result)
                if result.get('security_groups'):
                    notifier.security_groups_member_updated(context,
                                                            result['security_groups'])
        elif resource == 'router':
            if event == 'delete':
                notifier.router_deleted(context, result['id'])
            else:
                notifier.routers_updated(context, [result['id']])
        elif resource == 'floatingip':
            ids = [r for r in (result.get('router_id'), extra_router) if r]
            if ids:
                notifier.routers_updated(context, ids)
        elif resource == 'agent' and event == 'delete' and result.get('_tunnel_ip'):
            notifier.tunnel_delete(context, result['_tunnel_ip'], 'vxlan')
        elif resource in ('security_group', 'security_group_rule'):
            group = result.get('security_group_id') or result.get('id')
            notifier.security_groups_rule_updated(context, [group])
