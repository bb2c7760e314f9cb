"""The image database: models, queries and migrations (the API owns it)."""

DEFAULT_CONNECTION = 'sqlite:///image.sqlite'


def register_opts(conf):
    """``[database]`` for the API (the database owner) and alto-manage."""
    from common import db
    db.register_opts(conf, DEFAULT_CONNECTION)


def list_opts():
    """The ``image-db.conf`` sample: ``[database]`` only."""
    from common import db
    return db.list_opts(DEFAULT_CONNECTION)
