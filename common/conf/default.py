import socket

from oslo_config import cfg

default_opts = [
    cfg.StrOpt('host', default=socket.gethostname(), sample_default='<hostname>',
               help='Name of this node. Used as the RPC server name of '
                    'host-bound daemons and in service listings.'),
    cfg.StrOpt('state_path', default='/var/lib/altostratus',
               help='Top-level directory for keeping state (keys, images, '
                    'instance files).'),
]


def register_opts(conf):
    conf.register_opts(default_opts)


def list_opts():
    return [(None, default_opts)]
