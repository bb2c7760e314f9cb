"""The real ``openstack`` and ``swift`` command-line clients against the cluster."""

import hashlib
import os
import subprocess
import sys

import pytest
from swiftclient import client as swift

from tests.functional.identity.cli import CLI
from tests.functional.objectstore import fixtures

pytestmark = pytest.mark.functional
SWIFT = os.path.join(os.path.dirname(sys.executable), 'swift')


@pytest.fixture(scope='module')
def demo_cli(identity, objectstore):
    return CLI(identity, 'alto-demo-user',
               identity.write_clouds_yaml(extra_clouds=objectstore.clouds()))


def swift_cli(identity, user, project, *args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(('OS_', 'ST_'))}
    env.update({'OS_AUTH_URL': identity.url, 'OS_USERNAME': user,
                'OS_PASSWORD': fixtures.USER_PASSWORD, 'OS_PROJECT_NAME': project,
                'OS_USER_DOMAIN_ID': 'default', 'OS_PROJECT_DOMAIN_ID': 'default',
                'OS_REGION_NAME': 'RegionOne', 'OS_IDENTITY_API_VERSION': '3',
                'ST_AUTH_VERSION': '3'})
    result = subprocess.run([SWIFT] + list(args), env=env, cwd=cwd, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, 'swift %s: %s%s' % (' '.join(args), result.stdout,
                                                        result.stderr)
    return result.stdout


def swift_account(objectstore):
    cfg = objectstore.cloud_config('demo-user')['auth']
    return swift.Connection(authurl=cfg['auth_url'], user=cfg['username'],
                            key=cfg['password'], auth_version='3', retries=0,
                            os_options={'project_name': 'demo', 'user_domain_id': 'default',
                                        'project_domain_id': 'default'})


def test_openstack_container_and_object_commands(demo_cli, objectstore, tmp_path, monkeypatch):
    created = demo_cli.json('container', 'create', 'cli-box')
    assert created[0]['container'] == 'cli-box'
    assert 'cli-box' in [c['Name'] for c in demo_cli.json('container', 'list')]
    src = tmp_path / 'notes.txt'
    src.write_bytes(b'written by the openstack CLI\n' * 50)
    monkeypatch.chdir(tmp_path)  # the CLI names the object by its relative path
    uploaded = demo_cli.json('object', 'create', 'cli-box', 'notes.txt')
    assert uploaded[0]['etag'] == hashlib.md5(src.read_bytes()).hexdigest()
    assert [o['Name'] for o in demo_cli.json('object', 'list', 'cli-box')] == ['notes.txt']
    shown = demo_cli.json('object', 'show', 'cli-box', 'notes.txt')
    assert int(shown['content-length']) == src.stat().st_size
    assert shown['etag'] == uploaded[0]['etag']
    container = demo_cli.json('container', 'show', 'cli-box')
    assert int(container['object_count']) == 1
    assert int(container['bytes_used']) == src.stat().st_size
    out = tmp_path / 'saved.txt'
    demo_cli.run('object', 'save', 'cli-box', 'notes.txt', '--file', str(out))
    assert out.read_bytes() == src.read_bytes()
    demo_cli.run('object', 'delete', 'cli-box', 'notes.txt')
    demo_cli.run('container', 'delete', 'cli-box')
    account = swift_account(objectstore)
    with pytest.raises(swift.ClientException) as err:
        account.head_container('cli-box')
    assert err.value.http_status == 404


def test_swift_cli_upload_download_stat_post(identity, objectstore, tmp_path):
    data = tmp_path / 'up'
    data.mkdir()
    (data / 'one.bin').write_bytes(os.urandom(200000))
    swift_cli(identity, 'demo-user', 'demo', 'upload', 'swift-box', 'one.bin', cwd=data)
    down = tmp_path / 'down'
    down.mkdir()
    swift_cli(identity, 'demo-user', 'demo', 'download', 'swift-box', 'one.bin', cwd=down)
    assert (down / 'one.bin').read_bytes() == (data / 'one.bin').read_bytes()
    swift_cli(identity, 'demo-user', 'demo', 'post', '--read-acl', '.r:*,.rlistings',
              'swift-box')
    stat = swift_cli(identity, 'demo-user', 'demo', 'stat', 'swift-box')
    assert 'Objects: 1' in stat
    assert '.r:*,.rlistings' in stat
    assert objectstore.account('demo') in stat
