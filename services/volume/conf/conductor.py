"""``[volume_conductor]`` and ``[volume_scheduler]``."""

from oslo_config import cfg

conductor_group = cfg.OptGroup('volume_conductor', title='Volume conductor')
conductor_opts = [
    cfg.IntOpt('workers', default=1, min=1, help='Conductor worker processes.'),
    cfg.IntOpt('message_ttl', default=2592000, min=1,
               help='Seconds a user message (GET /messages) is kept.'),
]

scheduler_group = cfg.OptGroup('volume_scheduler', title='Volume scheduler')
scheduler_opts = [
    cfg.IntOpt('capacity_stale_time', default=60, min=1,
               help='Seconds after which a backend\'s last capacity report is too old '
                    'to place volumes on it.'),
]


def register_opts(conf):
    for group, opts in list_opts():
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return [(conductor_group, conductor_opts), (scheduler_group, scheduler_opts)]
