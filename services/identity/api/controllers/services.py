"""/v3/services."""

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import catalog as schemas


class ServicesController(base.Collection):
    member = 'service'
    collection = 'services'
    filters = ('type', 'name', 'enabled')
    create_schema = schemas.service_create
    update_schema = schemas.service_update

    def do_list(self, hints, params):
        return base.managers().catalog.list_services(hints)

    def do_get(self, entity_id):
        return base.managers().catalog.get_service(entity_id)

    def do_create(self, values):
        return base.managers().catalog.create_service(values)

    def do_update(self, entity_id, values):
        return base.managers().catalog.update_service(entity_id, values)

    def do_delete(self, entity_id):
        base.managers().catalog.delete_service(entity_id)

    def view(self, ref):
        return views.service(base.base_url(), ref)
