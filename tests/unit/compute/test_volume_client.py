"""The REST volume client: Cinder v3 URLs with the acting project, the 3.44
microversion, the attachment calls' bodies, and errors as compute's own."""

import pytest
from keystoneauth1 import exceptions as ks_exc

from common import context as alto_context
from services.compute import exception
from services.compute.clients import base
from services.compute.clients import volume
from services.compute.db import block_devices
from tests.unit.compute.test_clients import _RecordingSession, _Response

ROOT = 'http://vol.example:8776/v3'


class _VolumeSession(_RecordingSession):
    def __init__(self, catalog):
        super().__init__({})
        self.catalog = catalog
        self.headers_sent = []

    def get_endpoint(self, auth=None, service_type=None, **kwargs):
        if service_type not in self.catalog:
            raise ks_exc.EndpointNotFound()
        return self.catalog[service_type]

    def request(self, url, method, headers=None, **kwargs):
        self.headers_sent.append(headers)
        return super().request(url, method, **kwargs)


@pytest.fixture
def session(monkeypatch, env):
    holder = _VolumeSession({'volumev3': ROOT + '/service-project'})
    monkeypatch.setattr(base, 'service_session', lambda: holder)
    return holder


def _user():
    return alto_context.RequestContext(auth_token='USER', project_id='demo',
                                       user_id='demo-user', roles=['member'])


def test_urls_name_the_users_project_and_send_the_microversion(session):
    session.routes[('GET', ROOT + '/demo/volumes/v1')] = _Response(
        200, {'volume': {'id': 'v1', 'status': 'available'}})
    assert volume.VolumeClient().get(_user(), 'v1')['status'] == 'available'
    method, url, headers, _, _ = session.calls[0]
    assert headers['X-Auth-Token'] == 'USER' and headers['X-Service-Token'] == 'SERVICE'
    assert session.headers_sent[0]['OpenStack-API-Version'] == 'volume 3.44'


def test_block_storage_type_and_a_catalog_url_without_project(session):
    session.catalog = {'block-storage': ROOT + '/'}
    session.routes[('DELETE', ROOT + '/owner/volumes/v1')] = _Response(202)
    volume.VolumeClient().delete(_user(), 'v1', project_id='owner')
    assert session.calls[0][1] == ROOT + '/owner/volumes/v1'


def test_no_endpoint_is_a_503(session):
    session.catalog = {}
    with pytest.raises(exception.ExternalServiceError):
        volume.VolumeClient().get(_user(), 'v1')


def test_a_token_older_than_the_volume_service_is_renewed_once(session, monkeypatch):
    session.catalog = {}

    def renewed():
        session.catalog = {'volumev3': ROOT + '/service-project'}
        return True
    monkeypatch.setattr(session.auth, 'invalidate', renewed)
    session.routes[('GET', ROOT + '/demo/volumes/v1')] = _Response(
        200, {'volume': {'id': 'v1', 'status': 'available'}})
    assert volume.VolumeClient().get(_user(), 'v1')['status'] == 'available'


def test_attachment_calls(session):
    client = volume.VolumeClient()
    session.routes[('POST', ROOT + '/demo/attachments')] = _Response(
        200, {'attachment': {'id': 'a1', 'status': 'reserved', 'connection_info': {}}})
    assert client.attachment_create(_user(), 'v1', 'i1')['id'] == 'a1'
    assert session.calls[-1][3] == {'attachment': {'volume_uuid': 'v1',
                                                   'instance_uuid': 'i1'}}
    info = {'driver_volume_type': 'local', 'data': {'device_path': '/v/x', 'format': 'raw'}}
    session.routes[('PUT', ROOT + '/demo/attachments/a1')] = _Response(
        200, {'attachment': {'id': 'a1', 'connection_info': info}})
    got = client.attachment_update(_user(), 'a1', {'host': 'h'}, '/dev/vdb')
    assert got['connection_info'] == info
    assert session.calls[-1][3] == {'attachment': {'connector': {
        'host': 'h', 'mountpoint': '/dev/vdb'}}}
    session.routes[('POST', ROOT + '/demo/attachments/a1/action')] = _Response(204)
    client.attachment_complete(_user(), 'a1')
    assert session.calls[-1][3] == {'os-complete': None}
    session.routes[('DELETE', ROOT + '/demo/attachments/a1')] = _Response(200)
    client.attachment_delete(_user(), 'a1')
    client.attachment_delete(_user(), 'gone')  # 404: nothing to do


def test_update_snapshot_status_posts_the_action_with_a_quoted_id(session):
    client = volume.VolumeClient()
    session.routes[('POST', ROOT + '/demo/snapshots/s1/action')] = _Response(202)
    client.update_snapshot_status(_user(), 's1', 'creating')
    assert session.calls[-1][3] == {'os-update_snapshot_status': {
        'status': 'creating', 'progress': '90%'}}
    client.update_snapshot_status(_user(), 's1', 'error', progress=None)
    assert session.calls[-1][3] == {'os-update_snapshot_status': {'status': 'error'}}
    with pytest.raises(exception.SnapshotNotFound):
        client.update_snapshot_status(_user(), '../volumes/v1', 'creating')
    assert session.calls[-1][1] == ROOT + '/demo/snapshots/..%2Fvolumes%2Fv1/action'


def test_migrate_volume_completion_posts_the_action_and_answers_the_id_kept(session):
    client = volume.VolumeClient()
    session.routes[('POST', ROOT + '/owner/volumes/old/action')] = _Response(
        200, {'save_volume_id': 'new'})
    assert client.migrate_volume_completion(_user(), 'old', 'new', project_id='owner') == 'new'
    assert session.calls[-1][3] == {'os-migrate_volume_completion': {'new_volume': 'new',
                                                                     'error': False}}
    client.migrate_volume_completion(_user(), 'old', 'new', error=True, project_id='owner')
    assert session.calls[-1][3]['os-migrate_volume_completion']['error'] is True
    session.routes[('POST', ROOT + '/owner/volumes/old/action')] = _Response(
        400, {'badRequest': {'code': 400, 'message': 'Destination volume not mid-migration.'}})
    with pytest.raises(exception.InvalidVolume):
        client.migrate_volume_completion(_user(), 'old', 'new', project_id='owner')


@pytest.mark.parametrize('status,raised', [
    (404, exception.VolumeNotFound), (400, exception.InvalidVolume),
    (409, exception.InvalidVolume), (413, exception.VolumeLimitExceeded),
    (500, exception.ExternalServiceError)])
def test_errors_become_compute_conditions(session, status, raised):
    session.routes[('POST', ROOT + '/demo/attachments')] = _Response(
        status, {'badRequest': {'code': status, 'message': 'volume is in-use'}})
    with pytest.raises(raised) as info:
        volume.VolumeClient().attachment_create(_user(), 'v1', 'i1')
    if status in (400, 409):
        assert 'volume is in-use' in str(info.value)
        assert info.value.code == 400


def test_device_names_as_nova_picks_them():
    assert block_devices.next_device_name(['vda']) == '/dev/vdb'
    assert block_devices.next_device_name(['vda', '/dev/vdb', 'vdd']) == '/dev/vdc'
    used = ['vd' + chr(ord('a') + i) for i in range(26)]
    assert block_devices.next_device_name(used) == '/dev/vdaa'
    assert block_devices.next_device_name(['vda'], '/dev/sdc') == '/dev/vdc'
    assert block_devices.next_device_name(['vda'], '/dev/xvdd1') == '/dev/vdd'
    with pytest.raises(exception.InvalidDevicePath):
        block_devices.next_device_name(['vda'], '/dev/')
    with pytest.raises(exception.DevicePathInUse):
        block_devices.next_device_name(['vda', 'vdb'], '/dev/vdb')


def test_proxy_listings_follow_the_next_links(session):
    pages = {None: {'volumes': [{'id': 'v1'}, {'id': 'v2'}],
                    'volumes_links': [{'rel': 'next', 'href': 'x?marker=v2'}]},
             'v2': {'volumes': [{'id': 'v3'}]}}
    real = session.request

    def paged(url, method, **kwargs):
        response = real(url, method, **kwargs)
        if url.endswith('/volumes/detail'):
            return _Response(200, pages[(kwargs.get('params') or {}).get('marker')])
        return response
    session.request = paged
    assert [v['id'] for v in volume.VolumeClient().list(_user())] == ['v1', 'v2', 'v3']
    assert [c[4] for c in session.calls] == [{}, {'marker': 'v2'}]
    assert session.calls[0][1] == ROOT + '/demo/volumes/detail'


def test_proxy_volume_and_snapshot_calls(session):
    client = volume.VolumeClient()
    session.routes[('POST', ROOT + '/demo/volumes')] = _Response(
        202, {'volume': {'id': 'v1', 'status': 'creating'}})
    assert client.create_volume(_user(), 1, name='n', description='d',
                                metadata={'a': 'b'})['id'] == 'v1'
    assert session.calls[-1][3] == {'volume': {'size': 1, 'name': 'n', 'description': 'd',
                                               'metadata': {'a': 'b'}}}
    session.routes[('POST', ROOT + '/demo/volumes')] = _Response(404)
    with pytest.raises(exception.SnapshotNotFound):
        client.create_volume(_user(), 1, snapshot_id='s9')  # 404 from the volume service
    with pytest.raises(exception.VolumeNotFound):
        client.delete_volume(_user(), '../attachments/a1')
    assert session.calls[-1][1] == ROOT + '/demo/volumes/..%2Fattachments%2Fa1'
    session.routes[('DELETE', ROOT + '/demo/volumes/v1')] = _Response(
        400, {'badRequest': {'code': 400, 'message': 'has snapshots'}})
    with pytest.raises(exception.InvalidVolume, match='has snapshots'):
        client.delete_volume(_user(), 'v1')
    session.routes[('POST', ROOT + '/demo/snapshots')] = _Response(
        202, {'snapshot': {'id': 's1', 'status': 'creating'}})
    assert client.snapshot_create(_user(), 'v1', force=True, name='n')['id'] == 's1'
    assert session.calls[-1][3] == {'snapshot': {'volume_id': 'v1', 'force': True,
                                                 'name': 'n', 'description': None}}
    with pytest.raises(exception.SnapshotNotFound):
        client.snapshot_get(_user(), 's9')
    with pytest.raises(exception.SnapshotNotFound):
        client.snapshot_delete(_user(), 's9')
    session.routes[('GET', ROOT + '/demo/snapshots/s1')] = _Response(
        200, {'snapshot': {'id': 's1', 'status': 'available'}})
    assert client.snapshot_get(_user(), 's1')['status'] == 'available'
    session.routes[('DELETE', ROOT + '/demo/snapshots/s1')] = _Response(202)
    client.snapshot_delete(_user(), 's1')


def test_create_from_an_image_or_a_snapshot(session):
    session.routes[('POST', ROOT + '/owner/volumes')] = _Response(
        202, {'volume': {'id': 'v2', 'status': 'creating'}})
    client = volume.VolumeClient()
    assert client.create(_user(), 1, name='n', image_id='img', project_id='owner')['id'] == 'v2'
    assert session.calls[-1][3] == {'volume': {'size': 1, 'name': 'n', 'imageRef': 'img'}}
    # A snapshot's volume without a size is the snapshot's size.
    client.create(_user(), None, name='n', snapshot_id='s1', project_id='owner')
    assert session.calls[-1][3] == {'volume': {'name': 'n', 'snapshot_id': 's1'}}
