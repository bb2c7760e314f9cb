"""Volume options, one module per group.

Every daemon registers these groups; ``alto-volume`` also registers the
image client's (``with_clients``), and the conductor alone adds
``[database]`` through the register_opts of the volume DB package.
"""

from common import rpc
from services.volume.conf import api
from services.volume.conf import backends
from services.volume.conf import backup
from services.volume.conf import clients
from services.volume.conf import conductor
from services.volume.conf import quota
from services.volume.conf import volume

COMMON_MODULES = (api, backends, backup, conductor, quota, volume)
UPGRADE_LEVELS = ('volume_conductor', 'volume_scheduler', 'volume', 'volume_backup')


def register_opts(conf, with_clients=False):
    for module in COMMON_MODULES:
        module.register_opts(conf)
    if with_clients:
        clients.register_opts(conf)
    for name in UPGRADE_LEVELS:
        rpc.register_upgrade_level(conf, name)


def list_opts():
    opts = []
    for module in COMMON_MODULES + (clients,):
        opts.extend(module.list_opts())
    return opts + rpc.list_upgrade_levels(UPGRADE_LEVELS)
