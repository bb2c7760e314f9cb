"""``[proxy]``: the Object Storage API (alto-objectstore-proxy).

It listens on ``[api] bind_host`` / ``bind_port`` (0: 8080).
"""

from oslo_config import cfg

group = cfg.OptGroup('proxy', title='Object store proxy options')

opts = [
    cfg.StrOpt('reseller_prefix', default='AUTH_',
               help='Prefix of account names: /v1/<prefix><project_id>.'),
    cfg.ListOpt('operator_roles', default=['admin', 'member'],
                help='Roles that own the account of their token\'s project.'),
    cfg.ListOpt('reseller_admin_roles', default=['admin', 'ResellerAdmin'],
                help='Roles that reach every account.'),
    cfg.FloatOpt('node_timeout', default=10.0, min=0.1,
                 help='Seconds the proxy waits on a storage server.'),
    cfg.FloatOpt('conn_timeout', default=0.5, min=0.05,
                 help='Seconds the proxy waits to connect to a storage server.'),
    cfg.FloatOpt('post_quorum_timeout', default=0.5, min=0,
                 help='Seconds an object write waits for the remaining replicas\' '
                      'answers once a quorum of them stored it (Swift\'s option of the '
                      'same name); a replica slower than that finishes on its own, '
                      'its answer is not waited for.'),
    cfg.IntOpt('max_file_size', default=5 * 1024 ** 3, min=1,
               help='Largest object accepted in one upload, in bytes.'),
    cfg.IntOpt('container_listing_limit', default=10000, min=1,
               help='Most names one listing returns.'),
    cfg.IntOpt('max_meta_count', default=90, min=1,
               help='Most metadata items on one account, container or object.'),
    cfg.FloatOpt('account_info_ttl', default=10.0, min=0,
                 help='Seconds the proxy keeps an account\'s HEAD answer (its quotas, '
                      'temp URL keys and usage) for later requests, as Swift\'s info '
                      'cache does; its own writes to the account drop it at once. '
                      '0: asked on every request.'),
    cfg.FloatOpt('container_info_ttl', default=10.0, min=0,
                 help='Seconds the proxy keeps a container\'s HEAD answer (its access '
                      'lists, quotas, versioning and web settings) for later object '
                      'requests, as Swift\'s info cache does; its own writes to the '
                      'container drop it at once (a quota is always checked against '
                      'the usage as it is now). 0: asked on every request.'),
    cfg.BoolOpt('account_autocreate', default=True,
                help='Create a project\'s account on its first write.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
