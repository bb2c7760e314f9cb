"""``[iscsi]``, ``[lvm]``, ``[nfs]``: the options of the drivers that are not
the plain file driver (each read only when ``[volume] volume_driver`` names
it)."""

from oslo_config import cfg

iscsi_group = cfg.OptGroup('iscsi', title='iSCSI export of the file backend (tgt)')
iscsi_opts = [
    cfg.StrOpt('target_ip_address', default='127.0.0.1',
               help='Address tgtd listens on and compute hosts connect to (its '
                    '``--iscsi portal=``).'),
    cfg.PortOpt('target_port', default=3260, help='iSCSI port of tgtd.'),
    cfg.StrOpt('target_prefix', default='iqn.2010-10.org.altostratus:',
               help='Prefix of the target names (IQN) of the exports.'),
    cfg.IntOpt('tgt_control_port', default=0, min=0,
               help='tgtd control port (``tgtd -C``, ``tgtadm -C``): tgtd instances '
                    'on one host differ by it.'),
    cfg.StrOpt('tgtadm', default='tgtadm',
               help='Command that runs tgtadm (e.g. ``sudo tgtadm`` for a daemon '
                    'that is not root).'),
    cfg.StrOpt('targets_dir', default='$state_path/iscsi-targets',
               help='Where the exports are recorded (one file each, mode 0600: they '
                    'hold the CHAP secret) so that a restarted tgtd gets them back.'),
]

lvm_group = cfg.OptGroup('lvm', title='LVM backend')
lvm_opts = [
    cfg.StrOpt('volume_group', default='alto-volumes',
               help='Volume group that holds the volumes\' logical volumes.'),
    cfg.StrOpt('type', default='thick', choices=[
        ('thick', 'Fully allocated logical volumes'),
        ('thin', 'Thin logical volumes in the pool thin_pool')],
        help='Kind of logical volume.'),
    cfg.StrOpt('thin_pool', default='alto-pool',
               help='Thin pool (in volume_group) for type=thin; created at start-up '
                    'when missing, with thin_pool_percent of the group\'s free space.'),
    cfg.IntOpt('thin_pool_percent', default=90, min=1, max=100,
               help='Share of the volume group a new thin pool takes.'),
    cfg.StrOpt('lvm_command_prefix', default='',
               help='Prefix of the LVM commands (e.g. ``sudo``).'),
]

nfs_group = cfg.OptGroup('nfs', title='NFS backend')
nfs_opts = [
    cfg.StrOpt('share', help='The export, ``server:/path``.'),
    cfg.StrOpt('mount_point_base', default='$state_path/mnt',
               help='Where the share is mounted (a directory named after it).'),
    cfg.StrOpt('mount_options', default='',
               help='Options of ``mount -t nfs -o``.'),
    cfg.StrOpt('mount_command_prefix', default='',
               help='Prefix of mount / umount (e.g. ``sudo``).'),
]


def register_opts(conf):
    for group, opts in list_opts():
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return [(iscsi_group, iscsi_opts), (lvm_group, lvm_opts), (nfs_group, nfs_opts)]
