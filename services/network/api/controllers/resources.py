"""The plain collections: everything but routers is CRUD on one resource."""

import pecan

from services.network.api.controllers import agentscheduler
from services.network.api.controllers import base


class NetworksController(base.ResourceController):
    resource, collection = 'network', 'networks'
    taggable = True

    @pecan.expose('json')
    def get_one(self, resource_id, *rest_of_path):
        if rest_of_path == ('dhcp-agents',):
            return agentscheduler.list_hosting(resource_id, 'dhcp-agents')
        return super().get_one(resource_id, *rest_of_path)


class SubnetsController(base.ResourceController):
    resource, collection = 'subnet', 'subnets'
    taggable = True

    def _target(self, item):
        """A subnet is readable through its network (shared, or one's own);
        the network is looked up only for another project's subnet."""
        target = super()._target(item)
        request = pecan.request
        if target['project_id'] != request.context.project_id:
            net = request.conductor.get_resource(request.context, 'network',
                                                 item['network_id'])
            target.update({'shared': net.get('shared', False),
                           'router:external': net.get('router:external', False),
                           'network:project_id': net.get('project_id')})
        return target


class SubnetPoolsController(base.ResourceController):
    resource, collection = 'subnetpool', 'subnetpools'
    taggable = True


class PortsController(base.ResourceController):
    resource, collection = 'port', 'ports'
    taggable = True


class FloatingIPsController(base.ResourceController):
    resource, collection = 'floatingip', 'floatingips'
    taggable = True


class SecurityGroupsController(base.ResourceController):
    resource, collection = 'security_group', 'security_groups'
    taggable = True


class SecurityGroupRulesController(base.ResourceController):
    resource, collection = 'security_group_rule', 'security_group_rules'


class RbacPoliciesController(base.ResourceController):
    resource, collection = 'rbac_policy', 'rbac_policies'


class AddressScopesController(base.ResourceController):
    resource, collection = 'address_scope', 'address_scopes'


class SegmentsController(base.ResourceController):
    resource, collection = 'segment', 'segments'


class AgentsController(base.ResourceController):
    resource, collection = 'agent', 'agents'

    def _target(self, item):
        return {'project_id': ''}

    @pecan.expose('json')
    def get_all(self):
        # A caller the policy refuses lists no agents (neutron: 200, empty).
        if not base.authorize('get_agent', None, do_raise=False):
            base.list_params(pecan.request)
            return {'agents': []}
        return super().get_all()

    @pecan.expose('json')
    def get_one(self, resource_id, *rest_of_path):
        if len(rest_of_path) == 1 and rest_of_path[0] in agentscheduler.HOSTED:
            return agentscheduler.list_hosted(resource_id, rest_of_path[0])
        return super().get_one(resource_id, *rest_of_path)

    @pecan.expose('json')
    def post(self, *args):
        if len(args) == 2 and args[1] in agentscheduler.HOSTED:
            return agentscheduler.add_hosted(args[0], args[1])
        if args:
            raise base.method_not_allowed('GET', 'PUT', 'DELETE')
        # Agents register themselves by report_state: nothing to POST to.
        raise base.method_not_allowed('GET')

    @pecan.expose('json')
    def delete(self, resource_id=None, *rest_of_path):
        if len(rest_of_path) == 2 and rest_of_path[0] in agentscheduler.HOSTED:
            return agentscheduler.remove_hosted(resource_id, rest_of_path[0],
                                                rest_of_path[1])
        return super().delete(resource_id, *rest_of_path)

