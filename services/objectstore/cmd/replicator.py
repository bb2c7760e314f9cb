"""``alto-objectstore-replicator``: keeps the replicas of this storage
node's objects, containers and accounts in step with their peers, moves
handoffs home and reclaims old tombstones, every ``[replicator] interval``
seconds (``--once``: one pass, then exit)."""

from common import service  # (first: patches concurrency)

import sys  # noqa: E402
import time  # noqa: E402

from oslo_log import log as logging  # noqa: E402

from services.objectstore.cmd import storage  # noqa: E402

LOG = logging.getLogger(__name__)


def _device_pass(worker, dev, path, reclaim_before, stats):
    try:
        worker.replicate_device(dev, path, reclaim_before, stats)
    except Exception:
        LOG.exception('Replication of device %s failed', dev['device'])
        stats.failures += 1


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
            # devices at once (each its own disk; their waits on peers overlap)
            threads = [service.spawn(_device_pass, worker, dev, path, reclaim_before, stats)
                       for dev, path in node.local_devices(conf, rings[ring_type], ring_type)]
            for thread in threads:
                thread.wait()
            report.append('%ss: %s' % (ring_type, stats))
        return '; '.join(report)
    return one_pass


def main(argv=None):
    return storage.run_background('alto-objectstore-replicator', make_pass,
                                  lambda conf: conf.replicator.interval, argv)


if __name__ == '__main__':
    sys.exit(main())
