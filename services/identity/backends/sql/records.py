"""SQL record driver: one instance per record kind, on that kind's table.

Fields listed in ``JSON_FIELDS`` are stored as JSON text."""

import json

import sqlalchemy as sa

from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models

MODELS = {
    'registered_limit': models.RegisteredLimit,
    'limit': models.Limit,
    'policy': models.Policy,
    'endpoint_group': models.EndpointGroup,
    'project_endpoint': models.ProjectEndpoint,
    'project_endpoint_group': models.ProjectEndpointGroup,
    'access_rule': models.AccessRule,
    'app_cred_access_rule': models.ApplicationCredentialAccessRule,
    'consumer': models.Consumer,
    'domain_config': models.DomainConfig,
}
JSON_FIELDS = ('extra', 'filters', 'config')


class RecordDriver(sql.SqlDriver, base.RecordDriver):

    def __init__(self, context_manager, kind):
        super().__init__(context_manager)
        self.kind = kind
        self.model = MODELS[kind]
        self.fields = tuple(shapes.FIELDS[kind])

    def _dict(self, row):
        ref = {}
        for field in self.fields:
            value = getattr(row, field)
            if field in JSON_FIELDS:
                value = json.loads(value) if value else {}
            ref[field] = value
        return ref

    def _columns(self, ref):
        return {field: (json.dumps(ref[field] or {}) if field in JSON_FIELDS else ref[field])
                for field in self.fields if field in ref}

    def _row(self, session, record_id):
        row = session.get(self.model, record_id)
        if row is None:
            raise base.record_not_found(self.kind, record_id)
        return row

    def create(self, ref):
        ref = shapes.shape(self.kind, ref)
        with self.writer(self.kind.replace('_', ' '), id_detail='ID %s' % ref['id']) \
                as session:
            row = self.model(**self._columns(ref))
            session.add(row)
            session.flush()
            return self._dict(row)

    def get(self, record_id):
        with self.reader() as session:
            return self._dict(self._row(session, record_id))

    def list(self, hints=None):
        plain = {k: v for k, v in (hints or {}).items() if k not in JSON_FIELDS}
        query, leftover = sql.apply_hints(sa.select(self.model), self.model, plain)
        with self.reader() as session:
            refs = [self._dict(r) for r in session.scalars(query)]
        leftover.update({k: v for k, v in (hints or {}).items() if k in JSON_FIELDS})
        return sql.filter_leftover(refs, leftover)

    def update(self, record_id, changes):
        changes = {k: v for k, v in changes.items() if k in self.fields and k != 'id'}
        with self.writer(self.kind.replace('_', ' ')) as session:
            row = self._row(session, record_id)
            for field, value in self._columns(changes).items():
                setattr(row, field, value)
            session.flush()
            return self._dict(row)

    def delete(self, record_id):
        with self.writer(self.kind.replace('_', ' ')) as session:
            session.delete(self._row(session, record_id))


def build(context_manager):
    return {kind: RecordDriver(context_manager, kind) for kind in base.RECORD_KINDS}
