"""alto-volume-scheduler: places new volumes on backends; DB-free."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('volume')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.volume.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-volume-scheduler')
    cmd_common.wait_for_conductor()
    from services.volume.scheduler import manager
    from services.volume.scheduler import rpcapi
    svc = service.RPCService(rpcapi.TOPIC, manager.SchedulerManager(), CONF.host,
                             report_interval=CONF.service.report_interval)
    service.settle_startup_heap()
    service.serve(CONF, [svc])


if __name__ == '__main__':
    main()
