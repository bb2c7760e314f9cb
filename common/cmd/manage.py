"""``alto-manage <service> <command>``: operator commands for every service.

Each service that has commands provides ``services/<svc>/cmd/manage.py``
with ``register(subparsers)``, adding argparse sub-commands whose ``func``
takes the parsed arguments.  Config files are read through oslo.config.
A service with a database adds ``db sync|version|upgrade`` with one call to
:func:`add_db_commands`.
"""

import argparse
import functools
import importlib
import sys

from common import config
from common import log

SERVICES = ('identity', 'image', 'network', 'compute', 'volume', 'objectstore')


def add_db_commands(subparsers, service, prepare_conf, after_sync=None):
    """Add ``db sync``, ``db version`` and ``db upgrade [--revision REV]``.

    ``prepare_conf(conf)`` registers what the commands read (the service's
    ``[database]`` included); ``after_sync(conf)``, if given, runs after
    ``db sync`` has brought the schema to the latest revision (data the
    service ships with its schema).
    """
    parser = subparsers.add_parser('db', help='%s database commands' % service)
    commands = parser.add_subparsers(dest='db_command', metavar='db_command', required=True)
    sync = commands.add_parser('sync', help='upgrade the schema to the latest revision')
    sync.set_defaults(func=functools.partial(_db_sync, service, after_sync),
                      prepare_conf=prepare_conf)
    upgrade = commands.add_parser('upgrade', help='upgrade the schema to a revision')
    upgrade.add_argument('--revision', default='head',
                         help='target revision (default: head, the latest)')
    upgrade.set_defaults(func=functools.partial(_db_upgrade, service),
                         prepare_conf=prepare_conf)
    version = commands.add_parser('version', help='print the schema revision and the latest')
    version.set_defaults(func=functools.partial(_db_version, service),
                         prepare_conf=prepare_conf)


def _db_upgrade(service, args):
    from common import db
    connection = config.CONF.database.connection
    db.sync(service, connection, args.revision)
    print('%s database is at revision %s' % (service, db.current_revision(service, connection)))


def _db_sync(service, after_sync, args):
    args.revision = 'head'
    _db_upgrade(service, args)
    if after_sync is not None:
        return after_sync(config.CONF)


def _db_version(service, args):
    from common import db
    current = db.current_revision(service, config.CONF.database.connection)
    print('%s (head: %s)' % (current or 'none', db.head_revision(service)))


def build_parser():
    parser = argparse.ArgumentParser(prog='alto-manage')
    parser.add_argument('--config-file', action='append', default=[],
                        help='Configuration file (may repeat).')
    parser.add_argument('--config-dir', help='Directory of configuration files.')
    services = parser.add_subparsers(dest='service', metavar='service', required=True)
    for name in SERVICES:
        try:
            module = importlib.import_module('services.%s.cmd.manage' % name)
        except ImportError as exc:
            if exc.name and exc.name.startswith('services.%s' % name):
                continue
            raise
        sub = services.add_parser(name, help='%s service commands' % name)
        module.register(sub.add_subparsers(dest='command', metavar='command',
                                           required=True))
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    oslo_args = ['alto-manage']
    for path in args.config_file:
        oslo_args += ['--config-file', path]
    if args.config_dir:
        oslo_args += ['--config-dir', args.config_dir]
    if hasattr(args, 'prepare_conf'):
        args.prepare_conf(config.CONF)
    config.parse_args(oslo_args, default_config_files=[] if args.config_file else None)
    log.setup(config.CONF, 'alto-manage')
    return args.func(args) or 0


if __name__ == '__main__':
    sys.exit(main())
