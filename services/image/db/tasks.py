"""Persistence of tasks (plain dicts in and out)."""

import datetime
import json

import sqlalchemy as sa

from common import exception as common_exc
from services.image.db import api as db_api
from services.image.db import models

#: how long a finished task stays listed
TIME_TO_LIVE = datetime.timedelta(hours=48)


class TaskNotFound(common_exc.NotFound):
    msg_fmt = 'Task with the given ID %(task_id)s was not found.'


def _dict(row):
    return {'id': row.id, 'type': row.type, 'status': row.status, 'owner': row.owner,
            'input': json.loads(row.input),
            'result': json.loads(row.result) if row.result else None,
            'message': row.message, 'expires_at': row.expires_at,
            'created_at': row.created_at, 'updated_at': row.updated_at}


def task_create(task_id, task_type, owner, task_input):
    stamp = db_api.now()
    with db_api._writer().using(db_api._Tx()) as session:
        row = models.Task(id=task_id, type=task_type, status='pending', owner=owner,
                          input=json.dumps(task_input), message='', created_at=stamp,
                          updated_at=stamp)
        session.add(row)
        session.flush()
        return _dict(row)


def task_get(task_id):
    with db_api._reader().using(db_api._Tx()) as session:
        row = session.get(models.Task, task_id)
        if row is None:
            raise TaskNotFound(task_id=task_id)
        return _dict(row)


def task_update(task_id, status, result=None, message=None):
    with db_api._writer().using(db_api._Tx()) as session:
        row = session.get(models.Task, task_id)
        if row is None:
            raise TaskNotFound(task_id=task_id)
        row.status = status
        row.updated_at = db_api.now()
        if result is not None:
            row.result = json.dumps(result)
        if message is not None:
            row.message = message
        if status in ('success', 'failure'):
            row.expires_at = row.updated_at + TIME_TO_LIVE
        session.flush()
        return _dict(row)


def task_list(owner=None, status=None, task_type=None, sort_dir='desc', limit=None,
              marker=None):
    task = models.Task
    with db_api._reader().using(db_api._Tx()) as session:
        query = sa.select(task).where(sa.or_(task.expires_at.is_(None),
                                             task.expires_at > db_api.now()))
        if owner is not None:
            query = query.where(task.owner == owner)
        if status:
            query = query.where(task.status == status)
        if task_type:
            query = query.where(task.type == task_type)
        order = task.created_at.desc() if sort_dir == 'desc' else task.created_at.asc()
        tie = task.id.desc() if sort_dir == 'desc' else task.id.asc()
        if marker is not None:
            mark = session.get(task, marker)
            if mark is None:
                raise TaskNotFound(task_id=marker)
            op = '__lt__' if sort_dir == 'desc' else '__gt__'
            query = query.where(sa.or_(getattr(task.created_at, op)(mark.created_at),
                                       sa.and_(task.created_at == mark.created_at,
                                               getattr(task.id, op)(mark.id))))
        query = query.order_by(order, tie)
        if limit is not None:
            query = query.limit(limit)
        return [_dict(r) for r in session.execute(query).scalars()]


def get_visible(task_id, context, is_admin):
    """The task if the caller may see it (admin, or its owner's project)."""
    task = task_get(task_id)
    if not is_admin and task['owner'] != context.project_id:
        raise TaskNotFound(task_id=task_id)
    return task


def task_list_for_image(image_id):
    """Unexpired tasks whose result is the image ``image_id``, oldest first."""
    task = models.Task
    with db_api._reader().using(db_api._Tx()) as session:
        query = sa.select(task).where(
            sa.or_(task.expires_at.is_(None), task.expires_at > db_api.now()),
            task.result.contains(image_id)).order_by(task.created_at.asc(), task.id.asc())
        rows = [_dict(r) for r in session.execute(query).scalars()]
    return [r for r in rows if (r['result'] or {}).get('image_id') == image_id]
