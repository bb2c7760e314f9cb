"""A read-only service catalog read from a keystone-format template file.

Each line sets one attribute of one service in one region::

    # comments and blank lines are ignored
    catalog.RegionOne.identity.publicURL = http://127.0.0.1:5000/v3
    catalog.RegionOne.identity.internalURL = http://127.0.0.1:5000/v3
    catalog.RegionOne.identity.adminURL = http://127.0.0.1:5000/v3
    catalog.RegionOne.identity.name = 'Identity Service'

``publicURL``/``internalURL``/``adminURL`` become endpoints of the public,
internal and admin interfaces; ``name`` (quotes optional) names the service.
A service type appearing in several regions is one service with endpoints
in each region.  Ids are derived from the names, so they stay the same
across restarts and processes.  URL placeholders such as ``$(project_id)s``
are left for the manager to fill.  The file is re-read when it changes.
"""

import os
import threading
import uuid

from oslo_log import log as logging

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import filtering

LOG = logging.getLogger(__name__)

INTERFACES = {'publicURL': 'public', 'internalURL': 'internal', 'adminURL': 'admin'}
_ID_NAMESPACE = uuid.UUID('6d4f1c2e-8a1b-4c55-9a43-5e0c3f7b2a10')


class TemplateError(ValueError):
    """The catalog template file cannot be read or parsed."""


def _stable_id(*parts):
    return uuid.uuid5(_ID_NAMESPACE, '/'.join(parts)).hex


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] and value[0] in '\'"':
        return value[1:-1]
    return value


def parse_template(text, source='<template>'):
    """``(regions, services, endpoints)`` dicts keyed by id."""
    regions, services, endpoints = {}, {}, {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        key, sep, value = line.partition('=')
        parts = key.strip().split('.')
        if not sep or len(parts) != 4 or parts[0] != 'catalog' or not all(parts):
            raise TemplateError('%s line %d: expected "catalog.<region>.<service type>.'
                                '<attribute> = <value>", got %r' % (source, number, raw))
        _, region, service_type, attribute = parts
        value = _unquote(value.strip())
        regions.setdefault(region, {'id': region, 'description': None,
                                    'parent_region_id': None})
        service_id = _stable_id('service', service_type)
        service = services.setdefault(service_id, {
            'id': service_id, 'type': service_type, 'name': service_type,
            'description': None, 'enabled': True})
        if attribute == 'name':
            service['name'] = value
        elif attribute in INTERFACES:
            interface = INTERFACES[attribute]
            endpoint_id = _stable_id('endpoint', region, service_type, interface)
            endpoints[endpoint_id] = {'id': endpoint_id, 'service_id': service_id,
                                      'interface': interface, 'url': value,
                                      'region_id': region, 'enabled': True}
        else:
            LOG.warning('%s line %d: ignoring unknown catalog attribute %r',
                        source, number, attribute)
    return regions, services, endpoints


class CatalogDriver(base.CatalogDriver):

    def __init__(self, template_file):
        self._path = template_file
        self._lock = threading.Lock()
        self._mtime = None
        self._data = ({}, {}, {})
        self._refresh()

    def _refresh(self):
        try:
            mtime = os.stat(self._path).st_mtime_ns
        except OSError as e:
            if self._mtime is None:
                raise TemplateError('cannot read catalog template %s: %s'
                                    % (self._path, e.strerror))
            return      # keep serving the last good catalog
        if mtime == self._mtime:
            return
        with self._lock:
            with open(self._path, encoding='utf-8') as f:
                text = f.read()
            try:
                self._data = parse_template(text, self._path)
            except TemplateError:
                if self._mtime is None:
                    raise
                LOG.exception('keeping the previous catalog')
            self._mtime = mtime

    def _table(self, index):
        self._refresh()
        return self._data[index]

    def _get(self, index, ref_id, not_found):
        try:
            return dict(self._table(index)[ref_id])
        except KeyError:
            raise not_found

    def _list(self, index, hints):
        return [dict(r) for r in self._table(index).values()
                if filtering.matches_hints(r, hints)]

    # reads

    def get_region(self, region_id):
        return self._get(0, region_id, exception.RegionNotFound(region_id=region_id))

    def list_regions(self, hints=None):
        return self._list(0, hints)

    def get_service(self, service_id):
        return self._get(1, service_id, exception.ServiceNotFound(service_id=service_id))

    def list_services(self, hints=None):
        return self._list(1, hints)

    def get_endpoint(self, endpoint_id):
        return self._get(2, endpoint_id,
                         exception.EndpointNotFound(endpoint_id=endpoint_id))

    def list_endpoints(self, hints=None):
        return self._list(2, hints)

    def get_catalog(self):
        self._refresh()
        _, services, endpoints = self._data
        catalog = []
        for service in services.values():
            catalog.append({
                'id': service['id'], 'type': service['type'], 'name': service['name'],
                'endpoints': [{'id': e['id'], 'interface': e['interface'],
                               'region': e['region_id'], 'region_id': e['region_id'],
                               'url': e['url']}
                              for e in endpoints.values()
                              if e['service_id'] == service['id']]})
        return catalog

    # writes: the file is the source of truth

    def _read_only(self, *args, **kwargs):
        raise exception.CatalogReadOnly()

    create_region = update_region = delete_region = _read_only
    create_service = update_service = delete_service = _read_only
    create_endpoint = update_endpoint = delete_endpoint = _read_only
