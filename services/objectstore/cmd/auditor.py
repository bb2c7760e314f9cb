"""``alto-objectstore-auditor``: reads every object and database of this
storage node's devices and quarantines what is corrupt, every
``[auditor] interval`` seconds (``--once``: one pass, then exit)."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from services.objectstore.cmd import storage  # noqa: E402


def make_pass(conf):
    from services.objectstore.common import node
    from services.objectstore.object import auditor

    def one_pass():
        stats = auditor.Stats()
        for path in node.device_paths(conf):
            auditor.audit_device(path, conf.auditor.bytes_per_second, stats,
                                 sleep=service.sleep)
        return str(stats)
    return one_pass


def main(argv=None):
    return storage.run_background('alto-objectstore-auditor', make_pass,
                                  lambda conf: conf.auditor.interval, argv)


if __name__ == '__main__':
    sys.exit(main())
