"""alto-volume-backup: copies volumes to backup storage and back (cinder-backup's
role); DB-free."""

from common import service  # noqa: F401  (first: patches the runtime)
from common import db  # noqa: E402

db.ban_imports('volume')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.volume.cmd import common as cmd_common  # noqa: E402

CONF = cmd_common.CONF


def main(argv=None):
    cmd_common.setup(argv or sys.argv, 'alto-volume-backup', with_clients=True)
    cmd_common.wait_for_conductor()
    from services.volume.backup import manager
    from services.volume.backup import rpcapi
    backup_manager = manager.BackupManager(offload=service.run_in_thread)
    svc = service.RPCService(rpcapi.TOPIC, backup_manager, backup_manager.host,
                             report_interval=CONF.service.report_interval)
    service.settle_startup_heap()
    service.serve(CONF, [svc])


if __name__ == '__main__':
    main()
