"""Options of the identity service, one module per concern."""

from services.identity.conf import assignment
from services.identity.conf import identity
from services.identity.conf import security_compliance
from services.identity.conf import storage

MODULES = (storage, identity, assignment, security_compliance)


def register_opts(conf):
    for module in MODULES:
        module.register_opts(conf)


def list_opts():
    opts = []
    for module in MODULES:
        opts.extend(module.list_opts())
    return opts
