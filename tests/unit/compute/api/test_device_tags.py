"""Device tags given at boot (``networks[].tag``, ``block_device_mapping_v2[].tag``;
2.32, then 2.42 on, as nova) are kept and shown where nova shows them:
os-interface and os-volume_attachments from 2.70, and the tagged devices of
meta_data.json (metadata service and config drive) from its 2016-06-30
version."""

import json
import time

import pytest

from services.compute.api.controllers import servers
from services.compute.metadata import content
from services.compute.metadata import handler
from services.compute.objects import instance as inst_obj
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import DEMO, headers
from tests.unit.compute.test_volume_attachments import volume_cloud

VOL = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a01'


@pytest.fixture
def cloud(env, app, monkeypatch):
    c = volume_cloud(env, app, monkeypatch, [
        {'id': VOL, 'name': 'data', 'size': 1, 'project_id': 'demo'}])
    yield c
    c.settle()


def _create(cloud, version, network_tag=None, bdm_tag=None, status=202):
    network = {'uuid': fixtures.NETWORK_ID}
    if network_tag:
        network['tag'] = network_tag
    server = {'name': 'tagged', 'flavorRef': 'm1.nano', 'imageRef': fixtures.IMAGE_ID,
              'networks': [network]}
    if bdm_tag:
        server['block_device_mapping_v2'] = [
            {'source_type': 'image', 'destination_type': 'local', 'boot_index': 0,
             'uuid': fixtures.IMAGE_ID},
            {'source_type': 'volume', 'destination_type': 'volume', 'uuid': VOL,
             'tag': bdm_tag}]
    return cloud.app.post_json('/v2.1/servers', {'server': server},
                               headers=headers(DEMO, version), status=status,
                               expect_errors=status >= 400).json


@pytest.mark.parametrize('version,network_ok,bdm_ok', [
    ('2.31', False, False), ('2.32', True, True), ('2.33', True, False),
    ('2.36', True, False), ('2.37', False, False), ('2.41', False, False),
    ('2.42', True, True), ('2.100', True, True)])
def test_which_versions_take_tags(cloud, version, network_ok, bdm_ok):
    class Req:
        def at_least(self, minor, _v=int(version.split('.')[1])):
            return _v >= minor
    req = Req()
    assert servers.device_tags_allowed(req, 'network') is network_ok
    assert servers.device_tags_allowed(req, 'bdm') is bdm_ok
    if not network_ok:
        fault = _create(cloud, version, network_tag='n', status=400)
        assert "'tag' was unexpected" in fault['badRequest']['message']


def test_bdm_tag_refused_at_2_33(cloud):
    fault = _create(cloud, '2.33', bdm_tag='disk1', status=400)
    assert "'tag' was unexpected" in fault['badRequest']['message']


def test_boot_tags_are_shown_and_in_the_metadata(cloud):
    server_id = _create(cloud, '2.42', network_tag='nic1', bdm_tag='disk1')['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    base = '/v2.1/servers/%s/' % server_id

    def get(path, version):
        return cloud.app.get(base + path, headers=headers(DEMO, version)).json
    nics = get('os-interface', '2.70')['interfaceAttachments']
    assert [n['tag'] for n in nics] == ['nic1']
    assert 'tag' not in get('os-interface', '2.69')['interfaceAttachments'][0]
    port_id = nics[0]['port_id']
    assert get('os-interface/' + port_id, '2.70')['interfaceAttachment']['tag'] == 'nic1'
    volumes = get('os-volume_attachments', '2.70')['volumeAttachments']
    assert [(v['volumeId'], v['tag']) for v in volumes] == [(VOL, 'disk1')]
    assert 'tag' not in get('os-volume_attachments', '2.69')['volumeAttachments'][0]

    # The metadata service reads the server and its mappings from the conductor.
    app = handler.MetadataApp()
    metadata = app._metadata(server_id)
    latest = json.loads(metadata.lookup('openstack/latest/meta_data.json'))
    assert latest['devices'] == [
        {'type': 'nic', 'bus': 'pci', 'mac': nics[0]['mac_addr'], 'tags': ['nic1']},
        {'type': 'disk', 'bus': 'pci', 'serial': VOL, 'path': volumes[0]['device'],
         'tags': ['disk1']}]
    assert json.loads(metadata.lookup('openstack/2016-06-30/meta_data.json'))['devices'] \
        == latest['devices']
    assert 'devices' not in json.loads(metadata.lookup('openstack/2015-10-15/meta_data.json'))

    # A detached port's tag goes with it.
    cloud.app.delete(base + 'os-interface/' + port_id, headers=headers(DEMO), status=202)
    deadline = time.time() + 10
    while _instance(cloud, server_id).network_info and time.time() < deadline:
        time.sleep(0.05)
    instance = _instance(cloud, server_id)
    assert instance.network_info == []
    assert inst_obj.VIF_TAG_PREFIX + port_id not in instance.system_metadata
    latest = json.loads(handler.MetadataApp()._metadata(server_id).lookup(
        'openstack/latest/meta_data.json'))
    assert [d['type'] for d in latest['devices']] == ['disk']


def _instance(cloud, server_id):
    return inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)


def test_untagged_devices_are_not_listed(cloud):
    server_id = _create(cloud, '2.42')['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    instance = inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)
    assert not any(k.startswith(inst_obj.VIF_TAG_PREFIX) for k in instance.system_metadata)
    meta = json.loads(handler.MetadataApp()._metadata(server_id).lookup(
        'openstack/latest/meta_data.json'))
    assert meta['devices'] == []


def test_config_drive_devices_from_block_device_info():
    # What the libvirt driver writes: the boot-time mappings it was given.
    instance = type('I', (), {'uuid': 'u', 'system_metadata': {'vif_tag_p1': 'a'},
                              'network_info': []})()
    vifs = [{'port_id': 'p1', 'mac_address': 'fa:16:3e:00:00:01'},
            {'port_id': 'p2', 'mac_address': 'fa:16:3e:00:00:02'}]
    info = [{'volume_id': 'v1', 'device_name': '/dev/vdb', 'tag': 'b', 'boot_index': None},
            {'volume_id': 'v2', 'device_name': '/dev/vdc', 'tag': None, 'boot_index': None}]
    md = content.InstanceMetadata(instance, vifs,
                                  devices=content.tagged_devices(instance, vifs, info))
    files = md.config_drive_files()
    devices = json.loads(files['openstack/latest/meta_data.json'])['devices']
    assert devices == [
        {'type': 'nic', 'bus': 'pci', 'mac': 'fa:16:3e:00:00:01', 'tags': ['a']},
        {'type': 'disk', 'bus': 'pci', 'serial': 'v1', 'path': '/dev/vdb', 'tags': ['b']}]
    assert 'devices' not in json.loads(files['openstack/2013-10-17/meta_data.json'])
