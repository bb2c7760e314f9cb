"""Option groups shared by every service.

Each module declares one concern's options with ``register_opts(conf)`` and
``list_opts()``; services call the registration they need at start-up so a
daemon only carries the options it really uses (DB-free daemons never
register ``[database]``).
"""

from common.conf import api
from common.conf import default
from common.conf import revocation
from common.conf import service

SHARED_MODULES = (default, api, service, revocation)


def register_opts(conf):
    for module in SHARED_MODULES:
        module.register_opts(conf)


def list_opts():
    opts = []
    for module in SHARED_MODULES:
        opts.extend(module.list_opts())
    return opts
