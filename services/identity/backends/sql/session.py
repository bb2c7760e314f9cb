"""Sessions, filters and error translation shared by the SQL drivers."""

import contextlib
import datetime

import sqlalchemy as sa
from oslo_db import exception as db_exc

from services.identity import exception
from services.identity.backends import filtering


class _Transaction:
    """A fresh enginefacade context: one transaction per driver call."""


# SQLite: a transaction that reads and then writes cannot wait for a lock
# held by another writer (SQLite refuses at once with "database is locked"
# to avoid a deadlock).  Write transactions therefore swap oslo.db's plain
# BEGIN, before anything ran in it, for BEGIN IMMEDIATE, which takes the
# write lock up front and honours busy_timeout.  Read transactions keep the
# plain BEGIN so they never queue behind writers.
def _start_sqlite_write(session):
    if session.get_bind().dialect.name != 'sqlite':
        return
    conn = session.connection()
    conn.exec_driver_sql('COMMIT')
    conn.exec_driver_sql('BEGIN IMMEDIATE')


def _is_primary_key_clash(error):
    # oslo.db's column parsing is lossy on PostgreSQL, so look at the
    # server's own words: MySQL names the key PRIMARY, PostgreSQL <table>_pkey,
    # SQLite lists the columns.
    text = str(getattr(error, 'inner_exception', None) or error)
    if 'PRIMARY' in text or '_pkey' in text:
        return True
    return [str(c) for c in (error.columns or ())] == ['id']


class SqlDriver:

    def __init__(self, context_manager):
        self._context = context_manager

    def reader(self):
        return self._context.reader.using(_Transaction())

    @contextlib.contextmanager
    def writer(self, kind, name_detail=None, id_detail=None):
        """A write transaction that turns a uniqueness clash into Conflict.

        ``name_detail`` describes the clash of a name constraint (e.g.
        "name bob at domain ID d1"); ``id_detail`` the clash of the id.  An
        update that learns the name only inside the transaction sets
        ``session.info['name_detail']``.
        """
        info = {}
        try:
            with self._context.writer.using(_Transaction()) as session:
                info = session.info
                _start_sqlite_write(session)
                yield session
        except db_exc.DBDuplicateEntry as e:
            name_detail = info.get('name_detail', name_detail)
            if id_detail and (_is_primary_key_clash(e) or not name_detail):
                detail = id_detail
            else:
                detail = name_detail or 'the same unique values'
            raise duplicate(kind, detail)


def duplicate(kind, detail):
    return exception.Conflict(
        'Conflict occurred attempting to store %s - Duplicate entry found '
        'with %s.' % (kind, detail))


def apply_hints(query, model, hints, translate=None):
    """Push ``hints`` that name plain columns into ``query``.

    Returns ``(query, leftover)``: the hints the query could not express,
    for :func:`filter_leftover` to apply to the built dicts.
    ``translate`` maps a field to a function turning the API value into
    the stored one (e.g. a global role's ``None`` domain).
    """
    leftover = {}
    for key, value in (hints or {}).items():
        column = model.__table__.columns.get(key)
        if translate and key in translate:
            value = translate[key](value)
        if column is None or not _comparable(column, value):
            leftover[key] = hints[key]
        elif value is None:
            query = query.where(column.is_(None))
        else:
            query = query.where(column == value)
    return query, leftover


def _comparable(column, value):
    # Values of the wrong type are matched in Python (where they simply
    # match nothing) instead of upsetting a strict database.
    if value is None:
        return True
    if isinstance(column.type, sa.Boolean):
        return isinstance(value, bool)
    if isinstance(column.type, sa.String):
        return isinstance(value, str)
    if isinstance(column.type, sa.DateTime):
        return isinstance(value, datetime.datetime)
    return False


def filter_leftover(refs, leftover):
    if not leftover:
        return refs
    return [r for r in refs if filtering.matches_hints(r, leftover)]
