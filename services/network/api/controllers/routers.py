"""``/v2.0/routers``, with the add/remove_router_interface member actions."""

import pecan

from common import exception as common_exc
from common import validation
from services.network import exception
from services.network.api import schemas
from services.network.api import views
from services.network.api.controllers import agentscheduler
from services.network.api.controllers import base


class RoutersController(base.ResourceController):
    resource, collection = 'router', 'routers'
    taggable = True
    ACTIONS = {'add_router_interface': 'add_router_interface',
               'remove_router_interface': 'remove_router_interface',
               'add_extraroutes': 'add_extraroutes',
               'remove_extraroutes': 'remove_extraroutes'}

    @pecan.expose('json')
    def get_one(self, resource_id, *rest_of_path):
        if rest_of_path == ('l3-agents',):
            return agentscheduler.list_hosting(resource_id, 'l3-agents')
        return super().get_one(resource_id, *rest_of_path)

    @pecan.expose('json')
    def put(self, resource_id=None, *rest_of_path):
        if resource_id is None or not rest_of_path or rest_of_path[0] == 'tags':
            return super().put(resource_id, *rest_of_path)
        action = rest_of_path[0]
        if len(rest_of_path) != 1 or action not in self.ACTIONS:
            raise exception.ResourceNotFound()
        request = pecan.request
        body = base.read_json()
        extraroutes = action.endswith('_extraroutes')
        try:
            validation.validate(schemas.EXTRA_ROUTES if extraroutes
                                else schemas.ROUTER_INTERFACE, body)
        except common_exc.ValidationError as exc:
            raise exception.BadRequest(resource='router', msg=exc.message)
        router = self._fetch(resource_id)
        self._authorize_on(self.ACTIONS[action], self._target(router), resource_id)
        if extraroutes:
            item = request.conductor.update_extraroutes(
                request.context, resource_id, body['router']['routes'],
                remove=action == 'remove_extraroutes')
            return {'router': views.shape(item, views.hidden_attributes(request,
                                                                        'router'))}
        method = getattr(request.conductor, action)
        return method(request.context, resource_id, body)
