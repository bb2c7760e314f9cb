"""``[objectstore]``: what every node of the cluster shares (rings, hash secret)."""

from oslo_config import cfg

group = cfg.OptGroup('objectstore', title='Object store cluster options')

opts = [
    cfg.StrOpt('hash_path_prefix', default='', secret=True,
               help='Secret put before every path hashed to place it on the rings. '
                    'The same on every node; never change it once data is stored.'),
    cfg.StrOpt('hash_path_suffix', default='', secret=True,
               help='Secret put after every path hashed to place it on the rings. '
                    'The same on every node; never change it once data is stored. '
                    'Prefix or suffix must be set.'),
    cfg.StrOpt('ring_dir', default='$state_path/objectstore/rings',
               help='Directory holding account.ring.gz, container.ring.gz, '
                    'object.ring.gz and their builder files.'),
    cfg.FloatOpt('ring_reload_interval', default=15.0, min=0,
                 help='Seconds between checks of whether a ring file changed.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
