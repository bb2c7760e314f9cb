"""Assisted snapshots of attached file volumes (os-assisted-volume-snapshots).

The volume service's remotefs protocol: a volume is a chain of files in one
directory, the guest writing to the newest.  A snapshot puts a qcow2
overlay (``new_file``, beside the current file, backed by it) on top and
switches the guest onto it, so the file underneath stops changing and is
the snapshot.  Deleting a snapshot merges a file of the chain away:

* ``merge_target_file`` given: ``file_to_merge`` is committed into it (a
  file under the active one; libvirt's blockCommit, or ``qemu-img commit``
  and a rebase of the file above);
* no ``merge_target_file``: the active file pulls in the files under it
  down to ``file_to_merge`` (its new backing; none: the whole chain),
  libvirt's blockRebase or a safe ``qemu-img rebase``.

A running guest goes through libvirt (an external disk-only snapshot that
reuses the overlay made here, without snapshot metadata; block jobs waited
for); a stopped guest's files are changed with qemu-img and its definition
pointed at the new file; a guest without a domain gets only the files.
File names in ``create_info`` / ``delete_info`` are plain names in the
volume's directory.

The volume service's file driver knows only the volume's own file, so
before the volume leaves the guest (detach, server delete) ``merge_back``
writes the overlays into that file (recorded in the connection_info under
``OVERLAY_BASE``): a running guest by an active blockCommit and a pivot, a
stopped one or a file without a domain by ``qemu-img commit``; the
overlays are then removed.
"""

import os
import time
import xml.etree.ElementTree as ET

from oslo_log import log as logging

from services.compute import exception
from services.compute.virt import driver as virt_driver
from services.compute.virt.libvirt import disks
from services.compute.virt.libvirt import domain as domain_xml

LOG = logging.getLogger(__name__)

# virDomainSnapshotCreateFlags
SNAPSHOT_NO_METADATA = 4
SNAPSHOT_DISK_ONLY = 16
SNAPSHOT_REUSE_EXT = 32
SNAPSHOT_QUIESCE = 64
_XML_INACTIVE = 2  # VIR_DOMAIN_XML_INACTIVE
BLOCK_COMMIT_ACTIVE = 4  # VIR_DOMAIN_BLOCK_COMMIT_ACTIVE
BLOCK_JOB_ABORT_PIVOT = 2  # VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT
#: How long a block job (commit, pull) may run before it is given up.
BLOCK_JOB_TIMEOUT = 600
POLL = 0.5


def _failed(connection_info, reason):
    return exception.VolumeSnapshotFailed(volume_id=(connection_info or {}).get('serial'),
                                          reason=reason)


class _Disk:
    """Where the volume's disk is: the domain (or None), whether it runs,
    the target device, the active file and its format."""

    def __init__(self, dom, active, target, path, fmt):
        self.dom, self.active, self.target, self.path, self.fmt = (dom, active, target,
                                                                   path, fmt)

    @property
    def directory(self):
        return os.path.dirname(self.path)


def _locate(drv, instance, connection_info, mountpoint):
    target = os.path.basename(mountpoint or '')
    dom = drv._lookup(instance)
    if dom is None:
        data = (connection_info or {}).get('data') or {}
        path = data.get('device_path')
        if (connection_info or {}).get('driver_volume_type') == 'iscsi' or not path:
            raise _failed(connection_info, 'the volume is not a file')
        return _Disk(None, False, target, path, data.get('format') or 'raw')
    active = bool(dom.isActive())
    root = ET.fromstring(dom.XMLDesc(0 if active else _XML_INACTIVE))
    for disk in root.findall('./devices/disk'):
        el = disk.find('target')
        if el is not None and el.get('dev') == target:
            source = disk.find('source')
            if disk.get('type') != 'file' or source is None or not source.get('file'):
                raise _failed(connection_info, 'the disk %s is not a file' % target)
            driver = disk.find('driver')
            fmt = driver.get('type') if driver is not None else 'raw'
            return _Disk(dom, active, target, source.get('file'), fmt or 'raw')
    raise _failed(connection_info, 'the guest has no disk %s' % target)


def _beside(disk, name, connection_info):
    """The path of the plain file name ``name`` in the volume's directory."""
    if not name or os.path.basename(name) != name or name in ('.', '..'):
        raise _failed(connection_info, '%r is not a file name' % (name,))
    return os.path.join(disk.directory, name)


def _snapshot_xml(domain_xml, target, new_path):
    """An external disk-only snapshot of ``target`` onto ``new_path`` (a
    qcow2 file), every other disk left out."""
    snap = ET.Element('domainsnapshot')
    disks_el = ET.SubElement(snap, 'disks')
    for disk in ET.fromstring(domain_xml).findall('./devices/disk'):
        el = disk.find('target')
        name = el.get('dev') if el is not None else None
        if not name:
            continue
        if name == target:
            entry = ET.SubElement(disks_el, 'disk', name=name, snapshot='external',
                                  type='file')
            ET.SubElement(entry, 'driver', type='qcow2')
            ET.SubElement(entry, 'source', file=new_path)
        else:
            ET.SubElement(disks_el, 'disk', name=name, snapshot='no')
    return ET.tostring(snap, encoding='unicode')


def _repoint(drv, dom, target, new_path, fmt='qcow2'):
    """A stopped guest's definition with disk ``target`` on ``new_path``
    (a ``fmt`` file)."""
    root = ET.fromstring(dom.XMLDesc(_XML_INACTIVE))
    for disk in root.findall('./devices/disk'):
        el = disk.find('target')
        if el is not None and el.get('dev') == target:
            disk.find('source').set('file', new_path)
            driver = disk.find('driver')
            if driver is None:
                driver = ET.SubElement(disk, 'driver', name='qemu')
            driver.set('type', fmt)
            for stale in disk.findall('backingStore'):
                disk.remove(stale)
    drv.conn.defineXML(ET.tostring(root, encoding='unicode'))


def create(drv, instance, connection_info, mountpoint, create_info):
    """Snapshot: the guest's disk moves onto ``new_file``.  Answers the new
    connection_info (``device_path`` the overlay, ``format`` qcow2)."""
    disk = _locate(drv, instance, connection_info, mountpoint)
    new_path = _beside(disk, create_info.get('new_file'), connection_info)
    made = not os.path.exists(new_path)
    if made:
        disks.create_snapshot_overlay(disk.path, new_path)
    else:
        # The volume service may have made it already (cinder's remotefs
        # drivers do): it must sit on the current file.
        backing = disks.info(new_path)['backing']
        if not backing or os.path.abspath(os.path.join(disk.directory, backing)) != \
                os.path.abspath(disk.path):
            raise _failed(connection_info, '%s exists and is not an overlay of %s'
                          % (new_path, disk.path))
    try:
        if disk.active:
            _live_snapshot(drv, disk, new_path)
        elif disk.dom is not None:
            _repoint(drv, disk.dom, disk.target, new_path)
    except Exception:
        if made:
            _remove_quietly(new_path)
        raise
    LOG.info('Volume %s of %s: %s now written through %s', connection_info.get('serial'),
             instance.uuid, disk.path, new_path)
    data = dict(connection_info.get('data') or {}, device_path=new_path, format='qcow2')
    return dict(connection_info, data=data)


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _live_snapshot(drv, disk, new_path):
    xml = _snapshot_xml(disk.dom.XMLDesc(0), disk.target, new_path)
    flags = SNAPSHOT_DISK_ONLY | SNAPSHOT_REUSE_EXT | SNAPSHOT_NO_METADATA
    if domain_xml.has_guest_agent(disk.dom.XMLDesc(0)):
        try:  # a guest agent freezes the filesystems for a consistent snapshot
            drv._run_native(disk.dom.snapshotCreateXML, xml, flags | SNAPSHOT_QUIESCE)
            return
        except Exception as exc:
            LOG.info('Quiesced snapshot of %s refused (%s); taking it unquiesced',
                     disk.dom.name(), exc)
    drv._run_native(disk.dom.snapshotCreateXML, xml, flags)


def delete(drv, instance, connection_info, mountpoint, delete_info):
    """Merge away what ``delete_info`` names; answers the connection_info
    (the active file stays the same)."""
    if delete_info.get('type') != 'qcow2':
        raise _failed(connection_info, 'unknown delete_info type %r'
                      % (delete_info.get('type'),))
    disk = _locate(drv, instance, connection_info, mountpoint)
    chain = disks.backing_chain(disk.path)
    merge = delete_info.get('file_to_merge')
    target = delete_info.get('merge_target_file')
    if target:
        top = _beside(disk, merge, connection_info)
        base = _beside(disk, target, connection_info)
        if top not in chain[1:] or base not in chain[chain.index(top) + 1:]:
            raise _failed(connection_info, '%s is not under the active file %s above %s'
                          % (merge, disk.path, target))
        _commit(drv, disk, chain, top, base, connection_info)
    else:
        base = _beside(disk, merge, connection_info) if merge else None
        if base is not None and base not in chain[1:]:
            raise _failed(connection_info, '%s is not in the backing chain of %s'
                          % (merge, disk.path))
        _pull(drv, disk, base, connection_info)
    return connection_info


def _commit(drv, disk, chain, top, base, connection_info):
    if disk.active:
        drv._run_native(disk.dom.blockCommit, disk.target, base, top, 0, 0)
        _wait_block_job(drv, disk, connection_info)
    else:
        drv._run_native(disks.commit, top, base)  # copies data: seconds to minutes
        child = chain[chain.index(top) - 1]
        disks.set_backing(child, base)
    after = disks.backing_chain(disk.path)
    if top in after:
        raise _failed(connection_info, '%s is still in the chain after the commit' % top)
    LOG.info('Committed %s into %s under %s', top, base, disk.path)


def _pull(drv, disk, base, connection_info):
    if disk.active:
        drv._run_native(disk.dom.blockRebase, disk.target, base, 0, 0)
        _wait_block_job(drv, disk, connection_info)
    else:
        drv._run_native(disks.rebase_onto, disk.path, base)
    after = disks.backing_chain(disk.path)
    expected = os.path.abspath(base) if base else None
    if (after[1] if len(after) > 1 else None) != expected:
        raise _failed(connection_info, 'the backing file of %s is %s after the pull, not %s'
                      % (disk.path, after[1] if len(after) > 1 else None, base))
    LOG.info('Pulled the chain of %s down to %s', disk.path, base or 'nothing')


def _wait_block_job(drv, disk, connection_info):
    """Until libvirt reports no job on the disk (a commit under the active
    file and a pull end by themselves); a job still running after
    ``BLOCK_JOB_TIMEOUT`` is aborted."""
    deadline = time.monotonic() + BLOCK_JOB_TIMEOUT
    while True:
        job = disk.dom.blockJobInfo(disk.target, 0)
        if not job:
            return
        if time.monotonic() > deadline:
            try:
                disk.dom.blockJobAbort(disk.target, 0)
            except Exception as exc:
                LOG.warning('Aborting the block job on %s failed: %s', disk.target, exc)
            raise _failed(connection_info, 'the block job on %s did not end in %d s'
                          % (disk.target, BLOCK_JOB_TIMEOUT))
        time.sleep(POLL)


# -- merging the overlays back before the volume leaves the guest ----------------------

def merge_back(drv, instance, connection_info, mountpoint):
    """The overlays above the volume's own file (``OVERLAY_BASE``) committed
    into it and removed, the disk on that file again; answers the
    connection_info of the volume's own file.  A file a pull merged away
    (no longer in the chain) gets the whole content copied back when the
    guest does not run.  Raises, changing nothing the guest uses, when a
    running guest's file left the chain or a step fails: the data stays in
    the overlays."""
    base = (connection_info or {}).get(virt_driver.OVERLAY_BASE)
    if not base:
        return connection_info
    base_path = os.path.abspath(base['device_path'])
    fmt = base.get('format') or 'raw'
    disk = _locate(drv, instance, connection_info, mountpoint)
    chain = disks.backing_chain(disk.path)
    if base_path in chain:
        overlays = chain[:chain.index(base_path)]
    else:
        # A delete without merge_target_file pulled the volume's file into
        # the overlays: its whole content is copied back, offline only.
        if disk.active:
            raise _failed(connection_info, 'the volume\'s file %s is no longer in the '
                          'backing chain of %s (a pull merged it away); stop the server to '
                          'have it copied back' % (base_path, disk.path))
        overlays = [path for path in chain if path not in disks.backing_chain(base_path)]
    if overlays:
        if disk.active:
            _active_commit(drv, instance, disk, base_path, connection_info)
        else:
            if base_path in chain:
                drv._run_native(disks.commit, disk.path, base_path)  # copies data
            else:
                drv._run_native(disks.copy_into, disk.path, base_path, fmt)
            if disk.dom is not None:
                _repoint(drv, disk.dom, disk.target, base_path, fmt)
        LOG.info('Volume %s of %s: %s merged back into %s', connection_info.get('serial'),
                 instance.uuid, ', '.join(overlays), base_path)
    # The chain's overlays, and those this volume's snapshots made that a
    # snapshot delete merged away earlier (beside the file, not under it).
    keep = disks.backing_chain(base_path)
    made = [os.path.abspath(p) for p in base.get('overlays') or []
            if os.path.dirname(os.path.abspath(p)) == os.path.dirname(base_path)]
    for path in dict.fromkeys(overlays + made):
        if path not in keep:
            _remove_quietly(path)
    info = {k: v for k, v in connection_info.items() if k != virt_driver.OVERLAY_BASE}
    info['data'] = dict(connection_info.get('data') or {}, device_path=base_path, format=fmt)
    return info


def _active_commit(drv, instance, disk, base, connection_info):
    """A running guest: the active file and those down to ``base`` written
    into ``base`` (an active blockCommit), then the disk pivoted onto it.  A
    job that does not reach its ready point in time is aborted without the
    pivot: the guest stays on its overlay, nothing lost."""
    drv._run_native(disk.dom.blockCommit, disk.target, base, None, 0, BLOCK_COMMIT_ACTIVE)
    deadline = time.monotonic() + BLOCK_JOB_TIMEOUT
    while True:
        job = disk.dom.blockJobInfo(disk.target, 0)
        if not job:
            raise _failed(connection_info, 'the commit of %s into %s ended without '
                          'reaching its pivot' % (disk.path, base))
        # libvirt reports a ready job as cur == end (1 and 1 when both were 0)
        if job.get('end') and job.get('cur') == job.get('end'):
            break
        if time.monotonic() > deadline:
            try:
                disk.dom.blockJobAbort(disk.target, 0)
            except Exception as exc:
                LOG.warning('Aborting the commit on %s failed: %s', disk.target, exc)
            raise _failed(connection_info, 'the commit on %s was not ready in %d s'
                          % (disk.target, BLOCK_JOB_TIMEOUT))
        time.sleep(POLL)
    drv._run_native(disk.dom.blockJobAbort, disk.target, BLOCK_JOB_ABORT_PIVOT)
    _wait_block_job(drv, disk, connection_info)
    now = _locate(drv, instance, connection_info, disk.target)
    if os.path.abspath(now.path) != base:
        raise _failed(connection_info, 'the disk %s is on %s after the pivot, not %s'
                      % (disk.target, now.path, base))
