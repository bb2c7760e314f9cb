"""Throw-away databases for functional tests: SQLite, MariaDB, PostgreSQL.

``scratch_database(backend, prefix)`` creates an empty database with a
unique name and yields its connection URL; it drops the database (or
removes the SQLite file) afterwards.  A server that does not answer skips
the test with the reason; a server that answers but fails is an error.

The servers are the ones the functional tests run against (see
/work/shared/SANDBOX.md): MariaDB at 127.0.0.1:3306 as root without a
password, PostgreSQL at 127.0.0.1:5432 as postgres with trust.  Databases
are made the way deploy/lib/common.sh makes them (utf8mb4 on MariaDB).

``database_fixture(name, backend, prefix)`` makes a module-scoped pytest
fixture called ``name`` yielding such a URL, for a service's fixtures.py.
"""

import contextlib
import pathlib
import secrets
import shutil
import tempfile

import pytest

BACKENDS = ('sqlite', 'mariadb', 'postgresql')
MARIADB_BASE = 'mysql+pymysql://root@127.0.0.1:3306'
POSTGRESQL_BASE = 'postgresql+psycopg2://postgres@127.0.0.1:5432'

_NAMES = {'mariadb': 'MariaDB', 'postgresql': 'PostgreSQL'}


def url(backend, name, directory=None):
    """The connection URL of database ``name`` on ``backend`` (for SQLite,
    the file ``<directory>/<name>.sqlite``)."""
    if backend == 'sqlite':
        return 'sqlite:///%s/%s.sqlite' % (directory, name)
    if backend == 'mariadb':
        return '%s/%s?charset=utf8mb4' % (MARIADB_BASE, name)
    if backend == 'postgresql':
        return '%s/%s' % (POSTGRESQL_BASE, name)
    raise ValueError('unknown database backend %r' % backend)


def unique_name(prefix='alto'):
    return '%s_%s' % (prefix, secrets.token_hex(6))


def _server_engine(backend):
    """An AUTOCOMMIT engine on the server's maintenance database, or a skip."""
    import sqlalchemy as sa
    admin_url = MARIADB_BASE if backend == 'mariadb' else POSTGRESQL_BASE + '/postgres'
    try:
        engine = sa.create_engine(admin_url, isolation_level='AUTOCOMMIT')
        with engine.connect():
            pass
    except ImportError as exc:
        pytest.skip('no %s driver: %s' % (_NAMES[backend], exc))
    except sa.exc.OperationalError as exc:
        pytest.skip('%s is not reachable: %s' % (_NAMES[backend], exc.orig))
    return engine


@contextlib.contextmanager
def scratch_database(backend, prefix='alto', directory=None):
    """Yield the URL of a new, empty database on ``backend``; drop it after.

    For SQLite the file lives in ``directory`` (a temporary one, removed
    afterwards, when none is given)."""
    name = unique_name(prefix)
    if backend == 'sqlite':
        own_dir = directory is None
        directory = pathlib.Path(tempfile.mkdtemp(prefix=prefix + '-')
                                 if own_dir else directory)
        try:
            yield url(backend, name, directory)
        finally:
            if own_dir:
                shutil.rmtree(directory, ignore_errors=True)
            else:
                for suffix in ('', '-wal', '-shm', '-journal'):
                    (directory / ('%s.sqlite%s' % (name, suffix))).unlink(missing_ok=True)
        return
    if backend not in _NAMES:
        raise ValueError('unknown database backend %r' % backend)
    import sqlalchemy as sa
    engine = _server_engine(backend)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE %s%s' % (
                name, ' CHARACTER SET utf8mb4' if backend == 'mariadb' else '')))
        yield url(backend, name)
    finally:
        with engine.connect() as conn:
            # FORCE: a daemon the test left running must not keep it alive
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s%s' % (
                name, ' WITH (FORCE)' if backend == 'postgresql' else '')))
        engine.dispose()


def database_fixture(name, backend, prefix='alto', scope='module'):
    """A pytest fixture ``name`` yielding the URL of a scratch database on
    ``backend`` (assign it to a module attribute of the same name)."""
    @pytest.fixture(scope=scope, name=name)
    def _database(tmp_path_factory):
        directory = tmp_path_factory.mktemp(prefix) if backend == 'sqlite' else None
        with scratch_database(backend, prefix, directory) as database_url:
            yield database_url
    return _database
