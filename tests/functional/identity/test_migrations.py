"""The identity schema on MariaDB and PostgreSQL.

For each server: create a database with a unique name, build the schema
with the real alembic migration (``services.identity.db.sync``), then run
the whole backend contract suite against it (the same tests the unit suite
runs on memory and SQLite), plus checks of what those servers do
differently (NULL in unique keys, collations, fractional seconds).  The
database is dropped afterwards.  That the migrations build exactly the
models is tests/functional/test_migrations.py's part, for every service.
"""

import datetime
import inspect
import types

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
from tests.functional import databases
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

SERVERS = ('mariadb', 'postgresql')

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


def _conf(url):
    return types.SimpleNamespace(database=types.SimpleNamespace(connection=url))


@pytest.fixture(scope='module', params=SERVERS)
def database(request):
    with databases.scratch_database(request.param, 'alto_identity') as url:
        identity_db.sync(_conf(url))
        context = enginefacade.transaction_context()
        context.configure(connection=url)
        yield types.SimpleNamespace(kind=request.param, url=url, context=context,
                                    drivers=sql.build_drivers(context))
        if context.is_started:
            context.writer.get_engine().dispose()


@pytest.mark.parametrize('kind', SERVERS)
def test_upgrade_from_0001_keeps_data(kind):
    with databases.scratch_database(kind, 'alto_identity') as url:
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
