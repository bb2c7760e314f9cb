"""/v3/domains and role grants on domains."""

import pecan

from services.identity.api import views
from services.identity.api.controllers import base
from services.identity.api.controllers import domain_config
from services.identity.api.controllers import grants
from services.identity.api.schemas import resource as schemas


class DomainsController(base.Collection):
    member = 'domain'
    collection = 'domains'
    filters = ('name', 'enabled')
    create_schema = schemas.domain_create
    update_schema = schemas.domain_update

    def do_list(self, hints, params):
        return base.managers().resource.list_domains(hints)

    def do_get(self, entity_id):
        return base.managers().resource.get_domain(entity_id)

    def do_create(self, values):
        explicit_id = values.pop('explicit_domain_id', None)
        return base.managers().resource.create_domain(values, domain_id=explicit_id)

    def do_update(self, entity_id, values):
        values.pop('explicit_domain_id', None)
        return base.managers().resource.update_domain(entity_id, values)

    def do_delete(self, entity_id):
        base.managers().resource.delete_domain(entity_id)

    def view(self, ref):
        return views.domain(base.base_url(), ref)

    def target(self, ref):
        return {'domain_id': ref.get('id')}

    @pecan.expose()
    def _lookup(self, domain_id, *remainder):
        if domain_id == 'config':
            return domain_config.DefaultConfigController(), remainder
        if remainder and remainder[0] == 'config':
            return domain_config.DomainConfigController(domain_id), remainder[1:]
        if remainder and remainder[0] in ('users', 'groups'):
            actor_kind = remainder[0][:-1]
            return grants.GrantsController('domain', domain_id, actor_kind), remainder[1:]
        pecan.abort(404)
