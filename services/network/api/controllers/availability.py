"""``/v2.0/availability_zones`` and ``/v2.0/network-ip-availabilities``."""

import pecan
from pecan import rest

from services.network.api import views
from services.network.api.controllers import base


class AvailabilityZonesController(rest.RestController):

    @pecan.expose('json')
    def get_all(self):
        request = pecan.request
        base.authorize('get_availability_zone', None)
        filters, fields, _, _, _, _ = base.list_params(request)
        zones = request.conductor.list_availability_zones(request.context)
        for key, values in filters.items():
            zones = [z for z in zones if str(z.get(key)) in values]
        return {'availability_zones': [views.shape(z, (), fields) for z in zones]}


class IPAvailabilityController(rest.RestController):

    @pecan.expose('json')
    def get_all(self):
        request = pecan.request
        base.authorize('get_network_ip_availability', None)
        filters, fields, _, _, _, _ = base.list_params(request)
        items = request.conductor.list_network_ip_availabilities(request.context, filters)
        return {'network_ip_availabilities': [views.shape(i, (), fields) for i in items]}

    @pecan.expose('json')
    def get_one(self, network_id):
        request = pecan.request
        base.authorize('get_network_ip_availability', None)
        return {'network_ip_availability': request.conductor.get_network_ip_availability(
            request.context, network_id)}
