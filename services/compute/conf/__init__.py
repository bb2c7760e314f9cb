"""Compute options, one module per group.

Every daemon registers these groups; the conductor alone adds
``[database]``, through the register_opts of the compute DB package.
"""

from common import rpc
from services.compute.conf import clients
from services.compute.conf import compute
from services.compute.conf import compute_api
from services.compute.conf import conductor
from services.compute.conf import quota
from services.compute.conf import scheduler

#: Groups every compute daemon carries.
COMMON_MODULES = (compute_api, compute, conductor, quota, scheduler, clients)

UPGRADE_LEVELS = ('compute', 'conductor', 'scheduler')


def register_opts(conf):
    for module in COMMON_MODULES:
        module.register_opts(conf)
    for name in UPGRADE_LEVELS:
        rpc.register_upgrade_level(conf, name)


def list_opts():
    opts = []
    for module in COMMON_MODULES:
        opts.extend(module.list_opts())
    return opts
