"""/v3/domains/{id}/config[/{group}[/{option}]] and
/v3/domains/config[/{group}[/{option}]]/default."""

import pecan

from services.identity.api.controllers import base

_BODY = {'type': 'object', 'properties': {'config': {'type': 'object'}},
         'required': ['config'], 'additionalProperties': False}


class DomainConfigController:

    def __init__(self, domain_id):
        self.domain_id = domain_id

    @pecan.expose('json')
    def _default(self, group=None, option=None, *extra):
        if extra:
            pecan.abort(404)
        m = base.managers().domain_config
        method = base.request().method
        target = {'domain_id': self.domain_id}
        if group is None:
            base.allow('GET', 'PUT', 'PATCH', 'DELETE')
        else:
            base.allow('GET', 'PATCH', 'DELETE')
        if method == 'GET':
            base.authorize('get_domain_config', **target)
            return {'config': m.get(self.domain_id, group, option)}
        if method == 'PUT':
            config = base.body(_BODY)['config']
            base.authorize('create_domain_config', **target)
            shown, created = m.create(self.domain_id, config)
            base.status(201 if created else 200)
            return {'config': shown}
        if method == 'PATCH':
            config = base.body(_BODY)['config']
            base.authorize('update_domain_config', **target)
            return {'config': m.update(self.domain_id, config, group, option)}
        base.authorize('delete_domain_config', **target)
        m.delete(self.domain_id, group, option)
        return base.no_content()


class DefaultConfigController:
    """/v3/domains/config/default, /config/{group}/default, /config/{g}/{o}/default."""

    @pecan.expose('json')
    def _default(self, *parts):
        if not parts or parts[-1] != 'default' or len(parts) > 3:
            pecan.abort(404)
        base.allow('GET')
        base.authorize('get_domain_config_default')
        return {'config': base.managers().domain_config.defaults(*parts[:-1])}
