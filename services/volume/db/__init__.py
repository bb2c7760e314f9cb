"""The volume database (conductor only)."""

DEFAULT_CONNECTION = 'sqlite:////var/lib/altostratus/volume.sqlite'


def register_opts(conf):
    """``[database]`` for the one daemon that owns the volume database."""
    from common import db
    db.register_opts(conf, DEFAULT_CONNECTION)


def list_opts():
    """The ``volume-db.conf`` sample: ``[database]`` only."""
    from common import db
    return db.list_opts(DEFAULT_CONNECTION)
