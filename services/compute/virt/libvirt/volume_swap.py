"""Swap volume on a libvirt guest: its disk moves from one volume to another.

A running guest gets a block copy (libvirt's blockCopy into the new
volume, which the volume service made already: ``REUSE_EXT``; a transient
job, so the domain stays persistent), waited for until it mirrors, then
pivoted onto the new volume (blockJobAbort with ``PIVOT``): the guest keeps
running and writing throughout.  QEMU mirrors only into a target of the
source's size, so for a bigger new volume the guest's disk is grown first
(blockResize of the old volume, which the swap gives up).  A stopped
guest's data is copied with ``qemu-img``.
Either way the persistent definition's disk is rewritten to the new
volume's, with the same target device.  Any failure before the pivot
aborts the copy and leaves the guest on the old volume.
"""

import os
import time
import xml.etree.ElementTree as ET

from oslo_log import log as logging

from services.compute import exception
from services.compute.virt.libvirt import disks

LOG = logging.getLogger(__name__)

BLOCK_COPY_REUSE_EXT = 2  # VIR_DOMAIN_BLOCK_COPY_REUSE_EXT
BLOCK_COPY_TRANSIENT_JOB = 4  # VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB
BLOCK_JOB_ABORT_PIVOT = 2  # VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT
BLOCK_RESIZE_BYTES = 1  # VIR_DOMAIN_BLOCK_RESIZE_BYTES
_XML_INACTIVE = 2  # VIR_DOMAIN_XML_INACTIVE
GiB = 1 << 30
#: How long the copy may take to mirror, and the pivot to end.
COPY_TIMEOUT = 1800
POLL = 0.5


def _failed(connection_info, reason):
    return exception.VolumeSwapFailed(volume_id=(connection_info or {}).get('serial'),
                                      reason=reason)


def _disk_element(domain_xml, target):
    for disk in ET.fromstring(domain_xml).findall('./devices/disk'):
        el = disk.find('target')
        if el is not None and el.get('dev') == target:
            return disk
    return None


def _source_path(disk):
    """The file or block device a ``<disk>`` element reads (None for a
    network disk)."""
    source = disk.find('source')
    if source is None:
        return None
    return source.get('file') or source.get('dev')


def copy_destination(new_disk_xml):
    """The blockCopy destination: the new volume's ``<disk>`` with its
    driver (format), source and authentication only."""
    disk = ET.fromstring(new_disk_xml)
    for el in list(disk):
        if el.tag not in ('driver', 'source', 'auth'):
            disk.remove(el)
    return ET.tostring(disk, encoding='unicode')


def swap(drv, instance, old_info, new_info, new_disk_xml, mountpoint, resize_to=0):
    """Move the guest's disk ``mountpoint`` onto the volume of ``new_info``
    (``new_disk_xml``: its ``<disk>`` element with the same target)."""
    target = os.path.basename(mountpoint or '')
    dom = drv._lookup(instance)
    if dom is None:
        raise _failed(old_info, 'the server has no guest on this host')
    active = bool(dom.isActive())
    current = _disk_element(dom.XMLDesc(0 if active else _XML_INACTIVE), target)
    if current is None:
        raise _failed(old_info, 'the guest has no disk %s' % target)
    if active:
        if resize_to:
            drv._run_native(dom.blockResize, target, int(resize_to) * GiB, BLOCK_RESIZE_BYTES)
        _live_copy(drv, dom, target, new_disk_xml, old_info)
    else:
        _offline_copy(drv, current, new_disk_xml, old_info)
    _redefine(drv, dom, target, new_disk_xml)
    LOG.info('Disk %s of %s moved from %s to %s', target, dom.name(),
             _source_path(current) or 'a network volume',
             _source_path(ET.fromstring(new_disk_xml)) or 'a network volume')


def _live_copy(drv, dom, target, new_disk_xml, old_info):
    """blockCopy, wait until it mirrors, pivot; the copy aborted (guest on
    the old volume) when it fails or does not get there in time."""
    flags = BLOCK_COPY_REUSE_EXT | BLOCK_COPY_TRANSIENT_JOB
    drv._run_native(dom.blockCopy, target, copy_destination(new_disk_xml), None, flags)
    try:
        _wait_ready(dom, target, old_info)
        drv._run_native(dom.blockJobAbort, target, BLOCK_JOB_ABORT_PIVOT)
    except Exception:
        try:
            dom.blockJobAbort(target, 0)
        except Exception as exc:
            LOG.warning('Aborting the copy of %s failed: %s', target, exc)
        raise
    _wait_gone(dom, target, old_info)
    now = _disk_element(dom.XMLDesc(0), target)
    wanted = ET.fromstring(new_disk_xml).find('source')
    got = now.find('source') if now is not None else None
    if got is None or any(got.get(k) != v for k, v in wanted.attrib.items()):
        raise _failed(old_info, 'the disk %s is on %s after the pivot' % (
            target, dict(got.attrib) if got is not None else None))


def _wait_ready(dom, target, old_info):
    deadline = time.monotonic() + COPY_TIMEOUT
    while True:
        job = dom.blockJobInfo(target, 0)
        if not job:
            raise _failed(old_info, 'the copy of %s ended before it mirrored' % target)
        # A mirroring job reports cur == end.
        if job.get('end') and job.get('cur') == job.get('end'):
            return
        if time.monotonic() > deadline:
            raise _failed(old_info, 'the copy of %s did not mirror in %d s'
                          % (target, COPY_TIMEOUT))
        time.sleep(POLL)


def _wait_gone(dom, target, old_info):
    deadline = time.monotonic() + COPY_TIMEOUT
    while dom.blockJobInfo(target, 0):
        if time.monotonic() > deadline:
            raise _failed(old_info, 'the pivot of %s did not end in %d s'
                          % (target, COPY_TIMEOUT))
        time.sleep(POLL)


def _offline_copy(drv, current, new_disk_xml, old_info):
    """A stopped guest: the old disk's content (its backing chain read
    through) written into the new volume, in the new volume's format."""
    new = ET.fromstring(new_disk_xml)
    src, dst = _source_path(current), _source_path(new)
    if not src or not dst:
        raise _failed(old_info, 'a stopped guest\'s network volume is not copied here')
    driver = new.find('driver')
    fmt = (driver.get('type') if driver is not None else None) or 'raw'
    drv._run_native(disks.copy_into, src, dst, fmt)  # copies data: seconds to minutes


def _redefine(drv, dom, target, new_disk_xml):
    """The persistent definition with the new volume's disk in place of
    ``target``'s (a running guest's next start opens the new volume too)."""
    root = ET.fromstring(dom.XMLDesc(_XML_INACTIVE))
    devices = root.find('devices')
    for index, disk in enumerate(list(devices)):
        el = disk.find('target') if disk.tag == 'disk' else None
        if el is not None and el.get('dev') == target:
            new = ET.fromstring(new_disk_xml)
            if el.get('bus'):
                new.find('target').set('bus', el.get('bus'))
            for keep in ('boot', 'address'):  # boot order, and the same slot in the guest
                found = disk.find(keep)
                if found is not None and new.find(keep) is None:
                    new.append(found)
            devices.remove(disk)
            devices.insert(index, new)
            break
    drv.conn.defineXML(ET.tostring(root, encoding='unicode'))
