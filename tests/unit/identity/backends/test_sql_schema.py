"""What only the SQL backend has: the migration, the schema, query counts."""

import shutil

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from oslo_db import exception as db_exc

from services.identity.backends import base
from services.identity.db import models
from tests.unit.identity.backends import conftest
from tests.unit.identity.backends import factories as f


@pytest.fixture
def sql_drivers(tmp_path, migrated_sqlite):
    path = tmp_path / 'identity.sqlite'
    shutil.copy(migrated_sqlite, path)
    context, drivers = conftest.make_sql_drivers(path)
    yield context, drivers
    if context.is_started:
        context.writer.get_engine().dispose()


def test_migration_builds_exactly_the_models(migrated_sqlite):
    engine = sa.create_engine('sqlite:///%s' % migrated_sqlite)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    engine.dispose()
    assert diff == []


def test_global_roles_are_stored_with_the_sentinel(sql_drivers):
    context, drivers = sql_drivers
    drivers.assignment.create_role(f.role(name='admin'))
    with context.writer.get_engine().connect() as conn:
        stored = conn.execute(sa.text('SELECT domain_id FROM role')).scalar_one()
    assert stored == models.GLOBAL_DOMAIN
    # and the database itself refuses a second global role of that name
    with context.writer.get_engine().connect() as conn:
        with pytest.raises(db_exc.DBDuplicateEntry):
            conn.execute(sa.text("INSERT INTO role (id, name, domain_id) "
                                 "VALUES ('x', 'admin', :d)"), {'d': models.GLOBAL_DOMAIN})


class _QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        sa.event.listen(self.engine, 'before_cursor_execute', self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, 'before_cursor_execute', self._count)

    def _count(self, conn, cursor, statement, *args):
        if statement.split()[0].upper() not in ('BEGIN', 'COMMIT', 'ROLLBACK'):
            self.count += 1


def test_token_validation_paths_use_at_most_two_queries(sql_drivers):
    context, drivers = sql_drivers
    d = drivers.resource.create_domain(f.domain(tags=['a', 'b']))
    p = drivers.resource.create_project(f.project(d['id'], tags=['x', 'y', 'z']))
    u = drivers.identity.create_user(f.user(d['id']))
    roles = [drivers.assignment.create_role(f.role()) for _ in range(5)]
    for r in roles:
        drivers.assignment.create_assignment(base.USER_PROJECT, u['id'], p['id'], r['id'])
    for n in range(4):
        drivers.catalog.create_service({'id': 's%d' % n, 'type': 't%d' % n})
        for iface in ('public', 'internal', 'admin'):
            drivers.catalog.create_endpoint({'id': 'e%d%s' % (n, iface), 'service_id': 's%d' % n,
                                             'interface': iface, 'url': 'http://h'})
    for n in range(5):
        drivers.revoke.add_event({'user_id': 'u%d' % n})
    engine = context.writer.get_engine()
    calls = {
        'get_user': lambda: drivers.identity.get_user(u['id']),
        'get_project': lambda: drivers.resource.get_project(p['id']),
        'get_domain': lambda: drivers.resource.get_domain(d['id']),
        'list_assignments': lambda: drivers.assignment.list_assignments(
            actor_ids=[u['id']], target_ids=[p['id']]),
        'list_roles_by_ids': lambda: drivers.assignment.list_roles_by_ids(
            [r['id'] for r in roles]),
        'get_catalog': drivers.catalog.get_catalog,
        'list_events': drivers.revoke.list_events,
        'list_projects': drivers.resource.list_projects,
    }
    for name, call in calls.items():
        with _QueryCounter(engine) as counter:
            call()
        assert counter.count <= 2, name


def test_upgrade_from_0001_keeps_data_and_adds_credentials(tmp_path):
    from common import db
    url = 'sqlite:///%s' % (tmp_path / 'old.sqlite')
    db.sync('identity', url, revision='0001')
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO domain (id, name, enabled) VALUES ('d', 'D', 1)"))
    assert 'credential' not in sa.inspect(engine).get_table_names()
    db.sync('identity', url)
    assert db.current_revision('identity', url) == '0009'
    inspector = sa.inspect(engine)
    assert 'app_cred_id' in {c['name'] for c in inspector.get_columns('revocation_event')}
    assert {c['name'] for c in inspector.get_columns('credential')} == {
        'id', 'user_id', 'project_id', 'type', 'encrypted_blob', 'key_hash', 'extra'}
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT name FROM domain')).scalar_one() == 'D'
    engine.dispose()
