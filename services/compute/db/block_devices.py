"""Block device mapping rows (conductor only; reached through ``db.api``).

Device names are chosen here, in the transaction that inserts the row, so
two attaches to one server can never get the same name; the table's unique
keys are the last word when two conductors race.
"""

import re

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils

from services.compute import exception
from services.compute.db import models

#: What nova accepts as a device path: /dev/ + optional x, a bus letter, d,
#: then the disk letters and an optional partition number.
_DEVICE = re.compile(r'^/dev/(x?[a-z]d)([a-z]+)[0-9]*$')
#: Guest disks attach on virtio: vda, vdb, ... vdz, vdaa, ...
PREFIX = 'vd'


def _db():
    # ``db.api`` re-exports this module's functions: imported when used.
    from services.compute.db import api
    return api


def _now():
    return timeutils.utcnow().replace(tzinfo=None)


def _letters(index):
    """0 -> a, 25 -> z, 26 -> aa (as device names count)."""
    text = ''
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord('a') + rest) + text
    return text


def device_letters(path):
    """The disk letters of a device path ('/dev/vdb' -> 'b'); None when it
    is no device path nova would take."""
    match = _DEVICE.match(path or '')
    return match.group(2) if match else None


def next_device_name(used, requested=None):
    """``requested`` (its letters on the virtio bus) when it is free, else
    the first free ``/dev/vdX`` after ``used`` (device paths or names)."""
    taken = {device_letters(u if u.startswith('/dev/') else '/dev/' + u) for u in used}
    if requested:
        letters = device_letters(requested)
        if letters is None:
            raise exception.InvalidDevicePath(path=requested)
        if letters in taken:
            raise exception.DevicePathInUse(path=requested)
        return '/dev/%s%s' % (PREFIX, letters)
    index = 0
    while _letters(index) in taken:
        index += 1
    return '/dev/%s%s' % (PREFIX, _letters(index))


def _row(session, bdm_uuid):
    row = session.scalars(sa.select(models.BlockDeviceMapping).filter_by(
        uuid=bdm_uuid)).first()
    if row is None:
        raise exception.VolumeBDMNotFound(volume_id=bdm_uuid)
    return row


def bdm_create(values):
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    now = _now()
    with _db().writer() as session:
        row = models.BlockDeviceMapping(created_at=now, updated_at=now, **values)
        session.add(row)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.VolumeAttached(volume_id=values.get('volume_id'))
        return _db().as_dict(row)


def bdm_reserve(values, guest_devices):
    """Insert a volume's mapping for a server with the device name it gets:
    the requested ``device_name`` when free, else the next one after the
    server's other mappings and ``guest_devices`` (its own disks)."""
    values = dict(values, uuid=values.get('uuid') or uuidutils.generate_uuid())
    bdm = models.BlockDeviceMapping
    now = _now()
    with _db().writer() as session:
        rows = list(session.scalars(sa.select(bdm).filter_by(
            instance_uuid=values['instance_uuid'])))
        if any(r.volume_id == values['volume_id'] for r in rows):
            raise exception.VolumeAttached(volume_id=values['volume_id'])
        used = list(guest_devices or []) + [r.device_name for r in rows if r.device_name]
        values['device_name'] = next_device_name(used, values.get('device_name'))
        row = bdm(created_at=now, updated_at=now, **values)
        session.add(row)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.DevicePathInUse(path=values['device_name'])
        return _db().as_dict(row)


def bdm_get_by_volume(instance_uuid, volume_id):
    with _db().reader() as session:
        row = session.scalars(sa.select(models.BlockDeviceMapping).filter_by(
            instance_uuid=instance_uuid, volume_id=volume_id)).first()
        if row is None:
            raise exception.VolumeBDMNotFound(volume_id=volume_id)
        return _db().as_dict(row)


def bdm_get_by_volume_id(volume_id):
    """Every mapping of ``volume_id`` (one per server it is attached to)."""
    bdm = models.BlockDeviceMapping
    with _db().reader() as session:
        rows = session.scalars(sa.select(bdm).filter_by(volume_id=volume_id).order_by(bdm.id))
        return [_db().as_dict(r) for r in rows]


def bdm_get_all(instance_uuids):
    """The mappings of ``instance_uuids``, boot disk first, then by id."""
    if not instance_uuids:
        return []
    bdm = models.BlockDeviceMapping
    with _db().reader() as session:
        rows = session.scalars(sa.select(bdm).where(
            bdm.instance_uuid.in_(list(instance_uuids))).order_by(bdm.id))
        return [_db().as_dict(r) for r in rows]


def bdm_update(bdm_uuid, values):
    with _db().writer() as session:
        row = _row(session, bdm_uuid)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = _now()
        session.flush()
        return _db().as_dict(row)


def bdm_destroy(bdm_uuid):
    with _db().writer() as session:
        session.execute(sa.delete(models.BlockDeviceMapping).filter_by(uuid=bdm_uuid))
