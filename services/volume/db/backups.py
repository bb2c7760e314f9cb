"""Backups (conductor only): the record of a volume's copy on a backup host,
and the volume state changes a backup or a restore makes."""

import sqlalchemy as sa
from oslo_utils import uuidutils

from services.volume import exception
from services.volume.db import api
from services.volume.db import models

FILTERS = ('status', 'name', 'volume_id', 'project_id', 'id', 'host')


def _row(session, backup_id, project_id=None):
    row = session.get(models.Backup, backup_id)
    if row is None or (project_id is not None and row.project_id != project_id):
        raise exception.BackupNotFound(backup_id=backup_id)
    return row


def _latest_parent(session, volume_id):
    """The newest ``available`` backup of the volume, the parent of an
    incremental one (as cinder: by data timestamp, then creation).  Times
    are kept to the second, so within one second the tip of a chain (the
    backup nothing builds on yet) wins over its parent."""
    query = (sa.select(models.Backup)
             .where(models.Backup.volume_id == volume_id, models.Backup.status == 'available')
             .order_by(models.Backup.data_timestamp.desc(), models.Backup.created_at.desc(),
                       models.Backup.num_dependent_backups.asc())
             .limit(1))
    row = session.execute(query).scalars().first()
    if row is None:
        raise exception.InvalidBackup(
            reason='No backups available to do an incremental backup.')
    return row


def create(values, quota_limits, force, project_id=None, incremental=False):
    """A ``creating`` backup of an ``available`` volume (``in-use`` with
    ``force``), which goes ``backing-up``; within the backup quotas.  An
    incremental backup builds on the volume's newest available backup (its
    ``parent_id``), which then has a dependent.  With ``snapshot_id`` it is
    a backup of that ``available`` snapshot of the volume, which goes
    ``backing-up`` instead (the volume, ``available`` or ``in-use``, keeps
    its status) and whose creation time is the backup's data timestamp."""
    stamp = api.now()
    with api.writer() as session:
        volume = api.volume_row(session, values['volume_id'], project_id)
        snapshot = _snapshot_of(session, volume, values.get('snapshot_id'), project_id)
        allowed = ('available', 'in-use') if force or snapshot else ('available',)
        if volume.status not in allowed and snapshot is not None:
            raise exception.InvalidVolume(
                reason='Volume of the snapshot to be backed up must be available or in-use, '
                       'but the current status is "%s".' % volume.status)
        if volume.status not in allowed:
            raise exception.InvalidVolume(
                reason='Volume to be backed up must be available or in-use, but the current '
                       'status is "%s".' % volume.status if force else
                       'Volume to be backed up must be available but the current status is '
                       '"%s".' % volume.status)
        parent = _latest_parent(session, volume.id) if incremental else None
        api.check_quota(session, volume.project_id, quota_limits,
                        {'backups': 1, 'backup_gigabytes': volume.size})
        row = models.Backup(id=uuidutils.generate_uuid(), project_id=volume.project_id,
                            status='creating', size=volume.size, object_count=0,
                            availability_zone=volume.availability_zone, data_timestamp=stamp,
                            created_at=stamp, updated_at=stamp, num_dependent_backups=0,
                            parent_id=parent.id if parent else None, **values)
        if snapshot is not None:
            row.data_timestamp = snapshot.created_at
        session.add(row)
        if parent is not None:
            parent.num_dependent_backups += 1
        if snapshot is not None:
            snapshot.status, snapshot.updated_at = 'backing-up', stamp
        else:
            volume.status, volume.updated_at = 'backing-up', stamp
        session.flush()
        return dict(api.as_dict(row), volume_host=volume.host,
                    volume_attach_status=volume.attach_status)


def _snapshot_of(session, volume, snapshot_id, project_id):
    """The ``available`` snapshot ``snapshot_id`` of ``volume`` (None
    without an id)."""
    if not snapshot_id:
        return None
    row = session.get(models.Snapshot, snapshot_id)
    if row is None or (project_id is not None and row.project_id != project_id):
        raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
    if row.volume_id != volume.id:
        raise exception.InvalidVolume(
            reason='Snapshot %s is not a snapshot of volume %s.' % (snapshot_id, volume.id))
    if row.status != 'available':
        raise exception.InvalidSnapshot(
            reason='Snapshot to be backed up must be available, but the current status is '
                   '"%s".' % row.status)
    return row


def get(backup_id, project_id=None):
    with api.reader() as session:
        return api.as_dict(_row(session, backup_id, project_id))


def get_all(filters, sorts, limit, marker):
    with api.reader() as session:
        query = sa.select(models.Backup)
        for key, value in (filters or {}).items():
            if key in FILTERS:
                query = query.where(getattr(models.Backup, key) == value)
        rows = api.sorted_page(session, models.Backup, query, sorts, limit, marker,
                               exception.BackupNotFound(backup_id=marker))
        return [api.as_dict(r) for r in rows]


def update(backup_id, values, expected=None):
    with api.writer() as session:
        row = _row(session, backup_id)
        for column, allowed in (expected or {}).items():
            if getattr(row, column) not in allowed:
                raise exception.InvalidBackup(
                    reason='Backup %s must be %s, but is %s.' % (
                        column, ' or '.join(allowed), getattr(row, column)))
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = api.now()
        session.flush()
        return api.as_dict(row)


def begin_delete(backup_id, force, project_id=None):
    with api.writer() as session:
        row = _row(session, backup_id, project_id)
        if not force and row.status not in ('available', 'error'):
            raise exception.InvalidBackup(
                reason='Backup status must be available or error')
        if row.num_dependent_backups:
            raise exception.InvalidBackup(
                reason='Incremental backups exist for this backup.')
        row.status, row.updated_at = 'deleting', api.now()
        session.flush()
        return api.as_dict(row)


def destroy(backup_id):
    with api.writer() as session:
        row = session.get(models.Backup, backup_id)
        if row is None:
            return
        parent = session.get(models.Backup, row.parent_id) if row.parent_id else None
        if parent is not None and parent.num_dependent_backups > 0:
            parent.num_dependent_backups -= 1
        session.delete(row)


def begin_restore(backup_id, volume_id, project_id=None):
    """The backup goes ``restoring`` and the (``available``, large enough)
    target volume ``restoring-backup``."""
    stamp = api.now()
    with api.writer() as session:
        row = _row(session, backup_id, project_id)
        if row.status != 'available':
            raise exception.InvalidBackup(
                reason='Backup status must be available but is %s.' % row.status)
        volume = api.volume_row(session, volume_id, project_id)
        if volume.status not in ('available', 'creating'):
            raise exception.InvalidVolume(
                reason='Volume to be restored to must be available, but is %s.'
                       % volume.status)
        if volume.size < row.size:
            raise exception.InvalidVolume(
                reason='volume size %d is too small to restore backup of size %d.'
                       % (volume.size, row.size))
        if volume.status == 'available':
            volume.status = 'restoring-backup'
        volume.updated_at = stamp
        row.status, row.restore_volume_id, row.updated_at = 'restoring', volume.id, stamp
        session.flush()
        return api.as_dict(row)
