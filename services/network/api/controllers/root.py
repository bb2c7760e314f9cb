"""``/`` (version discovery) and ``/v2.0`` (the resource index)."""

import pecan

from common import wsgi
from services.network.api.controllers import autoallocate
from services.network.api.controllers import availability
from services.network.api.controllers import extensions
from services.network.api.controllers import metering
from services.network.api.controllers import qos
from services.network.api.controllers import quotas
from services.network.api.controllers import resources
from services.network.api.controllers import routers
from services.network.api.controllers import trunks

COLLECTIONS = (('network', 'networks'), ('subnet', 'subnets'),
               ('subnetpool', 'subnetpools'), ('port', 'ports'), ('router', 'routers'),
               ('floatingip', 'floatingips'), ('security_group', 'security-groups'),
               ('security_group_rule', 'security-group-rules'), ('quota', 'quotas'),
               ('agent', 'agents'), ('availability_zone', 'availability_zones'),
               ('network_ip_availability', 'network-ip-availabilities'),
               ('metering_label', 'metering/metering-labels'),
               ('metering_label_rule', 'metering/metering-label-rules'),
               ('service_provider', 'service-providers'),
               ('rbac_policy', 'rbac-policies'), ('address_scope', 'address-scopes'),
               ('policy', 'qos/policies'), ('rule_type', 'qos/rule-types'),
               ('trunk', 'trunks'), ('segment', 'segments'))


class V2Controller:
    networks = resources.NetworksController()
    subnets = resources.SubnetsController()
    subnetpools = resources.SubnetPoolsController()
    ports = resources.PortsController()
    floatingips = resources.FloatingIPsController()
    routers = routers.RoutersController()
    agents = resources.AgentsController()
    quotas = quotas.QuotasController()
    extensions = extensions.ExtensionsController()
    availability_zones = availability.AvailabilityZonesController()
    metering = metering.MeteringController()
    qos = qos.QosController()
    trunks = trunks.TrunksController()
    segments = resources.SegmentsController()

    @pecan.expose('json')
    def index(self):
        base = wsgi.base_url(pecan.request.app_conf, pecan.request)
        return {'resources': [
            {'name': name, 'collection': collection,
             'links': [{'rel': 'self', 'href': '%s/v2.0/%s' % (base, collection)}]}
            for name, collection in COLLECTIONS]}


# Collection names with dashes cannot be Python attribute names.
setattr(V2Controller, 'security-groups', resources.SecurityGroupsController())
setattr(V2Controller, 'security-group-rules', resources.SecurityGroupRulesController())
setattr(V2Controller, 'network-ip-availabilities', availability.IPAvailabilityController())
setattr(V2Controller, 'service-providers', metering.ServiceProvidersController())
setattr(V2Controller, 'rbac-policies', resources.RbacPoliciesController())
setattr(V2Controller, 'address-scopes', resources.AddressScopesController())
setattr(V2Controller, 'auto-allocated-topology',
        autoallocate.AutoAllocatedTopologyController())


class RootController:
    @pecan.expose('json')
    def index(self):
        base = wsgi.base_url(pecan.request.app_conf, pecan.request)
        return {'versions': [{'id': 'v2.0', 'status': 'CURRENT',
                              'links': [{'rel': 'self', 'href': '%s/v2.0/' % base}]}]}


setattr(RootController, 'v2.0', V2Controller())
