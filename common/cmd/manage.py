"""``alto-manage <service> <command>``: operator commands for every service.

Each service that has commands provides ``services/<svc>/cmd/manage.py``
with ``register(subparsers)``, adding argparse sub-commands whose ``func``
takes the parsed arguments.  Config files are read through oslo.config.
"""

import argparse
import importlib
import sys

from common import config
from common import log

SERVICES = ('identity', 'image', 'network', 'compute', 'volume', 'objectstore')


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
