"""`openstack registered limit` and `openstack limit` against alto-identity-api."""

import pytest

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def admin(identity_server):
    return CLI(identity_server)


def test_registered_and_project_limits(admin):
    admin.run('service', 'create', '--name', 'nova', 'compute')
    admin.run('project', 'create', 'limited')
    reg = admin.json('registered', 'limit', 'create', '--service', 'nova',
                     '--default-limit', '10', 'cores')
    assert reg['default_limit'] == 10
    rows = admin.json('registered', 'limit', 'list')
    assert [r['Resource Name'] for r in rows] == ['cores']
    admin.run('registered', 'limit', 'set', '--default-limit', '12', reg['id'])
    assert admin.json('registered', 'limit', 'show', reg['id'])['default_limit'] == 12
    lim = admin.json('limit', 'create', '--project', 'limited', '--service', 'nova',
                     '--resource-limit', '5', 'cores')
    assert lim['resource_limit'] == 5
    admin.run('limit', 'set', '--resource-limit', '6', lim['id'])
    assert admin.json('limit', 'show', lim['id'])['resource_limit'] == 6
    assert [r['ID'] for r in admin.json('limit', 'list')] == [lim['id']]
    admin.run('limit', 'delete', lim['id'])
    admin.run('registered', 'limit', 'delete', reg['id'])
    assert admin.json('registered', 'limit', 'list') == []
