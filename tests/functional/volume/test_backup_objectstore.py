"""Backups in the real object store: alto-volume-backup with ``[backup]
driver = objectstore`` writes chunk and metadata objects into the
``volumebackups`` container of the volume service's account (found in the
service user's catalog), as the volume service user; an incremental backup
stores the changed chunks only; a restore of it rebuilds the whole volume;
deleting a backup removes its objects.  The object store's proxy and
account, container and object servers run with their rings
(tests/functional/objectstore/fixtures.py)."""

import hashlib
import time

import openstack
import pytest

from tests.functional.objectstore import fixtures as objectstore_fixtures
from tests.functional.volume import fixtures

pytestmark = pytest.mark.functional
MiB = 1 << 20


@pytest.fixture(scope='module')
def store(tmp_path_factory, identity_server):
    s = objectstore_fixtures.ObjectStore(tmp_path_factory.mktemp('objectstore'),
                                         identity_server)
    admin = openstack.connect(**identity_server.cloud_config())
    s.register_service(admin)
    admin.close()
    s.write_config()
    s.build_rings()
    s.start()
    try:
        yield s
    finally:
        s.stop()


def _service_user(identity):
    """The volume service user, an operator (member) of project service as
    deploy/lib/volume.sh makes it for the object-store driver; no volume
    catalog entry (the tests call the API by its address)."""
    admin = openstack.connect(**identity.cloud_config())
    project = admin.identity.find_project('service')
    user = admin.identity.find_user('cinder') or admin.identity.create_user(
        name='cinder', password=fixtures.SERVICE_PASSWORD, domain_id='default')
    for name in ('service', 'member'):
        role = admin.identity.find_role(name) or admin.identity.create_role(name=name)
        admin.identity.assign_project_role_to_user(project, user, role)
    admin.close()


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, identity_server, store):
    workdir = tmp_path_factory.mktemp('volume-objectstore')
    _service_user(identity_server)
    c = fixtures.VolumeCloud(workdir, 'sqlite:///%s/volume.sqlite' % workdir, identity_server,
                             extra={'backup': {'driver': 'objectstore',
                                               'objectstore_region_name': 'RegionOne'}})
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture(scope='module')
def service_store(identity_server, store):
    """The object store as the volume service user sees it."""
    conn = openstack.connect(**identity_server.cloud_config(
        'cinder', fixtures.SERVICE_PASSWORD, 'service'))
    yield conn.object_store
    conn.close()


def _names(object_store, prefix=''):
    try:
        return sorted(o.name for o in object_store.objects('volumebackups', prefix=prefix))
    except openstack.exceptions.NotFoundException:
        return []


def _wait(cloud, token, path, key, status, timeout=60):
    deadline = time.time() + timeout
    while True:
        code, body = cloud.request('GET', path, token=token)
        if code == 200 and body[key]['status'] == status:
            return body[key]
        assert time.time() < deadline, '%s stayed %s' % (path, body)
        time.sleep(0.3)


def _write(path, offset, data):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(data)


def _digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_backup_incremental_restore_delete_in_the_object_store(cloud, service_store):
    token, project = cloud.token()
    base = '/%s' % project
    volume = cloud.request('POST', base + '/volumes', {'volume': {'size': 1}}, token=token,
                           expect=202)['volume']
    _wait(cloud, token, '%s/volumes/%s' % (base, volume['id']), 'volume', 'available')
    path = cloud.volumes_dir / ('volume-%s' % volume['id'])
    _write(path, 1 * MiB, b'first chunk')           # 4 MiB chunks: chunks 0 and 5
    _write(path, 21 * MiB, b'sixth chunk')

    full = cloud.request('POST', base + '/backups', {'backup': {
        'volume_id': volume['id'], 'name': 'full'}}, token=token, expect=202)['backup']
    full = _wait(cloud, token, '%s/backups/%s' % (base, full['id']), 'backup', 'available')
    prefix = 'volume_%s/backup_%s/' % (volume['id'], full['id'])
    assert _names(service_store, prefix) == [
        prefix + 'chunk-00000', prefix + 'chunk-00005', prefix + 'metadata.json']
    assert (full['object_count'], full['container'], full['is_incremental']) == \
        (3, 'volumebackups', False)
    _wait(cloud, token, '%s/volumes/%s' % (base, volume['id']), 'volume', 'available')

    _write(path, 21 * MiB, b'SIXTH CHUNK')         # one chunk changes, one appears
    _write(path, 200 * MiB, b'fiftieth chunk')
    expected = _digest(path)
    inc = cloud.request('POST', base + '/backups', {'backup': {
        'volume_id': volume['id'], 'name': 'inc', 'incremental': True}}, token=token,
        expect=202)['backup']
    inc = _wait(cloud, token, '%s/backups/%s' % (base, inc['id']), 'backup', 'available')
    inc_prefix = 'volume_%s/backup_%s/' % (volume['id'], inc['id'])
    assert _names(service_store, inc_prefix) == [
        inc_prefix + 'chunk-00005', inc_prefix + 'chunk-00050', inc_prefix + 'metadata.json']
    assert (inc['is_incremental'], inc['object_count']) == (True, 3)
    shown = cloud.request('GET', '%s/backups/%s' % (base, full['id']), token=token,
                          expect=200)['backup']
    assert shown['has_dependent_backups'] is True
    refused = cloud.request('DELETE', '%s/backups/%s' % (base, full['id']), token=token,
                            expect=400)
    assert 'Incremental backups exist' in refused['badRequest']['message']

    # restore the incremental one into a new volume: the whole volume comes back
    answer = cloud.request('POST', '%s/backups/%s/restore' % (base, inc['id']),
                           {'restore': {'name': 'restored'}}, token=token,
                           expect=202)['restore']
    restored = cloud.request('GET', '%s/volumes/%s' % (base, answer['volume_id']),
                             token=token, expect=200)['volume']
    assert restored['status'] == 'restoring-backup'
    _wait(cloud, token, '%s/volumes/%s' % (base, answer['volume_id']), 'volume',
          'available')
    _wait(cloud, token, '%s/backups/%s' % (base, inc['id']), 'backup', 'available')
    assert _digest(cloud.volumes_dir / ('volume-%s' % answer['volume_id'])) == expected

    # a damaged object is refused by the restore (MD5/SHA-256 checks)
    service_store.upload_object(container='volumebackups', name=prefix + 'chunk-00000',
                                data=b'not the chunk')
    cloud.request('POST', '%s/backups/%s/restore' % (base, inc['id']),
                  {'restore': {'volume_id': answer['volume_id']}}, token=token, expect=202)
    _wait(cloud, token, '%s/volumes/%s' % (base, answer['volume_id']), 'volume',
          'error_restoring')
    _wait(cloud, token, '%s/backups/%s' % (base, inc['id']), 'backup', 'available')

    # deleting removes the objects, the incremental one first
    for backup, its_prefix in ((inc, inc_prefix), (full, prefix)):
        cloud.request('DELETE', '%s/backups/%s' % (base, backup['id']), token=token,
                      expect=202)
        deadline = time.time() + 60
        while cloud.request('GET', '%s/backups/%s' % (base, backup['id']),
                            token=token)[0] != 404:
            assert time.time() < deadline, 'backup %s was not deleted' % backup['id']
            time.sleep(0.3)
        assert _names(service_store, its_prefix) == []
    assert _names(service_store) == []
