"""Block volumes in the libvirt driver: the disk XML, hot-plug and unplug,
and a guest that boots from a volume."""

import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt.libvirt import domain
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

VOLUME = '5b2d4a0e-3a48-4d5e-9a0b-6c1f1f0f0a01'


def _info(path, volume_id=VOLUME):
    return {'driver_volume_type': 'local', 'serial': volume_id,
            'data': {'device_path': str(path), 'format': 'raw'}}


def _disks(dom):
    return {d.find('target').get('dev'): d for d in
            ET.fromstring(dom.XMLDesc(0)).findall('./devices/disk')}


def test_volume_disk_xml_is_an_uncached_raw_virtio_disk_with_the_volume_serial():
    el = ET.fromstring(domain.volume_disk_xml('/srv/volumes/volume-1', 'raw', 'vdb', VOLUME))
    assert (el.tag, el.get('type'), el.get('device')) == ('disk', 'file', 'disk')
    assert el.find('driver').attrib == {'name': 'qemu', 'type': 'raw', 'cache': 'none'}
    assert el.find('source').attrib == {'file': '/srv/volumes/volume-1'}
    assert el.find('target').attrib == {'dev': 'vdb', 'bus': 'virtio'}
    assert el.findtext('serial') == VOLUME


def test_a_block_device_path_is_a_block_disk():
    el = ET.fromstring(domain.volume_disk_xml('/dev/loop3', 'raw', 'vdc', VOLUME))
    assert el.get('type') == 'block' and el.find('source').attrib == {'dev': '/dev/loop3'}


def test_attach_hot_plugs_live_and_persistent_then_detach(drv, conn, instance, base_image,
                                                          tmp_path):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    volume = tmp_path / 'volume-1'
    volume.write_bytes(b'\0' * 1024)
    drv.attach_volume(None, instance, _info(volume), '/dev/vdb')
    disk = _disks(dom)['vdb']
    assert disk.find('source').get('file') == str(volume)
    assert disk.findtext('serial') == VOLUME
    assert dom.calls[-1] == 'attachDevice'
    with pytest.raises(exception.DevicePathInUse):
        drv.attach_volume(None, instance, _info(volume), '/dev/vdb')
    drv.detach_volume(None, instance, _info(volume), '/dev/vdb')
    assert 'vdb' not in _disks(dom)
    # Gone already: not an error.
    drv.detach_volume(None, instance, _info(volume), '/dev/vdb')


def test_attach_to_a_stopped_guest_changes_its_definition_only(drv, conn, instance,
                                                               base_image, tmp_path):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    drv.power_off(instance)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    drv.attach_volume(None, instance, _info(tmp_path / 'v'), '/dev/vdc')
    assert 'vdc' in _disks(dom)  # the fake refuses LIVE on a stopped domain


def test_boot_from_volume_uses_the_volume_as_root_disk(drv, conn, instance, base_image,
                                                       tmp_path, qemu_img):
    root = tmp_path / 'root-volume'
    data = tmp_path / 'data-volume'
    # Mapping names come after the guest's own disks (root vda, swap vdb).
    devices = [{'connection_info': _info(data, 'data-id'), 'device_name': '/dev/vdc',
                'boot_index': None, 'volume_id': 'data-id'},
               {'connection_info': _info(root, 'root-id'), 'device_name': '/dev/vda',
                'boot_index': 0, 'volume_id': 'root-id'}]
    image = kernel_image(base_image)
    drv.spawn(None, instance, image, None, [], dict(FLAVOR, swap=64),
              block_device_info=devices)
    disks = _disks(conn.lookupByName('alto-test-' + instance.uuid))
    assert disks['vda'].find('source').get('file') == str(root)
    assert disks['vda'].findtext('serial') == 'root-id'
    assert disks['vda'].find('driver').get('type') == 'raw'
    assert disks['vdc'].findtext('serial') == 'data-id'
    assert disks['vdb'].find('source').get('file').endswith('disk.swap')
    assert not [m for m in qemu_img.made() if m[0] == 'overlay']  # no image disk made


def test_spawn_without_image_or_root_volume_is_refused(drv, instance):
    with pytest.raises(exception.DriverNotSupported):
        drv.spawn(None, instance, {'id': 'x'}, None, [], FLAVOR, block_device_info=[])


def test_detach_asks_again_when_a_booting_guest_missed_the_first_request(
        drv, conn, instance, base_image, tmp_path, monkeypatch):
    from services.compute.virt.libvirt import unplug as unplug_mod
    monkeypatch.setattr(unplug_mod, 'POLL', 0.01)
    unplug_mod.CONF.set_override('device_detach_timeout', 1, 'libvirt')
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    drv.attach_volume(None, instance, _info(tmp_path / 'v'), '/dev/vdb')
    unplug = type(dom).detachDeviceFlags
    requests = []

    # The fake keeps one definition for both the live and the persistent
    # domain: only a live request changes it here.
    def guest_listens_from_the_second_live_request(self, xml, flags):
        if not flags & 1:  # not VIR_DOMAIN_AFFECT_LIVE
            return 0
        requests.append(flags)
        if len(requests) == 1:
            return 0  # accepted by QEMU, never acknowledged by the guest
        return unplug(self, xml, flags)

    monkeypatch.setattr(type(dom), 'detachDeviceFlags',
                        guest_listens_from_the_second_live_request)
    try:
        drv.detach_volume(None, instance, _info(tmp_path / 'v'), '/dev/vdb')
    finally:
        unplug_mod.CONF.clear_override('device_detach_timeout', 'libvirt')
    assert 'vdb' not in _disks(dom) and len(requests) == 2


def test_detach_fails_when_the_guest_never_lets_go(drv, conn, instance, base_image, tmp_path,
                                                   monkeypatch):
    from services.compute.virt.libvirt import unplug as unplug_mod
    monkeypatch.setattr(unplug_mod, 'POLL', 0.01)
    unplug_mod.CONF.set_override('device_detach_timeout', 1, 'libvirt')
    unplug_mod.CONF.set_override('device_detach_attempts', 2, 'libvirt')
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    drv.attach_volume(None, instance, _info(tmp_path / 'v'), '/dev/vdb')
    monkeypatch.setattr(type(dom), 'detachDeviceFlags', lambda self, xml, flags: 0)
    try:
        with pytest.raises(exception.VolumeDetachFailed):
            drv.detach_volume(None, instance, _info(tmp_path / 'v'), '/dev/vdb')
    finally:
        unplug_mod.CONF.clear_override('device_detach_timeout', 'libvirt')
        unplug_mod.CONF.clear_override('device_detach_attempts', 'libvirt')
    assert 'vdb' in _disks(dom)
