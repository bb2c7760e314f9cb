from oslo_config import cfg

group = cfg.OptGroup('conductor', title='Compute conductor options')

opts = [
    cfg.IntOpt('workers', default=1, min=1,
               help='Conductor worker processes serving the same topic (the '
                    'conductor does all database work, so it is the first '
                    'daemon to scale out).'),
    cfg.IntOpt('build_watchdog_interval', default=20, min=1,
               help='Seconds between checks for servers stuck building on '
                    'a compute service that stopped reporting.'),
    cfg.IntOpt('schedule_timeout', default=600, min=0,
               help='Seconds a new server may wait in BUILD/scheduling with '
                    'no host before the build watchdog sends it to ERROR '
                    '(its build was queued in a conductor that stopped). '
                    '0 never fails them.'),
    cfg.IntOpt('max_concurrent_builds', default=4, min=1,
               help='Build requests (schedule, claim, cast to the host) one '
                    'conductor worker runs at once; the rest wait their '
                    'turn. A few at a time keep the database and the '
                    'scheduler busy; more only add memory and contention.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
