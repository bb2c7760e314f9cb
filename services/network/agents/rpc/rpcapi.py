"""Agent RPC clients.

:class:`PluginAPI` is what agents call on the conductor (topic
``[network_conductor] topic``, namespace ``agent``); :class:`AgentNotifyAPI`
is the conductor's fanout to every agent (topic ``[network_conductor]
agent_notification_topic``). Each class's docstring holds its version history.
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc

CONF = cfg.CONF
PLUGIN_NAMESPACE = 'agent'


class PluginAPI:
    """What agents call on the conductor.

    Version history:
    1.0 - report_state, get_device_details, get_devices_details_list,
          update_device_up, update_device_down, security_group_rules_for_devices,
          get_active_networks_info, get_network_info, create_dhcp_port,
          sync_routers, update_floatingip_statuses
    1.1 - get_metadata_port (the metadata agent's lookup of a guest by address)
    1.2 - tunnel_sync (an Open vSwitch agent's VXLAN endpoint in, the others' out)
    1.3 - update_device_list (many ports up and down in one call: an agent's resync)
    """

    RPC_API_VERSION = '1.3'

    def __init__(self):
        target = messaging.Target(topic=CONF.network_conductor.topic,
                                  namespace=PLUGIN_NAMESPACE,
                                  version=self.RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.network_agent_plugin)

    def report_state(self, context, agent_state):
        return self.client.prepare(version='1.0').call(context, 'report_state',
                                                       agent_state=agent_state)

    def get_device_details(self, context, device, agent_id, host):
        return self.client.prepare(version='1.0').call(
            context, 'get_device_details', device=device, agent_id=agent_id, host=host)

    def get_devices_details_list(self, context, devices, agent_id, host):
        return self.client.prepare(version='1.0').call(
            context, 'get_devices_details_list', devices=devices, agent_id=agent_id,
            host=host)

    def update_device_up(self, context, device, agent_id, host):
        return self.client.prepare(version='1.0').call(
            context, 'update_device_up', device=device, agent_id=agent_id, host=host)

    def update_device_down(self, context, device, agent_id, host):
        return self.client.prepare(version='1.0').call(
            context, 'update_device_down', device=device, agent_id=agent_id, host=host)

    def update_device_list(self, context, devices_up, devices_down, agent_id, host):
        """Report ``devices_up`` ACTIVE and ``devices_down`` DOWN; ``{'devices_up',
        'failed_devices_up', 'devices_down', 'failed_devices_down'}``: the ids
        done and the ids to report again.  Under a cap below 1.3 (a conductor
        not upgraded yet) it makes one 1.0 call per device."""
        if self.client.can_send_version('1.3'):
            return self.client.prepare(version='1.3').call(
                context, 'update_device_list', devices_up=devices_up,
                devices_down=devices_down, agent_id=agent_id, host=host)
        result = {'devices_up': [], 'failed_devices_up': [], 'devices_down': [],
                  'failed_devices_down': []}
        for kind, devices, update in (('up', devices_up, self.update_device_up),
                                      ('down', devices_down, self.update_device_down)):
            for device in devices:
                try:
                    update(context, device, agent_id, host)
                except messaging.RemoteError:
                    # This device's update failed on the conductor: the agent
                    # reports it again on its next pass.  (A timeout is raised:
                    # the conductor is away for every device.)
                    result['failed_devices_%s' % kind].append(device)
                else:
                    result['devices_%s' % kind].append(device)
        return result

    def security_group_rules_for_devices(self, context, devices):
        return self.client.prepare(version='1.0').call(
            context, 'security_group_rules_for_devices', devices=devices)

    def get_active_networks_info(self, context, host):
        return self.client.prepare(version='1.0').call(context, 'get_active_networks_info',
                                                       host=host)

    def get_network_info(self, context, network_id, host):
        return self.client.prepare(version='1.0').call(
            context, 'get_network_info', network_id=network_id, host=host)

    def create_dhcp_port(self, context, network_id, host, device_id):
        return self.client.prepare(version='1.0').call(
            context, 'create_dhcp_port', network_id=network_id, host=host,
            device_id=device_id)

    def sync_routers(self, context, host, router_ids=None):
        return self.client.prepare(version='1.0').call(
            context, 'sync_routers', host=host, router_ids=router_ids)

    def update_floatingip_statuses(self, context, router_id, fip_statuses):
        return self.client.prepare(version='1.0').call(
            context, 'update_floatingip_statuses', router_id=router_id,
            fip_statuses=fip_statuses)

    def get_metadata_port(self, context, ip_address, router_id=None, network_id=None):
        return self.client.prepare(version='1.1').call(
            context, 'get_metadata_port', ip_address=ip_address, router_id=router_id,
            network_id=network_id)

    def tunnel_sync(self, context, tunnel_ip, tunnel_type, host):
        return self.client.prepare(version='1.2').call(
            context, 'tunnel_sync', tunnel_ip=tunnel_ip, tunnel_type=tunnel_type, host=host)


class AgentNotifyAPI:
    """Fanout casts: every agent listening on the notification topic hears them.

    Version history:
    1.0 - network_update, network_delete, subnet_update, subnet_delete,
          port_update, port_delete, routers_updated, router_deleted,
          security_groups_rule_updated, security_groups_member_updated
    1.1 - tunnel_update, tunnel_delete (VXLAN endpoints of Open vSwitch agents)
    """

    RPC_API_VERSION = '1.1'

    def __init__(self):
        target = messaging.Target(topic=CONF.network_conductor.agent_notification_topic,
                                  version=self.RPC_API_VERSION)
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.network_agent_notifier)

    def _fanout(self, context, method, version='1.0', **kwargs):
        self.client.prepare(fanout=True, version=version).cast(context, method, **kwargs)

    def network_update(self, context, network):
        self._fanout(context, 'network_update', network=network)

    def network_delete(self, context, network_id):
        self._fanout(context, 'network_delete', network_id=network_id)

    def subnet_update(self, context, subnet):
        self._fanout(context, 'subnet_update', subnet=subnet)

    def subnet_delete(self, context, subnet_id, network_id):
        self._fanout(context, 'subnet_delete', subnet_id=subnet_id, network_id=network_id)

    def port_update(self, context, port):
        self._fanout(context, 'port_update', port=port)

    def port_delete(self, context, port_id, network_id):
        self._fanout(context, 'port_delete', port_id=port_id, network_id=network_id)

    def routers_updated(self, context, router_ids):
        self._fanout(context, 'routers_updated', router_ids=router_ids)

    def router_deleted(self, context, router_id):
        self._fanout(context, 'router_deleted', router_id=router_id)

    def security_groups_rule_updated(self, context, security_groups):
        self._fanout(context, 'security_groups_rule_updated', security_groups=security_groups)

    def security_groups_member_updated(self, context, security_groups):
        self._fanout(context, 'security_groups_member_updated',
                     security_groups=security_groups)

    def tunnel_update(self, context, tunnel_ip, tunnel_type, host):
        self._fanout(context, 'tunnel_update', version='1.1', tunnel_ip=tunnel_ip,
                     tunnel_type=tunnel_type, host=host)

    def tunnel_delete(self, context, tunnel_ip, tunnel_type):
        self._fanout(context, 'tunnel_delete', version='1.1', tunnel_ip=tunnel_ip,
                     tunnel_type=tunnel_type)
