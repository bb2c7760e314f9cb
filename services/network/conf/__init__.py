"""Options of the network service, one module per concern.

``[database]`` is not here: the service's database package registers it,
for the conductor (``cmd/conductor.py``) and alto-manage only; the API
daemon never carries it.  Deployments keep it in its own file,
``network-db.conf``, which only the conductor and ``alto-manage`` are given;
``network.conf`` (every daemon) holds no database URL.
"""

from services.network.conf import agents
from services.network.conf import conductor
from services.network.conf import dhcp
from services.network.conf import l3
from services.network.conf import metadata
from services.network.conf import ml2
from services.network.conf import nova
from services.network.conf import ovs
from services.network.conf import quotas
from services.network.conf import scheduler
from services.network.conf import securitygroup

MODULES = (conductor, ml2, quotas, agents, scheduler, ovs, dhcp, l3, metadata,
           securitygroup)


def register_opts(conf, with_nova=False):
    """``with_nova``: the conductor, which sends port events to compute."""
    for module in MODULES:
        module.register_opts(conf)
    if with_nova:
        nova.register_opts(conf)


def list_opts():
    opts = []
    for module in MODULES + (nova,):
        opts.extend(module.list_opts())
    return opts
