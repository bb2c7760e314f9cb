"""Multiattach volumes in the libvirt driver: a volume whose connection
says ``multiattach`` is a ``<shareable/>`` uncached disk in every guest
that has it (hot-plugged, booted from, re-pointed after a move), so QEMU
takes no exclusive lock on it; other volumes are not shareable."""

import types
import uuid
import xml.etree.ElementTree as ET

from services.compute.virt.libvirt import domain
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

VOLUME = '8e3c5b1f-5a6d-4e7f-9a0b-7d2e2f1f0b01'
IQN = 'iqn.2010-10.org.openstack:volume-' + VOLUME


def _info(path, multiattach=True, volume_id=VOLUME):
    return {'driver_volume_type': 'local', 'serial': volume_id, 'volume_id': volume_id,
            'multiattach': multiattach, 'data': {'device_path': str(path), 'format': 'raw'}}


def _disks(dom):
    return {d.find('target').get('dev'): d for d in
            ET.fromstring(dom.XMLDesc(0)).findall('./devices/disk')}


def _shareable(disk):
    return disk.find('shareable') is not None


def test_a_shareable_volume_disk_is_uncached_and_marked_shareable():
    el = ET.fromstring(domain.volume_disk_xml('/srv/volumes/volume-1', 'raw', 'vdb', VOLUME,
                                              shareable=True))
    assert _shareable(el)
    assert el.find('driver').attrib == {'name': 'qemu', 'type': 'raw', 'cache': 'none'}
    plain = ET.fromstring(domain.volume_disk_xml('/srv/volumes/volume-1', 'raw', 'vdb',
                                                 VOLUME))
    assert not _shareable(plain)


def test_a_shareable_network_disk():
    source = domain.NetworkSource('iscsi', IQN + '/1', '127.0.0.1', 3260)
    el = ET.fromstring(domain.volume_disk_xml('iscsi://x', 'raw', 'vdb', VOLUME,
                                              network=source, shareable=True))
    assert el.get('type') == 'network' and _shareable(el)
    assert el.find('driver').get('cache') == 'none'


def test_two_guests_hot_plug_the_same_volume_shareable(drv, conn, instance, base_image,
                                                       tmp_path):
    other = types.SimpleNamespace(uuid=str(uuid.uuid4()), display_name='vm2')
    volume = tmp_path / 'volume-1'
    volume.write_bytes(b'\0' * 1024)
    for guest in (instance, other):
        drv.spawn(None, guest, kernel_image(base_image), str(base_image), [], FLAVOR)
        drv.attach_volume(None, guest, _info(volume), '/dev/vdb')
    disks = [_disks(conn.lookupByName('alto-test-' + g.uuid))['vdb'] for g in (instance,
                                                                               other)]
    assert all(_shareable(d) and d.find('source').get('file') == str(volume) for d in disks)
    # One guest lets go; the other keeps its disk.
    drv.detach_volume(None, instance, _info(volume), '/dev/vdb')
    assert 'vdb' not in _disks(conn.lookupByName('alto-test-' + instance.uuid))
    assert 'vdb' in _disks(conn.lookupByName('alto-test-' + other.uuid))


def test_a_volume_that_is_not_multiattach_is_not_shareable(drv, conn, instance, base_image,
                                                          tmp_path):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    drv.attach_volume(None, instance, _info(tmp_path / 'v', multiattach=False), '/dev/vdb')
    assert not _shareable(_disks(conn.lookupByName('alto-test-' + instance.uuid))['vdb'])


def test_booting_from_a_multiattach_volume(drv, conn, instance, base_image, tmp_path,
                                           qemu_img):
    root, data = tmp_path / 'root-volume', tmp_path / 'data-volume'
    devices = [{'connection_info': _info(root), 'device_name': '/dev/vda', 'boot_index': 0,
                'volume_id': VOLUME},
               {'connection_info': _info(data, multiattach=False, volume_id='data-id'),
                'device_name': '/dev/vdb', 'boot_index': None, 'volume_id': 'data-id'}]
    drv.spawn(None, instance, kernel_image(base_image), None, [], FLAVOR,
              block_device_info=devices)
    disks = _disks(conn.lookupByName('alto-test-' + instance.uuid))
    assert disks['vda'].find('source').get('file') == str(root) and _shareable(disks['vda'])
    assert not _shareable(disks['vdb'])


def test_a_moved_guest_keeps_its_volume_shareable():
    """The saved domain of a reverted resize re-pointed at the volume's
    connection here: still shareable."""
    xml = ('<domain><devices><disk type="file" device="disk">'
           '<driver name="qemu" type="raw" cache="none"/><source file="/old/vol"/>'
           '<target dev="vdb" bus="virtio"/><serial>%s</serial><shareable/></disk>'
           '</devices></domain>' % VOLUME)
    changed = ET.fromstring(domain.with_volume_disks(xml, [
        domain.Disk('/new/vol', fmt='raw', kind='volume', serial=VOLUME, shareable=True)]))
    disk = changed.find('devices/disk')
    assert disk.find('source').get('file') == '/new/vol' and _shareable(disk)
