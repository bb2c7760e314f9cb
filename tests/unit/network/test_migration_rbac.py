"""Upgrading to network RBAC gives networks that were already shared or
external their ``*`` policies."""

import sqlalchemy

from common import db


def test_existing_shared_and_external_networks_get_wildcard_rows(tmp_path, transport):
    url = 'sqlite:///%s' % (tmp_path / 'upgrade.sqlite')
    db.allow()
    db.sync('network', url, revision='0003')
    engine = sqlalchemy.create_engine(url)
    columns = ('id, project_id, name, status, admin_state_up, shared, external, is_default, '
               'mtu, port_security_enabled, description, created_at, updated_at, '
               'revision_number')
    with engine.begin() as conn:
        for net_id, shared, external in (('n-shared', 1, 0), ('n-ext', 0, 1),
                                         ('n-both', 1, 1), ('n-private', 0, 0)):
            conn.execute(sqlalchemy.text(
                "INSERT INTO networks (%s) VALUES (:id, 'p', '', 'ACTIVE', 1, :shared, "
                ":external, 0, 1500, 1, '', '2026-01-01', '2026-01-01', 1)" % columns),
                {'id': net_id, 'shared': shared, 'external': external})
    db.sync('network', url)
    with engine.connect() as conn:
        rows = conn.execute(sqlalchemy.text(
            'SELECT object_id, target_project, action, project_id FROM networkrbacs')).all()
    engine.dispose()
    assert sorted(tuple(r) for r in rows) == [
        ('n-both', '*', 'access_as_external', 'p'), ('n-both', '*', 'access_as_shared', 'p'),
        ('n-ext', '*', 'access_as_external', 'p'), ('n-shared', '*', 'access_as_shared', 'p')]
