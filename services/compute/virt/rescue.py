"""Stable device rescue: what a rescue image asks for.

A rescue image with ``hw_rescue_device`` or ``hw_rescue_bus`` asks for a
stable device rescue (compute API 2.87 rescues a volume-backed server only
this way): the guest keeps every disk and volume under its own device name
and in its own order, and the rescue image becomes one more device, the one
the guest boots from.  An image with neither property gets the legacy rescue
(the rescue disk first, the guest's disks after it).

Used by the API (400 for values no driver takes), the compute manager and
the virt drivers, so all of them read the properties the same way.
"""

import dataclasses

from services.compute import exception

DEVICES = ('disk', 'cdrom', 'floppy')
BUSES = ('virtio', 'scsi', 'usb', 'ide', 'sata', 'fdc')
#: Buses a CD-ROM cannot sit on (no removable media there).
_NO_CDROM = ('virtio', 'usb', 'fdc')


@dataclasses.dataclass(frozen=True)
class Layout:
    """The rescue device: its type, and its bus (None: the driver's choice
    for that type, the guest's own disk bus for a disk)."""
    device: str = 'disk'
    bus: str = None


def requested(properties):
    """Whether image ``properties`` ask for a stable device rescue."""
    properties = properties or {}
    return bool(properties.get('hw_rescue_device') or properties.get('hw_rescue_bus'))


def layout(properties):
    """The :class:`Layout` image ``properties`` ask for, None for a legacy
    rescue; Invalid for a device or bus (or pair of them) no guest takes."""
    if not requested(properties):
        return None
    device = properties.get('hw_rescue_device') or 'disk'
    bus = properties.get('hw_rescue_bus') or ('fdc' if device == 'floppy' else None)
    if device not in DEVICES:
        raise exception.Invalid(reason='Unsupported hw_rescue_device %s (one of %s)'
                                       % (device, ', '.join(DEVICES)))
    if bus is not None and bus not in BUSES:
        raise exception.Invalid(reason='Unsupported hw_rescue_bus %s (one of %s)'
                                       % (bus, ', '.join(BUSES)))
    if (device == 'floppy') != (bus == 'fdc'):
        raise exception.Invalid(reason='A floppy rescue device needs the fdc bus, and only '
                                       'a floppy takes it')
    if device == 'cdrom' and bus in _NO_CDROM:
        raise exception.Invalid(reason='A cdrom rescue device cannot use the %s bus' % bus)
    return Layout(device, bus)


def image_layout(image_meta):
    """:func:`layout` of an image dict (its ``properties``)."""
    return layout((image_meta or {}).get('properties') or {})
