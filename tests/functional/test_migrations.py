"""Every service's migrations build exactly what its models describe, on
SQLite, MariaDB and PostgreSQL.

For each service with a database: an empty scratch database, ``alembic
upgrade head`` through the same code ``alto-manage <svc> db sync`` runs
(there are no downgrades: upgrading from empty is the only path), the
revision is the script directory's head, alembic's autogenerate comparison
against the models' metadata finds nothing, and a second upgrade is a no-op.
"""

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from common import db
from tests.functional import databases

pytestmark = pytest.mark.functional

SERVICES = ('identity', 'image', 'compute', 'network', 'volume')

# Differences alembic reports that are not real, as (service, backend,
# predicate on the diff entry) with the reason.  Keep this empty unless a
# backend really cannot express what the model says.
IGNORED = ()


def _models(service):
    return __import__('services.%s.db.models' % service, fromlist=['models'])


def _head(service):
    package = __import__('services.%s.db' % service, fromlist=['db'])
    script = ScriptDirectory(os.path.join(os.path.dirname(package.__file__), 'migrations'))
    heads = script.get_heads()
    assert len(heads) == 1, '%s migrations have several heads: %s' % (service, heads)
    return heads[0]


def _differences(service, backend, url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={'compare_type': True})
            diff = compare_metadata(context, _models(service).Base.metadata)
    finally:
        engine.dispose()
    return [entry for entry in diff
            if not any(svc == service and kind == backend and ignored(entry)
                       for svc, kind, ignored in IGNORED)]


@pytest.mark.parametrize('backend', databases.BACKENDS)
@pytest.mark.parametrize('service', SERVICES)
def test_migrations_match_models(service, backend, tmp_path):
    with databases.scratch_database(backend, 'alto_%s' % service, tmp_path) as url:
        db.sync(service, url)
        assert db.current_revision(service, url) == _head(service)
        assert _differences(service, backend, url) == []
        db.sync(service, url)
        assert db.current_revision(service, url) == _head(service)
