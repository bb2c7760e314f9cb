"""``[storage]``: the account, container and object servers of a node."""

from oslo_config import cfg

group = cfg.OptGroup('storage', title='Storage server options')

opts = [
    cfg.StrOpt('devices', default='$state_path/objectstore/devices',
               help='Directory whose sub-directories are the devices this node '
                    'serves (named as in the rings).'),
    cfg.HostAddressOpt('bind_host', default='127.0.0.1',
                       help='Address the storage servers listen on.'),
    cfg.PortOpt('account_port', default=6202, help='Port of alto-account-server.'),
    cfg.PortOpt('container_port', default=6201, help='Port of alto-container-server.'),
    cfg.PortOpt('object_port', default=6200, help='Port of alto-object-server.'),
    cfg.FloatOpt('node_timeout', default=3.0, min=0.1,
                 help='Seconds a storage server waits on another (object to '
                      'container, container to account updates) before it '
                      'queues the update as an async pending.'),
    cfg.FloatOpt('updater_interval', default=30.0, min=0.1,
                 help='Seconds between two passes of alto-objectstore-updater over '
                      'the async pendings of this node\'s devices.'),
    cfg.FloatOpt('container_report_interval', default=60.0, min=0.1,
                 help='Seconds between two passes of alto-objectstore-updater over '
                      'the container databases of this node\'s devices, reporting to '
                      'the accounts the containers whose object count or bytes used '
                      'changed (until then an account\'s totals, and its quotas, lag '
                      'behind its objects).'),
    cfg.BoolOpt('fsync', default=True,
                help='Flush object data to disk before a write is acknowledged.'),
    cfg.IntOpt('bytes_per_sync', default=8 * 1024 * 1024, min=0,
               help='With fsync on, flush an object body to disk every this many bytes '
                    'as it streams in (0: only once, before the answer), so the last '
                    'flush stays short and a slow disk slows the sender down.'),
    cfg.IntOpt('keep_cache_size', default=5 * 1024 * 1024, min=0,
               help='With fsync on, an object body longer than this many bytes is '
                    'taken out of the page cache as it is flushed (as Swift does): '
                    'large uploads reuse the pages the last flush let go of instead of '
                    'filling the cache with fresh ones, and do not push out what is '
                    'read more often. Shorter bodies stay cached for quick reads.'),
    cfg.IntOpt('workers', default=1, min=1,
               help='Processes each storage server (account, container, object) runs, '
                    'sharing its port.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
