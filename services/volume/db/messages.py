"""User messages (conductor only): failures of asynchronous work, readable by
the project until they expire."""

import datetime

import sqlalchemy as sa
from oslo_utils import uuidutils

from services.volume import exception
from services.volume.db import api
from services.volume.db import models


def _row(session, message_id, project_id=None):
    row = session.get(models.Message, message_id)
    if row is None or (project_id is not None and row.project_id != project_id) or \
            (row.expires_at is not None and row.expires_at <= api.now()):
        raise exception.MessageNotFound(message_id=message_id)
    return row


def create(values, ttl):
    stamp = api.now()
    with api.writer() as session:
        row = models.Message(id=uuidutils.generate_uuid(), created_at=stamp,
                             expires_at=stamp + datetime.timedelta(seconds=ttl), **values)
        session.add(row)
        session.flush()
        return api.as_dict(row)


def get(message_id, project_id=None):
    with api.reader() as session:
        return api.as_dict(_row(session, message_id, project_id))


def get_all(filters, sorts, limit, marker):
    """Unexpired messages matching ``filters`` (project_id, resource_uuid,
    resource_type, event_id, message_level, request_id)."""
    with api.reader() as session:
        query = sa.select(models.Message).where(models.Message.expires_at > api.now())
        for key in ('project_id', 'resource_uuid', 'resource_type', 'event_id',
                    'message_level', 'request_id'):
            if (filters or {}).get(key) is not None:
                query = query.where(getattr(models.Message, key) == filters[key])
        rows = api.sorted_page(session, models.Message, query, sorts, limit, marker,
                               exception.MessageNotFound(message_id=marker))
        return [api.as_dict(r) for r in rows]


def delete(message_id, project_id=None):
    with api.writer() as session:
        session.delete(_row(session, message_id, project_id))


def purge_expired():
    with api.writer() as session:
        return session.execute(sa.delete(models.Message).where(
            models.Message.expires_at <= api.now())).rowcount
