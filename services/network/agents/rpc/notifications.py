"""Agent-side server of :class:`~.rpcapi.AgentNotifyAPI` fanouts.

An agent builds ``AgentNotificationEndpoint(handler)`` and serves it on
``[network_conductor] agent_notification_topic`` with fanout; each notification is passed to the
handler's method of the same name when the handler has one, so an L3 agent
only implements the router calls and a DHCP agent the network/subnet/port
ones. No database is involved here.
"""

import oslo_messaging as messaging


class AgentNotificationEndpoint:
    target = messaging.Target(version='1.1')

    def __init__(self, handler):
        self.handler = handler

    def _dispatch(self, name, context, **kwargs):
        method = getattr(self.handler, name, None)
        if method is not None:
            method(context, **kwargs)

    def network_update(self, context, network):
        self._dispatch('network_update', context, network=network)

    def network_delete(self, context, network_id):
        self._dispatch('network_delete', context, network_id=network_id)

    def subnet_update(self, context, subnet):
        self._dispatch('subnet_update', context, subnet=subnet)

    def subnet_delete(self, context, subnet_id, network_id):
        self._dispatch('subnet_delete', context, subnet_id=subnet_id, network_id=network_id)

    def port_update(self, context, port):
        self._dispatch('port_update', context, port=port)

    def port_delete(self, context, port_id, network_id):
        self._dispatch('port_delete', context, port_id=port_id, network_id=network_id)

    def routers_updated(self, context, router_ids):
        self._dispatch('routers_updated', context, router_ids=router_ids)

    def router_deleted(self, context, router_id):
        self._dispatch('router_deleted', context, router_id=router_id)

    def security_groups_rule_updated(self, context, security_groups):
        self._dispatch('security_groups_rule_updated', context,
                       security_groups=security_groups)

    def security_groups_member_updated(self, context, security_groups):
        self._dispatch('security_groups_member_updated', context,
                       security_groups=security_groups)

    def tunnel_update(self, context, tunnel_ip, tunnel_type, host):
        self._dispatch('tunnel_update', context, tunnel_ip=tunnel_ip, tunnel_type=tunnel_type,
                       host=host)

    def tunnel_delete(self, context, tunnel_ip, tunnel_type):
        self._dispatch('tunnel_delete', context, tunnel_ip=tunnel_ip, tunnel_type=tunnel_type)
