"""alto-volume-conductor: the volume database owner."""

from common import service  # noqa: F401  (first: patches the runtime)

import sys  # noqa: E402

from common import db  # noqa: E402
from services.volume import db as volume_db  # noqa: E402
from services.volume.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-volume-conductor', conductor=True,
                     register_extra=volume_db.register_opts)
    from services.volume.conductor import manager
    from services.volume.conductor import rpcapi
    db.configure('volume', CONF)
    svc = service.RPCService(rpcapi.TOPIC, manager.ConductorManager(), CONF.host,
                             report_interval=CONF.service.report_interval)
    service.settle_startup_heap()
    service.serve(CONF, [svc], workers=CONF.volume_conductor.workers)


if __name__ == '__main__':
    main()
