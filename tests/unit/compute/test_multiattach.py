"""Multiattach volumes (compute API 2.60) in-process: API, conductor and
compute managers over the fake RPC transport, the fake volume client and
the fake driver.  One volume on two servers, each with its own mapping and
attachment; below 2.60 such a volume is refused; the host connection of a
shared volume goes with its last user on the host."""

import json

import pytest
from oslo_config import cfg

from services.compute import clients
from services.compute.clients import fake as fake_clients
from services.compute.compute import volumes as compute_volumes
from services.compute.objects import instance as inst_obj
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_volume_attachments import _guest
from tests.unit.compute.test_volume_attachments import _record_host_connections
from tests.unit.compute.test_volume_attachments import _url
from tests.unit.compute.test_volume_attachments import _volume
from tests.unit.compute.test_volume_attachments import _wait_for
from tests.unit.compute.test_volume_attachments import volume_cloud
from tests.unit.compute.test_volume_attachments import volume_mapping

MULTI = '7d1b8b66-4c1e-4e2f-8a1d-1d6b1b6f8a01'
PLAIN = '7d1b8b66-4c1e-4e2f-8a1d-1d6b1b6f8a02'
BROKEN_IMAGE = '7d1b8b66-4c1e-4e2f-8a1d-1d6b1b6f8a03'
ME = '7d1b8b66-4c1e-4e2f-8a1d-1d6b1b6f8b01'
OTHER = '7d1b8b66-4c1e-4e2f-8a1d-1d6b1b6f8b02'
OLD_VERSION_MESSAGE = ('Multiattach volumes are only supported starting with compute API '
                       'version 2.60.')


@pytest.fixture
def cloud(env, app, monkeypatch):
    c = volume_cloud(env, app, monkeypatch, [
        {'id': MULTI, 'name': 'shared', 'size': 1, 'project_id': 'demo',
         'multiattach': True},
        {'id': PLAIN, 'name': 'plain', 'size': 1, 'project_id': 'demo'}])
    yield c
    c.settle()


def _server(cloud, name):
    server_id = cloud.boot(name=name)['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


@pytest.fixture
def two_servers(cloud):
    return _server(cloud, 'a'), _server(cloud, 'b')


def _attach(cloud, server_id, volume_id=MULTI, version='2.60', status=200):
    body = {'volumeAttachment': {'volumeId': volume_id}}
    return cloud.app.post_json(_url(server_id), body, headers=headers(DEMO, version),
                               status=status, expect_errors=status >= 400).json


def _attached_to(server_id):
    return [a for a in _volume(MULTI)['attachments'] if a['server_id'] == server_id]


def _share(cloud, *server_ids):
    """MULTI attached to each server, waited for as Tempest waits: until
    the volume lists the server's attachment."""
    answers = {}
    for server_id in server_ids:
        answers[server_id] = _attach(cloud, server_id)['volumeAttachment']
        _wait_for(lambda: _attached_to(server_id))
    return answers


def _listed(cloud, server_id):
    return cloud.app.get(_url(server_id), headers=headers(DEMO, '2.60')).json[
        'volumeAttachments']


def _detach(cloud, server_id, volume_id=MULTI):
    cloud.app.delete(_url(server_id, volume_id), headers=headers(DEMO, '2.60'), status=202)


# -- the API's rules by microversion ---------------------------------------------------

@pytest.mark.parametrize('version', ['2.1', '2.53', '2.59'])
def test_below_2_60_a_multiattach_volume_is_not_attached(cloud, two_servers, version):
    fault = _attach(cloud, two_servers[0], version=version, status=400)
    assert fault == {'badRequest': {'code': 400, 'message': OLD_VERSION_MESSAGE}}
    assert _volume(MULTI)['status'] == 'available'
    assert not clients.volume_client().attachments.read()
    # A volume of a plain type attaches at any version.
    _attach(cloud, two_servers[0], PLAIN, version=version)
    _wait_for(lambda: _volume(PLAIN)['status'] == 'in-use')


@pytest.mark.parametrize('version, status', [('2.59', 400), ('2.60', 202), ('2.95', 202)])
def test_booting_from_a_multiattach_volume_needs_2_60(cloud, version, status):
    body = {'server': {'name': 'bfv', 'flavorRef': 'm1.nano', 'networks': 'none',
                       'block_device_mapping_v2': [{
                           'source_type': 'volume', 'destination_type': 'volume',
                           'uuid': MULTI, 'boot_index': 0,
                           'delete_on_termination': False}]}}
    resp = cloud.app.post_json('/v2.1/servers', body, headers=headers(DEMO, version),
                               status=status, expect_errors=status >= 400).json
    if status == 400:
        assert resp['badRequest']['message'] == OLD_VERSION_MESSAGE
        assert _volume(MULTI)['status'] == 'available'
        return
    server_id = resp['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    listed = cloud.app.get(_url(server_id), headers=headers(DEMO, version)).json
    assert [a['volumeId'] for a in listed['volumeAttachments']] == [MULTI]
    assert _guest(cloud, server_id)['/dev/vda']['serial'] == MULTI
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(MULTI)['status'] == 'available')  # kept, detached


def test_a_second_server_boots_from_a_volume_another_one_uses(cloud, two_servers):
    _share(cloud, two_servers[0])
    body = {'server': {'name': 'bfv', 'flavorRef': 'm1.nano', 'networks': 'none',
                       'block_device_mapping_v2': [{
                           'source_type': 'volume', 'destination_type': 'volume',
                           'uuid': MULTI, 'boot_index': 0}]}}
    server_id = cloud.app.post_json('/v2.1/servers', body,
                                    headers=headers(DEMO, '2.60')).json['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert sorted(a['server_id'] for a in _volume(MULTI)['attachments']) == \
        sorted([two_servers[0], server_id])


def test_a_plain_volume_in_use_is_still_refused_at_2_60(cloud, two_servers):
    _attach(cloud, two_servers[0], PLAIN)
    _wait_for(lambda: _volume(PLAIN)['status'] == 'in-use')
    fault = _attach(cloud, two_servers[1], PLAIN, status=400)
    assert 'must be available' in fault['badRequest']['message']


# -- one volume, two servers -------------------------------------------------------------

def test_two_servers_share_a_volume_and_list_their_own_attachment(cloud, two_servers):
    a, b = two_servers
    answers = _share(cloud, a, b)
    store = clients.volume_client()
    volume = _volume(MULTI)
    assert volume['status'] == 'in-use'
    assert sorted(x['server_id'] for x in volume['attachments']) == sorted([a, b])
    assert len({x['attachment_id'] for x in volume['attachments']}) == 2
    for server_id in (a, b):
        listed = cloud.app.get(_url(server_id), headers=headers(DEMO, '2.60')).json
        assert listed['volumeAttachments'] == [answers[server_id]]
        shown = cloud.app.get(_url(server_id, MULTI), headers=headers(DEMO, '2.60')).json
        assert shown == {'volumeAttachment': answers[server_id]}
        assert _guest(cloud, server_id) == {'/dev/vdb': {
            'serial': MULTI, 'device_path': store.device_path(MULTI)}}
        # Each server has its own mapping, and its connection says the
        # volume is shared (the libvirt disk is then <shareable/>).
        mapping = volume_mapping(cloud, server_id, MULTI)
        assert mapping.connection_info['multiattach'] is True
    assert volume_mapping(cloud, a, MULTI).attachment_id != \
        volume_mapping(cloud, b, MULTI).attachment_id


def test_a_volume_is_attached_once_to_one_server(cloud, two_servers):
    a, _ = two_servers
    _share(cloud, a)
    fault = _attach(cloud, a, status=400)
    assert 'already attached' in fault['badRequest']['message']
    assert len(_volume(MULTI)['attachments']) == 1


def test_a_second_attach_while_the_first_is_under_way_is_400(cloud, two_servers,
                                                             monkeypatch):
    """The volume lists only attachments that completed: the server's
    mapping is what tells that the volume is on its way to it."""
    a, _ = two_servers
    monkeypatch.setattr(compute_volumes, 'attach', lambda *args, **kwargs: None)
    created = []
    create = fake_clients.FakeVolumeClient.attachment_create
    monkeypatch.setattr(fake_clients.FakeVolumeClient, 'attachment_create',
                        lambda self, *args, **kwargs: created.append(args[1]) or create(
                            self, *args, **kwargs))
    _attach(cloud, a)
    cloud.settle()
    assert _volume(MULTI)['attachments'] == []  # the host never completed it
    fault = _attach(cloud, a, status=400)
    assert 'already attached' in fault['badRequest']['message']
    # Refused before the volume service made a second attachment.
    assert created == [MULTI]
    assert len(clients.volume_client().attachments.read()) == 1


def test_a_plain_volume_connection_is_not_marked_shared(cloud, two_servers):
    _attach(cloud, two_servers[0], PLAIN)
    _wait_for(lambda: _volume(PLAIN)['status'] == 'in-use')
    assert volume_mapping(cloud, two_servers[0], PLAIN).connection_info['multiattach'] is False


@pytest.mark.parametrize('first', [0, 1])
def test_detach_from_one_server_leaves_the_other_attached(cloud, two_servers, monkeypatch,
                                                          first):
    """Either order: the volume stays in use with the other server, whose
    guest keeps the disk and whose host connection is not touched; the
    last detach disconnects and frees the volume."""
    gone, stays = two_servers[first], two_servers[1 - first]
    _share(cloud, *two_servers)
    calls = _record_host_connections(monkeypatch)

    _detach(cloud, gone)
    # The mapping goes last, after the volume service's attachment.
    _wait_for(lambda: not _listed(cloud, gone))
    assert _volume(MULTI)['status'] == 'in-use'
    assert [x['server_id'] for x in _volume(MULTI)['attachments']] == [stays]
    assert _guest(cloud, gone) == {}
    assert list(_guest(cloud, stays)) == ['/dev/vdb']
    assert calls == []  # the other server on node1 still uses the connection

    _detach(cloud, stays)
    _wait_for(lambda: _volume(MULTI)['status'] == 'available')
    assert calls == [('disconnect', MULTI)]
    assert _guest(cloud, stays) == {}
    assert not clients.volume_client().attachments.read()


def test_deleting_the_servers_one_by_one(cloud, two_servers, monkeypatch):
    a, b = two_servers
    _share(cloud, a, b)
    calls = _record_host_connections(monkeypatch)
    cloud.app.delete('/v2.1/servers/%s' % a, headers=headers(DEMO), status=204)
    _wait_for(lambda: not _attached_to(a))
    cloud.settle()
    assert _volume(MULTI)['status'] == 'in-use'
    assert calls == []
    assert list(_guest(cloud, b)) == ['/dev/vdb']
    cloud.app.delete('/v2.1/servers/%s' % b, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(MULTI)['status'] == 'available')
    cloud.settle()
    assert calls == [('disconnect', MULTI)]


def test_resize_of_servers_sharing_a_volume(cloud, two_servers, monkeypatch):
    """Tempest's test_resize_server_with_multiattached_volume on one host:
    each resize moves its own guest; the shared connection stays for the
    other server; both keep the volume, and detach afterwards."""
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    _share(cloud, *two_servers)
    calls = _record_host_connections(monkeypatch)
    for server_id in two_servers:
        cloud.action(server_id, {'resize': {'flavorRef': 'm1.small'}})
        cloud.wait(server_id, 'VERIFY_RESIZE', who=DEMO)
        cloud.action(server_id, {'confirmResize': None}, status=204)
        view = cloud.wait(server_id, 'ACTIVE', who=DEMO)
        assert view['flavor']['original_name'] == 'm1.small'
    assert [c[0] for c in calls] == ['connect', 'connect']  # never disconnected
    assert _volume(MULTI)['status'] == 'in-use'
    for server_id in two_servers:
        assert list(_guest(cloud, server_id)) == ['/dev/vdb']
        assert volume_mapping(cloud, server_id, MULTI).connection_info['multiattach']
    for server_id in two_servers:
        _detach(cloud, server_id)
        _wait_for(lambda: not _listed(cloud, server_id))
    _wait_for(lambda: _volume(MULTI)['status'] == 'available')


def test_swapping_a_volume_two_servers_share_is_409_then_400(cloud, two_servers):
    a, b = two_servers
    _share(cloud, a, b)
    body = {'volumeAttachment': {'volumeId': PLAIN}}
    # As nova (and Tempest's test_volume_swap_with_multiattach): a volume the
    # volume service is not migrating is not swapped, 409 first.
    fault = cloud.app.put_json(_url(a, MULTI), body, headers=headers(ADMIN, '2.60'),
                               status=409).json
    assert 'is not migrating' in fault['conflictingRequest']['message']
    cfg.CONF.set_override('allow_volume_swap_without_migration', True, group='compute_api')
    try:
        fault = cloud.app.put_json(_url(a, MULTI), body, headers=headers(ADMIN, '2.60'),
                                   status=400).json
    finally:
        cfg.CONF.clear_override('allow_volume_swap_without_migration', group='compute_api')
    assert fault['badRequest']['message'] == (
        'Swapping multi-attach volumes with more than one read/write attachment is not '
        'supported.')
    for server_id in (a, b):
        assert volume_mapping(cloud, server_id, MULTI).volume_id == MULTI


# -- the host connection: kept while another server on the host uses it ------------------

class _Mapping:
    def __init__(self, instance_uuid, connection_info):
        self.instance_uuid, self.connection_info = instance_uuid, connection_info


def _shared_info():
    return {'driver_volume_type': 'local', 'serial': MULTI, 'volume_id': MULTI,
            'multiattach': True, 'data': {'device_path': '/nonexistent', 'format': 'raw'}}


@pytest.mark.parametrize('other_host, other_task, other_info, disconnects', [
    ('node1', None, _shared_info(), False),      # another guest here: kept
    ('node2', None, _shared_info(), True),       # the other guest is elsewhere
    ('node1', 'deleting', _shared_info(), True),  # the other one is going too
    ('node1', None, None, True),                 # the other one is not connected
])
def test_disconnect_only_for_the_last_user_on_the_host(monkeypatch, other_host, other_task,
                                                       other_info, disconnects):
    mine = inst_obj.Instance(None, uuid=ME, host='node1')
    other = inst_obj.Instance(None, uuid=OTHER, host=other_host, task_state=other_task)
    monkeypatch.setattr(compute_volumes.bdm_obj.BlockDeviceMappingList, 'get_by_volume_id',
                        classmethod(lambda cls, c, volume_id: [
                            _Mapping(ME, _shared_info()), _Mapping(OTHER, other_info)]))
    monkeypatch.setattr(compute_volumes.inst_obj.Instance, 'get_by_uuid',
                        classmethod(lambda cls, c, uuid: other))
    done = []
    monkeypatch.setattr(compute_volumes, 'disconnect', done.append)
    compute_volumes.disconnect_unless_shared(_Context(), mine, _shared_info(), 'node1')
    assert bool(done) is disconnects


def test_a_plain_volume_is_disconnected_without_a_look_at_others(monkeypatch):
    def no_lookup(*args, **kwargs):
        raise AssertionError('a volume of one server needs no lookup')
    monkeypatch.setattr(compute_volumes.bdm_obj.BlockDeviceMappingList, 'get_by_volume_id',
                        classmethod(no_lookup))
    done = []
    monkeypatch.setattr(compute_volumes, 'disconnect', done.append)
    info = dict(_shared_info(), multiattach=False)
    compute_volumes.disconnect_unless_shared(_Context(), inst_obj.Instance(
        None, uuid=ME, host='node1'), info, 'node1')
    assert done == [info]


class _Context:
    """What the lookups get: an elevated context (they are faked here)."""

    def elevated(self):
        return self


# -- createImage of a server booted from a multiattach volume ----------------------------

def test_snapshot_of_a_server_booted_from_a_multiattach_volume(cloud):
    """Tempest's test_snapshot_volume_backed_multiattach: the image names a
    snapshot of the volume (made by the volume service, forced: the volume
    is in use) and is active without data; the server is not touched."""
    body = {'server': {'name': 'bfv', 'flavorRef': 'm1.nano', 'networks': 'none',
                       'block_device_mapping_v2': [{
                           'source_type': 'volume', 'destination_type': 'volume',
                           'uuid': MULTI, 'boot_index': 0,
                           'delete_on_termination': False}]}}
    server_id = cloud.app.post_json('/v2.1/servers', body,
                                    headers=headers(DEMO, '2.60')).json['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    resp = cloud.action(server_id, {'createImage': {'name': 'multiattach-snapshot',
                                                    'metadata': {'k': 'v'}}})
    image_id = resp.json['image_id']  # a 2.45+ body: the tests' default is 2.53
    image = clients.image_client().get(cloud.env.admin_context(), image_id)
    assert image['status'] == 'active' and image['disk_format'] == 'raw'
    props = image['properties']
    snapshots = list(clients.volume_client().snapshots.read().values())
    assert [s['volume_id'] for s in snapshots] == [MULTI]
    assert props['k'] == 'v' and props['bdm_v2'] == 'True'
    assert props['root_device_name'] == '/dev/vda'
    assert json.loads(props['block_device_mapping']) == [{
        'source_type': 'snapshot', 'destination_type': 'volume',
        'snapshot_id': snapshots[0]['id'], 'volume_id': None, 'image_id': None,
        'no_device': None, 'guest_format': None, 'boot_index': 0, 'device_name': '/dev/vda',
        'volume_size': 1, 'delete_on_termination': False, 'disk_bus': 'virtio',
        'device_type': 'disk', 'tag': None}]
    view = cloud.show(server_id, who=DEMO)
    assert view['status'] == 'ACTIVE' and view['OS-EXT-STS:task_state'] is None
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(MULTI)['status'] == 'available')


def _active_from_plain_volume(cloud):
    body = {'server': {'name': 'bfv', 'flavorRef': 'm1.nano', 'networks': 'none',
                       'block_device_mapping_v2': [{
                           'source_type': 'volume', 'destination_type': 'volume',
                           'uuid': PLAIN, 'boot_index': 0}]}}
    server_id = cloud.app.post_json('/v2.1/servers', body,
                                    headers=headers(DEMO)).json['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


def test_a_server_boots_from_the_snapshot_image_of_a_volume_backed_one(cloud):
    """The image createImage made of a volume-backed server boots a new
    server from a volume made of the snapshot it names (the image itself is
    empty); a mapping of the request with the same device name wins."""
    server_id = _active_from_plain_volume(cloud)
    image_id = cloud.action(server_id, {'createImage': {'name': 'snap'}}).json['image_id']
    snapshot_id, = clients.volume_client().snapshots.read()
    boot = {'server': {'name': 'from-snap', 'flavorRef': 'm1.nano', 'networks': 'none',
                       'imageRef': image_id}}
    new_id = cloud.app.post_json('/v2.1/servers', boot,
                                 headers=headers(DEMO)).json['server']['id']
    view = cloud.wait(new_id, 'ACTIVE', who=DEMO)
    assert view['image'] == ''
    (attached,) = view['os-extended-volumes:volumes_attached']
    made = _volume(attached['id'])
    assert made['snapshot_id'] == snapshot_id and made['status'] == 'in-use'
    assert _guest(cloud, new_id)['/dev/vda']['serial'] == attached['id']
    # The request's own /dev/vda overrides the image's.
    boot['server']['block_device_mapping_v2'] = [{
        'source_type': 'volume', 'destination_type': 'volume', 'uuid': MULTI,
        'boot_index': 0, 'device_name': '/dev/vda'}]
    boot['server'].pop('imageRef')
    other = cloud.app.post_json('/v2.1/servers', boot,
                                headers=headers(DEMO, '2.60')).json['server']['id']
    view = cloud.wait(other, 'ACTIVE', who=DEMO)
    assert [v['id'] for v in view['os-extended-volumes:volumes_attached']] == [MULTI]


def test_an_image_with_an_unreadable_mapping_is_400(cloud):
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), images=[
        {'id': BROKEN_IMAGE, 'name': 'broken', 'status': 'active', 'visibility': 'public',
         'properties': {'bdm_v2': 'True', 'block_device_mapping': '[{"source_type": '}}])
    boot = {'server': {'name': 'x', 'flavorRef': 'm1.nano', 'networks': 'none',
                       'imageRef': BROKEN_IMAGE}}
    resp = cloud.app.post_json('/v2.1/servers', boot, headers=headers(DEMO), status=400)
    assert 'block_device_mapping' in resp.json['badRequest']['message']


def test_a_failed_volume_snapshot_leaves_no_image(cloud, monkeypatch):
    server_id = _active_from_plain_volume(cloud)
    before = dict(clients.image_client().images.read())

    def refuse(*args, **kwargs):
        raise fake_clients.exception.InvalidVolume(reason='no room for a snapshot')
    monkeypatch.setattr(fake_clients.FakeVolumeClient, 'snapshot_create', refuse)
    resp = cloud.action(server_id, {'createImage': {'name': 'snap'}}, status=400)
    assert 'no room for a snapshot' in resp.json['badRequest']['message']
    assert clients.image_client().images.read() == before
