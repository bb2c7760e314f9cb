"""alto-network-api: the Networking v2.0 REST API on port 9696."""

from common import service  # noqa: F401  (first: patches concurrency)

import sys  # noqa: E402

from common import db  # noqa: E402

db.ban_imports('network')

from common import config  # noqa: E402
from common import log  # noqa: E402
from common import rpc  # noqa: E402
from services.network import conf as network_conf  # noqa: E402

DEFAULT_PORT = 9696


def prepare(argv):
    """Parse config and set up RPC; the API never opens the database."""
    db.forbid('alto-network-api reaches state through the conductor')
    network_conf.register_opts(config.CONF)
    config.parse_args(argv, prog='alto-network-api')
    log.setup(config.CONF, 'alto-network-api')
    rpc.init(config.CONF, exmods=['services.network.exception'])


def main(argv=None):
    from services.network.api import app
    prepare(sys.argv if argv is None else argv)
    conf = config.CONF
    server = service.WSGIService('alto-network-api', lambda: app.build(conf),
                                 conf.api.bind_host, conf.api.bind_port or DEFAULT_PORT,
                                 workers=conf.api.workers)
    service.settle_startup_heap()
    service.serve(conf, [server], workers=conf.api.workers)


if __name__ == '__main__':
    main()
