"""``/v2.0/metering/metering-labels`` and ``.../metering-label-rules``
(admin only; labels and rules are created and deleted, never updated), and
``/v2.0/service-providers``."""

import pecan
from pecan import rest

from services.network.api.controllers import base


class MeteringLabelsController(base.ResourceController):
    resource, collection = 'metering_label', 'metering_labels'

    @pecan.expose('json')
    def put(self, resource_id=None, *rest_of_path):
        raise base.method_not_allowed(*(('GET', 'POST') if resource_id is None
                                        else ('GET', 'DELETE')))


class MeteringLabelRulesController(MeteringLabelsController):
    resource, collection = 'metering_label_rule', 'metering_label_rules'


class MeteringController:
    """``/v2.0/metering``: the two collections live below it."""


setattr(MeteringController, 'metering-labels', MeteringLabelsController())
setattr(MeteringController, 'metering-label-rules', MeteringLabelRulesController())

#: The providers of the services this cloud runs: routers are the L3 agent's
#: (centralized, single node).
SERVICE_PROVIDERS = [{'service_type': 'L3_ROUTER_NAT', 'name': 'single_node',
                      'default': True}]


class ServiceProvidersController(rest.RestController):

    @pecan.expose('json')
    def get_all(self):
        base.authorize('get_service_provider', None)
        base.list_params(pecan.request)
        return {'service_providers': list(SERVICE_PROVIDERS)}
