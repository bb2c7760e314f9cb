"""``[volume_api]``: the Block Storage API daemon."""

from oslo_config import cfg

group = cfg.OptGroup('volume_api', title='Block Storage API')
opts = [
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='Most items one list request returns.'),
    cfg.IntOpt('workers', default=1, min=1, help='API worker processes.'),
    cfg.IntOpt('rpc_timeout', default=60, min=1,
               help='Seconds the API waits for the volume conductor to answer.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
