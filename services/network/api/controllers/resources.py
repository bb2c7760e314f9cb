"""The plain collections: everything but routers is CRUD on one resource."""

from services.network.api.controllers import base


class NetworksController(base.ResourceController):
    resource, collection = 'network', 'networks'


class SubnetsController(base.ResourceController):
    resource, collection = 'subnet', 'subnets'


class SubnetPoolsController(base.ResourceController):
    resource, collection = 'subnetpool', 'subnetpools'


class PortsController(base.ResourceController):
    resource, collection = 'port', 'ports'


class FloatingIPsController(base.ResourceController):
    resource, collection = 'floatingip', 'floatingips'


class SecurityGroupsController(base.ResourceController):
    resource, collection = 'security_group', 'security_groups'


class SecurityGroupRulesController(base.ResourceController):
    resource, collection = 'security_group_rule', 'security_group_rules'


class AgentsController(base.ResourceController):
    resource, collection = 'agent', 'agents'
    list_policy = 'get_agent'

    def _target(self, item):
        return {'project_id': ''}

    def post(self):
        raise base.exception.BadRequest(resource='agent', msg='agents register themselves '
                                                              'by report_state')
