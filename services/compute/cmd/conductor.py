"""alto-compute-conductor: the compute database owner."""

from common import service  # noqa: F401  (first: patches the runtime)

import sys  # noqa: E402

from common import db  # noqa: E402
from common import objects as common_objects  # noqa: E402
from services.compute import db as compute_db  # noqa: E402
from services.compute.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-compute-conductor', conductor=True,
                     register_extra=compute_db.register_opts,
                     with_clients=False)
    from services.compute.conductor import manager
    from services.compute.conductor import rpcapi
    from services.compute.db import api as db_api
    from services.compute.objects import base as obj_base
    db.configure('compute', CONF)
    obj_base.set_db_backend(db_api)
    endpoint = common_objects.ObjectConductorEndpoint(obj_base.ComputeObject)
    svc = service.RPCService(rpcapi.TOPIC, manager.ConductorManager(), CONF.host,
                             endpoints=[endpoint], serializer=obj_base.Serializer(),
                             report_interval=CONF.service.report_interval)
    service.settle_startup_heap()
    service.serve(CONF, [svc], workers=CONF.conductor.workers)


if __name__ == '__main__':
    main()
