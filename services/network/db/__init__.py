"""The network database: models and migrations. Only the conductor imports it."""

DEFAULT_CONNECTION = 'sqlite:////var/lib/altostratus/network.sqlite'


def register_opts(conf):
    """``[database]`` for the conductor (the database owner) and alto-manage."""
    from common import db
    db.register_opts(conf, DEFAULT_CONNECTION)


def list_opts():
    """The ``network-db.conf`` sample: ``[database]`` only."""
    from common import db
    return db.list_opts(DEFAULT_CONNECTION)
