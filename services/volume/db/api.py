"""Volume database access (imported by the conductor only).

Every function opens its own transaction and returns plain dicts (times as
ISO strings), ready to travel over RPC; no ORM instance leaves this module.
State changes that race (a delete against an attach, two attaches of one
volume) are checked and written in one transaction.
"""

import datetime

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils

from common import db as common_db
from services.volume import exception
from services.volume.db import models

SERVICE = 'volume'


def writer():
    """A write transaction on this service's database (common.db.writer)."""
    return common_db.writer(SERVICE)


def reader():
    return common_db.reader(SERVICE)


def now():
    return timeutils.utcnow().replace(tzinfo=None, microsecond=0)


def _wire(value):
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
    return value


def as_dict(row):
    return {attr.key: _wire(getattr(row, attr.key))
            for attr in sa.inspect(row).mapper.column_attrs}


# -- services ------------------------------------------------------------------

def service_report(host, binary, topic, availability_zone, version, capabilities=None):
    """Record a heartbeat (and a backend's capacity report); creates the row
    on the first report."""
    stamp = now()
    with writer() as session:
        row = session.scalars(sa.select(models.Service).filter_by(
            host=host, binary=binary)).first()
        if row is None:
            row = models.Service(host=host, binary=binary, created_at=stamp, report_count=0,
                                 disabled=False)
            session.add(row)
        row.topic = topic
        row.availability_zone = availability_zone
        row.last_seen_at = stamp
        row.updated_at = stamp
        row.report_count = (row.report_count or 0) + 1
        row.version = version
        if capabilities is not None:
            row.capabilities = capabilities
            row.capabilities_at = stamp
        session.flush()
        return as_dict(row)


def service_list(host=None, binary=None):
    with reader() as session:
        query = sa.select(models.Service).order_by(models.Service.id)
        if host:
            query = query.filter_by(host=host)
        if binary:
            query = query.filter_by(binary=binary)
        return [as_dict(r) for r in session.scalars(query)]


# -- volume types --------------------------------------------------------------

def _type_row(session, type_id, project_id=None):
    """By id, then by name; ``project_id`` (None: any) limits to the types
    that project may see (public, or private with access)."""
    row = session.get(models.VolumeType, type_id)
    if row is None:
        row = session.scalars(sa.select(models.VolumeType).filter_by(name=type_id)).first()
    if row is None or (project_id is not None and not row.is_public and
                       not _has_access(session, row.id, project_id)):
        raise exception.VolumeTypeNotFound(type_id=type_id)
    return row


def _has_access(session, type_id, project_id):
    return session.scalars(sa.select(models.VolumeTypeProject).filter_by(
        volume_type_id=type_id, project_id=project_id)).first() is not None


def _type_dict(session, row):
    out = as_dict(row)
    out['extra_specs'] = {s.key: s.value for s in session.scalars(
        sa.select(models.VolumeTypeExtraSpec).filter_by(volume_type_id=row.id))}
    return out


def type_create(name, description, is_public, extra_specs):
    stamp = now()
    try:
        with writer() as session:
            if session.scalars(sa.select(models.VolumeType).filter_by(name=name)).first():
                raise exception.VolumeTypeExists(name=name)
            row = models.VolumeType(id=uuidutils.generate_uuid(), name=name,
                                    description=description, is_public=is_public,
                                    created_at=stamp, updated_at=stamp)
            session.add(row)
            session.flush()
            for key, value in (extra_specs or {}).items():
                session.add(models.VolumeTypeExtraSpec(volume_type_id=row.id, key=key,
                                                       value=value))
            session.flush()
            return _type_dict(session, row)
    except db_exc.DBDuplicateEntry:
        raise exception.VolumeTypeExists(name=name)


def type_get(type_id, project_id=None):
    with reader() as session:
        return _type_dict(session, _type_row(session, type_id, project_id))


def type_list(project_id=None, is_public=None):
    """Types ``project_id`` may see (None: every type); ``is_public`` filters."""
    with reader() as session:
        query = sa.select(models.VolumeType).order_by(models.VolumeType.name)
        if is_public is not None:
            query = query.filter_by(is_public=is_public)
        if project_id is not None:
            shared = sa.select(models.VolumeTypeProject.volume_type_id).filter_by(
                project_id=project_id)
            query = query.where(sa.or_(models.VolumeType.is_public.is_(True),
                                       models.VolumeType.id.in_(shared)))
        return [_type_dict(session, r) for r in session.scalars(query)]


def type_update(type_id, values):
    try:
        with writer() as session:
            row = _type_row(session, type_id)
            name = values.get('name')
            if name and name != row.name and session.scalars(
                    sa.select(models.VolumeType).filter_by(name=name)).first():
                raise exception.VolumeTypeExists(name=name)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now()
            session.flush()
            return _type_dict(session, row)
    except db_exc.DBDuplicateEntry:
        raise exception.VolumeTypeExists(name=values.get('name'))


def type_delete(type_id):
    with writer() as session:
        row = _type_row(session, type_id)
        in_use = session.scalars(sa.select(models.Volume.id).filter_by(
            volume_type_id=row.id).limit(1)).first()
        if in_use:
            raise exception.InvalidVolumeType(reason='Target volume type is still in use.')
        session.delete(row)


def type_extra_specs_update(type_id, specs):
    with writer() as session:
        row = _type_row(session, type_id)
        current = {s.key: s for s in session.scalars(
            sa.select(models.VolumeTypeExtraSpec).filter_by(volume_type_id=row.id))}
        for key, value in specs.items():
            if key in current:
                current[key].value = value
            else:
                session.add(models.VolumeTypeExtraSpec(volume_type_id=row.id, key=key,
                                                       value=value))
        row.updated_at = now()
        session.flush()
        return _type_dict(session, row)['extra_specs']


def type_extra_spec_delete(type_id, key):
    with writer() as session:
        row = _type_row(session, type_id)
        spec = session.scalars(sa.select(models.VolumeTypeExtraSpec).filter_by(
            volume_type_id=row.id, key=key)).first()
        if spec is None:
            raise exception.VolumeTypeExtraSpecNotFound(type_id=type_id, key=key)
        session.delete(spec)


def type_access_list(type_id):
    with reader() as session:
        row = _type_row(session, type_id)
        return [p.project_id for p in session.scalars(
            sa.select(models.VolumeTypeProject).filter_by(volume_type_id=row.id)
            .order_by(models.VolumeTypeProject.id))]


def type_access_add(type_id, project_id):
    try:
        with writer() as session:
            row = _type_row(session, type_id)
            if _has_access(session, row.id, project_id):
                raise exception.VolumeTypeAccessExists(type_id=type_id,
                                                       project_id=project_id)
            session.add(models.VolumeTypeProject(volume_type_id=row.id,
                                                 project_id=project_id))
    except db_exc.DBDuplicateEntry:
        raise exception.VolumeTypeAccessExists(type_id=type_id, project_id=project_id)


def type_access_remove(type_id, project_id):
    with writer() as session:
        row = _type_row(session, type_id)
        access = session.scalars(sa.select(models.VolumeTypeProject).filter_by(
            volume_type_id=row.id, project_id=project_id)).first()
        if access is None:
            raise exception.VolumeTypeAccessNotFound(type_id=type_id, project_id=project_id)
        session.delete(access)


# -- quotas --------------------------------------------------------------------

def quota_overrides(project_id):
    with reader() as session:
        return {q.resource: q.hard_limit for q in session.scalars(
            sa.select(models.Quota).filter_by(project_id=project_id))}


def quota_set(project_id, limits):
    stamp = now()
    with writer() as session:
        current = {q.resource: q for q in session.scalars(
            sa.select(models.Quota).filter_by(project_id=project_id))}
        for resource, limit in limits.items():
            if resource in current:
                current[resource].hard_limit = limit
                current[resource].updated_at = stamp
            else:
                session.add(models.Quota(project_id=project_id, resource=resource,
                                         hard_limit=limit, created_at=stamp,
                                         updated_at=stamp))


def quota_delete(project_id):
    with writer() as session:
        session.execute(sa.delete(models.Quota).filter_by(project_id=project_id))


def _usage(session, project_id):
    volumes, volume_gb = session.execute(
        sa.select(sa.func.count(models.Volume.id), sa.func.coalesce(
            sa.func.sum(models.Volume.size), 0)).filter_by(project_id=project_id)).one()
    snapshots, snapshot_gb = session.execute(
        sa.select(sa.func.count(models.Snapshot.id), sa.func.coalesce(
            sa.func.sum(models.Snapshot.size), 0)).filter_by(project_id=project_id)).one()
    backups, backup_gb = session.execute(
        sa.select(sa.func.count(models.Backup.id), sa.func.coalesce(
            sa.func.sum(models.Backup.size), 0)).filter_by(project_id=project_id)).one()
    return {'volumes': int(volumes), 'snapshots': int(snapshots),
            'gigabytes': int(volume_gb) + int(snapshot_gb), 'backups': int(backups),
            'backup_gigabytes': int(backup_gb)}


def usage(project_id):
    with reader() as session:
        return _usage(session, project_id)


def check_quota(session, project_id, limits, deltas):
    """Raise 413 when adding ``deltas`` would pass one of ``limits``
    (counted in the same transaction as the insert)."""
    used = _usage(session, project_id)
    for resource, delta in deltas.items():
        allowed = limits.get(resource, -1)
        if allowed < 0 or used[resource] + delta <= allowed:
            continue
        if resource == 'gigabytes':
            raise exception.GigabytesQuotaExceeded(resource=resource, requested=delta,
                                                   allowed=allowed, used=used[resource])
        raise exception.QuotaExceeded(resource=resource, allowed=allowed)


# -- volumes -------------------------------------------------------------------

_VOLUME_FILTERS = ('status', 'name', 'availability_zone', 'bootable', 'project_id', 'host',
                   'volume_type_id', 'snapshot_id', 'source_volid', 'id', 'attach_status')
SORT_KEYS = ('id', 'name', 'size', 'status', 'created_at', 'updated_at',
             'availability_zone', 'bootable', 'project_id', 'description')


def volume_row(session, volume_id, project_id=None):
    row = session.get(models.Volume, volume_id)
    if row is None or (project_id is not None and row.project_id != project_id):
        raise exception.VolumeNotFound(volume_id=volume_id)
    return row


def _metadata(session, model, column, owner_id):
    return {m.key: m.value for m in session.scalars(
        sa.select(model).where(getattr(model, column) == owner_id))}


def _attachments(session, volume_id):
    return [as_dict(a) for a in session.scalars(
        sa.select(models.Attachment).filter_by(volume_id=volume_id)
        .order_by(models.Attachment.created_at, models.Attachment.id))]


def _volume_dict(session, row):
    out = as_dict(row)
    out['metadata'] = _metadata(session, models.VolumeMetadata, 'volume_id', row.id)
    out['attachments'] = _attachments(session, row.id)
    vtype = session.get(models.VolumeType, row.volume_type_id) if row.volume_type_id else None
    out['volume_type_name'] = vtype.name if vtype else None
    return out


def volume_create(values, metadata, quota_limits):
    """Insert a volume row (status ``creating``) within the project's quota."""
    stamp = now()
    with writer() as session:
        check_quota(session, values['project_id'], quota_limits,
                     {'volumes': 1, 'gigabytes': values['size']})
        row = models.Volume(id=uuidutils.generate_uuid(), created_at=stamp, updated_at=stamp,
                            attach_status='detached', readonly=False, **values)
        session.add(row)
        session.flush()
        for key, value in (metadata or {}).items():
            session.add(models.VolumeMetadata(volume_id=row.id, key=key, value=value))
        session.flush()
        return _volume_dict(session, row)


def volume_get(volume_id, project_id=None):
    with reader() as session:
        return _volume_dict(session, volume_row(session, volume_id, project_id))


def sorted_page(session, model, query, sorts, limit, marker, not_found):
    for key, direction in sorts:
        column = getattr(model, key)
        query = query.order_by(column.desc() if direction == 'desc' else column.asc())
    query = query.order_by(model.id.desc())
    rows = list(session.scalars(query))
    if marker:
        ids = [r.id for r in rows]
        if marker not in ids:
            raise not_found
        rows = rows[ids.index(marker) + 1:]
    return rows[:limit] if limit is not None else rows


def volume_list(filters=None, metadata=None, sorts=(('created_at', 'desc'),), limit=None,
                marker=None):
    """Volumes matching ``filters`` (column: value, or a list of values) and
    ``metadata`` (every key: value), sorted and paged."""
    with reader() as session:
        query = sa.select(models.Volume)
        for key, value in (filters or {}).items():
            if key not in _VOLUME_FILTERS:
                continue
            column = getattr(models.Volume, key)
            query = query.where(column.in_(value) if isinstance(value, list) else
                                column == value)
        for key, value in (metadata or {}).items():
            query = query.where(models.Volume.id.in_(
                sa.select(models.VolumeMetadata.volume_id).filter_by(key=key, value=value)))
        rows = sorted_page(session, models.Volume, query, sorts, limit, marker,
                            exception.NotFound('Marker %s could not be found.' % marker))
        return [_volume_dict(session, r) for r in rows]


def volume_update(volume_id, values, expected=None, project_id=None):
    """Update a volume when each ``expected`` column holds one of its listed
    values; raise InvalidVolume naming the column otherwise."""
    with writer() as session:
        row = volume_row(session, volume_id, project_id)
        for column, allowed in (expected or {}).items():
            if getattr(row, column) not in allowed:
                raise exception.InvalidVolume(
                    reason='Volume %s must be %s, but is %s.' % (
                        column, ' or '.join(allowed), getattr(row, column)))
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now()
        session.flush()
        return _volume_dict(session, row)


def volume_extend(volume_id, new_size, quota_limits, project_id=None):
    """Reserve the quota of the growth and move the volume to ``extending``."""
    with writer() as session:
        row = volume_row(session, volume_id, project_id)
        if row.status != 'available':
            raise exception.InvalidVolume(
                reason='Volume status must be available to extend, but current status is: '
                       '%s.' % row.status)
        if new_size <= row.size:
            raise exception.InvalidInput(
                reason='New size for extend must be greater than current size. (current: '
                       '%d, extended: %d).' % (row.size, new_size))
        check_quota(session, row.project_id, quota_limits,
                     {'gigabytes': new_size - row.size})
        old_size = row.size
        row.status = 'extending'
        row.updated_at = now()
        session.flush()
        return dict(_volume_dict(session, row), previous_size=old_size)


def volume_metadata_update(kind, owner_id, metadata, replace, project_id=None):
    """Add or change ``metadata`` keys (``replace``: make it the whole set)."""
    model, column, get_row = _METADATA[kind]
    with writer() as session:
        owner = get_row(session, owner_id, project_id)
        rows = {m.key: m for m in session.scalars(
            sa.select(model).where(getattr(model, column) == owner_id))}
        for key, row in rows.items():
            if replace and key not in metadata:
                session.delete(row)
        for key, value in metadata.items():
            if key in rows:
                rows[key].value = value
            else:
                session.add(model(**{column: owner_id, 'key': key, 'value': value}))
        owner.updated_at = now()
        session.flush()
        return _metadata(session, model, column, owner_id)


def volume_metadata_delete(kind, owner_id, key, project_id=None):
    model, column, get_row = _METADATA[kind]
    with writer() as session:
        get_row(session, owner_id, project_id)
        row = session.scalars(sa.select(model).where(
            getattr(model, column) == owner_id, model.key == key)).first()
        if row is None:
            raise exception.MetadataNotFound(kind=kind, resource_id=owner_id, key=key)
        session.delete(row)


def volume_begin_delete(volume_id, force, project_id=None, cascade=False):
    """Move a volume to ``deleting`` if it may go: no attachment, no
    snapshot (with ``cascade`` its snapshots, each ``available`` or
    ``error``, go to ``deleting`` with it), and a settled status (any
    status but attached with ``force``)."""
    with writer() as session:
        row = volume_row(session, volume_id, project_id)
        if _attachments(session, volume_id):
            raise exception.InvalidVolume(
                reason='Volume %s is attached or has attachments; detach it first.'
                       % volume_id)
        snapshots = list(session.scalars(sa.select(models.Snapshot).filter_by(
            volume_id=volume_id)))
        if snapshots and not cascade:
            raise exception.InvalidVolume(
                reason='Volume %s still has dependent snapshots.' % volume_id)
        for snapshot in snapshots:
            if snapshot.status not in ('available', 'error', 'deleting'):
                raise exception.InvalidVolume(
                    reason='Snapshot %s status must be available or error, but current '
                           'status is: %s.' % (snapshot.id, snapshot.status))
        allowed = ('available', 'error', 'error_restoring', 'error_extending')
        if not force and row.status not in allowed:
            raise exception.InvalidVolume(
                reason='Volume status must be available or error or error_restoring or '
                       'error_extending or error_managing and must not be migrating, '
                       'attached, belong to a group, have snapshots, be awaiting a '
                       'transfer, or be disassociated from snapshots after volume '
                       'transfer.')
        stamp = now()
        for snapshot in snapshots:
            snapshot.status, snapshot.updated_at = 'deleting', stamp
        row.status = 'deleting'
        row.updated_at = stamp
        session.flush()
        return _volume_dict(session, row)


def volume_destroy(volume_id):
    with writer() as session:
        row = session.get(models.Volume, volume_id)
        if row is None:
            return False
        session.execute(sa.delete(models.VolumeMetadata).filter_by(volume_id=volume_id))
        session.delete(row)
        return True


# -- snapshots -----------------------------------------------------------------

_SNAPSHOT_FILTERS = ('status', 'name', 'volume_id', 'project_id', 'id')


def _snapshot_row(session, snapshot_id, project_id=None):
    row = session.get(models.Snapshot, snapshot_id)
    if row is None or (project_id is not None and row.project_id != project_id):
        raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
    return row


def _snapshot_dict(session, row):
    out = as_dict(row)
    out['metadata'] = _metadata(session, models.SnapshotMetadata, 'snapshot_id', row.id)
    return out


def snapshot_create(values, metadata, quota_limits, allowed_status):
    """Insert a snapshot (``creating``) of a volume in ``allowed_status``."""
    stamp = now()
    with writer() as session:
        volume = volume_row(session, values['volume_id'], values['project_id'])
        if volume.status not in allowed_status:
            raise exception.InvalidVolume(
                reason='Volume %s status must be %s, but current status is: %s.'
                       % (volume.id, ' or '.join(allowed_status), volume.status))
        check_quota(session, values['project_id'], quota_limits,
                     {'snapshots': 1, 'gigabytes': volume.size})
        row = models.Snapshot(id=uuidutils.generate_uuid(), size=volume.size,
                              status='creating', progress='0%', created_at=stamp,
                              updated_at=stamp, **values)
        session.add(row)
        session.flush()
        for key, value in (metadata or {}).items():
            session.add(models.SnapshotMetadata(snapshot_id=row.id, key=key, value=value))
        session.flush()
        return dict(_snapshot_dict(session, row), volume_host=volume.host)


def snapshot_get(snapshot_id, project_id=None):
    with reader() as session:
        return _snapshot_dict(session, _snapshot_row(session, snapshot_id, project_id))


def snapshot_list(filters=None, metadata=None, sorts=(('created_at', 'desc'),), limit=None,
                  marker=None):
    with reader() as session:
        query = sa.select(models.Snapshot)
        for key, value in (filters or {}).items():
            if key in _SNAPSHOT_FILTERS:
                column = getattr(models.Snapshot, key)
                query = query.where(column.in_(value) if isinstance(value, list) else
                                    column == value)
        for key, value in (metadata or {}).items():
            query = query.where(models.Snapshot.id.in_(
                sa.select(models.SnapshotMetadata.snapshot_id).filter_by(key=key,
                                                                         value=value)))
        rows = sorted_page(session, models.Snapshot, query, sorts, limit, marker,
                            exception.NotFound('Marker %s could not be found.' % marker))
        return [_snapshot_dict(session, r) for r in rows]


def snapshot_update(snapshot_id, values, expected=None, project_id=None):
    with writer() as session:
        row = _snapshot_row(session, snapshot_id, project_id)
        for column, allowed in (expected or {}).items():
            if getattr(row, column) not in allowed:
                raise exception.InvalidSnapshot(
                    reason='Snapshot %s must be %s, but is %s.' % (
                        column, ' or '.join(allowed), getattr(row, column)))
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now()
        session.flush()
        return _snapshot_dict(session, row)


def snapshot_destroy(snapshot_id):
    with writer() as session:
        row = session.get(models.Snapshot, snapshot_id)
        if row is None:
            return False
        session.execute(sa.delete(models.SnapshotMetadata).filter_by(snapshot_id=snapshot_id))
        session.delete(row)
        return True


_METADATA = {
    'volume': (models.VolumeMetadata, 'volume_id', volume_row),
    'snapshot': (models.SnapshotMetadata, 'snapshot_id', _snapshot_row),
}


# -- attachments ---------------------------------------------------------------

def _attachment_row(session, attachment_id, project_id=None):
    row = session.get(models.Attachment, attachment_id)
    if row is None or (project_id is not None and row.project_id != project_id):
        raise exception.AttachmentNotFound(attachment_id=attachment_id)
    return row


def attachment_create(volume_id, instance_uuid, attach_mode, project_id=None,
                      connector=None):
    """Reserve ``volume_id`` for ``instance_uuid``: an available volume, or
    one already attached when it is multiattach or attached to that same
    server (as cinder: compute's second attachment of a server's own volume,
    e.g. a rebuild that reimages its root volume); the volume goes to
    ``reserved`` unless it is in use.  With ``connector`` the attachment is
    ``connecting`` (shown as ``reserved``) until its export is recorded: one
    left so was cut short and nobody holds its id."""
    stamp = now()
    with writer() as session:
        volume = volume_row(session, volume_id, project_id)
        attached = volume.status in ('in-use', 'reserved', 'attaching')
        same_server = attached and instance_uuid is not None and any(
            a['instance_uuid'] == instance_uuid for a in _attachments(session, volume.id))
        if volume.status != 'available' and not (attached and (volume.multiattach
                                                               or same_server)):
            raise exception.InvalidVolume(
                reason='Volume %s status must be available or in-use (multiattach) to '
                       'reserve, but the current status is %s.' % (volume.id, volume.status))
        if attach_mode == 'rw' and volume.readonly:
            attach_mode = 'ro'
        row = models.Attachment(id=uuidutils.generate_uuid(), volume_id=volume.id,
                                project_id=volume.project_id, instance_uuid=instance_uuid,
                                attach_status='connecting' if connector else 'reserved',
                                attach_mode=attach_mode, connector=connector,
                                created_at=stamp, updated_at=stamp)
        session.add(row)
        if volume.status == 'available':
            volume.status = 'reserved'
        volume.updated_at = stamp
        session.flush()
        return as_dict(row), _volume_dict(session, volume)


def attachment_get(attachment_id, project_id=None):
    with reader() as session:
        return as_dict(_attachment_row(session, attachment_id, project_id))


def attachment_list(filters=None, sorts=(('created_at', 'desc'),), limit=None, marker=None):
    with reader() as session:
        query = sa.select(models.Attachment)
        for key in ('volume_id', 'instance_uuid', 'project_id', 'attach_status'):
            value = (filters or {}).get(key)
            if value is None:
                continue
            if key == 'attach_status' and value == 'reserved':   # as the API shows them
                query = query.where(models.Attachment.attach_status.in_(
                    ('reserved', 'connecting')))
            else:
                query = query.where(getattr(models.Attachment, key) == value)
        rows = sorted_page(session, models.Attachment, query, sorts, limit, marker,
                            exception.NotFound('Marker %s could not be found.' % marker))
        return [as_dict(r) for r in rows]


def _settle_volume(session, volume):
    """The volume's status from its attachments; a volume being reimaged
    (``downloading``) keeps that status (its host settles it when done),
    and so does one in ``error`` (a failed reimage: its data is not whole)."""
    statuses = [a.attach_status for a in session.scalars(
        sa.select(models.Attachment).filter_by(volume_id=volume.id))]
    if 'attached' in statuses:
        status, volume.attach_status = 'in-use', 'attached'
    elif 'attaching' in statuses:
        status, volume.attach_status = 'attaching', 'attaching'
    elif statuses:
        status, volume.attach_status = 'reserved', 'detached'
    else:
        status, volume.attach_status = 'available', 'detached'
    if volume.status not in ('downloading', 'error'):
        volume.status = status
    volume.updated_at = now()


def passing_before(status, before, without_host=False):
    """Volumes in ``status`` not changed since ``before``: (``without_host``)
    only those no backend took."""
    with reader() as session:
        query = sa.select(models.Volume).where(models.Volume.status == status,
                                               models.Volume.updated_at < before)
        if without_host:
            query = query.where(models.Volume.host.is_(None))
        return [_volume_dict(session, r) for r in session.scalars(query)]


def attachments_connecting_before(before):
    """Attachments whose create asked for an export and never recorded it,
    created before ``before``."""
    with reader() as session:
        return [as_dict(r) for r in session.scalars(sa.select(models.Attachment).where(
            models.Attachment.attach_status == 'connecting',
            models.Attachment.updated_at < before))]


def attachment_update(attachment_id, values, project_id=None):
    """Change an attachment and settle its volume's status."""
    with writer() as session:
        row = _attachment_row(session, attachment_id, project_id)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now()
        session.flush()
        volume = session.get(models.Volume, row.volume_id)
        _settle_volume(session, volume)
        session.flush()
        return as_dict(row), _volume_dict(session, volume)


def attachment_destroy(attachment_id, project_id=None):
    """Remove an attachment; returns the volume's remaining attachments."""
    with writer() as session:
        row = _attachment_row(session, attachment_id, project_id)
        volume = session.get(models.Volume, row.volume_id)
        session.delete(row)
        session.flush()
        _settle_volume(session, volume)
        session.flush()
        return _attachments(session, volume.id)
