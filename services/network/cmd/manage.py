"""``alto-manage network ...``: database commands for the network service."""


def _prepare(conf):
    from services.network.cmd import conductor
    conductor.register(conf)


def _db_sync(args):
    from oslo_config import cfg

    from common import db
    db.sync('network', cfg.CONF.database.connection, args.revision)


def _db_version(args):
    from oslo_config import cfg

    from common import db
    print(db.current_revision('network', cfg.CONF.database.connection))


def register(subparsers):
    sync = subparsers.add_parser('db', help='network database commands')
    db_commands = sync.add_subparsers(dest='db_command', metavar='db_command', required=True)
    sync_cmd = db_commands.add_parser('sync', help='upgrade the schema to the latest revision')
    sync_cmd.add_argument('revision', nargs='?', default='head')
    sync_cmd.set_defaults(func=_db_sync, prepare_conf=_prepare)
    version_cmd = db_commands.add_parser('version', help='print the schema revision')
    version_cmd.set_defaults(func=_db_version, prepare_conf=_prepare)
