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


def test_incremental_backups_chain_and_refusals(app, env):
    volume = create(app, size=1)
    wait_status(app, volume['id'], 'available')
    refused = app.post_json('/v3/demo/backups', {'backup': {
        'volume_id': volume['id'], 'incremental': True}}, headers=headers(), status=400)
    assert 'No backups available' in refused.json['badRequest']['message']
    full = _wait_backup(app, _backup(app, volume['id'])['id'], 'available')
    wait_status(app, volume['id'], 'available')
    assert (full['is_incremental'], full['has_dependent_backups']) == (False, False)
    first = _wait_backup(app, _backup(app, volume['id'], incremental=True)['id'], 'available')
    wait_status(app, volume['id'], 'available')
    second = _wait_backup(app, _backup(app, volume['id'], incremental='true')['id'],
                          'available')
    wait_status(app, volume['id'], 'available')
    # each builds on the newest available backup of the volume
    assert env.backup_driver.parents[first['id']] == full['id']
    assert env.backup_driver.parents[second['id']] == first['id']
    assert first['is_incremental'] and second['is_incremental']
    got = {b['id']: b for b in app.get('/v3/demo/backups/detail',
                                       headers=headers()).json['backups']}
    assert [got[b['id']]['has_dependent_backups'] for b in (full, first, second)] == \
        [True, True, False]
    # a backup others build on is not deleted
    for parent in (full, first):
        answer = app.delete('/v3/demo/backups/%s' % parent['id'], headers=headers(),
                            status=400)
        assert 'Incremental backups exist' in answer.json['badRequest']['message']
    # restoring an incremental one into a new volume: restoring-backup at once
    answer = app.post_json('/v3/demo/backups/%s/restore' % second['id'],
                           {'restore': {'name': 'from-chain'}}, headers=headers(),
                           status=202).json['restore']
    assert show(app, answer['volume_id'])['status'] in ('restoring-backup', 'available')
    wait_for(lambda: (second['id'], '/fake/volume-%s' % answer['volume_id'])
             in env.backup_driver.restored)
    _wait_backup(app, second['id'], 'available')
    for backup in (second, first, full):          # newest first
        app.delete('/v3/demo/backups/%s' % backup['id'], headers=headers(), status=202)
        wait_for(lambda b=backup: app.get('/v3/demo/backups/%s' % b['id'], headers=headers(),
                                          expect_errors=True).status_int == 404)


def test_restore_into_a_new_volume_answers_it_restoring(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    backup = _wait_backup(app, _backup(app, volume['id'])['id'], 'available')
    wait_status(app, volume['id'], 'available')
    env.backup_driver.fail.add('restore')        # the restore ends at once, in error
    try:
        answer = app.post_json('/v3/demo/backups/%s/restore' % backup['id'],
                               {'restore': {'name': 'fresh'}}, headers=headers(),
                               status=202).json['restore']
        # never "available" before the restore: built, then restoring, then its end
        seen = set()
        wait_for(lambda: seen.add(show(app, answer['volume_id'])['status'])
                 or 'error_restoring' in seen)
        assert 'available' not in seen and 'creating' not in seen
    finally:
        env.backup_driver.fail.discard('restore')
    _wait_backup(app, backup['id'], 'available')


def _volume_file(tmp_path, chunks):
    volume = tmp_path / 'volume'
    with open(volume, 'wb') as f:
        f.truncate(8 * MiB)
        for index, text in chunks.items():
            f.seek(index * MiB + 7)
            f.write(text)
    return volume


def _read(volume):
    with open(volume, 'rb') as f:
        return f.read()


def test_posix_incremental_stores_changed_chunks_and_restores_the_chain(tmp_path):
    conf = types.SimpleNamespace(backup=types.SimpleNamespace(
        backup_posix_path=str(tmp_path / 'store'), backup_chunk_size=1))
    driver = posix.PosixBackupDriver(conf)
    volume = _volume_file(tmp_path, {1: b'one', 3: b'three', 5: b'five'})
    full = {'id': 'full', 'container': None, 'volume_id': 'v'}
    assert driver.backup(full, str(volume)) == 4
    with open(volume, 'r+b') as f:       # chunk 3 changes, chunk 5 is zeroed, 6 is new
        f.seek(3 * MiB + 7)
        f.write(b'THREE')
        f.seek(5 * MiB + 7)
        f.write(b'\0' * 4)
        f.seek(6 * MiB)
        f.write(b'six')
    state_one = _read(volume)
    inc = {'id': 'inc', 'container': None, 'volume_id': 'v'}
    assert driver.backup(inc, str(volume), parent=full) == 3     # chunks 3, 6 + metadata
    assert sorted(os.listdir(driver.directory(inc))) == \
        ['chunk-00003', 'chunk-00006', 'metadata.json']
    with open(volume, 'r+b') as f:
        f.seek(1 * MiB + 7)
        f.write(b'ONE')
    inc2 = {'id': 'inc2', 'container': 'other', 'volume_id': 'v'}
    assert driver.backup(inc2, str(volume), parent=inc) == 2
    state_two = _read(volume)
    with open(volume, 'r+b') as f:
        f.write(b'scribbled over')
    driver.restore(inc, str(volume))
    assert _read(volume) == state_one
    driver.restore(inc2, str(volume))
    assert _read(volume) == state_two
    driver.restore(full, str(volume))
    restored = _read(volume)
    assert restored[5 * MiB + 7:5 * MiB + 11] == b'five' and restored[6 * MiB:6 * MiB + 3] \
        == b'\0\0\0'
    # chunk 5 of the full backup was zeroed since: the incremental ones do not read it
    with open(os.path.join(driver.directory(full), 'chunk-00005'), 'wb') as f:
        f.write(b'not even zlib')
    driver.restore(inc, str(volume))
    assert _read(volume) == state_one
    # chunk 6 lives in ``inc`` and ``inc2`` shares it: damaged, both refuse it
    import zlib
    with open(os.path.join(driver.directory(inc), 'chunk-00006'), 'wb') as f:
        f.write(zlib.compress(b'x' * 10))
    for backup in (inc, inc2):
        with pytest.raises(ValueError, match='MD5'):
            driver.restore(backup, str(volume))
    for backup in (inc2, inc, full):
        driver.delete(backup)
    assert list((tmp_path / 'store').rglob('chunk-*')) == []


class _MemoryStore:
    """The object store client's interface over a dict (what the real one
    does is tested against the real daemons in tests/functional)."""

    def __init__(self):
        self.objects = {}
        self.containers = set()

    def ensure_container(self, container):
        self.containers.add(container)

    def put_object(self, container, name, data, md5):
        import hashlib
        assert hashlib.md5(data).hexdigest() == md5
        self.objects[(container, name)] = data

    def get_object(self, container, name):
        return self.objects[(container, name)]

    def delete_object(self, container, name):
        self.objects.pop((container, name), None)

    def list_objects(self, container, prefix):
        return [n for c, n in self.objects if c == container and n.startswith(prefix)]


def test_objectstore_driver_names_and_sha_check(tmp_path):
    from services.volume.backup import objectstore
    conf = types.SimpleNamespace(backup=types.SimpleNamespace(backup_chunk_size=1))
    store = _MemoryStore()
    driver = objectstore.ObjectStoreBackupDriver(conf, client=store)
    volume = _volume_file(tmp_path, {0: b'zero', 2: b'two'})
    full = {'id': 'b1', 'container': 'volumebackups', 'volume_id': 'v1'}
    assert driver.backup(full, str(volume)) == 3
    assert sorted(n for _, n in store.objects) == [
        'volume_v1/backup_b1/chunk-00000', 'volume_v1/backup_b1/chunk-00002',
        'volume_v1/backup_b1/metadata.json']
    with open(volume, 'r+b') as f:
        f.seek(2 * MiB)
        f.write(b'changed')
    inc = {'id': 'b2', 'container': 'volumebackups', 'volume_id': 'v1'}
    assert driver.backup(inc, str(volume), parent=full) == 2
    expected = _read(volume)
    volume.write_bytes(b'\0' * 8 * MiB)
    driver.restore(inc, str(volume))
    assert _read(volume) == expected
    import zlib
    store.objects[('volumebackups', 'volume_v1/backup_b1/chunk-00000')] = \
        zlib.compress(b'forged')
    with pytest.raises(ValueError, match='corrupt'):
        driver.restore(inc, str(volume))
    driver.delete(inc)
    assert all('backup_b2' not in n for _, n in store.objects)
    driver.delete(full)
    assert store.objects == {}


def test_objectstore_client_checks_the_answered_etag():
    from oslo_config import cfg

    from services.volume.clients import objectstore as client_module

    class Answer:
        def __init__(self, status, etag=None, body=b''):
            self.status_code, self.headers = status, {'ETag': etag} if etag else {}
            self.content, self.text = body, body.decode()

    class Session:
        def __init__(self):
            self.calls = []

        def request(self, url, method, **kwargs):
            self.calls.append((method, url, kwargs.get('headers'),
                               kwargs['endpoint_filter']['service_type']))
            return self.answers.pop(0)

    from services.volume.conf import backup as backup_conf
    if 'backup' not in cfg.CONF:
        backup_conf.register_opts(cfg.CONF)
    cfg.CONF.set_override('objectstore_interfaces', 'internal', group='backup')
    try:
        session = Session()
        client = client_module.ObjectStoreClient(session=session)
        session.answers = [Answer(201, etag='0' * 32)]
        with pytest.raises(client_module.ObjectStoreError, match='ETag'):
            client.put_object('volumebackups', 'volume_v/backup_b/chunk-00000', b'data', 'f' * 32)
        assert session.calls[0][:3] == ('PUT', '/volumebackups/volume_v/backup_b/chunk-00000',
                                        {'ETag': 'f' * 32,
                                         'Content-Type': 'application/octet-stream'})
        assert session.calls[0][3] == 'object-store'
        session.answers = [Answer(422, body=b'Unprocessable Entity')]
        with pytest.raises(client_module.ObjectStoreError, match='422'):
            client.put_object('volumebackups', 'x', b'data', 'f' * 32)
        session.answers = [Answer(404)]
        client.delete_object('volumebackups', 'gone')          # already gone is fine
    finally:
        cfg.CONF.clear_override('objectstore_interfaces', group='backup')


def _snapshot(app, volume_id):
    snap = app.post_json('/v3/demo/snapshots', {'snapshot': {'volume_id': volume_id}},
                         headers=headers()).json['snapshot']
    return wait_for(lambda: (lambda s: s if s['status'] == 'available' else None)(
        app.get('/v3/demo/snapshots/%s' % snap['id'], headers=headers()).json['snapshot']))


def _snapshot_status(app, snapshot_id):
    return app.get('/v3/demo/snapshots/%s' % snapshot_id, headers=headers()).json[
        'snapshot']['status']


def test_backup_of_a_snapshot(app, env):
    """``snapshot_id``: the backup host reads the snapshot's export (volume
    RPC 1.2), the snapshot is ``backing-up`` meanwhile, the volume keeps its
    status (``in-use`` needs no force), the data timestamp is the
    snapshot's; it restores like any backup."""
    from common import context
    from services.volume.conductor import rpcapi
    api, ctx = rpcapi.ConductorAPI(), context.get_admin_context()
    volume = create(app, size=2)
    wait_status(app, volume['id'], 'available')
    snap = _snapshot(app, volume['id'])
    created = _backup(app, volume['id'], snapshot_id=snap['id'], name='of-snap')
    backup = _wait_backup(app, created['id'], 'available')
    assert (backup['snapshot_id'], backup['volume_id'], backup['size']) == (
        snap['id'], volume['id'], 2)
    assert backup['data_timestamp'] == snap['created_at']
    assert env.backup_driver.backups[created['id']] == '/fake/snapshot-%s' % snap['id']
    wait_for(lambda: _snapshot_status(app, snap['id']) == 'available')
    assert show(app, volume['id'])['status'] == 'available'
    assert not [c for c in env.driver.connections if c[0] == snap['id']]   # withdrawn

    # An in-use volume's snapshot is backed up without force.
    api.volume_update(ctx, volume['id'], {'status': 'in-use'})
    second = _wait_backup(app, _backup(app, volume['id'], snapshot_id=snap['id'])['id'],
                          'available')
    assert show(app, volume['id'])['status'] == 'in-use'
    app.post_json('/v3/demo/backups', {'backup': {'volume_id': volume['id']}},
                  headers=headers(), status=400)        # the volume itself needs force
    api.volume_update(ctx, volume['id'], {'status': 'available'})

    answer = app.post_json('/v3/demo/backups/%s/restore' % created['id'],
                           {'restore': {'name': 'from-snap-backup'}}, headers=headers(),
                           status=202).json['restore']
    wait_status(app, answer['volume_id'], 'available')
    wait_for(lambda: env.backup_driver.restored[-1:] == [
        (created['id'], '/fake/volume-%s' % answer['volume_id'])])
    for backup_id in (second['id'], created['id']):
        _wait_backup(app, backup_id, 'available')
        app.delete('/v3/demo/backups/%s' % backup_id, headers=headers(), status=202)


def test_backup_of_a_snapshot_refusals_and_failure(app, env):
    from common import context
    from services.volume.conductor import rpcapi
    api, ctx = rpcapi.ConductorAPI(), context.get_admin_context()
    volume, other = create(app), create(app)
    wait_status(app, volume['id'], 'available')
    wait_status(app, other['id'], 'available')
    snap = _snapshot(app, volume['id'])

    def refused(status, **spec):
        return app.post_json('/v3/demo/backups', {'backup': spec}, headers=headers(),
                             status=status).json
    body = refused(400, volume_id=other['id'], snapshot_id=snap['id'])
    assert 'not a snapshot of volume' in body['badRequest']['message']
    body = refused(404, volume_id=volume['id'],
                   snapshot_id='0b6f5a3e-0000-4000-8000-000000000000')
    assert 'itemNotFound' in body
    refused(400, volume_id=volume['id'], snapshot_id='x' * 37)      # schema
    api.snapshot_update(ctx, snap['id'], {'status': 'error'})
    assert 'must be available' in refused(400, volume_id=volume['id'],
                                          snapshot_id=snap['id'])['badRequest']['message']
    api.snapshot_update(ctx, snap['id'], {'status': 'available'})
    # Another project sees neither the volume nor the snapshot.
    app.post_json('/v3/other/backups', {'backup': {'volume_id': volume['id'],
                                                   'snapshot_id': snap['id']}},
                  headers=headers(OTHER), status=404)
    assert show(app, volume['id'])['status'] == 'available'
    assert _snapshot_status(app, snap['id']) == 'available'

    # The export fails: the backup ends in error, the snapshot available again.
    env.driver.fail.add('initialize_connection_snapshot')
    failed = _wait_backup(app, _backup(app, volume['id'], snapshot_id=snap['id'])['id'],
                          'error')
    assert failed['fail_reason']
    wait_for(lambda: _snapshot_status(app, snap['id']) == 'available')
    env.driver.fail.clear()
    # Interrupted by a restart: the snapshot is settled back to available.
    stuck = _wait_backup(app, _backup(app, volume['id'], snapshot_id=snap['id'])['id'],
                         'available')
    api.backup_update(ctx, stuck['id'], {'status': 'creating'})
    api.snapshot_update(ctx, snap['id'], {'status': 'backing-up'})
    # A snapshot being backed up cannot be deleted.
    app.delete('/v3/demo/snapshots/%s' % snap['id'], headers=headers(), status=400)
    env.backup.init_host()
    assert _wait_backup(app, stuck['id'], 'error')['fail_reason']
    assert _snapshot_status(app, snap['id']) == 'available'
    for backup_id in (failed['id'], stuck['id']):
        app.delete('/v3/demo/backups/%s' % backup_id, headers=headers(), status=202)
