"""The identity schema on MariaDB and PostgreSQL.

For each server: create a database with a unique name, build the schema
with the real alembic migration (``services.identity.db.sync``), check it
matches the models, then run the whole backend contract suite against it
(the same tests the unit suite runs on memory and SQLite), plus checks of
what those servers do differently (NULL in unique keys, collations,
fractional seconds).  The database is dropped afterwards.
"""

import contextlib
import datetime
import inspect
import types
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade

from services.identity import db as identity_db
from services.identity import exception
from services.identity.backends import sql
from services.identity.db import models
from tests.unit.identity.backends import factories as f
from tests.unit.identity.backends import test_app_cred_revoke_contract
from tests.unit.identity.backends import test_assignment_contract
from tests.unit.identity.backends import test_catalog_contract
from tests.unit.identity.backends import test_concurrency_contract
from tests.unit.identity.backends import test_credential_contract
from tests.unit.identity.backends import test_identity_contract
from tests.unit.identity.backends import test_project_extra_contract
from tests.unit.identity.backends import test_record_contract
from tests.unit.identity.backends import test_trust_contract
from tests.unit.identity.backends import test_resource_contract

pytestmark = pytest.mark.functional

SERVERS = {
    'mariadb': ('mysql+pymysql://root@127.0.0.1:3306', 'mysql+pymysql://root@127.0.0.1:3306/%s'
                '?charset=utf8mb4'),
    'postgresql': ('postgresql+psycopg2://postgres@127.0.0.1:5432/postgres',
                   'postgresql+psycopg2://postgres@127.0.0.1:5432/%s'),
}

CONTRACT_MODULES = (test_resource_contract, test_identity_contract, test_assignment_contract,
                    test_catalog_contract, test_app_cred_revoke_contract,
                    test_concurrency_contract, test_credential_contract,
                    test_project_extra_contract, test_trust_contract,
                    test_record_contract)


def _contract_checks():
    checks = []
    for module in CONTRACT_MODULES:
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if (name.startswith('test_') and func.__module__ == module.__name__
                    and list(inspect.signature(func).parameters) == ['drivers']):
                checks.append(pytest.param(func, id='%s.%s' % (module.__name__.rsplit('.', 1)[1],
                                                               name)))
    return checks


@contextlib.contextmanager
def _scratch_database(kind):
    """A new, uniquely named, empty database on ``kind``; dropped afterwards."""
    admin_url, url_format = SERVERS[kind]
    name = 'alto_identity_%s' % uuid.uuid4().hex[:12]
    admin = sa.create_engine(admin_url, isolation_level='AUTOCOMMIT')
    try:
        with admin.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE %s' % name))
    except sa.exc.OperationalError as e:
        admin.dispose()
        pytest.skip('%s is not reachable: %s' % (kind, e))
    try:
        yield url_format % name
    finally:
        with admin.connect() as conn:
            if kind == 'postgresql':
                conn.execute(sa.text('DROP DATABASE IF EXISTS %s WITH (FORCE)' % name))
            else:
                conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
        admin.dispose()


def _conf(url):
    return types.SimpleNamespace(database=types.SimpleNamespace(connection=url))


@pytest.fixture(scope='module', params=sorted(SERVERS))
def database(request):
    with _scratch_database(request.param) as url:
        identity_db.sync(_conf(url))
        context = enginefacade.transaction_context()
        context.configure(connection=url)
        yield types.SimpleNamespace(kind=request.param, url=url, context=context,
                                    drivers=sql.build_drivers(context))
        if context.is_started:
            context.writer.get_engine().dispose()


@pytest.mark.parametrize('kind', sorted(SERVERS))
def test_upgrade_from_0001_keeps_data(kind):
    with _scratch_database(kind) as url:
        identity_db.sync(_conf(url), revision='0001')
        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(models.Domain.__table__.insert().values(
                    id='d', name='D', enabled=True))
            assert 'credential' not in sa.inspect(engine).get_table_names()
            identity_db.sync(_conf(url))
            assert identity_db.current_revision(_conf(url)) == '0009'
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
                assert diff == []
                assert conn.execute(sa.text('SELECT name FROM domain')).scalar_one() == 'D'
        finally:
            engine.dispose()


def test_large_encrypted_blob(drivers):
    # more than MySQL's 64 KiB TEXT: the column is MEDIUMTEXT there
    blob = 'gAAAAA' + 'x' * 200000
    drivers.credential.create_credential({'id': 'c', 'user_id': 'u', 'type': 'cert',
                                          'encrypted_blob': blob, 'key_hash': 'h'})
    assert drivers.credential.get_credential('c')['encrypted_blob'] == blob


@pytest.fixture
def drivers(database):
    """The database's drivers, on emptied tables."""
    with database.context.writer.get_engine().begin() as conn:
        conn.execute(models.Region.__table__.update().values(parent_region_id=None))
        for table in reversed(models.Base.metadata.sorted_tables):
            conn.execute(table.delete())
    return database.drivers


def test_schema_matches_models(database):
    assert identity_db.current_revision(
        types.SimpleNamespace(database=types.SimpleNamespace(connection=database.url))) == '0009'
    engine = sa.create_engine(database.url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    engine.dispose()
    assert diff == []


def test_sync_is_idempotent(database):
    identity_db.sync(types.SimpleNamespace(database=types.SimpleNamespace(connection=database.url)))


@pytest.mark.parametrize('check', _contract_checks())
def test_contract(drivers, check):
    check(drivers)


def test_global_role_names_unique_in_the_database(database, drivers):
    drivers.assignment.create_role(f.role(name='admin'))
    engine = database.context.writer.get_engine()
    with pytest.raises(db_exc.DBDuplicateEntry):
        with engine.begin() as conn:
            conn.execute(models.Role.__table__.insert().values(
                id='x', name='admin', domain_id=models.GLOBAL_DOMAIN))
    with pytest.raises(exception.Conflict, match='admin'):
        drivers.assignment.create_role(f.role(name='admin'))


def test_names_compare_exactly(drivers):
    # MariaDB's default collation would make these clash; ours must not.
    drivers.identity.create_user(f.user('d', name='Bob'))
    drivers.identity.create_user(f.user('d', name='bob'))
    drivers.identity.create_user(f.user('d', name='bób'))
    assert drivers.identity.get_user_by_name('bob', 'd')['name'] == 'bob'
    assert [u['name'] for u in drivers.identity.list_users({'name': 'Bob'})] == ['Bob']


def test_unicode_and_long_names(drivers):
    name = 'ユーザー-' + 'x' * 240
    u = drivers.identity.create_user(f.user('d', name=name))
    assert drivers.identity.get_user_by_name(name, 'd') == u


def test_microseconds_survive(drivers):
    when = datetime.datetime(2031, 12, 31, 23, 59, 59, 999999)
    drivers.revoke.add_event({'id': 'e', 'issued_before': when, 'revoked_at': when})
    assert drivers.revoke.list_events()[0]['issued_before'] == when
    assert drivers.revoke.list_events(last_fetch=when - datetime.timedelta(microseconds=1))
