from oslo_config import cfg

service_group = cfg.OptGroup('service', title='Service heartbeat options')

service_opts = [
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between heartbeats a daemon reports.'),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help='Seconds without a heartbeat after which a service is '
                    'shown as down.'),
]


def register_opts(conf):
    conf.register_group(service_group)
    conf.register_opts(service_opts, group=service_group)


def list_opts():
    return [(service_group, service_opts)]
