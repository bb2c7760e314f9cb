"""Schema of the identity service: models and alembic migrations.

The API owns the identity database; ``[database]`` is registered here and
nowhere else (its URL lives in ``identity-db.conf``).
"""

from common import db

SERVICE = 'identity'
DEFAULT_CONNECTION = 'sqlite:///$state_path/identity.sqlite'


def register_opts(conf):
    """``[database]`` for the API (the database owner) and alto-manage."""
    db.register_opts(conf, DEFAULT_CONNECTION)


def list_opts():
    """The ``identity-db.conf`` sample: ``[database]`` only."""
    return db.list_opts(DEFAULT_CONNECTION)


def sync(conf, revision='head'):
    """Upgrade the schema at ``[database] connection`` to ``revision``."""
    db.sync(SERVICE, conf.database.connection, revision=revision)


def current_revision(conf):
    return db.current_revision(SERVICE, conf.database.connection)
