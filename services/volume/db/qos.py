"""QoS specs and their association with volume types (conductor only)."""

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from services.volume import exception
from services.volume.db import api
from services.volume.db import models


def _row(session, qos_id):
    row = session.get(models.QosSpecs, qos_id)
    if row is None:
        raise exception.QoSSpecsNotFound(specs_id=qos_id)
    return row


def create(name, consumer, specs):
    stamp = api.now()
    try:
        with api.writer() as session:
            if session.scalars(sa.select(models.QosSpecs).filter_by(name=name)).first():
                raise exception.QoSSpecsExists(specs_id=name)
            row = models.QosSpecs(id=uuidutils.generate_uuid(), name=name, consumer=consumer,
                                  specs=specs, created_at=stamp, updated_at=stamp)
            session.add(row)
            session.flush()
            return api.as_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.QoSSpecsExists(specs_id=name)


def get(qos_id):
    with api.reader() as session:
        return api.as_dict(_row(session, qos_id))


def get_all(sorts, limit, marker):
    with api.reader() as session:
        rows = api.sorted_page(session, models.QosSpecs, sa.select(models.QosSpecs), sorts,
                               limit, marker, exception.QoSSpecsNotFound(specs_id=marker))
        return [api.as_dict(r) for r in rows]


def set_keys(qos_id, specs):
    """Add or change keys (``consumer`` is a column, not a key)."""
    with api.writer() as session:
        row = _row(session, qos_id)
        specs = dict(specs)
        if 'consumer' in specs:
            row.consumer = specs.pop('consumer')
        row.specs = dict(row.specs or {}, **specs)
        row.updated_at = api.now()
        session.flush()
        return api.as_dict(row)


def delete_keys(qos_id, keys):
    with api.writer() as session:
        row = _row(session, qos_id)
        missing = [k for k in keys if k not in (row.specs or {})]
        if missing:
            raise exception.QoSSpecsKeyNotFound(specs_id=qos_id, specs_key=missing[0])
        row.specs = {k: v for k, v in row.specs.items() if k not in keys}
        row.updated_at = api.now()


def associations(qos_id):
    with api.reader() as session:
        _row(session, qos_id)
        return [api.as_dict(t) for t in session.scalars(
            sa.select(models.VolumeType).filter_by(qos_specs_id=qos_id)
            .order_by(models.VolumeType.name))]


def associate(qos_id, type_id):
    with api.writer() as session:
        _row(session, qos_id)
        vtype = session.get(models.VolumeType, type_id)
        if vtype is None:
            raise exception.VolumeTypeNotFound(type_id=type_id)
        if vtype.qos_specs_id and vtype.qos_specs_id != qos_id:
            raise exception.InvalidVolumeType(
                reason='Type %s is already associated with another qos specs: %s'
                       % (type_id, vtype.qos_specs_id))
        vtype.qos_specs_id = qos_id


def disassociate(qos_id, type_id=None):
    """From one type, or (``type_id`` None) from all."""
    with api.writer() as session:
        _row(session, qos_id)
        query = sa.select(models.VolumeType).filter_by(qos_specs_id=qos_id)
        if type_id is not None:
            if session.get(models.VolumeType, type_id) is None:
                raise exception.VolumeTypeNotFound(type_id=type_id)
            query = query.filter_by(id=type_id)
        for vtype in session.scalars(query):
            vtype.qos_specs_id = None


def delete(qos_id, force):
    """In use by a type: refused (400) unless ``force``, which dissociates."""
    with api.writer() as session:
        row = _row(session, qos_id)
        users = list(session.scalars(sa.select(models.VolumeType).filter_by(
            qos_specs_id=qos_id)))
        if users and not force:
            raise exception.QoSSpecsInUse(specs_id=qos_id)
        for vtype in users:
            vtype.qos_specs_id = None
        session.delete(row)
