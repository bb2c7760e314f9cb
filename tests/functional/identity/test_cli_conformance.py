"""CLI flows the conformance work fixed, with the real ``openstack`` CLI
against alto-identity-api on SQLite: project properties and the manager role."""

import pytest

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def admin(identity_server):
    return CLI(identity_server)


def test_project_properties_are_kept_and_shown(admin):
    admin.json('project', 'create', '--property', 'colour=blue', 'propped')
    admin.run('project', 'set', '--property', 'size=L', 'propped')
    shown = admin.json('project', 'show', 'propped')
    assert shown['colour'] == 'blue'
    assert shown['size'] == 'L'


def test_manager_role_is_bootstrapped(admin):
    names = {r['Name'] for r in admin.json('role', 'list')}
    assert {'admin', 'manager', 'member', 'reader'} <= names
    rows = admin.json('implied', 'role', 'list')
    pairs = {(r['Prior Role Name'], r['Implied Role Name']) for r in rows}
    assert {('admin', 'manager'), ('manager', 'member'), ('member', 'reader')} <= pairs

