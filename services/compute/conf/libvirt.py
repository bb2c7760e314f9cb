from oslo_config import cfg

group = cfg.OptGroup('libvirt', title='Libvirt driver options',
                     help='Used when [compute] compute_driver = libvirt.')

opts = [
    cfg.StrOpt('connection_uri', default='qemu:///system',
               help='Libvirt connection URI of the hypervisor.'),
    cfg.StrOpt('virt_type', default='auto', choices=['auto', 'kvm', 'qemu'],
               help='Domain type: kvm (hardware virtualisation), qemu (software '
                    'emulation) or auto (kvm when /dev/kvm is usable and libvirt '
                    'offers kvm domains, else qemu).'),
    cfg.StrOpt('instances_path', default='$state_path/instances',
               help='Directory holding one directory per guest (disks, console '
                    'log). The image cache `_base` lives beside them.'),
    cfg.StrOpt('domain_prefix', default='alto-',
               help='Prefix of the libvirt domain names this driver owns: '
                    '<prefix><instance uuid>. Domains without it are never '
                    'listed or touched.'),
    cfg.StrOpt('qemu_group', default='libvirt-qemu',
               help='Group QEMU runs as (libvirt\'s qemu.conf `group`). The '
                    'instance directories and the cached images a guest uses are '
                    'given to it, readable by the group only, since the daemons '
                    'create files with umask 027. Empty: leave them as they are.'),
    cfg.StrOpt('default_machine_type', default='pc',
               help='Machine type when the image has no hw_machine_type (pc: the '
                    'guest kernels here have no AHCI driver for q35).'),
    cfg.StrOpt('default_kernel_cmdline', default='console=tty0 console=ttyS0',
               help='Kernel command line of a direct kernel boot when the image '
                    'has no os_command_line.'),
    cfg.StrOpt('vif_bridge', default='br-int',
               help='Bridge (Linux or Open vSwitch) the guests\' NICs join. When '
                    'no bridge of that name exists, guests get no NIC.'),
    cfg.IntOpt('soft_reboot_timeout', default=60, min=0,
               help='Seconds a soft reboot waits for the guest to power off '
                    'after the ACPI button before it resets it.'),
    cfg.IntOpt('shutdown_timeout', default=60, min=0,
               help='Seconds a power-off waits for the guest to shut down after '
                    'the ACPI button before it cuts the power.'),
    cfg.IntOpt('console_log_max_bytes', default=100 * 1024, min=1024,
               help='Bytes of the end of the console log returned as the '
                    'console output.'),
    cfg.IntOpt('reserved_host_cpus', default=0, min=0,
               help='Host CPUs kept from guests in resource reports.'),
    cfg.IntOpt('reserved_host_memory_mb', default=512, min=0,
               help='Host memory (MiB) kept from guests in resource reports.'),
    cfg.IntOpt('reserved_host_disk_mb', default=0, min=0,
               help='Disk (MiB) of instances_path kept from guests in resource '
                    'reports.'),
    cfg.IntOpt('device_detach_attempts', default=8, min=1,
               help='How many times a running guest is asked to release a '
                    'volume being detached before the detach fails (a guest '
                    'still booting misses the first requests), as nova.'),
    cfg.IntOpt('device_detach_timeout', default=20, min=1,
               help='Seconds to wait for the guest to release the volume after '
                    'each request.'),
    cfg.StrOpt('migration_address', default='',
               help='Address (or ssh host name) other compute hosts copy a '
                    'resized or migrated guest\'s disks to with rsync over ssh, '
                    'when they are not this machine. Empty: the host name '
                    '([DEFAULT] host).'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
