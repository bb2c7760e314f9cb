"""Stable device rescue of a libvirt domain (pure XML work).

The guest's own definition stays as it is -- every disk and volume keeps its
target name, bus and PCI/drive address -- and the rescue disk is added after
the guest's disks as one more device with ``<boot order='1'/>``.  libvirt
refuses per-device boot orders beside ``<os><boot dev=.../>``, so those go;
boot orders the guest's devices had move one down.  A rescue image with a
kernel boots it directly (its ramdisk and command line with it); else the
guest's own direct kernel boot goes too, so the firmware boots the rescue
disk.
"""

import dataclasses
import xml.etree.ElementTree as ET

from services.compute import exception
from services.compute.virt.libvirt import domain

#: Target name prefix per bus (the floppy controller's ``fdX`` too).
_PREFIX = dict(domain.DISK_PREFIX, fdc='fd')
#: Buses with few slots: IDE has two channels of two, the FDC two drives.
_SLOTS = {'ide': 4, 'fdc': 2}


@dataclasses.dataclass
class BootFiles:
    """A rescue image's own direct kernel boot (None: boot from the disk)."""
    kernel: str = None
    ramdisk: str = None
    cmdline: str = None


def is_i440fx(machine):
    return machine == 'pc' or 'i440fx' in machine


def is_q35(machine):
    return 'q35' in machine


def guest_disk_bus(root):
    """The bus of the guest's first disk (virtio when it has none)."""
    for disk in root.findall("./devices/disk[@device='disk']"):
        target = disk.find('target')
        if target is not None and target.get('bus'):
            return target.get('bus')
    return 'virtio'


def rescue_bus(layout, root):
    """The bus the rescue device goes on: the image's, else a CD-ROM's
    usual one on the machine (IDE on ``pc``, SATA on ``q35``), else the
    guest's own disk bus."""
    if layout.bus:
        return layout.bus
    machine = root.find('os/type').get('machine') or 'pc'
    if layout.device == 'cdrom':
        return 'sata' if is_q35(machine) else 'ide'
    return guest_disk_bus(root)


def _check_machine(bus, machine):
    """IDE and the floppy controller exist on ``pc`` (i440fx) machines
    only, SATA (AHCI) on ``q35`` only."""
    if bus in ('ide', 'fdc') and not is_i440fx(machine):
        raise exception.Invalid(reason='The %s bus needs a pc (i440fx) machine, not %s'
                                       % (bus, machine))
    if bus == 'sata' and not is_q35(machine):
        raise exception.Invalid(reason='The sata bus needs a q35 machine, not %s' % machine)


def free_target(root, bus):
    """The first target name of ``bus``'s prefix no disk of the domain
    uses (SCSI, SATA and USB disks share ``sdX``)."""
    taken = {t.get('dev') for t in root.findall('./devices/disk/target')}
    prefix = _PREFIX[bus]
    for index in range(_SLOTS.get(bus, 26)):
        name = prefix + chr(ord('a') + index)
        if name not in taken:
            return name
    raise exception.Invalid(reason='No %s slot left for the rescue device' % bus)


def _ensure_controller(devices, bus):
    """A SCSI disk needs a SCSI controller (virtio-scsi, which every guest
    kernel we build drives); a USB disk (QEMU's usb-storage) a USB controller
    that is not ``model='none'`` (qemu-xhci, on pc and q35 alike)."""
    if bus == 'scsi' and devices.find("controller[@type='scsi']") is None:
        devices.append(ET.Element('controller', type='scsi', index='0',
                                  model='virtio-scsi'))
    if bus == 'usb':
        usable = [c for c in devices.findall("controller[@type='usb']")
                  if c.get('model') != 'none']
        if not usable:
            for unusable in devices.findall("controller[@type='usb']"):
                devices.remove(unusable)
            devices.append(ET.Element('controller', type='usb', index='0',
                                      model='qemu-xhci'))


def _shift_boot_orders(root):
    for boot in root.findall('./devices/*/boot'):
        if boot.get('order'):
            boot.set('order', str(int(boot.get('order')) + 1))
    os_el = root.find('os')
    for boot in os_el.findall('boot'):
        os_el.remove(boot)


def _rescue_disk(path, device, bus, target):
    el = ET.Element('disk', type='file', device=device)
    ET.SubElement(el, 'driver', name='qemu', type='qcow2')
    ET.SubElement(el, 'source', file=path)
    ET.SubElement(el, 'target', dev=target, bus=bus)
    if device == 'cdrom':
        ET.SubElement(el, 'readonly')
    ET.SubElement(el, 'boot', order='1')
    return el


def _set_boot_files(os_el, boot_files):
    for tag in ('kernel', 'initrd', 'cmdline'):
        for old in os_el.findall(tag):
            os_el.remove(old)
    if not boot_files.kernel:
        return
    for tag, value in (('kernel', boot_files.kernel), ('initrd', boot_files.ramdisk),
                       ('cmdline', boot_files.cmdline)):
        if value:
            ET.SubElement(os_el, tag).text = value


def stable_xml(domain_xml, layout, rescue_path, boot_files=None):
    """(the rescue domain's XML text, the rescue device's target name):
    ``domain_xml`` (the guest's inactive definition) with the rescue disk
    ``rescue_path`` added as ``layout`` (:class:`virt.rescue.Layout`) asks,
    first in the boot order."""
    root = ET.fromstring(domain_xml)
    machine = root.find('os/type').get('machine') or 'pc'
    bus = rescue_bus(layout, root)
    _check_machine(bus, machine)
    if layout.device == 'cdrom' and bus in ('virtio', 'usb'):
        raise exception.Invalid(reason='A cdrom rescue device cannot use the %s bus' % bus)
    devices = root.find('devices')
    target = free_target(root, bus)
    _ensure_controller(devices, bus)
    _shift_boot_orders(root)
    disks = devices.findall('disk')
    at = list(devices).index(disks[-1]) + 1 if disks else 0
    devices.insert(at, _rescue_disk(rescue_path, layout.device, bus, target))
    _set_boot_files(root.find('os'), boot_files or BootFiles())
    return ET.tostring(root, encoding='unicode'), target
