"""``alto-objectstore-updater``: sends the failed listing updates of a
storage node's devices again, every ``[storage] updater_interval`` seconds,
and reports to the accounts the containers whose totals changed, every
``[storage] container_report_interval`` seconds (``--once``: one pass of
each, then exit)."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from services.objectstore.cmd import storage  # noqa: E402


def make_pass(conf):
    from services.objectstore.object import updater
    return updater.make_pass(conf)


def interval(conf):
    from services.objectstore.object import updater
    return updater.interval(conf)


def main(argv=None):
    return storage.run_background('alto-objectstore-updater', make_pass, interval, argv)


if __name__ == '__main__':
    sys.exit(main())
