"""``alto-objectstore-updater``: sends the failed listing updates of a
storage node's devices again, every ``[storage] updater_interval`` seconds
(``--once``: one pass, then exit)."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from services.objectstore.cmd import storage  # noqa: E402


def make_pass(conf):
    from services.objectstore.object import updater

    def one_pass():
        sent, left = updater.sweep(conf.storage.devices, conf.storage.node_timeout,
                                   conf.storage.node_timeout)
        return '%d sent, %d left' % (sent, left)
    return one_pass


def main(argv=None):
    return storage.run_background('alto-objectstore-updater', make_pass,
                                  lambda conf: conf.storage.updater_interval, argv)


if __name__ == '__main__':
    sys.exit(main())
