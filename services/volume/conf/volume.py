"""``[volume]``: a volume host's backend (``alto-volume``) and placement defaults."""

from oslo_config import cfg

group = cfg.OptGroup('volume', title='Volume backends')
opts = [
    cfg.StrOpt('backend_name', default='file',
               help='Name of the backend this alto-volume serves; the service host is '
                    '``<host>@<backend_name>`` and volume types select it with the '
                    '``volume_backend_name`` extra spec.'),
    cfg.StrOpt('volume_driver', default='file', choices=[
        ('file', 'Raw sparse files in volumes_dir'),
        ('iscsi', 'The file backend\'s files exported by tgt (QEMU\'s iSCSI initiator '
                  'on the compute hosts)'),
        ('lvm', 'Logical volumes in [lvm] volume_group'),
        ('nfs', 'Raw files on the NFS share [nfs] share'),
        ('fake', 'Records only; for tests')],
        help='Storage driver of this backend.'),
    cfg.StrOpt('volumes_dir', default='$state_path/volumes',
               help='Directory holding the file driver\'s volume files.'),
    cfg.StrOpt('availability_zone', default='nova',
               help='Availability zone of this backend (and of new volumes that name '
                    'none).'),
    cfg.IntOpt('reserved_percentage', default=0, min=0, max=100,
               help='Share of the backend\'s capacity kept free of volumes.'),
    cfg.FloatOpt('max_over_subscription_ratio', default=20.0, min=1.0,
                 help='Sparse volumes may promise this many times the free space.'),
    cfg.IntOpt('capacity_report_interval', default=10, min=1,
               help='Seconds between two capacity reports of a backend.'),
    cfg.StrOpt('default_volume_type', default='__DEFAULT__',
               help='Volume type of a volume created without one.'),
    cfg.StrOpt('qemu_img', default='qemu-img',
               help='qemu-img binary used to convert images to raw volumes.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
