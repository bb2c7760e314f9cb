"""Block volumes end to end in-process: os-volume_attachments, boot from
volume and server delete, through API, conductor and compute managers over
the fake RPC transport, with the fake volume client and the fake driver
(os-brick's real ``local`` connector in between)."""

import time

import pytest
from oslo_config import cfg

from services.compute import clients
from services.compute import exception
from services.compute.clients import fake as fake_clients
from services.compute.compute import volumes as compute_volumes
from services.compute.objects import block_device as bdm_obj
from services.compute.objects import instance as inst_obj
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

VOL = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a01'
VOL2 = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a02'
OTHER = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a03'  # another project's
READER = {'X-User-Id': 'reader', 'X-Project-Id': 'demo', 'X-Roles': 'reader'}
ALT = {'X-User-Id': 'alt', 'X-Project-Id': 'alt', 'X-Roles': 'member,reader'}


def volume_cloud(env, app, monkeypatch, volumes):
    """A cloud with one host whose fake volume service holds ``volumes``."""
    # This host's connector without probing iSCSI/NVMe tools: the tests
    # exercise the attach flow; os-brick's LOCAL connector still connects.
    monkeypatch.setattr(compute_volumes, 'connector_properties',
                        lambda host: {'host': host, 'platform': 'x86_64', 'os_type': 'linux',
                                      'multipath': False, 'ip': '127.0.0.1'})
    fake_clients.seed(str(env.tmp_path / 'fake'), volumes=volumes)
    c = Cloud(env, app)
    c.flavor()
    c.add_compute('node1')
    return c


@pytest.fixture
def cloud(env, app, monkeypatch):
    c = volume_cloud(env, app, monkeypatch, [
        {'id': VOL, 'name': 'data', 'size': 1, 'project_id': 'demo'},
        {'id': VOL2, 'name': 'data2', 'size': 2, 'project_id': 'demo'},
        {'id': OTHER, 'name': 'theirs', 'size': 1, 'project_id': 'alt'}])
    yield c
    c.settle()


def _url(server_id, volume_id=None):
    url = '/v2.1/servers/%s/os-volume_attachments' % server_id
    return url + ('/%s' % volume_id if volume_id else '')


def _attach(cloud, server_id, volume_id=VOL, who=DEMO, status=200, version='2.53', **extra):
    body = {'volumeAttachment': dict({'volumeId': volume_id}, **extra)}
    return cloud.app.post_json(_url(server_id), body, headers=headers(who, version),
                               status=status, expect_errors=status >= 400).json


def _volume(volume_id):
    return clients.volume_client().volumes.read()[volume_id]


def _guest(cloud, server_id, host='node1'):
    instance = inst_obj.Instance(cloud.env.admin_context(), uuid=server_id)
    return cloud.computes[host].driver.volumes(instance)


def _wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError('condition not reached')


@pytest.fixture
def server(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


def test_attach_list_show_and_detach(cloud, server):
    answer = _attach(cloud, server)['volumeAttachment']
    assert answer == {'device': '/dev/vdb', 'id': VOL, 'serverId': server, 'volumeId': VOL}
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    store = clients.volume_client()
    assert _guest(cloud, server) == {'/dev/vdb': {'serial': VOL,
                                                  'device_path': store.device_path(VOL)}}
    listed = cloud.app.get(_url(server), headers=headers(DEMO)).json['volumeAttachments']
    assert listed == [answer]
    shown = cloud.app.get(_url(server, VOL), headers=headers(READER)).json
    assert shown == {'volumeAttachment': answer}
    view = cloud.show(server, who=DEMO)
    assert view['os-extended-volumes:volumes_attached'] == [
        {'id': VOL, 'delete_on_termination': False}]
    old = cloud.app.get('/v2.1/servers/%s' % server, headers=headers(DEMO, '2.1')).json
    assert old['server']['os-extended-volumes:volumes_attached'] == [{'id': VOL}]
    detail = cloud.app.get('/v2.1/servers/detail', headers=headers(DEMO)).json['servers']
    assert detail[0]['os-extended-volumes:volumes_attached'][0]['id'] == VOL
    # A second volume gets the next device name.
    assert _attach(cloud, server, VOL2)['volumeAttachment']['device'] == '/dev/vdc'
    _wait_for(lambda: _volume(VOL2)['status'] == 'in-use')

    cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert list(_guest(cloud, server)) == ['/dev/vdc']
    assert store.attachments.read() and all(
        a['volume_id'] == VOL2 for a in store.attachments.read().values())
    resp = cloud.app.get(_url(server, VOL), headers=headers(DEMO), status=404)
    assert resp.json['itemNotFound']['code'] == 404
    resp = cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=404)
    assert 'No volume Block Device Mapping' in resp.json['itemNotFound']['message']


def test_requested_device_and_tag(cloud, server):
    resp = _attach(cloud, server, device='/dev/vdf', tag='data', version='2.49')
    assert resp['volumeAttachment']['device'] == '/dev/vdf'
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    assert list(_guest(cloud, server)) == ['/dev/vdf']
    resp = _attach(cloud, server, VOL2, device='/dev/vdf', status=409)
    assert resp['conflictingRequest']['code'] == 409
    assert _volume(VOL2)['status'] == 'available'  # its reservation was given back


BAD_BODIES = [
    ({}, '2.53'),
    ({'volumeAttachment': {}}, '2.53'),
    ({'volumeAttachment': {'volumeId': 'not-a-uuid'}}, '2.53'),
    ({'volumeAttachment': {'volumeId': VOL, 'device': 'vdb'}}, '2.53'),
    ({'volumeAttachment': {'volumeId': VOL, 'tag': 'x'}}, '2.48'),
    ({'volumeAttachment': {'volumeId': VOL, 'delete_on_termination': True}}, '2.53'),
    ({'volumeAttachment': {'volumeId': VOL, 'extra': 1}}, '2.53'),
]


def test_bad_attach_bodies_are_400(cloud, server):
    for body, version in BAD_BODIES:
        resp = cloud.app.post_json(_url(server), body, headers=headers(DEMO, version),
                                   status=400)
        assert resp.json['badRequest']['code'] == 400, body
    assert _volume(VOL)['status'] == 'available'


def test_unknown_hidden_and_busy_volumes(cloud, server):
    missing = _attach(cloud, server, '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7aff', status=404)
    assert 'could not be found' in missing['itemNotFound']['message']
    _attach(cloud, server, OTHER, status=404)  # another project's volume
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    again = _attach(cloud, server, status=400)
    assert 'already attached' in again['badRequest']['message']
    second = cloud.boot(name='vm2')['server']['id']
    cloud.wait(second, 'ACTIVE', who=DEMO)
    busy = _attach(cloud, second, status=400)
    assert 'Invalid volume' in busy['badRequest']['message']


def test_policy_and_other_projects(cloud, server):
    resp = _attach(cloud, server, who=READER, status=403)
    assert resp['forbidden']['code'] == 403
    _attach(cloud, server, who=ALT, status=404)
    cloud.app.get(_url(server), headers=headers(ALT), status=404)
    assert cloud.app.get(_url(server), headers=headers(READER)).json == {
        'volumeAttachments': []}
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    cloud.app.delete(_url(server, VOL), headers=headers(READER), status=403)
    cloud.app.delete(_url(server, VOL), headers=headers(ALT), status=404)
    # Swap: admin only, and (as nova) the volume service's call: 409 for a
    # volume it is not migrating (test_volume_swap.py).
    body = {'volumeAttachment': {'volumeId': VOL2}}
    cloud.app.put_json(_url(server, VOL), body, headers=headers(DEMO), status=403)
    resp = cloud.app.put_json(_url(server, VOL), body, headers=headers(ADMIN), status=409)
    assert 'is not migrating' in resp.json['conflictingRequest']['message']
    # ... though a volume in the URI that is not attached is a 404 first, as nova
    # (Tempest's test_update_attached_volume_with_nonexistent_volume_in_uri).
    missing = '9d4e2b5c-1f0a-4c3e-8b7d-6a5f4e3d2c1b'
    resp = cloud.app.put_json(_url(server, missing), body, headers=headers(ADMIN), status=404)
    assert resp.json['itemNotFound']['code'] == 404
    # Below 2.85 every PUT is a swap, as nova: the swap rule, then 409.
    same = {'volumeAttachment': {'volumeId': VOL}}
    cloud.app.put_json(_url(server, VOL), same, headers=headers(DEMO), status=403)
    cloud.app.put_json(_url(server, VOL), same, headers=headers(ADMIN), status=409)


def test_wrong_state_and_locked_are_409(cloud, server):
    cloud.action(server, {'lock': None}, who=ADMIN)
    resp = _attach(cloud, server, status=409)
    assert 'locked' in resp['conflictingRequest']['message']
    cloud.action(server, {'unlock': None}, who=ADMIN)
    cloud.action(server, {'shelve': None})
    cloud.wait(server, 'SHELVED_OFFLOADED', who=DEMO)
    # below 2.20 a shelved-offloaded server takes no volume (from 2.20 it does)
    resp = _attach(cloud, server, status=409, version='2.19')
    assert resp['conflictingRequest']['code'] == 409
    assert _volume(VOL)['status'] == 'available'


def test_attach_to_a_stopped_server_and_delete_it(cloud, server):
    cloud.action(server, {'os-stop': None})
    cloud.wait(server, 'SHUTOFF', who=DEMO)
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    # The server's delete detaches it.
    cloud.app.delete('/v2.1/servers/%s' % server, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert clients.volume_client().attachments.read() == {}


def test_a_failed_hot_plug_leaves_nothing_half_attached(cloud, server, monkeypatch):
    driver = cloud.computes['node1'].driver

    def refuse(*args, **kwargs):
        raise RuntimeError('the guest refused the disk')
    monkeypatch.setattr(driver, 'attach_volume', refuse)
    _attach(cloud, server)

    def fault():
        return inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server,
                                             with_fault=True).fault
    _wait_for(fault)  # written last, after the clean-up
    assert 'the guest refused the disk' in fault()['message']
    assert _volume(VOL)['status'] == 'available'
    assert cloud.app.get(_url(server), headers=headers(DEMO)).json == {
        'volumeAttachments': []}
    assert clients.volume_client().attachments.read() == {}
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server,
                            headers=headers(DEMO)).json['instanceActions']
    attach = [a for a in actions if a['action'] == 'attach_volume'][0]
    events = cloud.app.get('/v2.1/servers/%s/os-instance-actions/%s' % (
        server, attach['request_id']), headers=headers(ADMIN)).json['instanceAction']['events']
    assert [e['result'] for e in events] == ['Error']


def _bfv(cloud, mappings, status=202, **server):
    body = {'server': dict({'name': 'bfv', 'flavorRef': 'm1.nano', 'networks': 'none',
                            'block_device_mapping_v2': mappings}, **server)}
    return cloud.app.post_json('/v2.1/servers', body, headers=headers(DEMO),
                               status=status, expect_errors=status >= 400).json


def test_boot_from_an_existing_volume(cloud):
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}])['server']['id']
    view = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert view['image'] == ''
    assert view['os-extended-volumes:volumes_attached'] == [
        {'id': VOL, 'delete_on_termination': False}]
    assert _volume(VOL)['status'] == 'in-use'
    assert _guest(cloud, server_id)['/dev/vda']['serial'] == VOL
    # The boot disk stays: a root volume cannot be detached.
    resp = cloud.app.delete(_url(server_id, VOL), headers=headers(DEMO), status=400)
    assert 'root device' in resp.json['badRequest']['message']
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')  # kept, only detached


def test_boot_from_a_volume_made_of_the_image(cloud):
    server_id = _bfv(cloud, [{'source_type': 'image', 'destination_type': 'volume',
                              'uuid': fixtures.IMAGE_ID, 'boot_index': 0, 'volume_size': 1,
                              'delete_on_termination': True}])['server']['id']
    view = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    made = view['os-extended-volumes:volumes_attached']
    assert len(made) == 1 and made[0]['delete_on_termination'] is True
    volume = _volume(made[0]['id'])
    assert volume['status'] == 'in-use' and volume['project_id'] == 'demo'
    assert volume['volume_image_metadata'] == {'image_id': fixtures.IMAGE_ID}
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    _wait_for(lambda: made[0]['id'] not in clients.volume_client().volumes.read())


def test_mapping_booleans_and_indexes_may_be_strings(cloud):
    """As nova takes them (and Tempest sends them): "true"/"false" for
    delete_on_termination, "0" for boot_index; anything else is a 400."""
    server_id = _bfv(cloud, [{'source_type': 'blank', 'destination_type': 'volume',
                              'boot_index': '0', 'volume_size': '1',
                              'delete_on_termination': 'true'}])['server']['id']
    made = cloud.wait(server_id, 'ACTIVE', who=DEMO)['os-extended-volumes:volumes_attached']
    assert made[0]['delete_on_termination'] is True
    kept = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume', 'uuid': VOL,
                         'boot_index': 0, 'delete_on_termination': 'False'}])['server']['id']
    assert cloud.wait(kept, 'ACTIVE', who=DEMO)['os-extended-volumes:volumes_attached'] == [
        {'id': VOL, 'delete_on_termination': False}]
    bad = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume', 'uuid': VOL2,
                        'boot_index': 0, 'delete_on_termination': 'maybe'}], status=400)
    assert 'delete_on_termination' in bad['badRequest']['message']


KERNEL = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a10'


def test_a_root_volume_brings_its_image_properties(cloud):
    """As nova: a server booting from a volume takes the image properties
    of its volume (``volume_image_metadata``), a direct-boot kernel among
    them; the server itself has no image and its host fetches none."""
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), images=[
        {'id': KERNEL, 'name': 'kernel', 'status': 'active', 'visibility': 'public',
         'disk_format': 'aki', 'properties': {}}], volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo',
         'volume_image_metadata': {'image_id': fixtures.IMAGE_ID, 'disk_format': 'qcow2',
                                   'min_disk': '1', 'kernel_id': KERNEL,
                                   'os_command_line': 'console=ttyS0'}}])
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    # The guest runs from the cached kernel alone: no image file of its own.
    [kernel] = cloud.computes['node1'].driver._guests[server_id]['files']
    assert kernel.endswith(KERNEL)
    instance = inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)
    assert instance.image_ref == ''
    assert instance.system_metadata['image_kernel_id'] == KERNEL
    assert instance.system_metadata['image_os_command_line'] == 'console=ttyS0'
    assert 'image_image_id' not in instance.system_metadata


def test_a_volume_that_fails_to_build_fails_the_server(cloud):
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), images=[
        {'id': fake_clients.FakeVolumeClient.FAIL_IMAGE, 'name': 'bad', 'status': 'active',
         'visibility': 'public', 'properties': {}}])
    server_id = _bfv(cloud, [{'source_type': 'image', 'destination_type': 'volume',
                              'uuid': fake_clients.FakeVolumeClient.FAIL_IMAGE,
                              'boot_index': 0, 'volume_size': 1}])['server']['id']
    view = cloud.wait(server_id, 'ERROR', who=DEMO)
    assert 'fault' in view


BAD_MAPPINGS = [
    ({'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0},
     'uuid is required'),
    ({'source_type': 'image', 'destination_type': 'volume', 'boot_index': 0,
      'uuid': fixtures.IMAGE_ID}, 'volume_size'),
    ({'source_type': 'snapshot', 'destination_type': 'volume', 'boot_index': 0,
      'uuid': VOL}, 'failed to get snapshot'),
    ({'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0,
      'uuid': '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7aff'}, 'failed to get volume'),
    ({'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0,
      'uuid': OTHER}, 'failed to get volume'),
    ({'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 'x',
      'uuid': VOL}, 'boot_index'),
    ({'source_type': 'blank', 'destination_type': 'local', 'boot_index': 1},
     'flavor'),
]


def test_bad_block_device_mappings_are_400(cloud):
    for mapping, message in BAD_MAPPINGS:
        resp = _bfv(cloud, [mapping], status=400)
        assert message in resp['badRequest']['message'], mapping
    twice = [{'source_type': 'volume', 'destination_type': 'volume', 'uuid': VOL,
              'boot_index': 0},
             {'source_type': 'volume', 'destination_type': 'volume', 'uuid': VOL2,
              'boot_index': 0}]
    assert 'unique' in _bfv(cloud, twice, status=400)['badRequest']['message']
    many = _bfv(cloud, twice[:1], status=400, max_count=2)
    assert 'multiple instances' in many['badRequest']['message']
    assert cloud.app.get('/v2.1/servers', headers=headers(DEMO)).json['servers'] == []
    assert _volume(VOL)['status'] == 'available'


NOT_BOOTABLE = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a04'


def test_a_volume_that_is_not_bootable_cannot_boot(cloud):
    """As nova (Tempest's test_create_server_from_non_bootable_volume): the
    boot volume must be bootable; the volume service says so in a string."""
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': NOT_BOOTABLE, 'name': 'blank', 'size': 1, 'project_id': 'demo',
         'bootable': 'false'}])
    resp = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                         'uuid': NOT_BOOTABLE, 'boot_index': '0'}], status=400)
    assert resp['badRequest'] == {
        'code': 400, 'message': 'Block Device %s is not bootable.' % NOT_BOOTABLE}
    assert _volume(NOT_BOOTABLE)['status'] == 'available'
    assert cloud.app.get('/v2.1/servers', headers=headers(DEMO)).json['servers'] == []
    # As a data disk beside an image boot it is fine.
    server_id = _bfv(cloud, [{'source_type': 'image', 'destination_type': 'local',
                              'uuid': fixtures.IMAGE_ID, 'boot_index': 0},
                             {'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': NOT_BOOTABLE, 'boot_index': 1}],
                     imageRef=fixtures.IMAGE_ID)['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert _volume(NOT_BOOTABLE)['status'] == 'in-use'
    # A volume marked bootable ("true") boots.
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo', 'bootable': 'true'}])
    booted = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                           'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(booted, 'ACTIVE', who=DEMO)


def test_a_volume_in_use_cannot_be_booted_twice(cloud):
    first = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                          'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(first, 'ACTIVE', who=DEMO)
    resp = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                         'uuid': VOL, 'boot_index': 0}], status=400)
    assert 'Invalid volume' in resp['badRequest']['message']
    servers = cloud.app.get('/v2.1/servers', headers=headers(DEMO)).json['servers']
    assert [s['id'] for s in servers] == [first]


def test_evacuate_of_a_server_with_volumes_is_409(cloud, server):
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    resp = cloud.action(server, {'evacuate': {}}, status=409, who=ADMIN)
    assert 'with volumes' in resp.json['conflictingRequest']['message']
    cloud.action(server, {'reboot': {'type': 'HARD'}})  # the guest keeps its disks
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert list(_guest(cloud, server)) == ['/dev/vdb']


def test_a_server_with_volumes_is_rescued_and_keeps_them(cloud, server):
    """As nova (Tempest's ServerRescueNegativeTestJSON): the rescue of a
    server with a volume attached goes ahead; while RESCUED volumes are
    neither attached nor detached (409); the unrescue gives the guest its
    disks back and the detach then works."""
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    resp = cloud.action(server, {'rescue': {}}, status=200)
    assert resp.json['adminPass']
    cloud.wait(server, 'RESCUE', who=DEMO)
    resp = _attach(cloud, server, volume_id=VOL2, status=409)
    assert 'rescued' in resp['conflictingRequest']['message']
    resp = cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=409)
    assert 'rescued' in resp.json['conflictingRequest']['message']
    assert _volume(VOL)['status'] == 'in-use' and _volume(VOL2)['status'] == 'available'
    cloud.action(server, {'unrescue': None})
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert list(_guest(cloud, server)) == ['/dev/vdb']
    cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')


def boot_from_volume(cloud):
    """An ACTIVE server of the demo project booted from volume VOL."""
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo', 'bootable': 'true'}])
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


def test_a_server_booted_from_a_volume_is_not_rescued(cloud):
    server_id = boot_from_volume(cloud)
    resp = cloud.action(server_id, {'rescue': {}}, status=400)
    assert 'Cannot rescue a volume-backed instance' in resp.json['badRequest']['message']
    assert cloud.show(server_id, DEMO)['status'] == 'ACTIVE'


def test_attach_and_detach_while_shelved(cloud, server):
    """As nova: a SHELVED server (still on its host, the guest off) takes
    and gives volumes; only the guest's definition changes, and the
    unshelve powers it on with them."""
    cfg.CONF.set_override('shelved_offload_time', -1, group='compute')
    cloud.action(server, {'shelve': None})
    cloud.wait(server, 'SHELVED', who=DEMO)
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    _attach(cloud, server, VOL2)
    _wait_for(lambda: _volume(VOL2)['status'] == 'in-use')
    assert sorted(_guest(cloud, server)) == ['/dev/vdb', '/dev/vdc']
    cloud.app.delete(_url(server, VOL2), headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL2)['status'] == 'available')
    cloud.action(server, {'unshelve': None})
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert list(_guest(cloud, server)) == ['/dev/vdb']


def test_shelve_offload_keeps_the_volumes_for_the_unshelve(cloud, server):
    """A server with a volume is shelved and offloaded: the guest and the
    host connection go, the attachment and the mapping stay (the volume is
    still ``in-use``); the unshelve connects it again on the host."""
    store = clients.volume_client()
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    cloud.action(server, {'shelve': None})
    cloud.wait(server, 'SHELVED_OFFLOADED', who=DEMO)
    with pytest.raises(exception.InstanceNotFound):  # the guest is gone
        _guest(cloud, server)
    [bdm] = bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
        cloud.env.admin_context(), server)
    assert bdm.volume_id == VOL and bdm.connection_info is None
    assert _volume(VOL)['status'] == 'in-use'
    [attachment] = store.attachments.read().values()
    cloud.action(server, {'unshelve': None})
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _guest(cloud, server)['/dev/vdb']['serial'] == VOL
    [again] = store.attachments.read().values()
    assert again['id'] == attachment['id'] and again['status'] == 'attached'
    cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')


def _local_gb_used(cloud):
    hypervisors = cloud.app.get('/v2.1/os-hypervisors/detail',
                                headers=headers(ADMIN, '2.87')).json['hypervisors']
    return {h['hypervisor_hostname']: h['local_gb_used'] for h in hypervisors}


def test_a_volume_backed_server_claims_no_local_root_disk(cloud):
    """As nova: its root disk is the volume; the flavor's ephemeral disk is
    still the host's.  Claimed and given back alike, resize included."""
    cloud.flavor('m1.disk', disk=5, **{'OS-FLV-EXT-DATA:ephemeral': 1})
    cloud.flavor('m1.disk2', disk=7, **{'OS-FLV-EXT-DATA:ephemeral': 2})
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}],
                     flavorRef='m1.disk')['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert _local_gb_used(cloud) == {'node1': 1}
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.disk2'}})
    cloud.wait(server_id, 'VERIFY_RESIZE', who=DEMO)
    cloud.action(server_id, {'confirmResize': None}, status=204)
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    _wait_for(lambda: _local_gb_used(cloud) == {'node1': 2})
    image_server = cloud.boot(name='local', flavor='m1.disk', networks='none')['server']['id']
    cloud.wait(image_server, 'ACTIVE', who=DEMO)
    assert _local_gb_used(cloud) == {'node1': 2 + 5 + 1}
    for uuid in (server_id, image_server):
        cloud.app.delete('/v2.1/servers/%s' % uuid, headers=headers(DEMO), status=204)
    _wait_for(lambda: _local_gb_used(cloud) == {'node1': 0})


def test_a_server_booted_from_a_volume_shelves_offloaded_and_unshelves(cloud):
    """As nova: nothing to snapshot, so the shelve offloads at once (the
    volume stays attached with no host connection) and the unshelve boots
    the guest from the same volume on the host it lands on."""
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo', 'bootable': 'true'}])
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    images_before = dict(clients.image_client().images.read())
    cloud.action(server_id, {'shelve': None})
    view = cloud.wait(server_id, 'SHELVED_OFFLOADED', who=ADMIN)
    assert view['OS-EXT-SRV-ATTR:host'] is None
    assert clients.image_client().images.read() == images_before  # no snapshot image
    [attachment] = clients.volume_client().attachments.read().values()
    assert _volume(VOL)['status'] == 'in-use'
    assert server_id not in cloud.computes['node1'].driver.list_instance_uuids()
    cloud.action(server_id, {'unshelve': None})
    view = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert view['image'] == ''
    assert _guest(cloud, server_id)['/dev/vda']['serial'] == VOL
    [again] = clients.volume_client().attachments.read().values()
    assert again['id'] == attachment['id'] and again['status'] == 'attached'
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')


def test_attach_and_detach_while_shelved_offloaded(cloud, server):
    """As nova from 2.20 (Tempest's AttachVolumeShelveTestJSON): the volume
    is reserved and in-use with no host connection; the unshelve connects
    it on the host the server lands on.  A detach meanwhile just releases."""
    cloud.action(server, {'shelve': None})
    cloud.wait(server, 'SHELVED_OFFLOADED', who=DEMO)
    store = clients.volume_client()
    resp = _attach(cloud, server, version='2.19', status=409)
    assert 'shelved_offloaded' in resp['conflictingRequest']['message']
    resp = cloud.app.delete(_url(server, VOL), headers=headers(DEMO, '2.19'), status=409)
    answer = _attach(cloud, server, version='2.20')['volumeAttachment']
    assert answer['volumeId'] == VOL and answer['device'] == '/dev/vdb'
    volume = _volume(VOL)
    assert volume['status'] == 'in-use'
    [attachment] = store.attachments.read().values()
    assert (attachment['status'], attachment['connector']) == ('attached', None)
    _attach(cloud, server, VOL, version='2.20', status=400)  # attached already
    # A second one attached and detached while offloaded is simply released.
    assert _attach(cloud, server, VOL2, version='2.20')['volumeAttachment']['device'] == \
        '/dev/vdc'
    cloud.app.delete(_url(server, VOL2), headers=headers(DEMO, '2.20'), status=202)
    assert _volume(VOL2)['status'] == 'available'
    assert [a['volume_id'] for a in store.attachments.read().values()] == [VOL]
    cloud.app.delete(_url(server, OTHER), headers=headers(DEMO, '2.20'), status=404)
    listed = cloud.app.get(_url(server), headers=headers(DEMO, '2.20')).json
    assert [a['volumeId'] for a in listed['volumeAttachments']] == [VOL]

    cloud.action(server, {'unshelve': None})
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _guest(cloud, server)['/dev/vdb']['serial'] == VOL
    [attachment] = store.attachments.read().values()
    assert attachment['status'] == 'attached' and attachment['connector']['host'] == 'node1'
    volume = _volume(VOL)
    assert volume['status'] == 'in-use' and len(volume['attachments']) == 1
    shown = cloud.app.get(_url(server, VOL), headers=headers(DEMO)).json['volumeAttachment']
    assert shown['device'] == '/dev/vdb'
    # and it detaches as any hot-plugged volume
    cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert _guest(cloud, server) == {}


def test_a_failed_unshelve_keeps_the_volumes_for_the_next(cloud, server, monkeypatch):
    cloud.action(server, {'shelve': None})
    cloud.wait(server, 'SHELVED_OFFLOADED', who=DEMO)
    _attach(cloud, server, version='2.20')
    driver = cloud.computes['node1'].driver
    real_spawn = driver.spawn

    def failing_spawn(*args, **kwargs):
        raise RuntimeError('disk on fire')
    monkeypatch.setattr(driver, 'spawn', failing_spawn)
    cloud.action(server, {'unshelve': None})
    _wait_for(lambda: _unshelve_result(cloud, server) == 'Error')
    cloud.wait(server, 'SHELVED_OFFLOADED', who=DEMO)
    bdm = volume_mapping(cloud, server, VOL)
    assert bdm.connection_info is None and bdm.attachment_id
    assert _volume(VOL)['status'] in ('in-use', 'attaching')
    monkeypatch.setattr(driver, 'spawn', real_spawn)
    cloud.action(server, {'unshelve': None})
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert _guest(cloud, server)['/dev/vdb']['serial'] == VOL
    assert _volume(VOL)['status'] == 'in-use'


def _unshelve_result(cloud, server_id):
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers(ADMIN)).json['instanceActions']
    unshelve = [a for a in actions if a['action'] == 'unshelve']
    if not unshelve:
        return None
    events = cloud.app.get('/v2.1/servers/%s/os-instance-actions/%s' % (
        server_id, unshelve[0]['request_id']), headers=headers(ADMIN)).json[
        'instanceAction']['events']
    return {e['event']: e['result'] for e in events}.get('compute_unshelve_instance')


def volume_mapping(cloud, server_id, volume_id):
    return bdm_obj.BlockDeviceMapping.get_by_volume(cloud.env.admin_context(), server_id,
                                                    volume_id)


# -- rebuild with volumes attached (compute RPC 1.12) --------------------------------

def _record_host_connections(monkeypatch):
    """Every host connect/disconnect of a volume, in order (the real ones
    still run: os-brick's local connector)."""
    calls = []
    connect, disconnect = compute_volumes.connect, compute_volumes.disconnect

    def volume_of(info):
        # A first connection has no serial yet: the fake volume service's
        # file is named after the volume.
        path = (info.get('data') or {}).get('device_path') or ''
        return info.get('serial') or path.rpartition('volume-')[2] or None

    def recording_connect(info):
        calls.append(('connect', volume_of(info)))
        return connect(info)

    def recording_disconnect(info):
        calls.append(('disconnect', volume_of(info)))
        return disconnect(info)
    monkeypatch.setattr(compute_volumes, 'connect', recording_connect)
    monkeypatch.setattr(compute_volumes, 'disconnect', recording_disconnect)
    return calls


def test_rebuild_keeps_the_attached_volumes(cloud, server, monkeypatch):
    """As nova (Tempest's test_rebuild_server_with_volume_attached): the
    old guest goes with its volumes in it (no unplug one by one), they are
    disconnected and connected again on the host, and come back in the new
    guest at their devices; the attachments and the mappings stay."""
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    _attach(cloud, server, VOL2)
    _wait_for(lambda: _volume(VOL2)['status'] == 'in-use')
    store = clients.volume_client()
    attachments = dict(store.attachments.read())
    before = _guest(cloud, server)
    unplugged = []
    driver = cloud.computes['node1'].driver
    detach = driver.detach_volume
    monkeypatch.setattr(driver, 'detach_volume', lambda ctx, inst, info, dev: (
        unplugged.append(dev), detach(ctx, inst, info, dev)))
    calls = _record_host_connections(monkeypatch)

    resp = cloud.action(server, {'rebuild': {'imageRef': fixtures.IMAGE_ID,
                                             'name': 'rebuilt'}})
    assert resp.json['server']['id'] == server
    view = cloud.wait(server, 'ACTIVE', who=DEMO)
    assert view['name'] == 'rebuilt'
    assert unplugged == []
    assert sorted(calls) == [('connect', VOL), ('connect', VOL2),
                             ('disconnect', VOL), ('disconnect', VOL2)]
    assert [c[0] for c in calls if c[1] == VOL] == ['disconnect', 'connect']
    assert _guest(cloud, server) == before
    assert store.attachments.read() == attachments
    assert _volume(VOL)['status'] == _volume(VOL2)['status'] == 'in-use'
    listed = cloud.app.get(_url(server), headers=headers(DEMO)).json['volumeAttachments']
    assert sorted(a['volumeId'] for a in listed) == sorted([VOL, VOL2])
    # Still a normal attachment: the detach works after the rebuild.
    cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert list(_guest(cloud, server)) == ['/dev/vdc']


def test_a_stopped_server_is_rebuilt_with_its_volumes_and_stays_stopped(cloud, server):
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    cloud.action(server, {'os-stop': None})
    cloud.wait(server, 'SHUTOFF', who=DEMO)
    cloud.action(server, {'rebuild': {'imageRef': fixtures.IMAGE_ID}})
    cloud.wait(server, 'SHUTOFF', who=DEMO)
    assert list(_guest(cloud, server)) == ['/dev/vdb']


def test_rebuild_with_volumes_needs_compute_1_12(cloud, server):
    _attach(cloud, server)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    cfg.CONF.set_override('compute', '1.11', group='upgrade_levels')
    try:
        resp = cloud.action(server, {'rebuild': {'imageRef': fixtures.IMAGE_ID}},
                            status=409)
    finally:
        cfg.CONF.clear_override('compute', group='upgrade_levels')
    assert '1.12' in resp.json['conflictingRequest']['message']
    assert cloud.show(server, DEMO)['OS-EXT-STS:task_state'] is None


def test_rebuild_of_a_volume_backed_server(cloud):
    """Below 2.93 another image is a 400 (nova's); at 2.93 the root volume
    is reimaged (test_rebuild_volume_backed.py), but not by a compute host
    older than RPC 1.15: 409."""
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo', 'bootable': 'true'}])
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    url = '/v2.1/servers/%s/action' % server_id
    body = {'rebuild': {'imageRef': fixtures.IMAGE_ID}}
    resp = cloud.app.post_json(url, body, headers=headers(DEMO, '2.92'), status=400)
    assert 'different image for a volume-backed server' in \
        resp.json['badRequest']['message']
    cfg.CONF.set_override('compute', '1.14', group='upgrade_levels')
    try:
        resp = cloud.app.post_json(url, body, headers=headers(DEMO, '2.93'), status=409)
    finally:
        cfg.CONF.clear_override('compute', group='upgrade_levels')
    assert '1.15' in resp.json['conflictingRequest']['message']
    view = cloud.show(server_id, DEMO)
    assert view['status'] == 'ACTIVE' and view['OS-EXT-STS:task_state'] is None


# -- resize and cold migration with volumes (compute RPC 1.13) -----------------------

def _event_results(cloud, server_id, action):
    """``{event: result}`` of the server's latest instance action ``action``."""
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers(ADMIN)).json['instanceActions']
    found = [a for a in actions if a['action'] == action]
    if not found:
        return {}
    events = cloud.app.get('/v2.1/servers/%s/os-instance-actions/%s' % (
        server_id, found[0]['request_id']), headers=headers(ADMIN)).json[
        'instanceAction']['events']
    return {e['event']: e['result'] for e in events}


def _attached(cloud, server_id, *volume_ids):
    for volume_id in volume_ids:
        _attach(cloud, server_id, volume_id)
        _wait_for(lambda: _volume(volume_id)['status'] == 'in-use')


def _volumes_shown(cloud, server_id):
    return sorted(v['id'] for v in
                  cloud.show(server_id, DEMO)['os-extended-volumes:volumes_attached'])


def test_resize_with_volumes_on_one_host_then_revert(cloud, server, monkeypatch):
    """Tempest's test_resize_server_revert_with_volume_attached on the
    all-in-one stack: the source disconnects the volumes once the guest is
    off, the destination (the same host) connects them with its connector
    and the resized guest has them at their devices; the revert gives the
    guest its old flavor with the volumes still attached."""
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    _attached(cloud, server, VOL, VOL2)
    store = clients.volume_client()
    attachments = sorted(store.attachments.read())
    before = _guest(cloud, server)
    calls = _record_host_connections(monkeypatch)

    cloud.action(server, {'resize': {'flavorRef': 'm1.small'}})
    view = cloud.wait(server, 'VERIFY_RESIZE', who=DEMO)
    assert view['flavor']['original_name'] == 'm1.small'
    assert [c[0] for c in calls if c[1] == VOL] == ['disconnect', 'connect']
    assert [c[0] for c in calls if c[1] == VOL2] == ['disconnect', 'connect']
    assert _guest(cloud, server) == before  # the new guest: same devices, same volumes
    assert sorted(store.attachments.read()) == attachments
    assert {a['status'] for a in store.attachments.read().values()} == {'attached'}
    assert _volume(VOL)['status'] == _volume(VOL2)['status'] == 'in-use'
    assert _volumes_shown(cloud, server) == sorted([VOL, VOL2])

    del calls[:]
    cloud.action(server, {'revertResize': None})
    view = cloud.wait(server, 'ACTIVE', who=DEMO)
    assert view['flavor']['original_name'] == 'm1.nano'
    assert _volumes_shown(cloud, server) == sorted([VOL, VOL2])
    assert _guest(cloud, server) == before
    assert calls == []  # one host: the connections made for it stay
    assert sorted(store.attachments.read()) == attachments
    assert _volume(VOL)['status'] == 'in-use'
    # Still a normal attachment: the detach works after the resize.
    cloud.app.delete(_url(server, VOL), headers=headers(DEMO), status=202)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')
    assert list(_guest(cloud, server)) == ['/dev/vdc']


def test_migrate_with_a_volume_to_another_host_then_confirm(cloud, server, monkeypatch):
    cloud.add_compute('node2')
    _attached(cloud, server, VOL)
    store = clients.volume_client()
    [attachment] = store.attachments.read().values()
    assert attachment['connector']['host'] == 'node1'
    calls = _record_host_connections(monkeypatch)

    cloud.action(server, {'migrate': None}, who=ADMIN)
    view = cloud.wait(server, 'VERIFY_RESIZE', who=ADMIN)
    assert view['OS-EXT-SRV-ATTR:host'] == 'node2'
    assert calls == [('disconnect', VOL), ('connect', VOL)]
    assert _guest(cloud, server, 'node2')['/dev/vdb']['serial'] == VOL
    [moved] = store.attachments.read().values()
    assert moved['id'] == attachment['id'] and moved['connector']['host'] == 'node2'
    assert moved['status'] == 'attached' and _volume(VOL)['status'] == 'in-use'
    assert volume_mapping(cloud, server, VOL).connection_info['serial'] == VOL

    cloud.action(server, {'confirmResize': None}, status=204)
    cloud.wait(server, 'ACTIVE', who=DEMO)
    assert calls == [('disconnect', VOL), ('connect', VOL)]  # nothing more on the source
    with pytest.raises(exception.InstanceNotFound):
        _guest(cloud, server, 'node1')
    assert _guest(cloud, server, 'node2')['/dev/vdb']['serial'] == VOL
    assert _volumes_shown(cloud, server) == [VOL]


def test_migrate_with_a_volume_to_another_host_then_revert(cloud, server, monkeypatch):
    cloud.add_compute('node2')
    _attached(cloud, server, VOL)
    store = clients.volume_client()
    cloud.action(server, {'migrate': None}, who=ADMIN)
    cloud.wait(server, 'VERIFY_RESIZE', who=ADMIN)
    calls = _record_host_connections(monkeypatch)
    cloud.action(server, {'revertResize': None}, who=ADMIN)
    view = cloud.wait(server, 'ACTIVE', who=ADMIN)
    assert view['OS-EXT-SRV-ATTR:host'] == 'node1'
    # The destination let go of the volume, the source connected it again.
    assert calls == [('disconnect', VOL), ('connect', VOL)]
    with pytest.raises(exception.InstanceNotFound):
        _guest(cloud, server, 'node2')
    assert _guest(cloud, server)['/dev/vdb']['serial'] == VOL
    [attachment] = store.attachments.read().values()
    assert attachment['connector']['host'] == 'node1' and attachment['status'] == 'attached'
    assert _volume(VOL)['status'] == 'in-use' and _volumes_shown(cloud, server) == [VOL]


def test_resize_of_a_volume_backed_server_then_confirm(cloud):
    """Tempest's test_resize_volume_backed_server_confirm: the root volume
    is the guest's root disk after the resize too; the flavor's disk does
    not apply (a smaller one is accepted, as nova's)."""
    cloud.flavor(name='m1.disk', ram=64, vcpus=1, disk=1)
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo', 'bootable': 'true'}])
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}],
                     flavorRef='m1.disk')['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.small'}})
    cloud.wait(server_id, 'VERIFY_RESIZE', who=DEMO)
    assert _guest(cloud, server_id)['/dev/vda']['serial'] == VOL
    cloud.action(server_id, {'confirmResize': None}, status=204)
    view = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert view['flavor']['original_name'] == 'm1.small'
    assert _guest(cloud, server_id)['/dev/vda']['serial'] == VOL
    assert _volume(VOL)['status'] == 'in-use' and _volumes_shown(cloud, server_id) == [VOL]
    output = cloud.action(server_id, {'os-getConsoleOutput': {}}, status=200).json['output']
    assert output


def test_a_volume_backed_server_keeps_its_kernel_after_a_resize(cloud):
    """The moved guest boots as before: the image properties of its root
    volume (a direct-boot kernel here) from the server's system metadata,
    the kernel fetched into the destination's cache."""
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), images=[
        {'id': KERNEL, 'name': 'kernel', 'status': 'active', 'visibility': 'public',
         'disk_format': 'aki', 'properties': {}}], volumes=[
        {'id': VOL, 'name': 'boot', 'size': 1, 'project_id': 'demo',
         'volume_image_metadata': {'image_id': fixtures.IMAGE_ID, 'kernel_id': KERNEL}}])
    server_id = _bfv(cloud, [{'source_type': 'volume', 'destination_type': 'volume',
                              'uuid': VOL, 'boot_index': 0}])['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.small'}})
    cloud.wait(server_id, 'VERIFY_RESIZE', who=DEMO)
    guest = cloud.computes['node1'].driver._guests[server_id]
    [kernel] = guest['files']
    assert kernel.endswith(KERNEL) and guest['flavor']['name'] == 'm1.small'


def test_a_resize_that_fails_on_the_source_keeps_the_volumes(cloud, server, monkeypatch):
    """The move fails after the guest was powered off: it runs again, on
    its volumes, still connected here; the server is ACTIVE, the action's
    event an error."""
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    _attached(cloud, server, VOL)
    driver = cloud.computes['node1'].driver
    powered = []
    power_on = driver.power_on
    monkeypatch.setattr(driver, 'power_on', lambda ctx, inst: (
        powered.append(inst.uuid), power_on(ctx, inst)))

    def failing_move(*args, **kwargs):
        raise exception.ComputeError('disk full')
    monkeypatch.setattr(driver, 'migrate_disk_and_power_off', failing_move)
    calls = _record_host_connections(monkeypatch)
    cloud.action(server, {'resize': {'flavorRef': 'm1.small'}})
    _wait_for(lambda: _event_results(cloud, server, 'resize').get(
        'compute_resize_instance') == 'Error')
    view = cloud.wait(server, 'ACTIVE', who=DEMO)
    assert view['flavor']['original_name'] == 'm1.nano'
    assert powered == [server]
    instance = inst_obj.Instance(cloud.env.admin_context(), uuid=server)
    assert driver.get_power_state(instance) == inst_obj.RUNNING
    assert calls == []
    assert volume_mapping(cloud, server, VOL).connection_info['serial'] == VOL
    assert _guest(cloud, server)['/dev/vdb']['serial'] == VOL
    assert _volume(VOL)['status'] == 'in-use'


def test_a_resize_that_fails_on_the_destination_is_an_error(cloud, server, monkeypatch):
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    _attached(cloud, server, VOL)
    driver = cloud.computes['node1'].driver

    def failing_finish(*args, **kwargs):
        raise exception.ComputeError('no room')
    monkeypatch.setattr(driver, 'finish_migration', failing_finish)
    calls = _record_host_connections(monkeypatch)
    cloud.action(server, {'resize': {'flavorRef': 'm1.small'}})
    view = cloud.wait(server, 'ERROR', who=ADMIN)
    assert 'Finishing the resize failed: no room' in view['fault']['message']
    # Connected for the new guest, which never started: disconnected again.
    assert calls == [('disconnect', VOL), ('connect', VOL), ('disconnect', VOL)]
    bdm = volume_mapping(cloud, server, VOL)
    assert bdm.connection_info is None and bdm.attachment_id
    assert _volumes_shown(cloud, server) == [VOL]
    cloud.app.delete('/v2.1/servers/%s' % server, headers=headers(DEMO), status=204)
    _wait_for(lambda: _volume(VOL)['status'] == 'available')


def test_a_revert_that_fails_on_the_source_is_an_error(cloud, server, monkeypatch):
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    _attached(cloud, server, VOL)
    cloud.action(server, {'resize': {'flavorRef': 'm1.small'}})
    cloud.wait(server, 'VERIFY_RESIZE', who=DEMO)
    driver = cloud.computes['node1'].driver

    def failing_revert(*args, **kwargs):
        raise exception.ComputeError('kept files gone')
    monkeypatch.setattr(driver, 'finish_revert_migration', failing_revert)
    cloud.action(server, {'revertResize': None})
    view = cloud.wait(server, 'ERROR', who=ADMIN)
    assert 'Reverting the resize failed: kept files gone' in view['fault']['message']
    assert _volumes_shown(cloud, server) == [VOL]


def test_resize_and_migrate_with_volumes_need_compute_1_13(cloud, server):
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    _attached(cloud, server, VOL)
    cfg.CONF.set_override('compute', '1.12', group='upgrade_levels')
    try:
        for body, who in (({'resize': {'flavorRef': 'm1.small'}}, DEMO),
                          ({'migrate': None}, ADMIN)):
            resp = cloud.action(server, body, status=409, who=who)
            assert '1.13' in resp.json['conflictingRequest']['message'], body
    finally:
        cfg.CONF.clear_override('compute', group='upgrade_levels')
    assert cloud.show(server, DEMO)['OS-EXT-STS:task_state'] is None
