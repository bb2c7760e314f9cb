"""``[quota]``: the default volume quotas of a project (-1: unlimited)."""

from oslo_config import cfg

group = cfg.OptGroup('quota', title='Default volume quotas')
opts = [
    cfg.IntOpt('volumes', default=10, min=-1, help='Volumes per project.'),
    cfg.IntOpt('snapshots', default=10, min=-1, help='Snapshots per project.'),
    cfg.IntOpt('gigabytes', default=1000, min=-1,
               help='GiB of volumes and snapshots per project.'),
    cfg.IntOpt('per_volume_gigabytes', default=-1, min=-1, help='Largest volume, in GiB.'),
    cfg.IntOpt('backups', default=10, min=-1, help='Backups per project.'),
    cfg.IntOpt('backup_gigabytes', default=1000, min=-1, help='GiB of backups per project.'),
    cfg.IntOpt('groups', default=10, min=-1, help='Volume groups per project.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
