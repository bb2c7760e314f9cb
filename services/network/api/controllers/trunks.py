"""``/v2.0/trunks``, with the add_subports / remove_subports / get_subports
member actions."""

import pecan

from common import exception as common_exc
from common import validation
from services.network import exception
from services.network.api import schemas
from services.network.api import views
from services.network.api.controllers import base


class TrunksController(base.ResourceController):
    resource, collection = 'trunk', 'trunks'
    taggable = True
    ACTIONS = ('add_subports', 'remove_subports')

    @pecan.expose('json')
    def get_one(self, resource_id, *rest_of_path):
        if rest_of_path != ('get_subports',):
            return super().get_one(resource_id, *rest_of_path)
        trunk = self._fetch(resource_id)
        self._authorize_on('get_subports', self._target(trunk), resource_id)
        return {'sub_ports': trunk['sub_ports']}

    @pecan.expose('json')
    def put(self, resource_id=None, *rest_of_path):
        if resource_id is None or not rest_of_path or rest_of_path[0] == 'tags':
            return super().put(resource_id, *rest_of_path)
        action = rest_of_path[0]
        if len(rest_of_path) != 1 or action not in self.ACTIONS:
            raise exception.ResourceNotFound()
        request = pecan.request
        body = base.read_json()
        try:
            validation.validate(schemas.SUBPORTS, body)
        except common_exc.ValidationError as exc:
            raise exception.InvalidInput(error_message=exc.message.replace(
                'Invalid input: ', ''))
        trunk = self._fetch(resource_id)
        self._authorize_on(action, self._target(trunk), resource_id)
        item = request.conductor.update_subports(request.context, resource_id,
                                                 body['sub_ports'],
                                                 remove=action == 'remove_subports')
        return views.shape(item, views.hidden_attributes(request, 'trunk'))
