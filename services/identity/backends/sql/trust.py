"""SQL driver for OS-TRUST trusts."""

import json

import sqlalchemy as sa

from services.identity import exception
from services.identity.backends import base
from services.identity.backends import shapes
from services.identity.backends.sql import session as sql
from services.identity.db import models

_COLUMNS = ('id', 'trustor_user_id', 'trustee_user_id', 'project_id', 'impersonation',
            'expires_at', 'remaining_uses', 'allow_redelegation', 'redelegation_count',
            'created_at')


def _trust_dict(row):
    ref = {field: getattr(row, field) for field in _COLUMNS}
    ref['roles'] = [{'id': r.role_id} for r in sorted(row.roles, key=lambda r: r.role_id)]
    ref['extra'] = json.loads(row.extra) if row.extra else {}
    return ref


class TrustDriver(sql.SqlDriver, base.TrustDriver):

    def create_trust(self, trust):
        ref = shapes.shape('trust', trust)
        role_ids = sorted({r['id'] for r in ref['roles']})
        with self.writer('trust', id_detail='ID %s' % ref['id']) as session:
            row = models.Trust(roles=[models.TrustRole(role_id=r) for r in role_ids],
                               extra=json.dumps(ref['extra']),
                               **{field: ref[field] for field in _COLUMNS})
            session.add(row)
            session.flush()
            return _trust_dict(row)

    def get_trust(self, trust_id):
        with self.reader() as session:
            row = session.get(models.Trust, trust_id)
            if row is None:
                raise exception.TrustNotFound(trust_id=trust_id)
            return _trust_dict(row)

    def list_trusts(self, hints=None):
        query, leftover = sql.apply_hints(sa.select(models.Trust), models.Trust, hints)
        with self.reader() as session:
            refs = [_trust_dict(r) for r in session.scalars(query)]
        return sql.filter_leftover(refs, leftover)

    def delete_trust(self, trust_id):
        with self.writer('trust') as session:
            row = session.get(models.Trust, trust_id)
            if row is None:
                raise exception.TrustNotFound(trust_id=trust_id)
            session.execute(sa.delete(models.TrustRole).where(
                models.TrustRole.trust_id == trust_id))
            session.delete(row)

    def consume_use(self, trust_id):
        t = models.Trust
        with self.writer('trust') as session:
            row = session.get(t, trust_id)
            if row is None:
                raise exception.TrustNotFound(trust_id=trust_id)
            if row.remaining_uses is None:
                return True
            # a conditional UPDATE: concurrent callers never both take the last use
            result = session.execute(sa.update(t).where(
                t.id == trust_id, t.remaining_uses > 0).values(
                remaining_uses=t.remaining_uses - 1).execution_options(
                synchronize_session=False))
            return result.rowcount == 1
