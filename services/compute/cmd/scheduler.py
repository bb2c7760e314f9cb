"""alto-compute-scheduler: picks hosts; DB-free."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('compute')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.compute.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-compute-scheduler', with_clients=False)
    cmd_common.wait_for_conductor()
    from services.compute.objects import base as obj_base
    from services.compute.scheduler import manager
    from services.compute.scheduler import rpcapi
    svc = service.RPCService(rpcapi.TOPIC, manager.SchedulerManager(), CONF.host,
                             serializer=obj_base.Serializer(),
                             report_interval=CONF.service.report_interval)
    service.settle_startup_heap()
    service.serve(CONF, [svc])


if __name__ == '__main__':
    main()
