"""Unified limits: registered (default) limits per service, region and
resource, and project or domain limits that override them.  The
enforcement model is keystone's "flat": the hierarchy is not considered."""

from services.identity import exception
from services.identity.core import new_id

MODEL = {'name': 'flat',
         'description': 'Limit enforcement and validation does not take project '
                        'hierarchy into consideration.'}
_KEY = ('service_id', 'region_id', 'resource_name')


class LimitManager:

    def __init__(self, conf, registered_driver, limit_driver, state, catalog, resource):
        self.conf = conf
        self.registered = registered_driver
        self.limits = limit_driver
        self.state = state
        self.catalog = catalog
        self.resource = resource

    def _check_service_region(self, values):
        try:
            self.catalog.get_service(values['service_id'])
        except exception.NotFound:
            raise exception.ValidationError(
                reason='service %s does not exist' % values['service_id'])
        if values.get('region_id'):
            try:
                self.catalog.get_region(values['region_id'])
            except exception.NotFound:
                raise exception.ValidationError(
                    reason='region %s does not exist' % values['region_id'])

    @staticmethod
    def _duplicate(kind, ref):
        return exception.Conflict(
            'Conflict occurred attempting to store %s - Duplicate entry found with '
            'resource_name %s, service_id %s, region_id %s.'
            % (kind, ref['resource_name'], ref['service_id'], ref.get('region_id')))

    # -- registered limits -------------------------------------------------
    def create_registered_limits(self, items):
        refs = []
        seen = set()
        for values in items:
            self._check_service_region(values)
            ref = {'id': new_id(), 'service_id': values['service_id'],
                   'region_id': values.get('region_id'),
                   'resource_name': values['resource_name'],
                   'default_limit': values['default_limit'],
                   'description': values.get('description')}
            key = tuple(ref[k] for k in _KEY)
            if key in seen or self.registered.list(dict(zip(_KEY, key))):
                raise self._duplicate('registered_limit', ref)
            seen.add(key)
            refs.append(ref)
        created = [self.registered.create(ref) for ref in refs]
        self.state.bump()
        return created

    def get_registered_limit(self, limit_id):
        return self.registered.get(limit_id)

    def list_registered_limits(self, hints=None):
        return self.registered.list(hints or {})

    def update_registered_limit(self, limit_id, changes):
        current = self.registered.get(limit_id)
        merged = dict(current, **changes)
        if any(merged[k] != current[k] for k in _KEY):
            if self._limits_of(current):
                raise exception.LimitError(
                    reason='Cannot update the service, region or resource of registered '
                           'limit %s: project limits refer to it.' % limit_id)
            self._check_service_region(merged)
            clash = [r for r in self.registered.list({k: merged[k] for k in _KEY})
                     if r['id'] != limit_id]
            if clash:
                raise self._duplicate('registered_limit', merged)
        ref = self.registered.update(limit_id, changes)
        self.state.bump()
        return ref

    def delete_registered_limit(self, limit_id):
        current = self.registered.get(limit_id)
        if self._limits_of(current):
            raise exception.LimitError(
                reason='Cannot delete registered limit %s: project limits refer to it.'
                % limit_id)
        self.registered.delete(limit_id)
        self.state.bump()

    def _limits_of(self, registered):
        return self.limits.list({k: registered[k] for k in _KEY})

    # -- project and domain limits -------------------------------------------
    def create_limits(self, items):
        refs = []
        seen = set()
        for values in items:
            project_id, domain_id = values.get('project_id'), values.get('domain_id')
            if bool(project_id) == bool(domain_id):
                raise exception.ValidationError(
                    reason='a limit names either a project_id or a domain_id')
            if project_id:
                self._known(self.resource.get_project, project_id)
            else:
                self._known(self.resource.get_domain, domain_id)
            if not self.registered.list({k: values.get(k) for k in _KEY}):
                raise exception.ValidationError(
                    reason='No registered limit for resource_name %s, service_id %s, '
                           'region_id %s.' % (values['resource_name'], values['service_id'],
                                              values.get('region_id')))
            ref = {'id': new_id(), 'project_id': project_id, 'domain_id': domain_id,
                   'service_id': values['service_id'], 'region_id': values.get('region_id'),
                   'resource_name': values['resource_name'],
                   'resource_limit': values['resource_limit'],
                   'description': values.get('description')}
            key = (project_id, domain_id) + tuple(ref[k] for k in _KEY)
            if key in seen or self.limits.list(dict(
                    {k: ref[k] for k in _KEY}, project_id=project_id, domain_id=domain_id)):
                raise self._duplicate('limit', ref)
            seen.add(key)
            refs.append(ref)
        created = [self.limits.create(ref) for ref in refs]
        self.state.bump()
        return created

    @staticmethod
    def _known(getter, entity_id):
        try:
            getter(entity_id)
        except exception.NotFound as exc:
            raise exception.ValidationError(reason=str(exc))

    def get_limit(self, limit_id):
        return self.limits.get(limit_id)

    def list_limits(self, hints=None):
        return self.limits.list(hints or {})

    def update_limit(self, limit_id, changes):
        ref = self.limits.update(limit_id, {k: v for k, v in changes.items()
                                            if k in ('resource_limit', 'description')})
        self.state.bump()
        return ref

    def delete_limit(self, limit_id):
        self.limits.delete(limit_id)
        self.state.bump()

    def delete_for_project(self, project_id):
        for ref in self.limits.list({'project_id': project_id}):
            self.limits.delete(ref['id'])
