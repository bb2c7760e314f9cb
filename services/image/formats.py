"""Disk format inspection of streamed image data.

An upload declares a ``disk_format``; :class:`Inspector` watches the bytes
as they stream by and refuses data that is not that format, as glance's
format inspector does.  It keeps only a bounded prefix (``PREFIX_BYTES``,
enough for every signature and a VMDK descriptor) and the last 512 bytes
(a fixed VHD's footer); nothing else of the image is held.

What each format must look like:

============  =============================================================
``qcow2``     ``QFI\\xfb`` at 0, version 2 or 3, no backing file, no
              external data file
``vmdk``      sparse extent header ``KDMV`` at 0 whose descriptor says
              ``createType`` ``monolithicSparse`` or ``streamOptimized``
              (a descriptor-only VMDK names other files: refused)
``vhd``       ``conectix`` cookie at 0 (dynamic) or in the 512-byte footer
``vhdx``      ``vhdxfile`` at 0
``vdi``       the VDI signature at 0x40
``iso``       ISO 9660 ``CD001`` in the first volume descriptor (32769)
``raw``,      anything no format above claims (``ami``/``ari``/``aki`` are
``ami`` ...   raw machine, kernel and ramdisk images)
``ploop``     not inspected
============  =============================================================

Data that two formats claim at once (an ISO hiding a qcow2 header) is
refused whatever was declared.
"""

import re
import struct

from common import exception as common_exc

PREFIX_BYTES = 64 * 1024
SECTOR = 512
RAW_LIKE = ('raw', 'ami', 'ari', 'aki')
NOT_INSPECTED = ('ploop',)

QCOW2_MAGIC = b'QFI\xfb'
VMDK_MAGIC = b'KDMV'
VMDK_TEXT = b'# Disk DescriptorFile'
VMDK_TYPES = (b'monolithicSparse', b'streamOptimized')
VHD_COOKIE = b'conectix'
VHDX_MAGIC = b'vhdxfile'
VDI_OFFSET, VDI_MAGIC = 0x40, struct.pack('<I', 0xbeda107f)
ISO_OFFSET, ISO_MAGIC = 0x8001, b'CD001'
QCOW2_DATA_FILE_BIT = 1 << 2
#: the virtual_size column is a signed 64-bit integer
VIRTUAL_SIZE_MAX = 2 ** 63 - 1


class FormatMismatch(common_exc.BadRequest):
    msg_fmt = 'Image content does not match disk_format %(disk_format)s: %(reason)s'


class UnsafeImage(common_exc.BadRequest):
    msg_fmt = 'Image data of format %(disk_format)s is not allowed: %(reason)s'


def _u32(data, offset, big=True):
    return struct.unpack_from('>I' if big else '<I', data, offset)[0]


def _u64(data, offset, big=True):
    return struct.unpack_from('>Q' if big else '<Q', data, offset)[0]


def _qcow2(head, tail, size):
    """``(virtual_size, refusal)`` of qcow2 data, or None if it is not qcow2."""
    if not head.startswith(QCOW2_MAGIC) or len(head) < 32:
        return None
    version = _u32(head, 4)
    if version not in (2, 3):
        return None, 'unsupported qcow2 version %d' % version
    if _u64(head, 8):
        return None, 'a qcow2 image with a backing file'
    if version == 3 and len(head) >= 80 and _u64(head, 72) & QCOW2_DATA_FILE_BIT:
        return None, 'a qcow2 image with an external data file'
    return _u64(head, 24), None


def _vmdk(head, tail, size):
    if head.startswith(VMDK_TEXT):
        return None, 'a VMDK descriptor file referring to other extents'
    if not head.startswith(VMDK_MAGIC) or len(head) < 52:
        return None
    capacity = _u64(head, 12, big=False)
    offset = _u64(head, 28, big=False) * SECTOR
    length = _u64(head, 36, big=False) * SECTOR
    if not offset or not length or offset + length > len(head):
        return None, 'the VMDK descriptor is missing or beyond the first %d bytes' % len(head)
    descriptor = head[offset:offset + length]
    match = re.search(rb'createType\s*=\s*"([^"]*)"', descriptor)
    kind = match.group(1) if match else b'none'
    if kind not in VMDK_TYPES:
        return None, 'VMDK type %s' % kind.decode('ascii', 'replace')
    return capacity * SECTOR, None


def _vhd(head, tail, size):
    for footer in (head[:SECTOR], tail if size >= SECTOR else b''):
        if footer.startswith(VHD_COOKIE) and len(footer) >= 56:
            return _u64(footer, 48), None
    return None


def _vhdx(head, tail, size):
    return (None, None) if head.startswith(VHDX_MAGIC) else None


def _vdi(head, tail, size):
    if head[VDI_OFFSET:VDI_OFFSET + 4] != VDI_MAGIC:
        return None
    return (_u64(head, 0x170, big=False) if len(head) >= 0x178 else None), None


def _iso(head, tail, size):
    return (None, None) if head[ISO_OFFSET:ISO_OFFSET + 5] == ISO_MAGIC else None


#: format -> probe(head, tail, size) -> None (not this format) or
#: (virtual_size, refusal reason or None)
PROBES = {'qcow2': _qcow2, 'vmdk': _vmdk, 'vhd': _vhd, 'vhdx': _vhdx, 'vdi': _vdi,
          'iso': _iso}


class Inspector:
    """Fed every chunk of an upload; :meth:`verdict` refuses foreign data."""

    def __init__(self, disk_format):
        self.disk_format = disk_format
        self.head = b''
        self.tail = b''
        self.size = 0
        self.virtual_size = None
        self._early_done = disk_format in NOT_INSPECTED

    def feed(self, chunk):
        """Take the next ``chunk``; raises as soon as the prefix decides."""
        if len(self.head) < PREFIX_BYTES:
            self.head += chunk[:PREFIX_BYTES - len(self.head)]
        self.tail = (self.tail + chunk[-SECTOR:])[-SECTOR:]
        self.size += len(chunk)
        # Everything but a fixed VHD's footer is in the prefix: decide as soon
        # as it is full rather than after storing a whole foreign image.
        if not self._early_done and len(self.head) >= PREFIX_BYTES \
                and self.disk_format != 'vhd':
            self._early_done = True
            self._judge(with_tail=False)

    def verdict(self):
        """Raise unless the whole stream was the declared format."""
        if self.disk_format in NOT_INSPECTED:
            return
        self._judge(with_tail=True)

    def _judge(self, with_tail):
        tail = self.tail if with_tail else b''
        found = {}
        for name, probe in PROBES.items():
            if name == 'vhd' and not with_tail:
                result = probe(self.head, b'', 0)
            else:
                result = probe(self.head, tail, self.size)
            if result is not None:
                found[name] = result
        declared = self.disk_format
        if len(found) > 1:
            raise UnsafeImage(disk_format=declared,
                              reason='the data matches several formats (%s)'
                                     % ', '.join(sorted(found)))
        if declared in RAW_LIKE:
            if found:
                raise FormatMismatch(disk_format=declared,
                                     reason='the data is %s' % next(iter(found)))
            self.virtual_size = self.size if declared == 'raw' else None
            return
        if declared not in PROBES:
            return  # a format configured by the operator that we cannot inspect
        if declared not in found:
            reason = ('the data is %s' % next(iter(found))) if found else \
                'no %s signature' % declared
            if found and found[next(iter(found))][1]:
                reason = found[next(iter(found))][1]
            raise FormatMismatch(disk_format=declared, reason=reason)
        virtual_size, refusal = found[declared]
        if refusal:
            raise UnsafeImage(disk_format=declared, reason=refusal)
        if virtual_size is not None and virtual_size > VIRTUAL_SIZE_MAX:
            raise UnsafeImage(disk_format=declared,
                              reason='a virtual size of %d bytes' % virtual_size)
        self.virtual_size = virtual_size
