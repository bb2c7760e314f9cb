"""``alto-manage network ...``: database commands for the network service."""

from common.cmd import manage


def _prepare(conf):
    from services.network import conf as network_conf
    from services.network import db as network_db
    network_conf.register_opts(conf)
    network_db.register_opts(conf)


def register(subparsers):
    manage.add_db_commands(subparsers, 'network', _prepare)
