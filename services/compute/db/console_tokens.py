"""Console authorization tokens (conductor only; reached through ``db.api``)."""

import sqlalchemy as sa
from oslo_utils import timeutils

from services.compute import exception
from services.compute.db import models


def _db():
    from services.compute.db import api
    return api


def console_token_create(values):
    """Store a token (``values`` has its ``token_hash``); expired ones of
    every server go at the same time."""
    with _db().writer() as session:
        session.execute(sa.delete(models.ConsoleAuthToken).where(
            models.ConsoleAuthToken.expires <= values['now']))
        row = models.ConsoleAuthToken(
            created_at=timeutils.utcnow().replace(tzinfo=None),
            **{k: v for k, v in values.items() if k != 'now'})
        session.add(row)
        session.flush()
        return _db().as_dict(row)


def console_token_get_valid(token_hash, now):
    with _db().reader() as session:
        row = session.scalars(sa.select(models.ConsoleAuthToken).where(
            models.ConsoleAuthToken.token_hash == token_hash,
            models.ConsoleAuthToken.expires > now)).first()
        if row is None:
            raise exception.InvalidToken()
        return _db().as_dict(row)


def console_tokens_delete_for_instance(instance_uuid):
    with _db().writer() as session:
        session.execute(sa.delete(models.ConsoleAuthToken).where(
            models.ConsoleAuthToken.instance_uuid == instance_uuid))
