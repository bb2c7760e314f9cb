from oslo_config import cfg

group = cfg.OptGroup('compute', title='Compute node options')

opts = [
    cfg.StrOpt('compute_driver', default='fake', choices=['fake', 'libvirt'],
               help='Hypervisor driver used by this compute node.'),
    cfg.FloatOpt('cpu_allocation_ratio', default=16.0, min=0.0,
                 help='Virtual CPUs offered per physical CPU.'),
    cfg.FloatOpt('ram_allocation_ratio', default=1.5, min=0.0,
                 help='Virtual RAM offered per MiB of physical RAM.'),
    cfg.FloatOpt('disk_allocation_ratio', default=1.0, min=0.0,
                 help='Virtual disk offered per GiB of physical disk.'),
    cfg.IntOpt('resource_report_interval', default=30, min=1,
               help='Seconds between resource reports to the conductor.'),
    cfg.IntOpt('sync_power_state_interval', default=60, min=1,
               help='Seconds between power-state syncs with the hypervisor.'),
    cfg.IntOpt('shelved_offload_time', default=0, min=-1,
               help='Seconds a shelved server keeps its guest and its resources '
                    'on the host before it is offloaded: 0 offloads right after '
                    'the shelve, -1 never offloads automatically (shelveOffload '
                    'still does).'),
    cfg.IntOpt('shelved_poll_interval', default=3600, min=1,
               help='Seconds between checks for shelved servers whose '
                    'shelved_offload_time has passed (when it is positive).'),
    cfg.IntOpt('image_cache_manager_interval', default=2400, min=0,
               help='Seconds between runs of the image cache pruning (0: never).'),
    cfg.BoolOpt('remove_unused_base_images', default=True,
                help='Remove cached images (state_path/instances/_base) that no '
                     'guest of the host uses.'),
    cfg.IntOpt('remove_unused_original_minimum_age_seconds', default=86400, min=0,
               help='Seconds since its last use before an unused cached image is '
                    'removed.'),
    cfg.IntOpt('reclaim_instance_interval', default=0, min=0,
               help='Seconds a deleted server stays SOFT_DELETED (restorable with the '
                    'restore action) before its compute deletes it for good; also '
                    'how often the compute looks for such servers. 0 deletes at '
                    'once (nova\'s reclaim_instance_interval).'),
    cfg.StrOpt('default_availability_zone', default='nova',
               help='Availability zone of hosts in no aggregate with one.'),
    cfg.IntOpt('fake_vcpus', default=64, min=1,
               help='Physical CPUs the fake driver reports.'),
    cfg.IntOpt('fake_memory_mb', default=262144, min=1,
               help='Physical RAM (MiB) the fake driver reports.'),
    cfg.IntOpt('fake_local_gb', default=10240, min=1,
               help='Local disk (GiB) the fake driver reports.'),
    cfg.IntOpt('fake_spawn_delay', default=0, min=0,
               help='Milliseconds the fake driver takes to spawn a guest.'),
    cfg.ListOpt('fake_fail_spawn_images', default=[],
                help='Image ids whose spawn the fake driver fails (fault '
                     'testing of rescheduling).'),
    cfg.BoolOpt('fake_wait_for_vif_plugged', default=False,
                help='The fake driver waits, as the libvirt driver does, for the '
                     'network service to report the ports of a new guest wired '
                     '(network-vif-plugged; see [DEFAULT] vif_plugging_timeout). '
                     'Off by default: a fake-driver cloud usually has no network '
                     'agent that would report them.'),
    # -- block volumes --
    cfg.StrOpt('my_block_storage_ip', default='127.0.0.1',
               help='Address this host reaches block storage from; sent to the '
                    'volume service in the connector properties.'),
    cfg.StrOpt('volume_root_helper', default='sudo',
               help='Command os-brick prefixes to the privileged commands of '
                    'connectors that need them (iSCSI, NVMe); the local connector '
                    'runs none.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [(group, opts)]
