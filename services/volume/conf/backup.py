"""``[backup]``: a backup host (``alto-volume-backup``) and its store (a
directory, or the object store)."""

from oslo_config import cfg

group = cfg.OptGroup('backup', title='Volume backups')
opts = [
    cfg.StrOpt('driver', default='posix', choices=('posix', 'objectstore'),
               help='Where backups go: ``posix`` (a directory, ``backup_posix_path``) '
                    'or ``objectstore`` (containers of the volume service\'s account in '
                    'the object store, found in the service user\'s catalog).'),
    cfg.StrOpt('backup_posix_path', default='$state_path/backup',
               help='Directory the posix backup driver writes backups into '
                    '(``<container>/<backup id>/``).'),
    cfg.IntOpt('backup_chunk_size', default=32, min=1, max=1024,
               help='MiB of volume data per backup chunk; chunks that hold only zeros '
                    'are not written.'),
    cfg.StrOpt('objectstore_interfaces', default='internal,public',
               help='Catalog interfaces of the object store to try, in order.'),
    cfg.StrOpt('objectstore_region_name', help='Catalog region of the object store.'),
    cfg.StrOpt('objectstore_endpoint_override',
               help='Object store account URL used instead of the catalog entry.'),
    cfg.IntOpt('restore_wait', default=120, min=1,
               help='Seconds a restore into a new volume waits for the volume to be '
                    'created.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
