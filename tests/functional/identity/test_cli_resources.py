"""The issue's acceptance list, run with the real ``openstack`` CLI against
alto-identity-api on SQLite: domains, projects, users, groups, roles and assignments."""

import pytest

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def admin(identity_server):
    return CLI(identity_server)


def test_domain_project_user_group_role_lifecycle(admin):
    domain = admin.json('domain', 'create', '--description', 'd', 'acme')
    assert admin.json('domain', 'show', 'acme')['id'] == domain['id']
    admin.run('domain', 'set', '--description', 'changed', 'acme')
    assert admin.json('domain', 'show', 'acme')['description'] == 'changed'
    assert 'acme' in [d['Name'] for d in admin.json('domain', 'list')]

    parent = admin.json('project', 'create', '--domain', 'acme', 'web')
    child = admin.json('project', 'create', '--domain', 'acme', '--parent', 'web', 'web-dev')
    assert child['parent_id'] == parent['id']
    admin.run('project', 'set', '--description', 'front', '--domain', 'acme', 'web')
    shown = admin.json('project', 'show', '--domain', 'acme', 'web')
    assert shown['description'] == 'front'
    names = [p['Name'] for p in admin.json('project', 'list', '--domain', 'acme')]
    assert sorted(names) == ['web', 'web-dev']
    err = admin.run('project', 'create', '--domain', 'acme', 'web', expect_fail=True)
    assert '409' in err or 'Conflict' in err

    user = admin.json('user', 'create', '--domain', 'acme', '--password', 'pw1',
                      '--email', 'u@example.com', 'ursula')
    admin.run('user', 'set', '--domain', 'acme', '--description', 'ops', 'ursula')
    assert admin.json('user', 'show', '--domain', 'acme', 'ursula')['email'] == \
        'u@example.com'
    assert 'ursula' in [u['Name'] for u in admin.json('user', 'list', '--domain', 'acme')]

    group = admin.json('group', 'create', '--domain', 'acme', 'ops')
    admin.run('group', 'add', 'user', '--group-domain', 'acme', '--user-domain', 'acme',
              'ops', 'ursula')
    assert 'in group' in admin.run('group', 'contains', 'user', '--group-domain', 'acme',
                                   '--user-domain', 'acme', 'ops', 'ursula')
    admin.run('group', 'set', '--domain', 'acme', '--description', 'operators', 'ops')
    assert admin.json('group', 'show', '--domain', 'acme', 'ops')['id'] == group['id']

    admin.json('role', 'create', 'auditor')
    admin.run('role', 'set', '--description', 'reads logs', 'auditor')
    assert admin.json('role', 'show', 'auditor')['description'] == 'reads logs'
    assert {'admin', 'member', 'reader', 'auditor'} <= {
        r['Name'] for r in admin.json('role', 'list')}

    # grants for users and groups on projects and domains
    admin.run('role', 'add', '--user', user['id'], '--project', parent['id'], 'member')
    admin.run('role', 'add', '--group', group['id'], '--project', parent['id'], 'auditor')
    admin.run('role', 'add', '--user', user['id'], '--domain', 'acme', 'reader')
    admin.run('role', 'add', '--group', group['id'], '--domain', 'acme', 'auditor')
    rows = admin.json('role', 'assignment', 'list', '--names', '--effective', '--user',
                      user['id'])
    seen = {(r['Role'], r['Project'] or r['Domain']) for r in rows}
    assert ('member', 'web@acme') in seen
    assert ('reader', 'web@acme') in seen          # implied by member
    assert ('auditor', 'web@acme') in seen         # through the group
    assert ('reader', 'acme') in seen
    assert ('auditor', 'acme') in seen
    direct = admin.json('role', 'assignment', 'list', '--group', group['id'])
    assert len(direct) == 2
    admin.run('role', 'remove', '--user', user['id'], '--project', parent['id'], 'member')
    admin.run('role', 'remove', '--group', group['id'], '--project', parent['id'], 'auditor')
    admin.run('role', 'remove', '--user', user['id'], '--domain', 'acme', 'reader')
    admin.run('role', 'remove', '--group', group['id'], '--domain', 'acme', 'auditor')
    assert admin.json('role', 'assignment', 'list', '--user', user['id']) == []

    admin.run('group', 'remove', 'user', '--group-domain', 'acme', '--user-domain', 'acme',
              'ops', 'ursula')
    admin.run('group', 'delete', '--domain', 'acme', 'ops')
    admin.run('user', 'delete', '--domain', 'acme', 'ursula')
    admin.run('role', 'delete', 'auditor')
    admin.run('project', 'delete', '--domain', 'acme', 'web-dev')
    admin.run('project', 'delete', '--domain', 'acme', 'web')
    err = admin.run('domain', 'delete', 'acme', expect_fail=True)
    assert 'disable' in err.lower() or '403' in err
    admin.run('domain', 'set', '--disable', 'acme')
    admin.run('domain', 'delete', 'acme')
    admin.run('domain', 'show', 'acme', expect_fail=True)
