"""/v3/OS-OAUTH1/consumers."""

import pecan

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import wrapped
from services.identity.api.schemas import DESCRIPTION

_create = wrapped('consumer', {'description': DESCRIPTION})
_update = wrapped('consumer', {'description': DESCRIPTION}, min_properties=1)


class ConsumersController(base.Collection):
    member = 'consumer'
    collection = 'consumers'
    filters = ()
    create_schema = _create
    update_schema = _update

    def do_list(self, hints, params):
        return base.managers().oauth1.list_consumers(hints)

    def do_get(self, entity_id):
        return base.managers().oauth1.get_consumer(entity_id)

    def do_create(self, values):
        return base.managers().oauth1.create_consumer(values)

    def do_update(self, entity_id, values):
        return base.managers().oauth1.update_consumer(entity_id, values)

    def do_delete(self, entity_id):
        base.managers().oauth1.delete_consumer(entity_id)

    def view(self, ref):
        return views.consumer(base.base_url(), ref)

    @pecan.expose('json')
    def get_all(self, **params):
        body = super().get_all(**params)
        body['links']['self'] = base.base_url() + '/OS-OAUTH1/consumers'
        return body

    @pecan.expose('json')
    def post(self):
        body = super().post()
        # the secret is shown once, when the consumer is made
        ref = base.managers().oauth1.get_consumer(body['consumer']['id'])
        body['consumer']['secret'] = ref['secret']
        return body


class OSOAuth1Controller:
    consumers = ConsumersController()
