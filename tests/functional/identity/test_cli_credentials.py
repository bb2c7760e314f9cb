"""``openstack credential ...`` with the real CLI against alto-identity-api on
SQLite, as the administrator and as a member who sees only their own; plus
``alto-manage identity credential_rotate / credential_migrate`` on the
running cloud."""

import json
import subprocess

import pytest
import sqlalchemy as sa

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def admin(identity_server):
    return CLI(identity_server)


@pytest.fixture(scope='module')
def carol(identity_server, admin, tmp_path_factory):
    admin.json('project', 'create', 'demo')
    user = admin.json('user', 'create', '--password', 'carol-pw', '--project', 'demo',
                      'carol')
    admin.run('role', 'add', '--user', 'carol', '--project', 'demo', 'member')
    clouds = identity_server.write_clouds_yaml(
        tmp_path_factory.mktemp('carol') / 'clouds.yaml',
        {'carol': identity_server.cloud_config('carol', 'carol-pw', 'demo')})
    return user, CLI(identity_server, 'carol', clouds)


def _ids(rows):
    return sorted(r['ID'] for r in rows)


@pytest.mark.heavy
def test_admin_and_member_credentials(identity_server, admin, carol):
    user, member = carol
    ec2 = admin.json('credential', 'create', '--type', 'ec2', '--project', 'demo', 'carol',
                     json.dumps({'access': 'AKIA-CAROL', 'secret': 's1'}))
    assert ec2['type'] == 'ec2' and ec2['user_id'] == user['id']
    assert len(ec2['id']) == 64
    mine = admin.json('credential', 'create', '--type', 'totp', 'admin', 'JBSWY3DPEHPK3PXP')
    assert mine['project_id'] is None
    err = admin.run('credential', 'create', '--type', 'ec2', '--project', 'demo', 'carol',
                    'not-json', expect_fail=True)
    assert '400' in err or 'Invalid blob' in err
    err = admin.run('credential', 'create', '--type', 'ec2', '--project', 'demo', 'carol',
                    json.dumps({'access': 'AKIA-CAROL', 'secret': 'again'}),
                    expect_fail=True)
    assert '409' in err or 'Conflict' in err

    assert _ids(admin.json('credential', 'list')) == sorted([ec2['id'], mine['id']])
    assert _ids(admin.json('credential', 'list', '--user', 'carol')) == [ec2['id']]
    assert _ids(admin.json('credential', 'list', '--type', 'totp')) == [mine['id']]
    shown = admin.json('credential', 'show', ec2['id'])
    assert json.loads(shown['blob']) == {'access': 'AKIA-CAROL', 'secret': 's1'}
    admin.run('credential', 'set', '--user', 'carol', '--type', 'ec2', '--project', 'demo',
              '--data', json.dumps({'access': 'AKIA-CAROL', 'secret': 's2'}), ec2['id'])
    assert json.loads(admin.json('credential', 'show', ec2['id'])['blob'])['secret'] == 's2'

    # the member: only their own, in every verb
    assert _ids(member.json('credential', 'list')) == [ec2['id']]
    assert member.json('credential', 'list', '--type', 'totp') == []
    own = member.json('credential', 'create', '--type', 'cert', user['id'], 'pem-data')
    assert own['user_id'] == user['id']
    assert _ids(member.json('credential', 'list')) == sorted([ec2['id'], own['id']])
    assert member.json('credential', 'show', own['id'])['blob'] == 'pem-data'
    member.run('credential', 'set', '--user', user['id'], '--type', 'cert',
               '--data', 'pem-data-2', own['id'])
    assert member.json('credential', 'show', own['id'])['blob'] == 'pem-data-2'
    err = member.run('credential', 'show', mine['id'], expect_fail=True)
    assert '403' in err or 'not authorized' in err.lower() or 'policy' in err.lower()
    member.run('credential', 'delete', mine['id'], expect_fail=True)
    member.run('credential', 'set', '--user', user['id'], '--type', 'totp', '--data', 'x',
               mine['id'], expect_fail=True)
    member.run('credential', 'delete', own['id'])
    assert admin.json('credential', 'show', mine['id'])['blob'] == 'JBSWY3DPEHPK3PXP'

    admin.run('credential', 'delete', mine['id'])
    admin.run('credential', 'show', mine['id'], expect_fail=True)
    assert _ids(admin.json('credential', 'list')) == [ec2['id']]


def test_blobs_are_encrypted_in_the_database(identity_server, admin):
    cred = admin.json('credential', 'create', '--type', 'cert', 'admin', 'very-secret-pem')
    engine = sa.create_engine(identity_server.connection)
    with engine.connect() as conn:
        row = conn.execute(sa.text('SELECT * FROM credential WHERE id = :i'),
                           {'i': cred['id']}).mappings().one()
    engine.dispose()
    assert 'very-secret-pem' not in json.dumps(dict(row))
    assert row['encrypted_blob'].startswith('gAAAAA') and len(row['key_hash']) == 64
    admin.run('credential', 'delete', cred['id'])


def test_rotate_and_migrate_keep_credentials_readable(identity_server, admin):
    cred = admin.json('credential', 'create', '--type', 'cert', 'admin', 'rotated-pem')
    identity_server.manage('credential_rotate')
    assert admin.json('credential', 'show', cred['id'])['blob'] == 'rotated-pem'
    # one more rotation would drop the key that encrypted it
    with pytest.raises(subprocess.CalledProcessError) as failure:
        identity_server.manage('credential_rotate')
    assert 'credential_migrate' in failure.value.stderr
    out = identity_server.manage('credential_migrate').stdout
    assert 're-encrypted' in out
    identity_server.manage('credential_rotate')
    assert admin.json('credential', 'show', cred['id'])['blob'] == 'rotated-pem'
    admin.run('credential', 'delete', cred['id'])


def test_deleting_the_user_deletes_their_credentials(admin):
    admin.json('user', 'create', '--password', 'pw', 'dave')
    cred = admin.json('credential', 'create', '--type', 'cert', 'dave', 'daves-pem')
    admin.run('user', 'delete', 'dave')
    admin.run('credential', 'show', cred['id'], expect_fail=True)
    assert cred['id'] not in _ids(admin.json('credential', 'list'))
