"""``[backup]``: a backup host (``alto-volume-backup``) and its posix store."""

from oslo_config import cfg

group = cfg.OptGroup('backup', title='Volume backups')
opts = [
    cfg.StrOpt('backup_posix_path', default='$state_path/backup',
               help='Directory the posix backup driver writes backups into '
                    '(``<container>/<backup id>/``).'),
    cfg.IntOpt('backup_chunk_size', default=32, min=1, max=1024,
               help='MiB of volume data per backup chunk; chunks that hold only zeros '
                    'are not written.'),
    cfg.IntOpt('restore_wait', default=120, min=1,
               help='Seconds a restore into a new volume waits for the volume to be '
                    'created.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
