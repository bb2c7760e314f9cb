"""``alto-objectstore-expirer``: deletes the objects of this storage node's
devices whose ``X-Delete-At`` has passed, every ``[expirer] interval``
seconds (``--once``: one pass, then exit)."""

from common import service  # noqa: F401  (first: patches concurrency)

import os  # noqa: E402
import sys  # noqa: E402

from services.objectstore.cmd import storage  # noqa: E402


def make_pass(conf):
    from services.objectstore.common import node
    from services.objectstore.object import expirer

    rings = node.load_rings(conf, ('object', 'container'))
    host = conf.storage.bind_host
    server = {'ip': '127.0.0.1' if host in node.WILDCARDS else host,
              'port': conf.storage.object_port}

    def one_pass():
        stats = expirer.Stats()
        for path in node.device_paths(conf):
            expirer.expire_device(server, os.path.basename(path), path, rings,
                                  conf.storage.node_timeout, conf.storage.node_timeout, stats)
        return str(stats)
    return one_pass


def main(argv=None):
    return storage.run_background('alto-objectstore-expirer', make_pass,
                                  lambda conf: conf.expirer.interval, argv)


if __name__ == '__main__':
    sys.exit(main())
