"""Options of the image service, one module per concern.

``[database]`` is not here: ``services.image.db.register_opts`` declares it
for the API (the database owner) and alto-manage.
"""

from oslo_config import cfg

from services.image.conf import image
from services.image.conf import store

MODULES = (image, store)


def register_opts(conf=cfg.CONF):
    if 'image' in conf:  # already registered on this ConfigOpts
        return
    for module in MODULES:
        module.register_opts(conf)


def list_opts():
    opts = []
    for module in MODULES:
        opts.extend(module.list_opts())
    return opts
