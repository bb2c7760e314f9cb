"""``alto-objectstore-proxy``: the Object Storage API (port 8080)."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from oslo_log import log as logging  # noqa: E402

from common import config  # noqa: E402
from common import log  # noqa: E402
from services.objectstore import conf as objectstore_conf  # noqa: E402

LOG = logging.getLogger(__name__)
DEFAULT_PORT = 8080


def main(argv=None):
    from services.objectstore.proxy import app
    from services.objectstore.ring import ring

    argv = sys.argv if argv is None else argv
    objectstore_conf.register_opts(config.CONF)
    config.parse_args(argv, prog='alto-objectstore-proxy')
    conf = config.CONF
    log.setup(conf, 'alto-objectstore-proxy')
    cluster = conf.objectstore
    if not (cluster.hash_path_prefix or cluster.hash_path_suffix):
        raise SystemExit('alto-objectstore-proxy: set [objectstore] hash_path_prefix or '
                         'hash_path_suffix')
    rings = ring.load_rings(cluster.ring_dir, cluster.hash_path_prefix,
                            cluster.hash_path_suffix, cluster.ring_reload_interval)
    port = conf.api.bind_port or DEFAULT_PORT
    server = service.WSGIService('alto-objectstore-proxy',
                                 lambda: app.setup_app(conf, rings, service.spawn),
                                 conf.api.bind_host, port, workers=conf.api.workers)
    service.settle_startup_heap()
    service.serve(conf, [server], workers=conf.api.workers)


if __name__ == '__main__':
    main()
