"""iSCSI volumes in the libvirt driver: a network disk QEMU logs in to with
its own initiator, the CHAP password in a libvirt secret (never in the
domain XML), and the secret gone with the disk or the guest."""

import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.compute import volumes
from services.compute.virt.libvirt import domain
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

VOLUME = '5b2d4a0e-3a48-4d5e-9a0b-6c1f1f0f0a01'
IQN = 'iqn.2010-10.org.altostratus:att-1'
PASSWORD = 'not-in-the-xml-0123'


def _info(iqn=IQN, volume_id=VOLUME, chap=True):
    data = {'target_iqn': iqn, 'target_portal': '127.0.0.1:3260', 'target_lun': 1,
            'volume_id': volume_id, 'target_discovered': False, 'format': 'raw'}
    if chap:
        data.update(auth_method='CHAP', auth_username='alto-att-1', auth_password=PASSWORD)
    return {'driver_volume_type': 'iscsi', 'serial': volume_id, 'data': data}


def _disks(dom):
    return {d.find('target').get('dev'): d for d in
            ET.fromstring(dom.XMLDesc(0)).findall('./devices/disk')}


def test_network_disk_xml():
    source = domain.NetworkSource('iscsi', IQN + '/1', '127.0.0.1', 3260,
                                  'alto-att-1', IQN)
    el = ET.fromstring(domain.volume_disk_xml('iscsi://x', 'raw', 'vdb', VOLUME,
                                              network=source))
    assert (el.get('type'), el.get('device')) == ('network', 'disk')
    assert el.find('source').attrib == {'protocol': 'iscsi', 'name': IQN + '/1'}
    assert el.find('source/host').attrib == {'name': '127.0.0.1', 'port': '3260'}
    assert el.find('auth').attrib == {'username': 'alto-att-1'}
    assert el.find('auth/secret').attrib == {'type': 'iscsi', 'usage': IQN}
    assert el.find('driver').attrib == {'name': 'qemu', 'type': 'raw', 'cache': 'none'}
    assert el.findtext('serial') == VOLUME
    assert domain.secret_usages('<domain><devices>%s</devices></domain>'
                                % ET.tostring(el, encoding='unicode')) == [IQN]


def test_secret_xml_is_private():
    el = ET.fromstring(domain.secret_xml('iscsi', IQN, 'CHAP secret'))
    assert el.get('private') == 'yes'
    assert el.find('usage').attrib == {'type': 'iscsi'}
    assert el.findtext('usage/target') == IQN


def test_attach_and_detach_an_iscsi_volume(drv, conn, instance, base_image):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    drv.attach_volume(None, instance, _info(), '/dev/vdb')
    disk = _disks(dom)['vdb']
    assert disk.get('type') == 'network'
    assert disk.find('source').get('name') == IQN + '/1'
    assert PASSWORD not in dom.XMLDesc(0)
    secret = conn.secrets[(3, IQN)]
    assert secret.value == PASSWORD.encode()
    assert 'private=\'yes\'' in secret.xml or 'private="yes"' in secret.xml
    # a second attach of the same target (a retry) reuses the secret
    drv._define_volume_secret(_info())
    assert list(conn.secrets) == [(3, IQN)]
    drv.detach_volume(None, instance, _info(), '/dev/vdb')
    assert 'vdb' not in _disks(dom)
    assert conn.secrets == {}


def test_failed_attach_leaves_no_secret(drv, conn, instance, base_image, monkeypatch):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    dom = conn.lookupByName('alto-test-' + instance.uuid)

    def refuse(xml, flags):
        raise RuntimeError('QEMU could not log in')
    monkeypatch.setattr(dom, 'attachDeviceFlags', refuse)
    with pytest.raises(RuntimeError):
        drv.attach_volume(None, instance, _info(), '/dev/vdb')
    assert conn.secrets == {}


def test_boot_with_iscsi_volumes_and_destroy_removes_their_secrets(drv, conn, instance,
                                                                   base_image):
    devices = [{'connection_info': _info(), 'device_name': '/dev/vdb', 'boot_index': None,
                'volume_id': VOLUME}]
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR,
              block_device_info=devices)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    assert _disks(dom)['vdb'].find('auth/secret').get('usage') == IQN
    assert (3, IQN) in conn.secrets
    drv.destroy(None, instance, [])
    assert conn.secrets == {}


def test_without_chap_there_is_no_auth(drv, conn, instance, base_image):
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    drv.attach_volume(None, instance, _info(chap=False), '/dev/vdb')
    assert _disks(dom)['vdb'].find('auth') is None and conn.secrets == {}


def test_a_target_without_portal_is_refused(drv, instance, base_image):
    info = _info()
    del info['data']['target_portal']
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR)
    with pytest.raises(exception.ComputeError):
        drv.attach_volume(None, instance, info, '/dev/vdb')


def test_compute_leaves_iscsi_to_qemu(monkeypatch):
    """No host session: os-brick is not asked to connect an iscsi volume."""
    def no_brick(info):
        raise AssertionError('os-brick asked for %s' % info)
    monkeypatch.setattr(volumes, '_brick', no_brick)
    assert volumes.connect(_info()) == _info()
    volumes.disconnect(_info())


class _Mapping:
    """Stands in for a volume mapping (its DB save is the compute's)."""

    def __init__(self, info, device_name):
        self.connection_info, self.device_name = info, device_name
        self.volume_id, self.boot_index, self.tag, self.uuid = VOLUME, None, None, 'm-1'
        self.saved = 0

    def save(self):
        self.saved += 1


def test_rebuild_plugs_the_volume_into_the_new_guest(drv, conn, instance, base_image):
    """The compute's rebuild steps against the libvirt driver: the guest
    goes with the volume in it, its secret goes, and the new
    guest is defined with the volume at the same device and its secret."""
    bdm = _Mapping(_info(), '/dev/vdb')
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR,
              block_device_info=[volumes.block_device(bdm)])
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    assert 'vdb' in _disks(dom)
    volumes.unplug_for_rebuild(None, drv, instance, [bdm])
    drv.destroy(None, instance, [])
    assert conn.secrets == {}
    devices = volumes.replug_for_rebuild(None, instance, [bdm], 'host')
    assert bdm.saved == 1 and devices == [volumes.block_device(bdm)]
    drv.spawn(None, instance, kernel_image(base_image), str(base_image), [], FLAVOR,
              block_device_info=devices)
    dom = conn.lookupByName('alto-test-' + instance.uuid)
    assert _disks(dom)['vdb'].find('source').get('name') == IQN + '/1'
    assert conn.secrets[(3, IQN)].value == PASSWORD.encode()
