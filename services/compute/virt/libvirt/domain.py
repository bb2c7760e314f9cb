"""Domain XML for a guest, built from the flavor and the image properties.

Pure functions: :func:`build` takes a :class:`GuestSpec` and returns the XML
text libvirt defines, so every choice here is unit-testable without libvirt.
"""

import dataclasses
import xml.etree.ElementTree as ET

from services.compute import exception

XMLNS = 'https://altostratus.invalid/xmlns/instance/1'

# hw_disk_bus -> device name prefix.
DISK_PREFIX = {'virtio': 'vd', 'ide': 'hd', 'scsi': 'sd', 'sata': 'sd', 'usb': 'sd'}
ET.register_namespace('alto', XMLNS)
GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0'
_YES = ('yes', 'true', '1', 'on', 'y')
VIF_MODELS = ('virtio', 'e1000', 'e1000e', 'rtl8139', 'ne2k_pci', 'pcnet')


@dataclasses.dataclass
class Disk:
    path: str
    fmt: str = 'qcow2'
    kind: str = 'root'  # root, ephemeral, swap, volume
    #: A volume's id, shown to the guest as the disk's serial number.
    serial: str = None
    #: Target device (a volume's own name); local disks are named in order.
    target: str = None
    #: A volume QEMU opens over the network itself (:class:`NetworkSource`).
    network: 'NetworkSource' = None
    #: A multiattach volume: other guests may open it too (``<shareable/>``).
    shareable: bool = False


@dataclasses.dataclass
class NetworkSource:
    """A network disk's source: ``protocol`` (``iscsi``), the ``name``
    QEMU asks for (``<iqn>/<lun>``), ``host:port``, and the CHAP user with the
    usage name of the libvirt secret that holds its password."""
    protocol: str
    name: str
    host: str
    port: int
    username: str = None
    secret_usage: str = None


@dataclasses.dataclass
class Vif:
    mac: str
    bridge: str
    port_id: str
    ovs: bool = False
    userspace_datapath: bool = False


@dataclasses.dataclass
class GuestSpec:
    name: str
    uuid: str
    memory_mb: int
    vcpus: int
    virt_type: str = 'qemu'
    machine: str = 'pc'
    disk_bus: str = 'virtio'
    vif_model: str = 'virtio'
    disks: list = dataclasses.field(default_factory=list)
    vifs: list = dataclasses.field(default_factory=list)
    kernel: str = None
    ramdisk: str = None
    cmdline: str = None
    console_log: str = None
    #: The config drive's ISO 9660 image, attached read-only as a CD-ROM.
    config_drive: str = None
    display_name: str = ''
    flavor_name: str = ''
    #: Address the guest's VNC display listens on (a port libvirt picks);
    #: None: no display.
    vnc_listen: str = None
    #: A virtio-serial channel for the QEMU guest agent (image property
    #: ``hw_qemu_guest_agent=yes``): what changePassword talks to.
    guest_agent: bool = False


def disk_names(bus, count):
    """Target device names for ``count`` disks on ``bus``: vda, vdb, ..."""
    prefix = DISK_PREFIX[bus]
    return [prefix + chr(ord('a') + index) for index in range(count)]


def spec_from(instance, flavor, image_meta, name, virt_type, default_machine,
              default_cmdline):
    """The guest's hardware: flavor sizes, image properties (``hw_disk_bus``,
    ``hw_vif_model``, ``hw_machine_type``, kernel boot)."""
    props = (image_meta or {}).get('properties') or {}
    bus = props.get('hw_disk_bus') or 'virtio'
    if bus not in DISK_PREFIX:
        raise exception.Invalid(reason='Unsupported hw_disk_bus %s' % bus)
    model = props.get('hw_vif_model') or 'virtio'
    if model not in VIF_MODELS:
        raise exception.Invalid(reason='Unsupported hw_vif_model %s' % model)
    return GuestSpec(
        name=name, uuid=instance.uuid, memory_mb=flavor['memory_mb'],
        vcpus=flavor['vcpus'], virt_type=virt_type,
        machine=props.get('hw_machine_type') or default_machine, disk_bus=bus,
        vif_model=model, cmdline=props.get('os_command_line') or default_cmdline,
        display_name=getattr(instance, 'display_name', None) or '',
        flavor_name=flavor.get('name') or '',
        guest_agent=str(props.get('hw_qemu_guest_agent', '')).lower() in _YES)


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, tag, {k.rstrip('_'): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def config_drive_target(spec):
    """(bus, device, target dev) of the config drive: an IDE CD-ROM on a
    ``pc`` (i440fx) machine, else a read-only virtio disk (the guest kernels
    have no AHCI driver for q35's SATA); after the guest's own disks when
    they share its bus."""
    if spec.machine.startswith('pc') and not spec.machine.startswith('pc-q35'):
        bus, device = 'ide', 'cdrom'
    else:
        bus, device = 'virtio', 'disk'
    used = len(spec.disks) if bus == spec.disk_bus else 0
    if bus == 'ide' and used >= 4:
        raise exception.Invalid(reason='No IDE slot left for the config drive')
    return bus, device, disk_names(bus, used + 1)[-1]


def _config_drive(devices, spec):
    bus, device, target = config_drive_target(spec)
    el = _sub(devices, 'disk', type='file', device=device)
    _sub(el, 'driver', name='qemu', type='raw')
    _sub(el, 'source', file=spec.config_drive)
    _sub(el, 'target', dev=target, bus=bus)
    _sub(el, 'readonly')


def volume_disk(path, fmt, target, serial, bus='virtio', network=None, shareable=False):
    """The ``<disk>`` element of a block volume: its file (or block device),
    or with ``network`` the remote LUN QEMU logs in to itself (CHAP with a
    libvirt secret), uncached, the volume id as the serial the guest sees
    (``/dev/disk/by-id/virtio-<id>``).  A ``shareable`` disk (a multiattach
    volume) lets other guests write it at the same time: libvirt then has
    QEMU take no exclusive image lock on it."""
    if network is not None:
        el = ET.Element('disk', type='network', device='disk')
        _sub(el, 'driver', name='qemu', type=fmt or 'raw', cache='none')
        if network.username:
            auth = _sub(el, 'auth', username=network.username)
            _sub(auth, 'secret', type=network.protocol, usage=network.secret_usage)
        source = _sub(el, 'source', protocol=network.protocol, name=network.name)
        _sub(source, 'host', name=network.host, port=network.port)
    else:
        kind = 'block' if path.startswith('/dev/') else 'file'
        el = ET.Element('disk', type=kind, device='disk')
        _sub(el, 'driver', name='qemu', type=fmt or 'raw', cache='none')
        _sub(el, 'source', **{'dev' if kind == 'block' else 'file': path})
    _sub(el, 'target', dev=target, bus=bus)
    if serial:
        _sub(el, 'serial', serial)
    if shareable:
        _sub(el, 'shareable')
    return el


def volume_disk_xml(path, fmt, target, serial, bus='virtio', network=None, shareable=False):
    return ET.tostring(volume_disk(path, fmt, target, serial, bus, network, shareable),
                       encoding='unicode')


def secret_xml(usage_type, usage_name, description):
    """A libvirt secret that nobody reads back through libvirt
    (``private``); libvirtd keeps it in its root-only store, so a guest
    started again after libvirtd restarted still logs in."""
    el = ET.Element('secret', ephemeral='no', private='yes')
    _sub(el, 'description', description)
    usage = _sub(el, 'usage', type=usage_type)
    _sub(usage, 'target', usage_name)
    return ET.tostring(el, encoding='unicode')


def interface(vif, model='virtio'):
    """The ``<interface>`` element of one NIC on its bridge (with its
    ``interfaceid`` on an Open vSwitch bridge)."""
    el = ET.Element('interface', type='bridge')
    _sub(el, 'mac', address=vif.mac)
    _sub(el, 'source', bridge=vif.bridge)
    if vif.ovs:
        port = _sub(el, 'virtualport', type='openvswitch')
        _sub(port, 'parameters', interfaceid=vif.port_id)
    _sub(el, 'model', type=model)
    if vif.userspace_datapath and model == 'virtio':
        # Open vSwitch's userspace conntrack (security groups) checks TCP
        # checksums and drops segments whose checksum the guest left to the
        # NIC (ct_state +inv): without the offload the guest computes them.
        driver = _sub(el, 'driver', name='qemu')
        _sub(driver, 'host', csum='off')
    return el


def interface_xml(vif, model='virtio'):
    return ET.tostring(interface(vif, model), encoding='unicode')


def interface_model(domain_xml):
    """The NIC model the domain's first interface uses (None without one)."""
    model = ET.fromstring(domain_xml).find('./devices/interface/model')
    return model.get('type') if model is not None else None


def find_interface(domain_xml, mac):
    """The ``<interface>`` element text with MAC address ``mac``, or None."""
    for el in ET.fromstring(domain_xml).findall('./devices/interface'):
        address = el.find('mac')
        if address is not None and address.get('address', '').lower() == mac.lower():
            return ET.tostring(el, encoding='unicode')
    return None


def has_guest_agent(domain_xml):
    """Whether the domain has the QEMU guest agent's channel."""
    return any(target.get('name') == GUEST_AGENT_CHANNEL for target in
               ET.fromstring(domain_xml).findall('./devices/channel/target'))


def vnc_port(domain_xml):
    """The VNC port of a running domain's live XML (None: no display, or
    none allocated yet)."""
    graphics = ET.fromstring(domain_xml).find("./devices/graphics[@type='vnc']")
    port = int(graphics.get('port', '-1')) if graphics is not None else -1
    return port if port > 0 else None


def with_volume_disks(domain_xml, volumes):
    """``domain_xml`` with each volume disk whose serial is that of one of
    ``volumes`` (:class:`Disk`) opening that volume's source instead (its
    connection on this host now); the target, bus and address stay, so the
    guest sees its disks where it had them."""
    by_serial = {disk.serial: disk for disk in volumes if disk.serial}
    if not by_serial:
        return domain_xml
    root = ET.fromstring(domain_xml)
    devices = root.find('devices')
    for index, old in enumerate(list(devices)):
        disk = by_serial.get(old.findtext('serial')) if old.tag == 'disk' else None
        if disk is None:
            continue
        target = old.find('target')
        new = volume_disk(disk.path, disk.fmt, target.get('dev'), disk.serial,
                          target.get('bus') or 'virtio', disk.network, disk.shareable)
        for kept in ('boot', 'address'):
            if old.find(kept) is not None:
                new.append(old.find(kept))
        devices.remove(old)
        devices.insert(index, new)
    return ET.tostring(root, encoding='unicode')


def secret_usages(domain_xml):
    """Usage names of the libvirt secrets the domain's disks log in with."""
    return [el.get('usage') for el in
            ET.fromstring(domain_xml).findall('./devices/disk/auth/secret')
            if el.get('usage')]


def disk_targets(domain_xml):
    """Target device names of a domain's disks (``vda``, ``hdd``, ...)."""
    root = ET.fromstring(domain_xml)
    return [t.get('dev') for t in root.findall('./devices/disk/target')]


def find_disk(domain_xml, target):
    """The ``<disk>`` element text whose target is ``target``, or None."""
    root = ET.fromstring(domain_xml)
    for disk in root.findall('./devices/disk'):
        el = disk.find('target')
        if el is not None and el.get('dev') == target:
            return ET.tostring(disk, encoding='unicode')
    return None


def build(spec):
    """The domain XML text for ``spec``."""
    root = ET.Element('domain', type=spec.virt_type)
    _sub(root, 'name', spec.name)
    _sub(root, 'uuid', spec.uuid)
    metadata = _sub(root, 'metadata')
    info = ET.SubElement(metadata, '{%s}instance' % XMLNS)
    _sub(info, '{%s}name' % XMLNS, spec.display_name)
    _sub(info, '{%s}flavor' % XMLNS, spec.flavor_name)
    _sub(root, 'memory', spec.memory_mb, unit='MiB')
    _sub(root, 'vcpu', spec.vcpus)

    os_el = _sub(root, 'os')
    _sub(os_el, 'type', 'hvm', arch='x86_64', machine=spec.machine)
    if spec.kernel:
        _sub(os_el, 'kernel', spec.kernel)
        if spec.ramdisk:
            _sub(os_el, 'initrd', spec.ramdisk)
        if spec.cmdline:
            _sub(os_el, 'cmdline', spec.cmdline)
    else:
        _sub(os_el, 'boot', dev='hd')
    features = _sub(root, 'features')
    _sub(features, 'acpi')
    _sub(features, 'apic')
    if spec.virt_type == 'kvm':
        _sub(root, 'cpu', mode='host-model')
    _sub(root, 'clock', offset='utc')
    _sub(root, 'on_poweroff', 'destroy')
    _sub(root, 'on_reboot', 'restart')
    _sub(root, 'on_crash', 'destroy')

    devices = _sub(root, 'devices')
    if spec.disk_bus == 'scsi':
        _sub(devices, 'controller', type='scsi', model='virtio-scsi', index=0)
    local = [d for d in spec.disks if not d.target]
    for disk, target in zip(local, disk_names(spec.disk_bus, len(local))):
        if disk.kind == 'volume':
            devices.append(volume_disk(disk.path, disk.fmt, target, disk.serial,
                                       spec.disk_bus, disk.network, disk.shareable))
            continue
        el = _sub(devices, 'disk', type='file', device='disk')
        _sub(el, 'driver', name='qemu', type=disk.fmt)
        _sub(el, 'source', file=disk.path)
        _sub(el, 'target', dev=target, bus=spec.disk_bus)
    for disk in spec.disks:
        if disk.target:
            devices.append(volume_disk(disk.path, disk.fmt, disk.target, disk.serial,
                                       network=disk.network, shareable=disk.shareable))
    if spec.config_drive:
        _config_drive(devices, spec)
    for vif in spec.vifs:
        devices.append(interface(vif, spec.vif_model))
    if spec.console_log:
        serial = _sub(devices, 'serial', type='file')
        _sub(serial, 'source', path=spec.console_log, append='on')
        _sub(serial, 'target', port=0)
        console = _sub(devices, 'console', type='file')
        _sub(console, 'source', path=spec.console_log, append='on')
        _sub(console, 'target', type='serial', port=0)
    else:
        serial = _sub(devices, 'serial', type='pty')
        _sub(serial, 'target', port=0)
    if spec.vnc_listen:
        graphics = _sub(devices, 'graphics', type='vnc', autoport='yes',
                        listen=spec.vnc_listen)
        _sub(graphics, 'listen', type='address', address=spec.vnc_listen)
    if spec.guest_agent:
        channel = _sub(devices, 'channel', type='unix')
        _sub(channel, 'source', mode='bind')
        _sub(channel, 'target', type='virtio', name=GUEST_AGENT_CHANNEL)
    # Entropy for the guest (its SSH host keys), no balloon to drive.
    rng = _sub(devices, 'rng', model='virtio')
    _sub(rng, 'backend', '/dev/urandom', model='random')
    _sub(devices, 'memballoon', model='none')
    return ET.tostring(root, encoding='unicode')
