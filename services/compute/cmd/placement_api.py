"""alto-placement-api: the Placement API on 8778, served from the compute
conductor's claim data; DB-free."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('compute')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.compute.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-placement-api', with_clients=False)
    cmd_common.wait_for_conductor()
    from services.compute.placement import app
    svc = service.WSGIService('alto-placement-api', lambda: app.build(CONF),
                              CONF.placement_api.bind_host, CONF.placement_api.bind_port,
                              workers=CONF.placement_api.workers)
    service.settle_startup_heap()
    service.serve(CONF, [svc], workers=CONF.placement_api.workers)


if __name__ == '__main__':
    main()
