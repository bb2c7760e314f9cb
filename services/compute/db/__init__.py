"""The compute database (conductor only)."""

DEFAULT_CONNECTION = 'sqlite:////var/lib/altostratus/compute.sqlite'


def register_opts(conf):
    """``[database]`` for the one daemon that owns the compute database."""
    from common import db
    db.register_opts(conf, DEFAULT_CONNECTION)


def list_opts():
    """The ``compute-db.conf`` sample: ``[database]`` only."""
    from common import db
    return db.list_opts(DEFAULT_CONNECTION)
