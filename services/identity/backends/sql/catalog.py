"""SQL driver for regions, services and endpoints."""

import sqlalchemy as sa

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models


def _region_dict(row):
    return {'id': row.id, 'description': row.description,
            'parent_region_id': row.parent_region_id}


def _service_dict(row):
    return {'id': row.id, 'type': row.type, 'name': row.name,
            'description': row.description, 'enabled': row.enabled}


def _endpoint_dict(row):
    return {'id': row.id, 'service_id': row.service_id, 'interface': row.interface,
            'url': row.url, 'region_id': row.region_id, 'enabled': row.enabled}


class CatalogDriver(sql.SqlDriver, base.CatalogDriver):

    # regions

    @staticmethod
    def _region(session, region_id):
        row = session.get(models.Region, region_id)
        if row is None:
            raise exception.RegionNotFound(region_id=region_id)
        return row

    def create_region(self, region):
        ref = shapes.shape('region', region)
        with self.writer('region', id_detail='ID %s' % ref['id']) as session:
            if ref['parent_region_id'] is not None:
                self._region(session, ref['parent_region_id'])
            row = models.Region(**ref)
            session.add(row)
            session.flush()
            return _region_dict(row)

    def get_region(self, region_id):
        with self.reader() as session:
            return _region_dict(self._region(session, region_id))

    def list_regions(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.Region), models.Region, hints)
        with self.reader() as session:
            refs = [_region_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def update_region(self, region_id, changes):
        with self.writer('region') as session:
            row = self._region(session, region_id)
            if changes.get('parent_region_id') is not None:
                self._region(session, changes['parent_region_id'])
            for field in ('description', 'parent_region_id'):
                if field in changes:
                    setattr(row, field, changes[field])
            session.flush()
            return _region_dict(row)

    def delete_region(self, region_id):
        with self.writer('region') as session:
            row = self._region(session, region_id)
            child = session.scalars(sa.select(models.Region.id).where(
                models.Region.parent_region_id == region_id).limit(1)).first()
            if child is not None:
                raise exception.Conflict('Region %s still has child regions.' % region_id)
            endpoint = session.scalars(sa.select(models.Endpoint.id).where(
                models.Endpoint.region_id == region_id).limit(1)).first()
            if endpoint is not None:
                raise exception.Conflict('Region %s still has endpoints.' % region_id)
            session.delete(row)

    # services

    @staticmethod
    def _service(session, service_id):
        row = session.get(models.Service, service_id)
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return row

    def create_service(self, service):
        ref = shapes.shape('service', service)
        with self.writer('service', id_detail='ID %s' % ref['id']) as session:
            row = models.Service(**ref)
            session.add(row)
            session.flush()
            return _service_dict(row)

    def get_service(self, service_id):
        with self.reader() as session:
            return _service_dict(self._service(session, service_id))

    def list_services(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.Service), models.Service, hints)
        with self.reader() as session:
            refs = [_service_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def update_service(self, service_id, changes):
        with self.writer('service') as session:
            row = self._service(session, service_id)
            for field in ('type', 'name', 'description', 'enabled'):
                if field in changes:
                    setattr(row, field, changes[field])
            session.flush()
            return _service_dict(row)

    def delete_service(self, service_id):
        with self.writer('service') as session:
            row = self._service(session, service_id)
            session.execute(sa.delete(models.Endpoint)
                            .where(models.Endpoint.service_id == service_id))
            session.delete(row)

    # endpoints

    @staticmethod
    def _endpoint(session, endpoint_id):
        row = session.get(models.Endpoint, endpoint_id)
        if row is None:
            raise exception.EndpointNotFound(endpoint_id=endpoint_id)
        return row

    def _check_refs(self, session, service_id, region_id):
        self._service(session, service_id)
        if region_id is not None:
            self._region(session, region_id)

    def create_endpoint(self, endpoint):
        ref = shapes.shape('endpoint', endpoint)
        with self.writer('endpoint', id_detail='ID %s' % ref['id']) as session:
            self._check_refs(session, ref['service_id'], ref['region_id'])
            row = models.Endpoint(**ref)
            session.add(row)
            session.flush()
            return _endpoint_dict(row)

    def get_endpoint(self, endpoint_id):
        with self.reader() as session:
            return _endpoint_dict(self._endpoint(session, endpoint_id))

    def list_endpoints(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.Endpoint), models.Endpoint, hints)
        with self.reader() as session:
            refs = [_endpoint_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def update_endpoint(self, endpoint_id, changes):
        with self.writer('endpoint') as session:
            row = self._endpoint(session, endpoint_id)
            # Check before changing the row: a lookup autoflushes pending changes.
            self._check_refs(session, changes.get('service_id', row.service_id),
                             changes.get('region_id', row.region_id))
            for field in ('service_id', 'interface', 'url', 'region_id', 'enabled'):
                if field in changes:
                    setattr(row, field, changes[field])
            session.flush()
            return _endpoint_dict(row)

    def delete_endpoint(self, endpoint_id):
        with self.writer('endpoint') as session:
            session.delete(self._endpoint(session, endpoint_id))

    def get_catalog(self):
        # One query: enabled services, each joined to its enabled endpoints.
        s, e = models.Service, models.Endpoint
        query = (sa.select(s.id, s.type, s.name, e.id, e.interface, e.region_id, e.url)
                 .outerjoin(e, sa.and_(e.service_id == s.id, e.enabled.is_(True)))
                 .where(s.enabled.is_(True))
                 .order_by(s.id, e.id))
        catalog = {}
        with self.reader() as session:
            for sid, stype, sname, eid, interface, region_id, url in session.execute(query):
                entry = catalog.setdefault(sid, {'id': sid, 'type': stype,
                                                 'name': sname, 'endpoints': []})
                if eid is not None:
                    entry['endpoints'].append({'id': eid, 'interface': interface,
                                               'region': region_id,
                                               'region_id': region_id, 'url': url})
        return list(catalog.values())
