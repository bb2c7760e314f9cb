"""``[volume_conductor]`` and ``[volume_scheduler]``."""

from oslo_config import cfg

conductor_group = cfg.OptGroup('volume_conductor', title='Volume conductor')
conductor_opts = [
    cfg.IntOpt('workers', default=1, min=1, help='Conductor worker processes.'),
    cfg.IntOpt('message_ttl', default=2592000, min=1,
               help='Seconds a user message (GET /messages) is kept.'),
    cfg.IntOpt('stuck_timeout', default=180, min=1,
               help='Seconds after which a volume still creating without a backend, '
                    'deleting, or reserved by an attachment whose export the create call '
                    'never finished, is taken as left behind by a process that died (a '
                    'conductor, scheduler or volume host) and settled by the conductor: '
                    'the create fails with a user message, the delete is asked again, the '
                    'attachment is removed. Keep it above rpc_response_timeout.'),
    cfg.IntOpt('cleanup_interval', default=30, min=1,
               help='Seconds between the conductor\'s passes over volumes left in a '
                    'passing state (also run at start-up).'),
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
