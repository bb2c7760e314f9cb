"""``alto-objectstore-updater``: sends the failed listing updates of a
storage node's devices again, every ``[storage] updater_interval`` seconds
(``--once``: one pass, then exit)."""

from common import service

import sys  # noqa: E402

from oslo_config import cfg  # noqa: E402

from common import config  # noqa: E402
from common import log  # noqa: E402
from services.objectstore import conf as objectstore_conf  # noqa: E402

ONCE = cfg.BoolOpt('once', default=False, help='Make one pass, then exit.')


def main(argv=None):
    from services.objectstore.object import updater

    argv = sys.argv if argv is None else argv
    objectstore_conf.register_opts(config.CONF)
    config.CONF.register_cli_opt(ONCE)
    config.parse_args(argv, prog='alto-objectstore-updater')
    conf = config.CONF
    log.setup(conf, 'alto-objectstore-updater')
    storage = conf.storage
    while True:
        updater.sweep(storage.devices, storage.node_timeout, storage.node_timeout)
        if conf.once:
            return 0
        service.sleep(storage.updater_interval)


if __name__ == '__main__':
    sys.exit(main())
