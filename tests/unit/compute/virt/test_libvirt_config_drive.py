"""The config drive of a libvirt guest: built at spawn when the server asks
for one (or [DEFAULT] force_config_drive), attached read-only, removed with
the guest."""

import json
import shutil
import subprocess
import types
import xml.etree.ElementTree as ET

import pytest

from services.compute.metadata import configdrive
from services.compute.virt.libvirt import domain
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIConfigDriveTestKey e2e'


@pytest.fixture
def made(monkeypatch):
    """Records make_iso calls instead of running genisoimage."""
    calls = []

    def fake_make_iso(files, target):
        calls.append((dict(files), target))
        with open(target, 'wb') as f:
            f.write(b'CD001')

    monkeypatch.setattr(configdrive, 'make_iso', fake_make_iso)
    return calls


def server(uuid, config_drive='True'):
    return types.SimpleNamespace(uuid=uuid, display_name='vm1', hostname='vm1', id=3,
                                 project_id='p1', key_name='k', key_data=KEY,
                                 user_data=None, metadata={}, config_drive=config_drive)


def _spawn(drv, instance, base_image, network_info=()):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), list(network_info),
              FLAVOR)
    return ET.fromstring(drv.conn.lookupByName('alto-test-' + instance.uuid).XMLDesc())


def test_config_drive_is_an_ide_cdrom(drv, instance, base_image, tmp_path, made):
    vif = {'port_id': 'port-1', 'network_id': 'n1', 'mac_address': 'fa:16:3e:00:00:01',
           'fixed_ips': [{'ip_address': '10.0.0.4', 'version': 4}]}
    root = _spawn(drv, server(instance.uuid), base_image, [vif])
    path = tmp_path / 'instances' / instance.uuid / 'disk.config'
    cdrom = root.find("devices/disk[@device='cdrom']")
    assert cdrom.find('source').get('file') == str(path)
    assert cdrom.find('target').get('bus') == 'ide'
    assert cdrom.find('target').get('dev') == 'hda'
    assert cdrom.find('readonly') is not None
    assert cdrom.find('driver').get('type') == 'raw'
    assert path.exists()
    files, target = made[0]
    assert target == str(path)
    meta = json.loads(files['openstack/latest/meta_data.json'])
    assert meta['uuid'] == instance.uuid and meta['public_keys'] == {'k': KEY}
    assert json.loads(files['openstack/latest/network_data.json'])['links'][0][
        'ethernet_mac_address'] == 'fa:16:3e:00:00:01'
    drv.destroy(None, server(instance.uuid), [])
    assert not path.exists()


def test_no_config_drive_unless_asked(drv, instance, base_image, made, conf):
    root = _spawn(drv, server(instance.uuid, config_drive=''), base_image)
    assert root.find("devices/disk[@device='cdrom']") is None and made == []
    conf.config(force_config_drive=True)
    other = server(instance.uuid.replace(instance.uuid[:8], 'ffffffff'), config_drive='')
    root = _spawn(drv, other, base_image)
    assert root.find("devices/disk[@device='cdrom']") is not None


def test_config_drive_target_by_machine_and_bus():
    spec = domain.GuestSpec(name='x', uuid='u', memory_mb=128, vcpus=1,
                            disks=[domain.Disk('/d')])
    assert domain.config_drive_target(spec) == ('ide', 'cdrom', 'hda')
    spec.disk_bus = 'ide'
    assert domain.config_drive_target(spec) == ('ide', 'cdrom', 'hdb')
    spec.machine, spec.disk_bus = 'q35', 'virtio'
    assert domain.config_drive_target(spec) == ('virtio', 'disk', 'vdb')
    spec.machine = 'pc-q35-7.2'
    assert domain.config_drive_target(spec)[0] == 'virtio'


def test_required(conf):
    assert configdrive.required(types.SimpleNamespace(config_drive='True'))
    assert not configdrive.required(types.SimpleNamespace(config_drive=''))
    assert not configdrive.required(types.SimpleNamespace())
    conf.config(force_config_drive=True)
    assert configdrive.required(types.SimpleNamespace(config_drive=''))


@pytest.mark.skipif(not (shutil.which('genisoimage') or shutil.which('mkisofs'))
                    or not shutil.which('isoinfo'), reason='needs genisoimage and isoinfo')
def test_make_iso_writes_a_config_2_volume(conf, tmp_path):
    target = tmp_path / 'disk.config'
    configdrive.make_iso({'openstack/latest/meta_data.json': b'{"uuid": "u"}',
                          'openstack/latest/user_data': b'#!/bin/sh\n'}, str(target))
    info = subprocess.run(['isoinfo', '-d', '-i', str(target)], capture_output=True,
                          text=True, check=True).stdout
    assert 'Volume id: config-2' in info
    body = subprocess.run(['isoinfo', '-R', '-x', '/openstack/latest/meta_data.json', '-i',
                           str(target)], capture_output=True, check=True).stdout
    assert body == b'{"uuid": "u"}'


def test_paths_cannot_escape_the_drive(tmp_path):
    from services.compute import exception
    with pytest.raises(exception.ComputeError):
        configdrive.write_tree({'../x': b''}, str(tmp_path / 'root'))


def test_config_drive_lists_the_ports_tagged_at_boot(drv, instance, base_image, made):
    vifs = [{'port_id': 'port-%d' % i, 'network_id': 'n1',
             'mac_address': 'fa:16:3e:00:00:0%d' % i, 'fixed_ips': []} for i in (1, 2)]
    tagged = server(instance.uuid)
    tagged.system_metadata = {'vif_tag_port-2': 'backend'}
    _spawn(drv, tagged, base_image, vifs)
    files = made[0][0]
    assert json.loads(files['openstack/latest/meta_data.json'])['devices'] == [
        {'type': 'nic', 'bus': 'pci', 'mac': 'fa:16:3e:00:00:02', 'tags': ['backend']}]
    assert 'devices' not in json.loads(files['openstack/2015-10-15/meta_data.json'])
    drv.destroy(None, tagged, [])
