from oslo_config import cfg

group = cfg.OptGroup('compute_api', title='Compute REST API options')

opts = [
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='Most items one list request returns.'),
    cfg.IntOpt('max_tags', default=50, min=1,
               help='Most tags a server may carry.'),
    cfg.IntOpt('rpc_timeout', default=60, min=1,
               help='Seconds the API waits for the conductor to answer.'),
    cfg.StrOpt('default_floating_pool', default='public',
               help='External network (name or ID) that POST /os-floating-ips '
                    'allocates from when the request names no pool (nova\'s '
                    '[neutron] default_floating_pool).'),
    cfg.BoolOpt('allow_volume_swap_without_migration', default=False,
                help='Let PUT /servers/{id}/os-volume_attachments/{volume} swap an '
                     'attached volume for another when the volume service is not '
                     'migrating it.  Off, as nova: such a swap is refused with 409 '
                     '(only the volume service, during a migration or retype, asks '
                     'for one), which Tempest expects.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
