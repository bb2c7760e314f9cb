"""The compute database (conductor only)."""


def register_opts(conf):
    """``[database]`` for the one daemon that owns the compute database."""
    from common import db
    db.register_opts(conf, 'sqlite:////var/lib/altostratus/compute.sqlite')
