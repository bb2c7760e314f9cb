"""alto-compute-api: the Compute v2.1 REST API on 8774; DB-free."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('compute')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.compute.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF
DEFAULT_PORT = 8774
#: Reconnect attempts (about 5 s) before a request the broker cannot take
#: is answered 503 with Retry-After instead of waiting for it.
SEND_RETRY = 2


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-compute-api', send_retry=SEND_RETRY)
    cmd_common.wait_for_conductor()
    from services.compute.api import app
    svc = service.WSGIService('alto-compute-api', lambda: app.build(CONF),
                              CONF.api.bind_host, CONF.api.bind_port or DEFAULT_PORT,
                              workers=CONF.api.workers)
    service.settle_startup_heap()
    service.serve(CONF, [svc], workers=CONF.api.workers)


if __name__ == '__main__':
    main()
