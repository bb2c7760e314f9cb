"""``alto-manage volume ...``: database commands (run where the conductor runs).

The default volume type ``__DEFAULT__`` is written by the first migration,
so ``db sync`` leaves a database new volumes can be created in.
"""

from common.cmd import manage


def register(subparsers):
    manage.add_db_commands(subparsers, 'volume', _prepare)


def _prepare(conf):
    from services.volume import conf as volume_conf
    volume_conf.register_opts(conf)
    from services.volume import db as volume_db
    volume_db.register_opts(conf)
