"""Backups through the API, conductor, a volume host and a backup host (fake
drivers), and the posix backup driver on real files."""

import os
import types

import pytest

from services.volume.backup import posix
from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import OTHER
from tests.unit.volume.conftest import READER
from tests.unit.volume.conftest import headers
from tests.unit.volume.conftest import wait_for
from tests.unit.volume.test_api_flows import create
from tests.unit.volume.test_api_flows import show
from tests.unit.volume.test_api_flows import wait_status

MiB = 1 << 20


def _backup(app, volume_id, **extra):
    resp = app.post_json('/v3/demo/backups', {'backup': dict(volume_id=volume_id, **extra)},
                         headers=headers(), status=202)
    return resp.json['backup']


def _wait_backup(app, backup_id, status):
    return wait_for(lambda: app.get('/v3/demo/backups/%s' % backup_id,
                                    headers=headers()).json['backup']['status'] == status
                    and app.get('/v3/demo/backups/%s' % backup_id,
                                headers=headers()).json['backup'])


def test_backup_restore_delete(app, env):
    volume = create(app, size=2)
    wait_status(app, volume['id'], 'available')
    created = _backup(app, volume['id'], name='b1', description='nightly')
    assert set(created) == {'id', 'name', 'links', 'metadata'}     # 3.43+
    backup = _wait_backup(app, created['id'], 'available')
    assert (backup['size'], backup['volume_id'], backup['object_count']) == \
        (2, volume['id'], 1)
    assert env.backup_driver.backups[created['id']] == '/fake/volume-%s' % volume['id']
    wait_status(app, volume['id'], 'available')       # set right after the backup's
    assert [b['id'] for b in app.get('/v3/demo/backups', headers=headers(READER)).json[
        'backups']] == [created['id']]
    app.get('/v3/other/backups/%s' % created['id'], headers=headers(OTHER), status=404)
    limits = app.get('/v3/demo/limits', headers=headers()).json['limits']['absolute']
    assert (limits['totalBackupsUsed'], limits['totalBackupGigabytesUsed']) == (1, 2)
    assert 'os-backup-project-attr:project_id' in app.get(
        '/v3/admin/backups/%s' % created['id'],
        headers=headers(ADMIN, '3.18')).json['backup']
    # restore into the volume, then into a new one
    answer = app.post_json('/v3/demo/backups/%s/restore' % created['id'],
                           {'restore': {'volume_id': volume['id']}}, headers=headers(),
                           status=202).json['restore']
    assert answer == {'backup_id': created['id'], 'volume_id': volume['id'],
                      'volume_name': volume['name']}
    _wait_backup(app, created['id'], 'available')
    wait_status(app, volume['id'], 'available')
    answer = app.post_json('/v3/demo/backups/%s/restore' % created['id'],
                           {'restore': {'name': 'fresh'}}, headers=headers(),
                           status=202).json['restore']
    fresh = wait_status(app, answer['volume_id'], 'available')
    assert (fresh['name'], fresh['size']) == ('fresh', 2)
    wait_for(lambda: len(env.backup_driver.restored) == 2)
    assert env.backup_driver.restored[1] == (created['id'],
                                             '/fake/volume-%s' % answer['volume_id'])
    _wait_backup(app, created['id'], 'available')
    app.delete('/v3/demo/backups/%s' % created['id'], headers=headers(), status=202)
    wait_for(lambda: app.get('/v3/demo/backups/%s' % created['id'], headers=headers(),
                             expect_errors=True).status_int == 404)
    assert env.backup_driver.backups == {}


def test_backup_refusals_and_failure(app, env):
    volume = create(app)
    app.post_json('/v3/demo/backups', {'backup': {'volume_id': volume['id']}},
                  headers=headers(), status=400)      # still creating
    wait_status(app, volume['id'], 'available')
    for bad in ({'volume_id': volume['id'], 'incremental': True}, {}, {'volume_id': 7}):
        app.post_json('/v3/demo/backups', {'backup': bad}, headers=headers(), status=400)
    app.post_json('/v3/demo/backups', {'backup': {'volume_id': volume['id']}},
                  headers=headers(READER), status=403)
    env.backup_driver.fail.add('backup')
    failed = _backup(app, volume['id'])
    backup = _wait_backup(app, failed['id'], 'error')
    assert 'failed (fake)' in backup['fail_reason']
    wait_status(app, volume['id'], 'available')
    app.post_json('/v3/demo/backups/%s/restore' % failed['id'],
                  {'restore': {'volume_id': volume['id']}}, headers=headers(), status=400)
    app.delete('/v3/demo/backups/%s' % failed['id'], headers=headers(), status=202)


def test_posix_driver_chunks_skip_zeros_and_restore(tmp_path):
    conf = types.SimpleNamespace(backup=types.SimpleNamespace(
        backup_posix_path=str(tmp_path / 'store'), backup_chunk_size=1))
    driver = posix.PosixBackupDriver(conf)
    volume = tmp_path / 'volume'
    with open(volume, 'wb') as f:
        f.truncate(8 * MiB)
        f.seek(3 * MiB + 5)
        f.write(b'backed up')
    backup = {'id': 'b1', 'container': None}
    assert driver.backup(backup, str(volume)) == 2          # one data chunk + metadata
    assert sorted(os.listdir(driver.directory(backup))) == ['chunk-00003', 'metadata.json']
    with open(volume, 'r+b') as f:                           # the volume changes after
        f.seek(MiB)
        f.write(b'later')
        f.seek(3 * MiB + 5)
        f.write(b'XXXXXXXXX')
    driver.restore(backup, str(volume))
    with open(volume, 'rb') as f:
        data = f.read()
    assert len(data) == 8 * MiB
    assert data[3 * MiB + 5:3 * MiB + 14] == b'backed up'
    assert data[MiB:MiB + 5] == b'\0' * 5
    # a damaged chunk is refused
    with open(os.path.join(driver.directory(backup), 'chunk-00003'), 'wb') as f:
        import zlib
        f.write(zlib.compress(b'other data'))
    with pytest.raises(ValueError):
        driver.restore(backup, str(volume))
    driver.delete(backup)
    assert not os.path.exists(driver.directory(backup))


def test_restart_settles_interrupted_backups(app, env):
    from common import context
    from services.volume.conductor import rpcapi
    api, ctx = rpcapi.ConductorAPI(), context.get_admin_context()
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    done = _wait_backup(app, _backup(app, volume['id'])['id'], 'available')
    stuck = _wait_backup(app, _backup(app, volume['id'])['id'], 'available')
    api.backup_update(ctx, stuck['id'], {'status': 'creating'})
    api.volume_update(ctx, volume['id'], {'status': 'backing-up'})
    api.backup_update(ctx, done['id'], {'status': 'deleting'})
    env.backup.init_host()
    assert _wait_backup(app, stuck['id'], 'error')['fail_reason']
    assert show(app, volume['id'])['status'] == 'available'
    app.get('/v3/demo/backups/%s' % done['id'], headers=headers(), status=404)
