"""Schema of the identity service: models and alembic migrations."""

from common import db

SERVICE = 'identity'


def sync(conf, revision='head'):
    """Upgrade the schema at ``[database] connection`` to ``revision``."""
    db.sync(SERVICE, conf.database.connection, revision=revision)


def current_revision(conf):
    return db.current_revision(SERVICE, conf.database.connection)
