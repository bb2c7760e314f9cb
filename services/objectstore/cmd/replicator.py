"""``alto-objectstore-replicator``: keeps the replicas of this storage
node's objects, containers and accounts in step with their peers, moves
handoffs home and reclaims old tombstones, every ``[replicator] interval``
seconds (``--once``: one pass, then exit)."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402
import time  # noqa: E402

from services.objectstore.cmd import storage  # noqa: E402


def make_pass(conf):
    from services.objectstore.account import broker as account_broker
    from services.objectstore.common import dbreplicator
    from services.objectstore.common import node
    from services.objectstore.common import timestamp
    from services.objectstore.container import broker as container_broker
    from services.objectstore.object import replicator

    rings = node.load_rings(conf)
    opts = conf.replicator
    workers = [
        ('object', replicator.ObjectReplicator(rings['object'], opts.conn_timeout,
                                               opts.node_timeout), replicator.Stats),
        ('container', dbreplicator.DatabaseReplicator(
            rings['container'], container_broker.ContainerDatabase, opts.conn_timeout,
            opts.node_timeout), dbreplicator.Stats),
        ('account', dbreplicator.DatabaseReplicator(
            rings['account'], account_broker.AccountDatabase, opts.conn_timeout,
            opts.node_timeout), dbreplicator.Stats),
    ]

    def one_pass():
        reclaim_before = timestamp.normalize(max(0, time.time() - opts.reclaim_age))
        report = []
        for ring_type, worker, stats_class in workers:
            stats = stats_class()
            for dev, path in node.local_devices(conf, rings[ring_type], ring_type):
                worker.replicate_device(dev, path, reclaim_before, stats)
            report.append('%ss: %s' % (ring_type, stats))
        return '; '.join(report)
    return one_pass


def main(argv=None):
    return storage.run_background('alto-objectstore-replicator', make_pass,
                                  lambda conf: conf.replicator.interval, argv)


if __name__ == '__main__':
    sys.exit(main())
