"""/v3/endpoints."""

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import catalog as schemas


def _region_alias(values):
    # "region" is the deprecated name of region_id; clients still send it, and
    # keystone creates a region named that way when it does not exist yet
    region = values.pop('region', None)
    if region is not None and values.get('region_id') is None:
        values['region_id'] = region
        base.managers().catalog.ensure_region(region)
    return values


class EndpointsController(base.Collection):
    member = 'endpoint'
    collection = 'endpoints'
    filters = ('service_id', 'interface', 'region_id', 'enabled')
    create_schema = schemas.endpoint_create
    update_schema = schemas.endpoint_update

    def do_list(self, hints, params):
        if 'region' in params and 'region_id' not in hints:
            hints['region_id'] = params['region']
        return base.managers().catalog.list_endpoints(hints)

    def do_get(self, entity_id):
        return base.managers().catalog.get_endpoint(entity_id)

    def do_create(self, values):
        return base.managers().catalog.create_endpoint(_region_alias(values))

    def do_update(self, entity_id, values):
        return base.managers().catalog.update_endpoint(entity_id, _region_alias(values))

    def do_delete(self, entity_id):
        base.managers().catalog.delete_endpoint(entity_id)

    def view(self, ref):
        return views.endpoint(base.base_url(), ref)
