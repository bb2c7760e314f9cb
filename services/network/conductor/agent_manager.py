"""Conductor-side server of :class:`services.network.agents.rpc.rpcapi.PluginAPI` (what agents call).

Runs inside ``alto-network-conductor`` only, next to the API-facing manager,
on the same topic under the ``agent`` namespace.
"""

import oslo_messaging as messaging
from oslo_log import log as logging

from services.network.agents.rpc import rpcapi
from services.network.conductor import agents
from services.network.conductor import dataplane
from services.network.conductor import rpc_errors
from services.network.conductor import scheduling
from services.network.db import api as db_api


LOG = logging.getLogger(__name__)
_client_errors = rpc_errors.client_errors
STATUS_OF = {'up': 'ACTIVE', 'down': 'DOWN'}


class AgentPluginManager:
    target = messaging.Target(namespace=rpcapi.PLUGIN_NAMESPACE,
                              version=rpcapi.PluginAPI.RPC_API_VERSION)

    def __init__(self, notifier=None, nova_notifier=None):
        self.notifier = notifier
        self.nova_notifier = nova_notifier

    @_client_errors
    def report_state(self, context, agent_state):
        with db_api.writer(context) as session:
            agents.report_state(session, agent_state)
        return 'alive'

    @_client_errors
    def get_device_details(self, context, device, agent_id, host):
        with db_api.reader(context) as session:
            return dataplane.device_details(session, device, host)

    @_client_errors
    def get_devices_details_list(self, context, devices, agent_id, host):
        with db_api.reader(context) as session:
            return [dataplane.device_details(session, d, host) for d in devices]

    def _set_status(self, context, device, host, status):
        with db_api.writer(context) as session:
            port, changed = dataplane.set_port_status(session, device, host, status)
        if changed:
            self._status_changed(context, port)
        return port is not None

    def _status_changed(self, context, port):
        # Only a change is news: the agent that reported it hears the fanout too.
        if self.notifier is not None:
            self.notifier.port_update(context, port)
        if self.nova_notifier is not None:
            # Queued only: compute is told off this handler's path.
            self.nova_notifier.port_status_changed(port)

    @_client_errors
    def update_device_up(self, context, device, agent_id, host):
        return self._set_status(context, device, host, 'ACTIVE')

    @_client_errors
    def update_device_down(self, context, device, agent_id, host):
        return self._set_status(context, device, host, 'DOWN')

    @_client_errors
    def update_device_list(self, context, devices_up, devices_down, agent_id, host):
        """Many ports up and down in one transaction (an agent's resync);
        should it fail, one transaction per port, so one bad port fails
        alone.  A port unknown or bound elsewhere counts as done, as in
        ``update_device_up``: reporting it again would change nothing."""
        wanted = [(kind, device) for kind, devices in (('up', devices_up),
                                                       ('down', devices_down))
                  for device in devices]
        changed, failed = [], set()
        try:
            with db_api.writer(context) as session:
                for kind, device in wanted:
                    port, did_change = dataplane.set_port_status(session, device, host,
                                                                 STATUS_OF[kind])
                    if did_change:
                        changed.append(port)
        except Exception:
            LOG.warning('Updating %d ports of %s at once failed; one at a time',
                        len(wanted), host, exc_info=True)
            changed = []
            for kind, device in wanted:
                try:
                    with db_api.writer(context) as session:
                        port, did_change = dataplane.set_port_status(session, device, host,
                                                                     STATUS_OF[kind])
                except Exception:
                    LOG.exception('Port %s could not be set %s', device, kind)
                    failed.add((kind, device))
                    continue
                if did_change:
                    changed.append(port)
        for port in changed:
            self._status_changed(context, port)
        result = {'devices_up': [], 'failed_devices_up': [], 'devices_down': [],
                  'failed_devices_down': []}
        for kind, device in wanted:
            key = 'failed_devices_%s' % kind if (kind, device) in failed else 'devices_%s' % kind
            result[key].append(device)
        return result

    @_client_errors
    def security_group_rules_for_devices(self, context, devices):
        with db_api.reader(context) as session:
            return dataplane.security_group_rules_for_devices(session, devices)

    @_client_errors
    def get_active_networks_info(self, context, host):
        """The networks the DHCP agent of ``host`` serves (it takes those
        short of DHCP agents first)."""
        with db_api.writer(context) as session:
            ids = scheduling.networks_of_host(session, host, auto_schedule=True)
            return dataplane.active_networks(session, ids)

    @_client_errors
    def get_network_info(self, context, network_id, host):
        """The network, or None when the DHCP agent of ``host`` does not
        serve it (the agent then takes its DHCP down)."""
        with db_api.writer(context) as session:
            if not scheduling.network_served_by(session, network_id, host):
                return None
            return dataplane.network_info(session, network_id)

    @_client_errors
    def create_dhcp_port(self, context, network_id, host, device_id):
        with db_api.writer(context) as session:
            return dataplane.create_dhcp_port(context, session, network_id, host, device_id)

    @_client_errors
    def sync_routers(self, context, host, router_ids=None):
        """The routers bound to the L3 agent of ``host`` (of ``router_ids``;
        a full sync first binds the routers no agent has to it)."""
        with db_api.writer(context) as session:
            return dataplane.sync_routers(
                session, scheduling.routers_of_host(session, host, router_ids))

    @_client_errors
    def update_floatingip_statuses(self, context, router_id, fip_statuses):
        with db_api.writer(context) as session:
            dataplane.update_floatingip_statuses(session, router_id, fip_statuses)

    @_client_errors
    def get_metadata_port(self, context, ip_address, router_id=None, network_id=None):
        with db_api.reader(context) as session:
            return dataplane.metadata_port(session, ip_address, router_id, network_id)

    @_client_errors
    def tunnel_sync(self, context, tunnel_ip, tunnel_type, host):
        """The other hosts' tunnel endpoints of ``tunnel_type``; the others
        hear of this one (fanout ``tunnel_update``)."""
        with db_api.reader(context) as session:
            endpoints = agents.tunnel_endpoints(session, tunnel_type, exclude_host=host)
        if self.notifier is not None and tunnel_ip:
            self.notifier.tunnel_update(context, tunnel_ip, tunnel_type, host)
        return endpoints
