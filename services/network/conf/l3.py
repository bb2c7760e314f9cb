"""Options of the L3 agent (alto-l3-agent)."""

from oslo_config import cfg

l3_group = cfg.OptGroup('l3_agent', title='L3 agent')

l3_opts = [
    cfg.StrOpt('state_dir', default='$state_path/l3',
               help='Directory with one directory per router: the pid file and '
                    'log of its namespace metadata proxy.'),
    cfg.IntOpt('resync_interval', default=30, min=1,
               help='Seconds between two full resyncs of every router (routers '
                    'that failed or were missed are put right, stale '
                    'qrouter- namespaces removed).'),
    cfg.BoolOpt('enable_metadata_proxy', default=True,
                help='Run a metadata proxy in every router namespace: guests\' '
                     'requests to 169.254.169.254:80 go to it and on to '
                     'alto-metadata-agent.'),
    cfg.PortOpt('metadata_port', default=9697,
                help='Port the namespace metadata proxy listens on inside each '
                     'router namespace (169.254.169.254:80 is redirected to it).'),
    cfg.StrOpt('arping_binary', default='arping',
               help='arping (iputils) used for gratuitous ARP when a floating IP '
                    'is associated; skipped with a log line when it is missing.'),
]


def register_opts(conf):
    conf.register_group(l3_group)
    conf.register_opts(l3_opts, group=l3_group)


def list_opts():
    return [(l3_group, l3_opts)]
