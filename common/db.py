"""Database plumbing: oslo.db enginefacade per service, alembic migrations.

Only a service's database owner (the conductor in compute, network and
volume; the API in identity and image) registers ``[database]`` and calls
into this module.  A DB-free daemon calls :func:`forbid` at start-up, after
which any attempt to open a session raises ``DBAccessForbidden``.

SQLAlchemy, alembic and oslo.db are imported on first use, not at import
time, so a DB-free daemon can import this module to call :func:`forbid`
without loading the database layer.
"""

import contextlib
import os
import sys
import threading
import time

from common import exception

_FORBIDDEN = None
_CONTEXT_MANAGERS = {}
_LISTENER_INSTALLED = False


#: Seconds a new connection is retried while the server does not take it
#: (a restart).  Nothing has happened on a connection not yet open, so this
#: retry is always safe; failures on an open connection are not retried here.
CONNECT_WAIT = 15
#: MySQL client errors meaning "the server is not there (yet)"
_MYSQL_AWAY = (2002, 2003, 2006, 2013)
_POSTGRESQL_AWAY = ('could not connect', 'connection refused', 'server closed the connection',
                    'the database system is starting up', 'the database system is shutting down')


def _install_sqlite_pragmas():
    global _LISTENER_INSTALLED
    if not _LISTENER_INSTALLED:
        import sqlalchemy
        sqlalchemy.event.listen(sqlalchemy.engine.Engine, 'connect', _sqlite_pragmas)
        sqlalchemy.event.listen(sqlalchemy.engine.Engine, 'do_connect', _connect_waiting)
        _LISTENER_INSTALLED = True


def server_away(dialect_name, exc):
    """True when ``exc`` (a DB-API error) says the server is unreachable."""
    if dialect_name == 'mysql':
        return bool(exc.args) and exc.args[0] in _MYSQL_AWAY
    if dialect_name == 'postgresql':
        return any(text in str(exc).lower() for text in _POSTGRESQL_AWAY)
    return False


def _connect_waiting(dialect, connection_record, cargs, cparams):
    """Open a DB-API connection, retrying for ``CONNECT_WAIT`` seconds while
    the server is away."""
    if dialect.name not in ('mysql', 'postgresql'):
        return None   # SQLAlchemy connects as usual
    deadline = time.monotonic() + CONNECT_WAIT
    delay = 0.2
    while True:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as exc:
            if not server_away(dialect.name, exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


def unavailable(exc):
    """A ``ServiceUnavailable`` (503, crosses RPC as itself) for oslo.db's
    "the database is away" errors; None for any other exception."""
    if type(exc).__module__ != 'oslo_db.exception':
        return None
    from oslo_db import exception as db_exc
    if isinstance(exc, db_exc.DBConnectionError):
        return exception.ServiceUnavailable(reason='the database is not reachable')
    if isinstance(exc, db_exc.DBDeadlock):
        return exception.ServiceUnavailable(reason='the database is busy')
    return None


def register_opts(conf, default_connection):
    """Register ``[database]`` (oslo.db's options) with ``default_connection``.

    Called only from ``services/<svc>/db/__init__.py: register_opts``, the
    one place per service that declares its database.
    """
    from oslo_db import options as db_options
    _install_sqlite_pragmas()
    db_options.set_defaults(conf, connection=default_connection)


def list_opts(default_connection):
    """``[database]`` for the sample generator, showing the service's default URL."""
    import copy

    from oslo_db import options as db_options
    opts = copy.deepcopy(db_options.database_opts)
    for opt in opts:
        if opt.dest == 'connection':
            opt.default = default_connection
    return [('database', opts)]


def forbid(reason='DB-free daemon'):
    global _FORBIDDEN
    _FORBIDDEN = reason


DATABASE_LIBRARIES = ('sqlalchemy', 'alembic', 'oslo_db')


def ban_imports(service):
    """Make every later import of the database layer fail in this process.

    A DB-free daemon of ``service`` calls this before importing anything
    else; it bans the DB libraries and ``services.<service>.db``.  Libraries
    that merely probe for SQLAlchemy (pecan's JSON encoder) fall back to
    their no-database path; our own code fails loudly.
    """
    for name in DATABASE_LIBRARIES + ('services.%s.db' % service,):
        if sys.modules.get(name) is None:
            sys.modules[name] = None


def allow():
    global _FORBIDDEN
    _FORBIDDEN = None


def check_allowed():
    if _FORBIDDEN:
        raise exception.DBAccessForbidden(detail=_FORBIDDEN)


def get_context_manager(service):
    """The enginefacade transaction context for ``service``, created once."""
    check_allowed()
    _install_sqlite_pragmas()
    if service not in _CONTEXT_MANAGERS:
        from oslo_db.sqlalchemy import enginefacade
        _CONTEXT_MANAGERS[service] = enginefacade.transaction_context()
    return _CONTEXT_MANAGERS[service]


class _Scope:
    """Per-call holder enginefacade attaches its transaction state to."""


_SQLITE_WRITE_LOCKS = {}
_LOCKS_LOCK = threading.Lock()


def _sqlite_write_lock(service):
    with _LOCKS_LOCK:
        return _SQLITE_WRITE_LOCKS.setdefault(service, threading.RLock())


@contextlib.contextmanager
def writer(service):
    """A write transaction on ``service``'s database.  On SQLite the writers
    of this process queue on a lock: SQLite fails a deferred transaction
    that read before another writer committed ("database is locked")
    instead of waiting."""
    from oslo_config import cfg
    manager = get_context_manager(service)
    if not cfg.CONF.database.connection.startswith('sqlite'):
        with manager.writer.using(_Scope()) as session:
            yield session
        return
    with _sqlite_write_lock(service):
        with manager.writer.using(_Scope()) as session:
            yield session


def reader(service):
    """A read transaction on ``service``'s database."""
    return get_context_manager(service).reader.using(_Scope())


def configure(service, conf):
    # Library code never imports the daemon runtime; when a daemon has loaded
    # it, it must make the driver cooperative before the first connection.
    runtime = sys.modules.get('common.service')
    if runtime is not None and conf.database.connection:
        runtime.make_db_driver_cooperative(conf.database.connection)
    get_context_manager(service).configure(**dict(conf.database.items()))


def reset(service=None):
    """Drop cached engines (tests; SIGHUP reload)."""
    for name in [service] if service else list(_CONTEXT_MANAGERS):
        _CONTEXT_MANAGERS.pop(name, None)


def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite is the embedded default: WAL lets readers run beside the one
    # writer, and the busy timeout makes brief writer overlaps wait instead
    # of failing with "database is locked".
    import sqlite3  # here: DB-free daemons import this module too
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        # busy_timeout first: switching to WAL itself needs the lock.
        cursor.execute('PRAGMA busy_timeout=30000')
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.close()


def _alembic_config(service, connection):
    from alembic import config as alembic_config
    package = __import__('services.%s.db' % service, fromlist=['db'])
    script_location = os.path.join(os.path.dirname(package.__file__), 'migrations')
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location', script_location)
    cfg.set_main_option('sqlalchemy.url', connection.replace('%', '%%'))
    return cfg


def sync(service, connection, revision='head'):
    """Upgrade ``service``'s schema at ``connection`` to ``revision``."""
    check_allowed()
    import sqlalchemy
    from alembic import command as alembic_command
    _install_sqlite_pragmas()
    engine = sqlalchemy.create_engine(connection)
    with engine.begin() as conn:
        cfg = _alembic_config(service, connection)
        cfg.attributes['connection'] = conn
        alembic_command.upgrade(cfg, revision)
    engine.dispose()


def head_revision(service):
    """The newest revision among ``service``'s migrations."""
    from alembic import script
    return script.ScriptDirectory.from_config(
        _alembic_config(service, 'sqlite://')).get_current_head()


def current_revision(service, connection):
    import sqlalchemy
    from alembic.runtime import migration
    _install_sqlite_pragmas()
    engine = sqlalchemy.create_engine(connection)
    with engine.connect() as conn:
        rev = migration.MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return rev


def run_migrations(context, target_metadata):
    """Body of every service's alembic ``env.py``."""
    import sqlalchemy
    _install_sqlite_pragmas()
    connection = context.config.attributes.get('connection')
    if connection is None:
        engine = sqlalchemy.create_engine(context.config.get_main_option('sqlalchemy.url'))
        with engine.begin() as connection:
            _run(context, connection, target_metadata)
        engine.dispose()
    else:
        _run(context, connection, target_metadata)


def _run(context, connection, target_metadata):
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == 'sqlite')
    with context.begin_transaction():
        context.run_migrations()
