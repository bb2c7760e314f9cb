"""Task log rows and the servers a usage audit covers (conductor only;
reached through ``db.api``)."""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from services.compute import exception
from services.compute.db import models


def _db():
    from services.compute.db import api
    return api


def _run(session, task_name, begin, end, host):
    log = models.TaskLog
    return session.scalars(sa.select(log).where(
        log.task_name == task_name, log.host == host,
        log.period_beginning == _db()._as_time(begin),
        log.period_ending == _db()._as_time(end))).first()


def task_log_begin(task_name, begin, end, host, task_items, message):
    """A RUNNING row for this run; TaskAlreadyRunning when the host has one
    for the period already (whatever its state)."""
    now = _db()._now()
    try:
        with _db().writer() as session:
            if _run(session, task_name, begin, end, host) is not None:
                raise exception.TaskAlreadyRunning(task_name=task_name, host=host)
            row = models.TaskLog(
                task_name=task_name, state='RUNNING', host=host,
                period_beginning=_db()._as_time(begin), period_ending=_db()._as_time(end),
                message=message, task_items=task_items, errors=0, created_at=now,
                updated_at=now)
            session.add(row)
            session.flush()
            return _db().as_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.TaskAlreadyRunning(task_name=task_name, host=host)


def task_log_end(task_name, begin, end, host, errors, message):
    """Mark the run DONE with its error count and final message."""
    with _db().writer() as session:
        row = _run(session, task_name, begin, end, host)
        if row is None:
            raise exception.NotFound('Task log not found for %s on %s' % (task_name, host))
        row.state = 'DONE'
        row.errors = errors
        row.message = message[:255]
        row.updated_at = _db()._now()
        session.flush()
        return _db().as_dict(row)


def task_log_get_all(task_name, begin, end, host=None, state=None):
    log = models.TaskLog
    query = sa.select(log).where(log.task_name == task_name,
                                 log.period_beginning == _db()._as_time(begin),
                                 log.period_ending == _db()._as_time(end))
    if host is not None:
        query = query.where(log.host == host)
    if state is not None:
        query = query.where(log.state == state)
    with _db().reader() as session:
        return [_db().as_dict(row) for row in session.scalars(query.order_by(log.host))]


def instance_audit_rows(host, begin, end):
    """Servers, deleted ones too, that were on ``host`` and ran at some time
    in ``[begin, end)``: uuid, flavor, launched_at, terminated_at."""
    inst = models.Instance
    query = sa.select(inst.uuid, inst.flavor, inst.launched_at, inst.terminated_at).where(
        inst.host == host, inst.launched_at.is_not(None),
        inst.launched_at < _db()._as_time(end),
        sa.or_(inst.terminated_at.is_(None), inst.terminated_at > _db()._as_time(begin)))
    with _db().reader() as session:
        rows = session.execute(query.order_by(inst.uuid)).all()
    return [{'uuid': r.uuid, 'flavor': _db()._loaded(r.flavor),
             'launched_at': r.launched_at, 'terminated_at': r.terminated_at} for r in rows]
