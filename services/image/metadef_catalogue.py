"""The default catalogue of metadata definitions, loaded by ``alto-manage
image db sync``.

These tell dashboards (Horizon's "Update Metadata", the launch wizard)
which properties compute understands on images, volumes, flavors and
aggregates, with their types and allowed values.  The property names are
the ones compute reads; the text is ours.  Each namespace is public and
protected.  Loading never changes a namespace that already exists, so an
operator's edits survive the next ``db sync``.
"""

from oslo_log import log as logging

from services.image.db import metadefs as db

LOG = logging.getLogger(__name__)

RESOURCE_TYPES = ('OS::Cinder::Volume', 'OS::Glance::Image', 'OS::Nova::Aggregate',
                  'OS::Nova::Flavor', 'OS::Nova::Server')

#: where a namespace of hardware properties applies: "hw_x" on images and
#: volume image metadata, "hw:x" in flavor extra specs
IMAGE_VOLUME_FLAVOR = [
    {'name': 'OS::Glance::Image', 'prefix': 'hw_'},
    {'name': 'OS::Cinder::Volume', 'prefix': 'hw_', 'properties_target': 'image'},
    {'name': 'OS::Nova::Flavor', 'prefix': 'hw:'},
]
IMAGE_VOLUME = [
    {'name': 'OS::Glance::Image'},
    {'name': 'OS::Cinder::Volume', 'properties_target': 'image'},
]


def _str(title, description, enum=None, **extra):
    prop = {'title': title, 'description': description, 'type': 'string'}
    if enum:
        prop['enum'] = list(enum)
    prop.update(extra)
    return prop


def _int(title, description, minimum=None, **extra):
    prop = {'title': title, 'description': description, 'type': 'integer'}
    if minimum is not None:
        prop['minimum'] = minimum
    prop.update(extra)
    return prop


def _bool(title, description):
    return {'title': title, 'description': description, 'type': 'boolean'}


CATALOGUE = [
    {
        'namespace': 'OS::Compute::CPUTopology',
        'display_name': 'Virtual CPU topology',
        'description': 'How the virtual CPUs of a server are presented to the guest: '
                       'sockets, cores per socket and threads per core. The image may ask '
                       'for a topology within the limits the flavor sets.',
        'resource_type_associations': IMAGE_VOLUME_FLAVOR,
        'properties': {
            'cpu_sockets': _int('Sockets', 'Preferred number of CPU sockets.', 1),
            'cpu_cores': _int('Cores per socket', 'Preferred number of cores per socket.', 1),
            'cpu_threads': _int('Threads per core', 'Preferred number of threads per core.',
                                1),
            'cpu_max_sockets': _int('Most sockets', 'Upper limit on CPU sockets.', 1),
            'cpu_max_cores': _int('Most cores per socket', 'Upper limit on cores per '
                                  'socket.', 1),
            'cpu_max_threads': _int('Most threads per core', 'Upper limit on threads per '
                                    'core.', 1),
        },
    },
    {
        'namespace': 'OS::Compute::CPUPinning',
        'display_name': 'CPU pinning',
        'description': 'Whether the virtual CPUs of a server get host CPUs of their own, '
                       'and how hyperthread siblings are used when they do.',
        'resource_type_associations': IMAGE_VOLUME_FLAVOR,
        'properties': {
            'cpu_policy': _str('CPU policy', '"dedicated" gives each virtual CPU a host CPU '
                               'of its own; "shared" lets them float over the host.',
                               ('shared', 'dedicated')),
            'cpu_thread_policy': _str('CPU thread policy', 'With dedicated CPUs: "prefer" '
                                      'siblings, "isolate" one thread per core, or '
                                      '"require" siblings.', ('prefer', 'isolate', 'require')),
        },
    },
    {
        'namespace': 'OS::Compute::MemoryPages',
        'display_name': 'Memory page size',
        'description': 'The size of the host memory pages that back guest memory.',
        'resource_type_associations': IMAGE_VOLUME_FLAVOR,
        'properties': {
            'mem_page_size': _str('Page size', '"small", "large", "any", or a size such as '
                                  '"2MB" or "1GB".', ('small', 'large', 'any', '4KB', '2MB',
                                                      '1GB')),
        },
    },
    {
        'namespace': 'OS::Compute::Watchdog',
        'display_name': 'Watchdog',
        'description': 'A virtual hardware watchdog. When the guest stops feeding it, the '
                       'hypervisor takes the chosen action.',
        'resource_type_associations': IMAGE_VOLUME_FLAVOR,
        'properties': {
            'watchdog_action': _str('Watchdog action', 'What happens when the watchdog '
                                    'fires; "disabled" adds no watchdog device.',
                                    ('disabled', 'reset', 'poweroff', 'pause', 'none')),
        },
    },
    {
        'namespace': 'OS::Compute::RandomNumberGenerator',
        'display_name': 'Random number generator',
        'description': 'A virtio random number device fed from the host\'s entropy. The '
                       'flavor allows it and limits its rate; the image asks for it.',
        'resource_type_associations': [{'name': 'OS::Nova::Flavor', 'prefix': 'hw_rng:'}],
        'properties': {
            'allowed': _bool('Allowed', 'Servers of this flavor may have an RNG device.'),
            'rate_bytes': _int('Bytes per period', 'Most entropy bytes the guest may read '
                               'per period.', 0),
            'rate_period': _int('Period (ms)', 'Length of the rate period in milliseconds.',
                                0),
        },
    },
    {
        'namespace': 'OS::Compute::LibvirtImage',
        'display_name': 'Virtual hardware of the guest',
        'description': 'The devices the hypervisor gives a server booted from this image or '
                       'volume: disk and SCSI controllers, network card model, video, '
                       'machine type and guest agent.',
        'resource_type_associations': IMAGE_VOLUME,
        'properties': {
            'hw_disk_bus': _str('Disk bus', 'Bus the root disk is attached to.',
                                ('virtio', 'scsi', 'ide', 'sata', 'usb')),
            'hw_cdrom_bus': _str('CD-ROM bus', 'Bus of CD-ROM devices (config drive, '
                                 'rescue).', ('ide', 'scsi', 'sata', 'usb')),
            'hw_scsi_model': _str('SCSI controller', 'Model of the SCSI controller when the '
                                  'disk bus is scsi.', ('virtio-scsi', 'lsilogic')),
            'hw_vif_model': _str('Network card (VIF) model', 'Model of the virtual network '
                                 'cards.', ('virtio', 'e1000', 'e1000e', 'rtl8139',
                                            'ne2k_pci', 'pcnet')),
            'hw_vif_multiqueue_enabled': _bool('Multiqueue network', 'One virtio queue per '
                                               'virtual CPU on each network card.'),
            'hw_video_model': _str('Video model', 'Model of the virtual graphics card.',
                                   ('vga', 'cirrus', 'virtio', 'qxl', 'bochs', 'none')),
            'hw_video_ram': _int('Video RAM (MiB)', 'Video memory of the graphics card.', 0),
            'hw_machine_type': _str('Machine type', 'QEMU machine type, e.g. "q35" or '
                                    '"pc".'),
            'hw_firmware_type': _str('Firmware', 'Boot firmware of the guest.',
                                     ('bios', 'uefi')),
            'hw_rng_model': _str('RNG model', 'Model of the random number device.',
                                 ('virtio',)),
            'hw_qemu_guest_agent': _str('QEMU guest agent', '"yes" adds the channel the '
                                        'QEMU guest agent talks over.', ('yes', 'no')),
            'hw_pointer_model': _str('Pointer model', 'Absolute pointer for graphical '
                                     'consoles.', ('usbtablet',)),
            'os_require_quiesce': _bool('Quiesce for snapshots', 'Snapshots fail unless the '
                                        'guest agent can freeze the filesystems.'),
        },
    },
    {
        'namespace': 'OS::Compute::Hypervisor',
        'display_name': 'Hypervisor selection',
        'description': 'Which hypervisor and virtual machine mode an image needs; the '
                       'scheduler only places it on hosts that provide them.',
        'resource_type_associations': [{'name': 'OS::Glance::Image'}],
        'properties': {
            'img_hv_type': _str('Hypervisor type', 'Hypervisor the image runs on.',
                                ('qemu', 'kvm', 'xen', 'lxc', 'vmware', 'hyperv')),
            'hypervisor_type': _str('Hypervisor type (legacy name)', 'Older name of '
                                    'img_hv_type.', ('qemu', 'kvm', 'xen', 'lxc', 'vmware',
                                                     'hyperv')),
            'vm_mode': _str('VM mode', 'Virtualisation mode the guest expects.',
                            ('hvm', 'xen', 'exe', 'uml')),
        },
    },
    {
        'namespace': 'OS::Glance::CommonImageProperties',
        'display_name': 'Common image properties',
        'description': 'What is in the image: operating system, version and CPU '
                       'architecture, and the kernel and ramdisk images it boots with.',
        'resource_type_associations': IMAGE_VOLUME,
        'properties': {
            'architecture': _str('Architecture', 'CPU architecture the image needs.',
                                 ('x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le',
                                  's390x', 'riscv64')),
            'os_distro': _str('OS distribution', 'Lower-case short name of the '
                              'distribution, e.g. "debian", "ubuntu", "fedora", '
                              '"windows".'),
            'os_version': _str('OS version', 'Version of the distribution, e.g. "12".'),
            'os_type': _str('OS type', 'Family of the guest operating system.',
                            ('linux', 'windows')),
            'kernel_id': _str('Kernel image', 'ID of an aki image to boot this ami image '
                              'with.', pattern='^[0-9a-fA-F-]{36}$'),
            'ramdisk_id': _str('Ramdisk image', 'ID of an ari image to boot this ami image '
                               'with.', pattern='^[0-9a-fA-F-]{36}$'),
        },
    },
    {
        'namespace': 'OS::Compute::GuestShutdownBehavior',
        'display_name': 'Clean shutdown',
        'description': 'How long a guest gets to shut down cleanly before it is powered '
                       'off.',
        'resource_type_associations': [{'name': 'OS::Glance::Image'}],
        'properties': {
            'os_shutdown_timeout': _int('Shutdown timeout (s)', 'Seconds to wait for the '
                                        'guest to shut down before it is powered off.', 0),
        },
    },
    {
        'namespace': 'OS::Compute::AggregateAvailability',
        'display_name': 'Host aggregate placement',
        'description': 'Metadata of host aggregates that the scheduler matches against '
                       'flavors and images.',
        'resource_type_associations': [{'name': 'OS::Nova::Aggregate'}],
        'properties': {
            'availability_zone': _str('Availability zone', 'Availability zone the hosts '
                                      'of the aggregate form.'),
            'filter_tenant_id': _str('Project', 'Only this project\'s servers land on the '
                                     'aggregate\'s hosts.'),
        },
    },
]


def load():
    """Create the resource types and every catalogue namespace that is missing.

    Returns the names of the namespaces created.
    """
    db.resource_types_ensure(RESOURCE_TYPES)
    existing = {ns['namespace'] for ns in db.namespace_list(None, True)}
    created = []
    for entry in CATALOGUE:
        if entry['namespace'] in existing:
            continue
        values = {'namespace': entry['namespace'], 'display_name': entry['display_name'],
                  'description': entry['description'], 'visibility': 'public',
                  'protected': True, 'owner': None}
        children = [('property', name, body) for name, body in entry['properties'].items()]
        db.namespace_create(values, entry['resource_type_associations'], children)
        created.append(entry['namespace'])
    if created:
        LOG.info('Loaded metadata definition namespaces: %s', ', '.join(created))
    return created
