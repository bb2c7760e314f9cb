"""Agent scheduling (``l3_agent_scheduler``, ``dhcp_agent_scheduler``):
``/agents/{id}/l3-routers[/{router_id}]``, ``/agents/{id}/dhcp-networks[/{network_id}]``,
``/routers/{id}/l3-agents`` and ``/networks/{id}/dhcp-agents``. Admin only,
with neutron's policy names; the collection controllers hand these paths here."""

import collections

import pecan
import webob

from services.network import exception
from services.network.api import views
from services.network.api.controllers import base

Hosted = collections.namedtuple('Hosted', 'policy resource collection key list add remove')

#: what an agent hosts, by its sub-collection
HOSTED = {
    'l3-routers': Hosted('l3-router', 'router', 'routers', 'router_id',
                         'list_l3_agent_routers', 'add_router_to_l3_agent',
                         'remove_router_from_l3_agent'),
    'dhcp-networks': Hosted('dhcp-network', 'network', 'networks', 'network_id',
                            'list_dhcp_agent_networks', 'add_network_to_dhcp_agent',
                            'remove_network_from_dhcp_agent'),
}
#: the agents of a router or network, by the resource's sub-collection
HOSTING = {'l3-agents': 'list_router_l3_agents', 'dhcp-agents': 'list_network_dhcp_agents'}


def _conductor_call(method, *args):
    request = pecan.request
    return getattr(request.conductor, method)(request.context, *args)


def list_hosted(agent_id, sub):
    hosted = HOSTED[sub]
    base.authorize('get_%s' % sub, None)
    hidden = views.hidden_attributes(pecan.request, hosted.resource)
    return {hosted.collection: [views.shape(item, hidden)
                                for item in _conductor_call(hosted.list, agent_id)]}


def add_hosted(agent_id, sub):
    hosted = HOSTED[sub]
    base.authorize('create_%s' % hosted.policy, None)
    body = base.read_json()
    resource_id = body.get(hosted.key) if isinstance(body, dict) else None
    if not isinstance(resource_id, str) or not resource_id or '\x00' in resource_id:
        raise exception.BadRequest(resource=hosted.policy,
                                   msg='Request body must carry a "%s"' % hosted.key)
    _conductor_call(hosted.add, agent_id, resource_id)
    # neutron answers 201 with a null body (clients parse it as JSON).
    return webob.Response(status=201, body=b'null', content_type='application/json',
                          charset=None)


def remove_hosted(agent_id, sub, resource_id):
    hosted = HOSTED[sub]
    base.authorize('delete_%s' % hosted.policy, None)
    _conductor_call(hosted.remove, agent_id, resource_id)
    return views.no_content()


def list_hosting(resource_id, sub):
    base.authorize('get_%s' % sub, None)
    return {'agents': _conductor_call(HOSTING[sub], resource_id)}
