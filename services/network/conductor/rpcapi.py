"""Client of the network conductor's API-facing RPC, used by alto-network-api.

Version history:
    1.0 - get_resource, list_resources (rows packed by pack_rows), create_resource, update_resource,
          delete_resource, add_router_interface, remove_router_interface,
          get_quota, get_quota_defaults, get_quota_details, update_quota,
          delete_quota, list_quotas, get_network_ip_availability,
          list_network_ip_availabilities, list_availability_zones
    1.1 - list_resources_compact (the items' JSON rendered once, compressed, by the
          wire module; only the requested fields, never the hidden ones)
    1.2 - update_tags (replace, add or remove a resource's tags)
    1.3 - update_extraroutes (add or remove some of a router's routes)
    1.4 - update_subports (add or remove some of a trunk's subports)
    1.5 - get_auto_allocated_topology, delete_auto_allocated_topology
    1.6 - list_router_l3_agents, list_l3_agent_routers, add_router_to_l3_agent,
          remove_router_from_l3_agent, list_network_dhcp_agents,
          list_dhcp_agent_networks, add_network_to_dhcp_agent,
          remove_network_from_dhcp_agent (agent scheduling)
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import exception as common_exc
from common import rpc
from services.network.conductor import wire

CONF = cfg.CONF


def _local(exc):
    """The exception oslo.messaging re-raised, without the remote traceback it
    appends to the message (which must never reach an API user)."""
    if not type(exc).__name__.endswith('_Remote'):
        return exc
    base = type(exc).__mro__[1]
    message = str(exc.args[0]).split('\n', 1)[0] if exc.args else None
    try:
        return base(message, **getattr(exc, 'kwargs', {}))
    except TypeError:
        return base(message)


def pack_rows(items):
    """Lists travel as one key list plus value rows: a 2000-port listing is
    about half the bytes of a list of dicts that repeat every key."""
    keys = sorted({key for item in items for key in item})
    return {'keys': keys, 'rows': [[item.get(k) for k in keys] for item in items]}


def unpack_rows(packed):
    keys = packed['keys']
    return [dict(zip(keys, row)) for row in packed['rows']]


class NetworkConductorAPI:
    RPC_API_VERSION = '1.6'

    def __init__(self):
        target = messaging.Target(topic=CONF.network_conductor.topic,
                                  version=self.RPC_API_VERSION)
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.network_conductor,
                                     timeout=CONF.network_conductor.rpc_timeout)

    def _call(self, context, version, method, **kwargs):
        try:
            return self.client.prepare(version=version).call(context, method, **kwargs)
        except common_exc.AltoError as exc:
            raise _local(exc) from None
        except messaging.MessagingTimeout:
            raise common_exc.ServiceUnavailable(reason='the network conductor did not answer')

    def get_resource(self, context, resource, resource_id):
        return self._call(context, '1.0', 'get_resource', resource=resource,
                          resource_id=resource_id)

    def list_resources(self, context, resource, filters=None, sorts=None, limit=None,
                       marker=None, page_reverse=False):
        return unpack_rows(self._call(context, '1.0', 'list_resources', resource=resource,
                                      filters=filters, sorts=sorts, limit=limit,
                                      marker=marker, page_reverse=page_reverse))

    def list_resources_compact(self, context, resource, filters=None, sorts=None,
                               limit=None, marker=None, page_reverse=False, fields=None,
                               hidden=None):
        """The listing as a :class:`wire.Listing` (its items' JSON), with only
        ``fields`` (if given) and without ``hidden`` attributes.

        A conductor capped at 1.0 answers the dict listing, rendered here.
        """
        page = dict(filters=filters, sorts=sorts, limit=limit, marker=marker,
                    page_reverse=page_reverse)
        if self.client.can_send_version('1.1'):
            return wire.decode(self._call(context, '1.1', 'list_resources_compact',
                                          resource=resource, fields=fields, hidden=hidden,
                                          **page))
        return wire.render_dicts(self.list_resources(context, resource, **page),
                                 wire.shown_keys(fields, hidden))

    def create_resource(self, context, resource, body):
        return self._call(context, '1.0', 'create_resource', resource=resource, body=body)

    def update_resource(self, context, resource, resource_id, body):
        return self._call(context, '1.0', 'update_resource', resource=resource,
                          resource_id=resource_id, body=body)

    def delete_resource(self, context, resource, resource_id):
        return self._call(context, '1.0', 'delete_resource', resource=resource,
                          resource_id=resource_id)

    def update_tags(self, context, resource, resource_id, replace=None, add=None,
                    remove=None):
        return self._call(context, '1.2', 'update_tags', resource=resource,
                          resource_id=resource_id, replace=replace, add=add, remove=remove)

    def update_extraroutes(self, context, router_id, routes, remove=False):
        return self._call(context, '1.3', 'update_extraroutes', router_id=router_id,
                          routes=routes, remove=remove)

    def update_subports(self, context, trunk_id, sub_ports, remove=False):
        return self._call(context, '1.4', 'update_subports', trunk_id=trunk_id,
                          sub_ports=sub_ports, remove=remove)

    def get_auto_allocated_topology(self, context, project_id, dry_run=False):
        return self._call(context, '1.5', 'get_auto_allocated_topology',
                          project_id=project_id, dry_run=dry_run)

    def delete_auto_allocated_topology(self, context, project_id):
        return self._call(context, '1.5', 'delete_auto_allocated_topology',
                          project_id=project_id)

    def list_router_l3_agents(self, context, router_id):
        return self._call(context, '1.6', 'list_router_l3_agents', router_id=router_id)

    def list_l3_agent_routers(self, context, agent_id):
        return self._call(context, '1.6', 'list_l3_agent_routers', agent_id=agent_id)

    def add_router_to_l3_agent(self, context, agent_id, router_id):
        return self._call(context, '1.6', 'add_router_to_l3_agent', agent_id=agent_id,
                          router_id=router_id)

    def remove_router_from_l3_agent(self, context, agent_id, router_id):
        return self._call(context, '1.6', 'remove_router_from_l3_agent', agent_id=agent_id,
                          router_id=router_id)

    def list_network_dhcp_agents(self, context, network_id):
        return self._call(context, '1.6', 'list_network_dhcp_agents', network_id=network_id)

    def list_dhcp_agent_networks(self, context, agent_id):
        return self._call(context, '1.6', 'list_dhcp_agent_networks', agent_id=agent_id)

    def add_network_to_dhcp_agent(self, context, agent_id, network_id):
        return self._call(context, '1.6', 'add_network_to_dhcp_agent', agent_id=agent_id,
                          network_id=network_id)

    def remove_network_from_dhcp_agent(self, context, agent_id, network_id):
        return self._call(context, '1.6', 'remove_network_from_dhcp_agent',
                          agent_id=agent_id, network_id=network_id)

    def add_router_interface(self, context, router_id, interface_info):
        return self._call(context, '1.0', 'add_router_interface', router_id=router_id,
                          interface_info=interface_info)

    def remove_router_interface(self, context, router_id, interface_info):
        return self._call(context, '1.0', 'remove_router_interface', router_id=router_id,
                          interface_info=interface_info)

    def get_quota(self, context, project_id):
        return self._call(context, '1.0', 'get_quota', project_id=project_id)

    def get_quota_defaults(self, context):
        return self._call(context, '1.0', 'get_quota_defaults')

    def get_quota_details(self, context, project_id):
        return self._call(context, '1.0', 'get_quota_details', project_id=project_id)

    def update_quota(self, context, project_id, quota):
        return self._call(context, '1.0', 'update_quota', project_id=project_id, quota=quota)

    def delete_quota(self, context, project_id):
        return self._call(context, '1.0', 'delete_quota', project_id=project_id)

    def list_quotas(self, context):
        return self._call(context, '1.0', 'list_quotas')

    def get_network_ip_availability(self, context, network_id):
        return self._call(context, '1.0', 'get_network_ip_availability',
                          network_id=network_id)

    def list_network_ip_availabilities(self, context, filters=None):
        return self._call(context, '1.0', 'list_network_ip_availabilities', filters=filters)

    def list_availability_zones(self, context):
        return self._call(context, '1.0', 'list_availability_zones')
