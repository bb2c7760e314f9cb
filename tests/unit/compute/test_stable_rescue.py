"""Stable device rescue (2.87 for volume-backed servers) and boot from a
volume snapshot, in-process through API, conductor and compute managers
with the fake driver and the fake image and volume clients."""

import pytest

from services.compute import clients
from services.compute.clients import fake as fake_clients
from services.compute.objects import block_device as bdm_obj
from services.compute.objects import instance as inst_obj
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import DEMO, headers
from tests.unit.compute.test_volume_attachments import (VOL, _attach, _bfv, _volume,
                                                       _wait_for, boot_from_volume, volume_cloud)

STABLE = '7d2c1f0e-5a3b-4c4d-8e9f-000000000001'
PLAIN = '7d2c1f0e-5a3b-4c4d-8e9f-000000000002'
BAD = '7d2c1f0e-5a3b-4c4d-8e9f-000000000003'
KERNEL = '7d2c1f0e-5a3b-4c4d-8e9f-000000000004'
WITH_KERNEL = '7d2c1f0e-5a3b-4c4d-8e9f-000000000005'


@pytest.fixture
def cloud(env, app, monkeypatch):
    c = volume_cloud(env, app, monkeypatch, [
        {'id': VOL, 'name': 'data', 'size': 1, 'project_id': 'demo'}])
    yield c
    c.settle()


def _image(image_id, **properties):
    return {'id': image_id, 'name': image_id[-4:], 'status': 'active', 'visibility': 'public',
            'disk_format': 'qcow2', 'properties': properties}


@pytest.fixture
def images(cloud):
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), images=[
        _image(STABLE, hw_rescue_device='disk', hw_rescue_bus='virtio'),
        _image(PLAIN),
        _image(BAD, hw_rescue_bus='pata'),
        dict(_image(KERNEL), disk_format='aki'),
        _image(WITH_KERNEL, hw_rescue_bus='usb', kernel_id=KERNEL)])


def _rescue(cloud, server_id, image=None, version='2.87', status=200):
    body = {'rescue': {'rescue_image_ref': image} if image else {}}
    return cloud.app.post_json('/v2.1/servers/%s/action' % server_id, body,
                               headers=headers(DEMO, version), status=status,
                               expect_errors=status >= 400).json


def _unrescue(cloud, server_id):
    cloud.action(server_id, {'unrescue': None})
    cloud.wait(server_id, 'ACTIVE', who=DEMO)


def _layout(cloud, server_id):
    instance = inst_obj.Instance(cloud.env.admin_context(), uuid=server_id)
    return cloud.computes['node1'].driver.rescue_layout(instance)


def _boot(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE', who=DEMO)
    return server_id


def test_stable_rescue_keeps_the_attached_volume_and_unrescue_ends_it(cloud, images):
    server_id = _boot(cloud)
    _attach(cloud, server_id)
    _wait_for(lambda: _volume(VOL)['status'] == 'in-use')
    # Any microversion rescues an image-backed server this way.
    assert _rescue(cloud, server_id, STABLE, version='2.1')['adminPass']
    cloud.wait(server_id, 'RESCUE', who=DEMO)
    layout = _layout(cloud, server_id)
    assert layout['image_path'].endswith(STABLE)
    assert {k: layout[k] for k in ('mode', 'device', 'bus', 'kept', 'kernel_path')} == {
        'mode': 'stable', 'device': 'disk', 'bus': 'virtio', 'kept': ['/dev/vdb'],
        'kernel_path': None}
    assert _volume(VOL)['status'] == 'in-use'
    _unrescue(cloud, server_id)
    assert _layout(cloud, server_id) is None
    assert _volume(VOL)['status'] == 'in-use'


def test_an_image_without_the_properties_rescues_the_legacy_way(cloud, images):
    server_id = _boot(cloud)
    _rescue(cloud, server_id, PLAIN)
    cloud.wait(server_id, 'RESCUE', who=DEMO)
    assert _layout(cloud, server_id)['mode'] == 'legacy'
    _unrescue(cloud, server_id)
    # The server's own image without a rescue_image_ref.
    _rescue(cloud, server_id)
    cloud.wait(server_id, 'RESCUE', who=DEMO)
    assert _layout(cloud, server_id)['image_path'].endswith(fixtures.IMAGE_ID)


def test_a_stable_rescue_image_boots_its_own_kernel(cloud, images):
    server_id = _boot(cloud)
    _rescue(cloud, server_id, WITH_KERNEL)
    cloud.wait(server_id, 'RESCUE', who=DEMO)
    layout = _layout(cloud, server_id)
    assert (layout['bus'], layout['kernel_path'].endswith(KERNEL)) == ('usb', True)


def test_rescue_properties_no_guest_takes_are_400(cloud, images):
    server_id = _boot(cloud)
    resp = _rescue(cloud, server_id, BAD, status=400)
    assert 'hw_rescue_bus' in resp['badRequest']['message']
    assert cloud.show(server_id, DEMO)['status'] == 'ACTIVE'


VOLUME_BACKED = 'Cannot rescue a volume-backed instance'


def test_volume_backed_rescue_by_microversion(cloud, images):
    server_id = boot_from_volume(cloud)
    for version, image in (('2.86', STABLE), ('2.87', None), ('2.87', PLAIN),
                           ('2.1', STABLE)):
        resp = _rescue(cloud, server_id, image, version=version, status=400)
        assert VOLUME_BACKED in resp['badRequest']['message'], (version, image)
    assert cloud.show(server_id, DEMO)['status'] == 'ACTIVE'
    assert _rescue(cloud, server_id, STABLE)['adminPass']
    cloud.wait(server_id, 'RESCUE', who=DEMO)
    layout = _layout(cloud, server_id)
    assert (layout['mode'], layout['kept']) == ('stable', ['/dev/vda'])
    assert _volume(VOL)['status'] == 'in-use'
    _unrescue(cloud, server_id)
    assert _volume(VOL)['status'] == 'in-use'


def test_a_volume_made_of_an_image_rescues_from_that_image(cloud, images):
    """As nova: without rescue_image_ref, a volume-backed server's image is
    the one its root volume was made of -- when that one asks for a stable
    device rescue."""
    servers = {}
    for image in (STABLE, PLAIN):
        servers[image] = _bfv(cloud, [{'source_type': 'image', 'destination_type': 'volume',
                                       'uuid': image, 'boot_index': 0, 'volume_size': 1}],
                              name=image[-4:])['server']['id']
        cloud.wait(servers[image], 'ACTIVE', who=DEMO)
    resp = _rescue(cloud, servers[PLAIN], status=400)
    assert VOLUME_BACKED in resp['badRequest']['message']
    _rescue(cloud, servers[STABLE])
    cloud.wait(servers[STABLE], 'RESCUE', who=DEMO)
    layout = _layout(cloud, servers[STABLE])
    assert layout['mode'] == 'stable' and layout['image_path'].endswith(STABLE)


def test_a_driver_failure_puts_the_server_in_error(cloud, images, monkeypatch):
    server_id = _boot(cloud)

    def refuse(*args, **kwargs):
        raise RuntimeError('no such bus here')
    monkeypatch.setattr(cloud.computes['node1'].driver, 'rescue', refuse)
    _rescue(cloud, server_id, STABLE)
    view = cloud.wait(server_id, 'ERROR', who=DEMO)
    assert 'Rescue failed' in view['fault']['message']


# -- boot from a volume snapshot --------------------------------------------------------------
def _snapshot(cloud, volume_id=VOL, size=2, **image_metadata):
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), volumes=[
        {'id': volume_id, 'name': 'source', 'size': size, 'project_id': 'demo',
         'volume_image_metadata': image_metadata}])
    return clients.volume_client().snapshot_create(cloud.env.admin_context(), volume_id)['id']


def test_boot_from_a_volume_made_of_a_snapshot(cloud):
    snapshot_id = _snapshot(cloud, image_id=fixtures.IMAGE_ID, hw_qemu_guest_agent='yes')
    server_id = _bfv(cloud, [{'source_type': 'snapshot', 'destination_type': 'volume',
                              'uuid': snapshot_id, 'boot_index': 0,
                              'delete_on_termination': True}])['server']['id']
    view = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert view['image'] == ''
    [made] = view['os-extended-volumes:volumes_attached']
    volume = _volume(made['id'])
    assert (volume['snapshot_id'], volume['size'], volume['status']) == \
        (snapshot_id, 2, 'in-use')
    assert volume['volume_image_metadata']['hw_qemu_guest_agent'] == 'yes'
    [bdm] = bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(cloud.env.admin_context(),
                                                                 server_id)
    assert (bdm.source_type, bdm.snapshot_id, bdm.volume_id) == \
        ('snapshot', snapshot_id, made['id'])
    # The snapshot's volume's image properties are the server's.
    instance = inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)
    assert instance.system_metadata['image_hw_qemu_guest_agent'] == 'yes'
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    _wait_for(lambda: made['id'] not in clients.volume_client().volumes.read())


def test_a_snapshot_volume_may_be_larger(cloud):
    snapshot_id = _snapshot(cloud, size=1)
    server_id = _bfv(cloud, [{'source_type': 'snapshot', 'destination_type': 'volume',
                              'uuid': snapshot_id, 'boot_index': 0,
                              'volume_size': 3}])['server']['id']
    view = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert _volume(view['os-extended-volumes:volumes_attached'][0]['id'])['size'] == 3


def test_bad_snapshot_mappings_are_400(cloud):
    snapshot_id = _snapshot(cloud, size=2)
    for mapping, words in (
            ({'uuid': '7d2c1f0e-5a3b-4c4d-8e9f-0000000000ff'}, 'failed to get snapshot'),
            ({}, 'uuid is required'),
            ({'uuid': snapshot_id, 'volume_size': 1}, 'smaller than snapshot')):
        entry = dict({'source_type': 'snapshot', 'destination_type': 'volume',
                      'boot_index': 0}, **mapping)
        resp = _bfv(cloud, [entry], status=400)
        assert words in resp['badRequest']['message'], mapping
    clients.volume_client().snapshots.update(
        lambda data: data[snapshot_id].update(status='creating'))
    resp = _bfv(cloud, [{'source_type': 'snapshot', 'destination_type': 'volume',
                         'uuid': snapshot_id, 'boot_index': 0}], status=400)
    assert 'Invalid snapshot' in resp['badRequest']['message']
    assert cloud.app.get('/v2.1/servers', headers=headers(DEMO)).json['servers'] == []
