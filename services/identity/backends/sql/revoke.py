"""SQL driver for token revocation events."""

import sqlalchemy as sa

from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models

_FIELDS = tuple(shapes.FIELDS['revoke_event'])


def _event_dict(row):
    return {field: getattr(row, field) for field in _FIELDS}


class RevokeDriver(sql.SqlDriver, base.RevokeDriver):

    def add_event(self, event):
        ref = shapes.shape('revoke_event', event)
        with self.writer('revocation event', id_detail='ID %s' % ref['id']) as session:
            session.add(models.RevocationEvent(**ref))
        return ref

    def list_events(self, last_fetch=None):
        query = sa.select(models.RevocationEvent).order_by(
            models.RevocationEvent.revoked_at, models.RevocationEvent.id)
        if last_fetch is not None:
            query = query.where(models.RevocationEvent.revoked_at > last_fetch)
        with self.reader() as session:
            return [_event_dict(r) for r in session.scalars(query)]

    def prune_expired_events(self, before):
        with self.writer('revocation event') as session:
            session.execute(sa.delete(models.RevocationEvent).where(
                models.RevocationEvent.issued_before < before))
