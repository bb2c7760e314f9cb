"""``[replicator]``, ``[auditor]``, ``[expirer]``, ``[reaper]``: the storage
node's background daemons (they read ``[storage]`` for the devices and the
node's own ports)."""

from oslo_config import cfg

replicator = cfg.OptGroup('replicator', title='alto-objectstore-replicator options')
auditor = cfg.OptGroup('auditor', title='alto-objectstore-auditor options')
expirer = cfg.OptGroup('expirer', title='alto-objectstore-expirer options')
reaper = cfg.OptGroup('reaper', title='alto-objectstore-reaper options')

replicator_opts = [
    cfg.FloatOpt('interval', default=30.0, min=0.1,
                 help='Seconds between the starts of two replication passes over this '
                      'node\'s devices (objects, containers, accounts).'),
    cfg.IntOpt('reclaim_age', default=7 * 24 * 3600, min=0,
               help='Seconds a tombstone (a deleted object, a deleted container or '
                    'account database, a deleted listing row) is kept and replicated '
                    'before it is removed. Longer than any node or device may stay '
                    'down, or a returning replica brings deleted data back.'),
    cfg.FloatOpt('node_timeout', default=10.0, min=0.1,
                 help='Seconds the replicator waits on a peer storage server.'),
    cfg.FloatOpt('conn_timeout', default=0.5, min=0.05,
                 help='Seconds the replicator waits to connect to a peer.'),
]

auditor_opts = [
    cfg.FloatOpt('interval', default=1800.0, min=0.1,
                 help='Seconds between the starts of two audit passes.'),
    cfg.IntOpt('bytes_per_second', default=10 * 1024 * 1024, min=0,
               help='Most object bytes read per second while auditing (0: no limit), '
                    'so an audit leaves the disks to the clients.'),
]

expirer_opts = [
    cfg.FloatOpt('interval', default=60.0, min=0.1,
                 help='Seconds between two passes over the expiry queues of this '
                      'node\'s devices.'),
]

reaper_opts = [
    cfg.FloatOpt('interval', default=3600.0, min=0.1,
                 help='Seconds between two passes over the deleted accounts.'),
    cfg.IntOpt('delay_reaping', default=0, min=0,
               help='Seconds after an account is deleted before its containers and '
                    'objects are removed (a window to undelete it).'),
]

GROUPS = ((replicator, replicator_opts), (auditor, auditor_opts), (expirer, expirer_opts),
          (reaper, reaper_opts))


def register_opts(conf):
    for group, opts in GROUPS:
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return list(GROUPS)
