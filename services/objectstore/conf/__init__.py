"""Options of the object store, one module per concern.

Every daemon reads ``objectstore.conf``; the object store has no
``[database]``: its account and container databases are SQLite files on the
storage devices.
"""

from oslo_config import cfg

from services.objectstore.conf import background
from services.objectstore.conf import cluster
from services.objectstore.conf import proxy
from services.objectstore.conf import storage

MODULES = (cluster, storage, proxy, background)


def register_opts(conf=cfg.CONF):
    if 'objectstore' in conf:  # already registered on this ConfigOpts
        return
    for module in MODULES:
        module.register_opts(conf)


def list_opts():
    opts = []
    for module in MODULES:
        opts.extend(module.list_opts())
    return opts
