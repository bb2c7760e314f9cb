"""/v3/policies."""

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.schemas import policy as schemas


class PoliciesController(base.Collection):
    member = 'policy'
    collection = 'policies'
    filters = ('type',)
    create_schema = schemas.policy_create
    update_schema = schemas.policy_update

    def do_list(self, hints, params):
        return base.managers().policy.list(hints)

    def do_get(self, entity_id):
        return base.managers().policy.get(entity_id)

    def do_create(self, values):
        return base.managers().policy.create(values)

    def do_update(self, entity_id, values):
        return base.managers().policy.update(entity_id, values)

    def do_delete(self, entity_id):
        base.managers().policy.delete(entity_id)

    def view(self, ref):
        return views.policy(base.base_url(), ref)
