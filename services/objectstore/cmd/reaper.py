"""``alto-objectstore-reaper``: removes the containers and objects of
deleted accounts whose first replica this node holds, every ``[reaper]
interval`` seconds (``--once``: one pass, then exit)."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from services.objectstore.cmd import storage  # noqa: E402


def make_pass(conf):
    from services.objectstore.account import reaper
    from services.objectstore.common import node

    rings = node.load_rings(conf)
    worker = reaper.Reaper(rings, conf.replicator.conn_timeout, conf.replicator.node_timeout)

    def one_pass():
        stats = reaper.Stats()
        for dev, path in node.local_devices(conf, rings['account'], 'account'):
            worker.reap_device(dev, path, conf.reaper.delay_reaping, stats)
        return str(stats)
    return one_pass


def main(argv=None):
    return storage.run_background('alto-objectstore-reaper', make_pass,
                                  lambda conf: conf.reaper.interval, argv)


if __name__ == '__main__':
    sys.exit(main())
