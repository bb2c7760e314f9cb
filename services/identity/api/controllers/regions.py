"""/v3/regions."""

import pecan

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import catalog as schemas


class RegionsController(base.Collection):
    member = 'region'
    collection = 'regions'
    filters = ('parent_region_id',)
    create_schema = schemas.region_create
    update_schema = schemas.region_update

    def do_list(self, hints, params):
        return base.managers().catalog.list_regions(hints)

    def do_get(self, entity_id):
        return base.managers().catalog.get_region(entity_id)

    def do_create(self, values):
        return base.managers().catalog.create_region(values)

    def do_update(self, entity_id, values):
        return base.managers().catalog.update_region(entity_id, values)

    def do_delete(self, entity_id):
        base.managers().catalog.delete_region(entity_id)

    def view(self, ref):
        return views.region(base.base_url(), ref)

    @pecan.expose('json')
    def put(self, region_id=None, *remainder):
        """Create a region with the id in the URL (keystone's PUT form)."""
        if region_id is None or remainder:
            raise base.MethodNotAllowed(('GET', 'POST'))
        values = base.body(schemas.region_create)['region']
        base.authorize('create_region')
        values['id'] = region_id
        ref = self.do_create(values)
        base.status(201)
        return {'region': self.view(ref)}
