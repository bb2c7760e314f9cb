"""Regions, services, endpoints and the per-project token catalog."""

import re

from services.identity import exception
from services.identity.core import new_id

_SUBSTITUTION = re.compile(r'\$\((\w+)\)s')


def substitute(url, values):
    """Fill keystone-style ``$(project_id)s`` placeholders.

    Returns None when the URL needs a value the token has not (an unscoped
    token cannot fill ``$(project_id)s``): such endpoints are left out.
    """
    missing = []

    def fill(match):
        value = values.get(match.group(1))
        if value is None:
            missing.append(match.group(1))
            return ''
        return value
    result = _SUBSTITUTION.sub(fill, url)
    return None if missing else result


class CatalogManager:

    def __init__(self, conf, driver, state):
        self.conf = conf
        self.driver = driver
        self.state = state
        self._cached = (None, None)
        self.endpoint_filter = None  # set by build_managers

    # -- regions -------------------------------------------------------------
    def create_region(self, values):
        parent = values.get('parent_region_id')
        if parent:
            try:
                self.driver.get_region(parent)
            except exception.RegionNotFound:
                raise exception.ValidationError(
                    reason='parent region %s does not exist' % parent)
        ref = {'id': values.get('id') or new_id(),
               'description': values.get('description') or '',
               'parent_region_id': parent}
        ref = self.driver.create_region(ref)
        self.state.bump()
        return ref

    def ensure_region(self, region_id):
        """The region ``region_id``, created when missing."""
        try:
            return self.driver.get_region(region_id)
        except exception.RegionNotFound:
            try:
                return self.create_region({'id': region_id})
            except exception.Conflict:
                return self.driver.get_region(region_id)

    def get_region(self, region_id):
        return self.driver.get_region(region_id)

    def list_regions(self, hints=None):
        return self.driver.list_regions(hints or {})

    def update_region(self, region_id, changes):
        parent = changes.get('parent_region_id')
        if parent:
            if parent == region_id:
                raise exception.ValidationError(reason='a region cannot be its own parent')
            self.driver.get_region(parent)
        ref = self.driver.update_region(region_id, changes)
        self.state.bump()
        return ref

    def delete_region(self, region_id):
        self.driver.delete_region(region_id)
        self.state.bump()

    # -- services ------------------------------------------------------------
    def create_service(self, values):
        ref = {'id': new_id(), 'type': values['type'], 'name': values.get('name') or '',
               'description': values.get('description') or '',
               'enabled': values.get('enabled', True)}
        ref = self.driver.create_service(ref)
        self.state.bump()
        return ref

    def get_service(self, service_id):
        return self.driver.get_service(service_id)

    def list_services(self, hints=None):
        return self.driver.list_services(hints or {})

    def update_service(self, service_id, changes):
        ref = self.driver.update_service(service_id, changes)
        self.state.bump()
        return ref

    def delete_service(self, service_id):
        self.driver.delete_service(service_id)
        self.state.bump()

    # -- endpoints -------------------------------------------------------------
    def _check_endpoint_refs(self, values):
        if values.get('service_id') is not None:
            try:
                self.driver.get_service(values['service_id'])
            except exception.ServiceNotFound:
                raise exception.ValidationError(
                    reason='service %s does not exist' % values['service_id'])
        if values.get('region_id'):
            try:
                self.driver.get_region(values['region_id'])
            except exception.RegionNotFound:
                raise exception.ValidationError(
                    reason='region %s does not exist' % values['region_id'])

    def create_endpoint(self, values):
        self._check_endpoint_refs(values)
        ref = {'id': new_id(), 'service_id': values['service_id'],
               'interface': values['interface'], 'url': values['url'],
               'region_id': values.get('region_id'), 'enabled': values.get('enabled', True)}
        ref = self.driver.create_endpoint(ref)
        self.state.bump()
        return ref

    def get_endpoint(self, endpoint_id):
        return self.driver.get_endpoint(endpoint_id)

    def list_endpoints(self, hints=None):
        return self.driver.list_endpoints(hints or {})

    def update_endpoint(self, endpoint_id, changes):
        self._check_endpoint_refs(changes)
        ref = self.driver.update_endpoint(endpoint_id, changes)
        self.state.bump()
        return ref

    def delete_endpoint(self, endpoint_id):
        self.driver.delete_endpoint(endpoint_id)
        if self.endpoint_filter is not None:
            self.endpoint_filter.delete_for_endpoint(endpoint_id)
        self.state.bump()

    # -- token catalog -----------------------------------------------------
    def _raw_catalog(self):
        version, catalog = self._cached
        if version != self.state.value or catalog is None:
            version = self.state.value
            catalog = self.driver.get_catalog()
            self._cached = (version, catalog)
        return catalog

    def get_catalog(self, user_id=None, project_id=None):
        values = {'user_id': user_id, 'project_id': project_id, 'tenant_id': project_id}
        allowed = None
        if project_id and self.endpoint_filter is not None:
            allowed = self.endpoint_filter.endpoint_ids_for_project(project_id)
        result = []
        for service in self._raw_catalog():
            endpoints = []
            for endpoint in service['endpoints']:
                if allowed is not None and endpoint['id'] not in allowed:
                    continue
                url = substitute(endpoint['url'], values)
                if url is not None:
                    endpoints.append(dict(endpoint, url=url))
            if allowed is not None and not endpoints:
                continue    # a filtered catalog leaves out services it has no endpoint of
            result.append({'id': service['id'], 'type': service['type'],
                           'name': service['name'], 'endpoints': endpoints})
        return result
