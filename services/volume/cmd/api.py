"""alto-volume-api: the Block Storage v3 REST API on 8776; DB-free."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('volume')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.volume.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF
DEFAULT_PORT = 8776


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-volume-api', with_clients=True)
    cmd_common.wait_for_conductor()
    from services.volume.api import app
    svc = service.WSGIService('alto-volume-api', lambda: app.build(CONF),
                              CONF.api.bind_host, CONF.api.bind_port or DEFAULT_PORT,
                              workers=CONF.volume_api.workers)
    service.settle_startup_heap()
    service.serve(CONF, [svc], workers=CONF.volume_api.workers)


if __name__ == '__main__':
    main()
