from oslo_config import cfg

quota_group = cfg.OptGroup('quotas', title='Default per-project quotas')

DEFAULTS = {'network': 100, 'subnet': 100, 'subnetpool': -1, 'port': 500,
            'router': 10, 'floatingip': 50, 'security_group': 10,
            'security_group_rule': 100}

quota_opts = [
    cfg.IntOpt('quota_%s' % name, default=limit,
               help='Default number of %s resources per project; -1 is '
                    'unlimited.' % name)
    for name, limit in DEFAULTS.items()
]


def register_opts(conf):
    conf.register_group(quota_group)
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return [(quota_group, quota_opts)]
