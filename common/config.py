"""Process-wide configuration set-up."""

import os

from oslo_config import cfg
from oslo_log import log as logging

from common import conf as common_conf

CONF = cfg.CONF

_registered = False

# Files a daemon creates (databases, image data, keys, logs) are never
# readable by other users, nor writable by its group.
UMASK = 0o027


def register_common_opts(conf=CONF):
    global _registered
    if not _registered:
        common_conf.register_opts(conf)
        logging.register_options(conf)
        _registered = True


def parse_args(argv, project='altostratus', prog=None, default_config_files=None):
    """Set the file-creation mask, register shared options and parse ``argv``.

    Every daemon and ``alto-manage`` start here, before they create a file.
    """
    os.umask(os.umask(UMASK) | UMASK)  # a stricter mask given by the operator stays
    register_common_opts(CONF)
    CONF(argv[1:], project=project, prog=prog,
         default_config_files=default_config_files)
