"""Volume transfers (conductor only): offer a volume, accept it into another
project with the auth key, or withdraw the offer."""

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from oslo_utils import uuidutils

from services.volume import exception
from services.volume.db import api
from services.volume.db import models


def _hash(salt, auth_key):
    return hashlib.sha256((salt + auth_key).encode()).hexdigest()


def _row(session, transfer_id, project_id=None):
    row = session.get(models.Transfer, transfer_id)
    if row is None or (project_id is not None and row.source_project_id != project_id):
        raise exception.TransferNotFound(transfer_id=transfer_id)
    return row


def _public(row):
    out = api.as_dict(row)
    del out['salt'], out['crypt_hash']
    return out


def create(volume_id, name, no_snapshots, project_id=None):
    """Offer an ``available`` volume (it goes ``awaiting-transfer``); the
    answer alone carries the auth key."""
    stamp = api.now()
    auth_key = secrets.token_hex(8)
    salt = secrets.token_hex(8)
    with api.writer() as session:
        volume = api.volume_row(session, volume_id, project_id)
        if volume.status != 'available':
            raise exception.InvalidVolume(reason='status must be available')
        row = models.Transfer(id=uuidutils.generate_uuid(), volume_id=volume.id, name=name,
                              salt=salt, crypt_hash=_hash(salt, auth_key),
                              source_project_id=volume.project_id,
                              no_snapshots=no_snapshots, created_at=stamp, updated_at=stamp)
        session.add(row)
        volume.status, volume.updated_at = 'awaiting-transfer', stamp
        session.flush()
        return dict(_public(row), auth_key=auth_key)


def get(transfer_id, project_id=None):
    with api.reader() as session:
        return _public(_row(session, transfer_id, project_id))


def get_all(project_id, sorts, limit, marker):
    with api.reader() as session:
        query = sa.select(models.Transfer)
        if project_id is not None:
            query = query.filter_by(source_project_id=project_id)
        rows = api.sorted_page(session, models.Transfer, query, sorts, limit, marker,
                               exception.TransferNotFound(transfer_id=marker))
        return [_public(r) for r in rows]


def delete(transfer_id, project_id=None):
    with api.writer() as session:
        row = _row(session, transfer_id, project_id)
        volume = session.get(models.Volume, row.volume_id)
        if volume.status == 'awaiting-transfer':
            volume.status, volume.updated_at = 'available', api.now()
        session.delete(row)


def accept(transfer_id, auth_key, project_id, user_id, quota_limits):
    """Hand the volume (and, unless the offer said otherwise, its snapshots)
    to ``project_id`` within its quota; the offer is consumed."""
    with api.writer() as session:
        row = session.get(models.Transfer, transfer_id)
        if row is None:
            raise exception.TransferNotFound(transfer_id=transfer_id)
        if not hmac.compare_digest(row.crypt_hash, _hash(row.salt, auth_key)):
            raise exception.InvalidAuthKey(
                reason='Attempt to transfer %s with invalid auth key.' % transfer_id)
        volume = session.get(models.Volume, row.volume_id)
        snapshots = list(session.scalars(sa.select(models.Snapshot).filter_by(
            volume_id=volume.id)))
        moved = [] if row.no_snapshots else snapshots
        api.check_quota(session, project_id, quota_limits, {
            'volumes': 1, 'snapshots': len(moved),
            'gigabytes': volume.size + sum(s.size for s in moved)})
        stamp = api.now()
        volume.project_id, volume.user_id = project_id, user_id
        volume.status, volume.updated_at = 'available', stamp
        for snapshot in moved:
            snapshot.project_id, snapshot.user_id = project_id, user_id
            snapshot.updated_at = stamp
        answer = _public(row)
        session.delete(row)
        return answer
