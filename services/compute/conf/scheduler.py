from oslo_config import cfg

group = cfg.OptGroup('scheduler', title='Scheduler options')

opts = [
    cfg.IntOpt('max_attempts', default=3, min=1,
               help='Hosts a build is tried on before the server goes to ERROR.'),
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'AvailabilityZoneFilter', 'RamFilter',
                         'DiskFilter', 'CoreFilter', 'AggregateInstanceExtraSpecsFilter',
                         'ImagePropertiesFilter', 'ServerGroupAffinityFilter',
                         'ServerGroupAntiAffinityFilter'],
                help='Host filters applied in order.'),
    cfg.ListOpt('weighers', default=['RAMWeigher', 'CPUWeigher',
                                     'ServerGroupSoftAffinityWeigher',
                                     'ServerGroupSoftAntiAffinityWeigher'],
                help='Host weighers; a higher weight wins.'),
    cfg.FloatOpt('soft_affinity_weight_multiplier', default=10.0, min=0,
                 help='Weight of a soft-affinity group\'s pull towards the '
                      'hosts its members are on. Each other weigher counts '
                      'at most 1, so the default makes the policy win '
                      'whenever a member\'s host passes the filters.'),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier', default=10.0, min=0,
                 help='Weight of a soft-anti-affinity group\'s push away from '
                      'the hosts its members are on.'),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help='Pick randomly among this many best hosts (spreads '
                    'concurrent requests).'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
