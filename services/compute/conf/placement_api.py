from oslo_config import cfg

group = cfg.OptGroup('placement_api', title='Placement API options',
                     help='alto-placement-api: the Placement API served from the '
                          "compute conductor's claim data.")

opts = [
    cfg.HostAddressOpt('bind_host', default='0.0.0.0',
                       help='Address the Placement API listens on.'),
    cfg.PortOpt('bind_port', default=8778, help='Port the Placement API listens on.'),
    cfg.IntOpt('workers', default=1, min=1,
               help='Number of Placement API worker processes.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
