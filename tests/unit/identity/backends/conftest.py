"""Fixtures of the identity backend contract suite.

``drivers`` is parametrized over every backend: each contract test runs
against the in-memory drivers and against the SQL drivers on a SQLite file
whose schema comes from the real alembic migration (built once, copied per
test).
"""

import shutil

import pytest
from oslo_db.sqlalchemy import enginefacade

from common import db
from services.identity.backends import memory
from services.identity.backends import memory_records
from services.identity.backends import memory_trust
from services.identity.backends import sql
from services.identity import backends


@pytest.fixture(scope='session')
def migrated_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp('identity-schema') / 'identity.sqlite'
    db.sync('identity', 'sqlite:///%s' % path)
    return path


def make_sql_drivers(path):
    context = enginefacade.transaction_context()
    context.configure(connection='sqlite:///%s' % path)
    return context, sql.build_drivers(context)


def memory_drivers():
    return backends.Drivers(resource=memory.ResourceDriver(),
                            identity=memory.IdentityDriver(),
                            assignment=memory.AssignmentDriver(),
                            catalog=memory.CatalogDriver(),
                            app_cred=memory.ApplicationCredentialDriver(),
                            revoke=memory.RevokeDriver(),
                            credential=memory.CredentialDriver(),
                            trust=memory_trust.TrustDriver(),
                            records=memory_records.build())


@pytest.fixture(params=['memory', 'sql'])
def drivers(request, tmp_path, migrated_sqlite):
    if request.param == 'memory':
        yield memory_drivers()
        return
    path = tmp_path / 'identity.sqlite'
    shutil.copy(migrated_sqlite, path)
    context, built = make_sql_drivers(path)
    yield built
    if context.is_started:
        context.writer.get_engine().dispose()
