"""Process-wide configuration set-up."""

from oslo_config import cfg
from oslo_log import log as logging

from common import conf as common_conf

CONF = cfg.CONF

_registered = False


def register_common_opts(conf=CONF):
    global _registered
    if not _registered:
        common_conf.register_opts(conf)
        logging.register_options(conf)
        _registered = True


def parse_args(argv, project='altostratus', prog=None, default_config_files=None):
    """Register shared options, parse ``argv`` and set up logging."""
    register_common_opts(CONF)
    CONF(argv[1:], project=project, prog=prog,
         default_config_files=default_config_files)
