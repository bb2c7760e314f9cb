"""The issue's acceptance list, run with the real ``openstack`` CLI against
alto-identity-api on SQLite: what a project member may and may not do."""

import pytest

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def admin(identity_server):
    return CLI(identity_server)


def test_member_password_app_cred_and_403(identity_server, admin, tmp_path):
    admin.json('project', 'create', 'demo')
    admin.json('project', 'create', 'secret-project')
    admin.json('user', 'create', '--password', 'demo-pw', '--project', 'demo', 'demo')
    admin.run('role', 'add', '--user', 'demo', '--project', 'demo', 'member')
    clouds = identity_server.write_clouds_yaml(
        tmp_path / 'clouds.yaml',
        {'altostratus': identity_server.cloud_config('demo', 'demo-pw', 'demo')})
    member = CLI(identity_server, 'altostratus', clouds)

    assert member.json('token', 'issue')['user_id']
    err = member.run('user', 'list', expect_fail=True)
    assert '403' in err
    member.run('project', 'create', 'mine', expect_fail=True)
    # GET /v3/projects is the administrator's (keystone's default): the CLI
    # falls back to the member's own projects, as it does against keystone
    for extra in ((), ('--my-projects',)):
        names = [p['Name'] for p in member.json('project', 'list', *extra)]
        assert names == ['demo']
    member.run('role', 'assignment', 'list', expect_fail=True)

    # self-service password change; the old password stops working
    member.run('user', 'password', 'set', '--original-password', 'demo-pw',
               '--password', 'demo-pw2')
    clouds = identity_server.write_clouds_yaml(
        tmp_path / 'clouds.yaml',
        {'altostratus': identity_server.cloud_config('demo', 'demo-pw2', 'demo')})
    member = CLI(identity_server, 'altostratus', clouds)
    assert member.json('token', 'issue')['project_id']

    cred = member.json('application', 'credential', 'create', 'ci')
    assert cred['Secret']
    assert [c['Name'] for c in member.json('application', 'credential', 'list')] == ['ci']
    app_cloud = {'auth_type': 'v3applicationcredential',
                 'auth': {'auth_url': identity_server.url,
                          'application_credential_id': cred['ID'],
                          'application_credential_secret': cred['Secret']},
                 'region_name': 'RegionOne', 'identity_api_version': 3}
    clouds = identity_server.write_clouds_yaml(tmp_path / 'clouds-app.yaml',
                                               {'app': app_cloud})
    app = CLI(identity_server, 'app', clouds)
    token = app.json('token', 'issue')
    assert token['project_id'] == cred['Project ID']
    member.run('application', 'credential', 'delete', 'ci')
    app.run('token', 'issue', expect_fail=True)
