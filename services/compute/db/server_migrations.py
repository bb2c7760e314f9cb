"""Migration rows (conductor only; reached through ``db.api``)."""

import sqlalchemy as sa
from oslo_utils import timeutils
from oslo_utils import uuidutils

from services.compute.db import models

#: Statuses of a migration that has not ended (the ones a later step moves on).
OPEN = ('accepted', 'pre-migrating', 'migrating', 'post-migrating', 'finished',
        'confirming', 'reverting')


def _db():
    from services.compute.db import api
    return api


def _now():
    return timeutils.utcnow().replace(tzinfo=None)


def migration_create(values):
    with _db().writer() as session:
        row = models.Migration(uuid=uuidutils.generate_uuid(), created_at=_now(),
                               hidden=False, **values)
        session.add(row)
        session.flush()
        return _db().as_dict(row)


def migration_update_latest(instance_uuid, values, migration_types=None):
    """Update the instance's newest migration that has not ended (of one of
    ``migration_types``); None when it has none."""
    mig = models.Migration
    with _db().writer() as session:
        query = sa.select(mig).where(mig.instance_uuid == instance_uuid,
                                     mig.status.in_(OPEN))
        if migration_types:
            query = query.where(mig.migration_type.in_(migration_types))
        row = session.scalars(query.order_by(mig.id.desc())).first()
        if row is None:
            return None
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = _now()
        session.flush()
        return _db().as_dict(row)


def migration_get_all(filters):
    """Rows matching nova's os-migrations filters (``host`` is either end),
    newest first; hidden ones never."""
    mig = models.Migration
    query = sa.select(mig).where(mig.hidden == sa.false())
    for key in ('status', 'instance_uuid', 'migration_type', 'source_compute', 'user_id',
                'project_id'):
        if filters.get(key):
            query = query.where(getattr(mig, key) == filters[key])
    if filters.get('host'):
        query = query.where(sa.or_(mig.source_compute == filters['host'],
                                   mig.dest_compute == filters['host']))
    if filters.get('in_progress'):
        query = query.where(mig.status.in_(OPEN))
    with _db().reader() as session:
        rows = session.scalars(query.order_by(mig.created_at.desc(), mig.id.desc()))
        return [_db().as_dict(r) for r in rows]
