"""alto-compute-metadata: the metadata service on 8775, behind the network's
metadata proxy; DB-free (servers come from the conductor)."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('compute')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.compute.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-compute-metadata', with_clients=False)
    cmd_common.wait_for_conductor()
    from services.compute.metadata import handler
    if not CONF.metadata.metadata_proxy_shared_secret:
        handler.LOG.warning('[metadata] metadata_proxy_shared_secret is empty: every '
                            'request will be refused')
    svc = service.WSGIService('alto-compute-metadata', lambda: handler.build(CONF),
                              CONF.metadata.bind_host, CONF.metadata.bind_port)
    service.settle_startup_heap()
    service.serve(CONF, [svc])


if __name__ == '__main__':
    main()
