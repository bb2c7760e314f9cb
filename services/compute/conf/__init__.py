"""Compute options, one module per group.

Every daemon registers these groups; the API and the compute daemons also
register the clients' groups (which load keystoneauth), and the conductor
alone adds ``[database]``, through the register_opts of the compute DB
package.
"""

from common import rpc
from services.compute.conf import clients
from services.compute.conf import compute
from services.compute.conf import compute_api
from services.compute.conf import conductor
from services.compute.conf import libvirt
from services.compute.conf import metadata
from services.compute.conf import placement_api
from services.compute.conf import quota
from services.compute.conf import scheduler
from services.compute.conf import usage_audit
from services.compute.conf import vif_plugging
from services.compute.conf import vnc

#: Groups every compute daemon carries.
COMMON_MODULES = (compute_api, compute, conductor, libvirt, metadata, placement_api, quota,
                  scheduler, vif_plugging, vnc, usage_audit)

UPGRADE_LEVELS = ('compute', 'conductor', 'scheduler')


def register_opts(conf, with_clients=True):
    """``with_clients``: the daemon talks to the image and network services."""
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
