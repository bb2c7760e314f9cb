"""Stable device rescue: the rescue domain's XML (pure), and the libvirt
driver's rescue and unrescue of it against the stand-in connection."""

import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt import rescue as virt_rescue
from services.compute.virt.libvirt import domain
from services.compute.virt.libvirt import rescue as libvirt_rescue
from tests.unit.compute.virt import fakelibvirt
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image

RESCUE = '/i/u/disk.rescue'


def _guest(machine='pc', bus='virtio', config_drive=True, kernel=True):
    """A guest as spawn defines it: root and ephemeral disk, a volume at
    vdc, a config drive, a kernel boot (or the firmware's ``boot dev``)."""
    spec = domain.GuestSpec(name='alto-x', uuid='u', memory_mb=64, vcpus=1, machine=machine,
                            disk_bus=bus,
                            disks=[domain.Disk('/i/u/disk'), domain.Disk('/i/u/disk.eph0'),
                                   domain.Disk('/dev/sdz', 'raw', 'volume', serial='vol-1',
                                               target='vdc')],
                            config_drive='/i/u/disk.config' if config_drive else None,
                            kernel='/i/u/kernel.k' if kernel else None,
                            cmdline='console=ttyS0' if kernel else None)
    return domain.build(spec)


def _disks(xml):
    return [(d.get('device'), d.find('target').get('dev'), d.find('target').get('bus'),
             (d.find('source').get('file') or d.find('source').get('dev')),
             d.find('boot').get('order') if d.find('boot') is not None else None)
            for d in ET.fromstring(xml).findall('devices/disk')]


def _rescue(xml, device=None, bus=None, boot_files=None):
    layout = virt_rescue.layout({'hw_rescue_device': device, 'hw_rescue_bus': bus})
    return libvirt_rescue.stable_xml(xml, layout, RESCUE, boot_files)


def test_a_virtio_disk_goes_after_the_guest_disks_which_keep_their_names():
    before = _guest()
    xml, target = _rescue(before, 'disk', 'virtio')
    assert target == 'vdd'  # vda, vdb local, vdc the volume; hda the config drive
    assert _disks(xml) == [
        ('disk', 'vda', 'virtio', '/i/u/disk', None),
        ('disk', 'vdb', 'virtio', '/i/u/disk.eph0', None),
        ('disk', 'vdc', 'virtio', '/dev/sdz', None),
        ('cdrom', 'hda', 'ide', '/i/u/disk.config', None),
        ('disk', 'vdd', 'virtio', RESCUE, '1')]
    # Everything else of the guest is as it was.
    old, new = ET.fromstring(before), ET.fromstring(xml)
    assert [ET.tostring(e) for e in old.findall('devices/*') if e.tag != 'disk'] == \
        [ET.tostring(e) for e in new.findall('devices/*') if e.tag != 'disk']
    assert new.find("devices/disk/serial").text == 'vol-1'


def test_the_bus_defaults_to_the_guests_disk_bus():
    _, target = _rescue(_guest(bus='scsi', config_drive=False), 'disk')
    assert target == 'sdc'  # sda, sdb local; the volume has its own vdc
    _, target = _rescue(_guest(), None, 'virtio')  # the device defaults to a disk
    assert target == 'vdd'


def test_a_scsi_disk_brings_a_virtio_scsi_controller_once():
    xml, target = _rescue(_guest(), 'disk', 'scsi')
    root = ET.fromstring(xml)
    assert target == 'sda'
    assert [c.attrib for c in root.findall("devices/controller[@type='scsi']")] == [
        {'type': 'scsi', 'index': '0', 'model': 'virtio-scsi'}]
    # A guest on SCSI has its controller already, and its disks take sda, sdb.
    xml, target = _rescue(_guest(bus='scsi', config_drive=False), 'disk', 'scsi')
    assert target == 'sdc' and len(ET.fromstring(xml).findall(
        "devices/controller[@type='scsi']")) == 1


def test_a_usb_disk_gets_a_usable_usb_controller():
    xml, target = _rescue(_guest(), 'disk', 'usb')
    root = ET.fromstring(xml)
    assert target == 'sda'
    assert _disks(xml)[-1] == ('disk', 'sda', 'usb', RESCUE, '1')
    assert [c.get('model') for c in root.findall("devices/controller[@type='usb']")] == \
        ['qemu-xhci']
    # libvirt's own default controller (pc: piix3-uhci) is kept; 'none' is replaced.
    for model, kept in (('piix3-uhci', 'piix3-uhci'), ('none', 'qemu-xhci')):
        guest = ET.fromstring(_guest())
        ET.SubElement(guest.find('devices'), 'controller', type='usb', index='0', model=model)
        xml, _ = _rescue(ET.tostring(guest, encoding='unicode'), 'disk', 'usb')
        assert [c.get('model') for c in ET.fromstring(xml).findall(
            "devices/controller[@type='usb']")] == [kept]


def test_an_ide_cdrom_on_pc_takes_the_next_ide_slot():
    xml, target = _rescue(_guest(), 'cdrom', 'ide')
    assert target == 'hdb'  # the config drive is hda
    rescue = ET.fromstring(xml).findall('devices/disk')[-1]
    assert rescue.get('device') == 'cdrom' and rescue.find('readonly') is not None
    assert rescue.find('target').attrib == {'dev': 'hdb', 'bus': 'ide'}
    # A cdrom without a bus goes where the machine has one: IDE on pc.
    assert _rescue(_guest(), 'cdrom')[1] == 'hdb'


def test_machine_specific_buses():
    with pytest.raises(exception.Invalid, match='pc'):
        _rescue(_guest(machine='pc-q35-7.2', config_drive=False), 'cdrom', 'ide')
    xml, target = _rescue(_guest(machine='pc-q35-7.2', config_drive=False), 'cdrom')
    assert target == 'sda' and _disks(xml)[-1][:3] == ('cdrom', 'sda', 'sata')
    with pytest.raises(exception.Invalid, match='q35'):
        _rescue(_guest(), 'cdrom', 'sata')
    # libvirt writes the machine out in full: still i440fx.
    assert _rescue(_guest(machine='pc-i440fx-7.2'), 'cdrom', 'ide')[1] == 'hdb'
    xml, target = _rescue(_guest(), 'floppy')
    assert target == 'fda' and _disks(xml)[-1][:3] == ('floppy', 'fda', 'fdc')


def test_ide_slots_run_out():
    guest = ET.fromstring(_guest())
    for name in ('hdb', 'hdc', 'hdd'):
        disk = ET.SubElement(guest.find('devices'), 'disk', type='file', device='cdrom')
        ET.SubElement(disk, 'target', dev=name, bus='ide')
    with pytest.raises(exception.Invalid, match='No ide slot'):
        _rescue(ET.tostring(guest, encoding='unicode'), 'cdrom', 'ide')


def test_boot_order_replaces_the_os_boot_device_and_moves_others_down():
    guest = ET.fromstring(_guest(kernel=False))
    assert guest.find('os/boot').get('dev') == 'hd'
    nic = ET.SubElement(guest.find('devices'), 'interface', type='network')
    ET.SubElement(nic, 'boot', order='1')
    xml, _ = _rescue(ET.tostring(guest, encoding='unicode'), 'disk', 'virtio')
    root = ET.fromstring(xml)
    assert root.find('os/boot') is None
    assert root.find('devices/interface/boot').get('order') == '2'
    assert [b.get('order') for b in root.findall('devices/disk/boot')] == ['1']


def test_kernel_boot_is_the_rescue_images_own_or_none():
    guest = _guest()  # a direct kernel boot of the guest's own kernel
    xml, _ = _rescue(guest, 'disk', 'virtio')
    os_el = ET.fromstring(xml).find('os')
    # The rescue image has no kernel: the firmware boots the rescue disk.
    assert [c.tag for c in os_el] == ['type']
    files = libvirt_rescue.BootFiles('/i/u/rescue-kernel.k2', '/i/u/rescue-ramdisk.r2',
                                     'console=ttyS0 rescue')
    xml, _ = _rescue(guest, 'disk', 'virtio', files)
    os_el = ET.fromstring(xml).find('os')
    assert (os_el.findtext('kernel'), os_el.findtext('initrd'), os_el.findtext('cmdline')) == \
        ('/i/u/rescue-kernel.k2', '/i/u/rescue-ramdisk.r2', 'console=ttyS0 rescue')


def test_image_properties_ask_for_a_layout():
    assert virt_rescue.layout({}) is None
    assert virt_rescue.layout({'hw_disk_bus': 'scsi'}) is None
    assert virt_rescue.layout({'hw_rescue_bus': 'usb'}) == virt_rescue.Layout('disk', 'usb')
    assert virt_rescue.layout({'hw_rescue_device': 'cdrom'}) == \
        virt_rescue.Layout('cdrom', None)
    assert virt_rescue.layout({'hw_rescue_device': 'floppy'}) == \
        virt_rescue.Layout('floppy', 'fdc')
    for bad, words in (({'hw_rescue_device': 'tape'}, 'hw_rescue_device'),
                       ({'hw_rescue_bus': 'pata'}, 'hw_rescue_bus'),
                       ({'hw_rescue_device': 'cdrom', 'hw_rescue_bus': 'virtio'}, 'cdrom'),
                       ({'hw_rescue_device': 'disk', 'hw_rescue_bus': 'fdc'}, 'floppy')):
        with pytest.raises(exception.Invalid, match=words):
            virt_rescue.layout(bad)


# -- the driver -----------------------------------------------------------------------------
def _spawn(drv, instance, base_image, block_device_info=None, image=None):
    image = kernel_image(base_image) if image is None else image
    image_path = None if block_device_info else str(base_image)
    drv.spawn(None, instance, image, image_path, [], FLAVOR,
              block_device_info=block_device_info)
    return drv.conn.lookupByName('alto-test-' + instance.uuid)


def test_driver_stable_rescue_and_unrescue(drv, instance, base_image, tmp_path, qemu_img):
    dom = _spawn(drv, instance, base_image)
    before = dom.XMLDesc()
    path = tmp_path / 'instances' / instance.uuid
    rescue_image = kernel_image(base_image, hw_rescue_device='disk', hw_rescue_bus='usb')
    drv.rescue(None, instance, str(base_image), rescue_image)
    assert _disks(dom.XMLDesc())[0][:4] == ('disk', 'vda', 'virtio', str(path / 'disk'))
    assert _disks(dom.XMLDesc())[-1] == ('disk', 'sda', 'usb', str(path / 'disk.rescue'), '1')
    root = ET.fromstring(dom.XMLDesc())
    # The rescue image's kernel, in a copy of its own.
    assert root.findtext('os/kernel') == str(path / 'rescue-kernel.kernel-1')
    assert root.findtext('os/cmdline') == 'console=ttyS0 alto.md_tries=1'
    assert dom.calls[-2:] == ['destroy', 'create'] and dom.isActive()
    assert qemu_img.made()[-1] == ('overlay', str(path / 'disk.rescue'), ())
    drv.unrescue(None, instance)
    assert dom.XMLDesc() == before and dom.isActive()
    left = sorted(p.name for p in path.iterdir())
    assert not [n for n in left if 'rescue' in n], left


def test_driver_refuses_a_layout_the_machine_lacks_and_leaves_the_guest(
        drv, instance, base_image, tmp_path):
    dom = _spawn(drv, instance, base_image,
                 image=kernel_image(base_image, hw_machine_type='q35'))
    before = dom.XMLDesc()
    with pytest.raises(exception.Invalid):
        drv.rescue(None, instance, str(base_image),
                   kernel_image(base_image, hw_rescue_device='cdrom', hw_rescue_bus='ide'))
    assert dom.XMLDesc() == before and dom.isActive()
    assert not [p for p in (tmp_path / 'instances' / instance.uuid).iterdir()
                if 'rescue' in p.name]


def test_driver_stable_rescue_of_a_guest_booted_from_a_volume(drv, instance, base_image,
                                                              tmp_path):
    root_volume = tmp_path / 'root-volume'
    root_volume.write_bytes(b'')
    info = {'driver_volume_type': 'local',
            'data': {'device_path': str(root_volume), 'format': 'raw'}, 'serial': 'root-id'}
    # A blank volume: no image, no kernel; the firmware boots the volume.
    dom = _spawn(drv, instance, base_image, image={}, block_device_info=[
        {'connection_info': info, 'device_name': '/dev/vda', 'boot_index': 0,
         'volume_id': 'root-id'}])
    assert ET.fromstring(dom.XMLDesc()).find('os/boot').get('dev') == 'hd'
    drv.rescue(None, instance, str(base_image),
               {'id': 'rescue', 'properties': {'hw_rescue_device': 'disk',
                                               'hw_rescue_bus': 'virtio'}})
    disks = _disks(dom.XMLDesc())
    assert disks[0] == ('disk', 'vda', 'virtio', str(root_volume), None)
    assert disks[-1][1:] == ('vdb', 'virtio', str(tmp_path / 'instances' / instance.uuid /
                                                   'disk.rescue'), '1')
    assert ET.fromstring(dom.XMLDesc()).find('os/boot') is None
    drv.unrescue(None, instance)
    assert _disks(dom.XMLDesc()) == [('disk', 'vda', 'virtio', str(root_volume), None)]


def test_a_rescue_definition_libvirt_refuses_gives_the_guest_back(drv, conn, instance,
                                                                  base_image, tmp_path,
                                                                  monkeypatch):
    dom = _spawn(drv, instance, base_image)
    before = dom.XMLDesc()
    define = conn.defineXML

    def refuse_rescue(xml):
        if 'disk.rescue' in xml:
            raise fakelibvirt.LibvirtError('unsupported configuration: usb-storage')
        return define(xml)
    monkeypatch.setattr(conn, 'defineXML', refuse_rescue)
    with pytest.raises(fakelibvirt.LibvirtError):
        drv.rescue(None, instance, str(base_image),
                   kernel_image(base_image, hw_rescue_bus='usb'))
    assert dom.XMLDesc() == before and dom.isActive()
    assert not [p for p in (tmp_path / 'instances' / instance.uuid).iterdir()
                if 'rescue' in p.name]
    # QEMU that will not start the rescue definition: the same.
    monkeypatch.setattr(conn, 'defineXML', define)
    conn.fail_create = True
    with pytest.raises(fakelibvirt.LibvirtError):
        drv.rescue(None, instance, str(base_image),
                   kernel_image(base_image, hw_rescue_bus='usb'))
    assert dom.XMLDesc() == before
    assert not [p for p in (tmp_path / 'instances' / instance.uuid).iterdir()
                if 'rescue' in p.name]
