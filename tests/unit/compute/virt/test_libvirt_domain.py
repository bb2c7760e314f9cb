"""Domain XML from the flavor and the image properties."""

import types
import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.virt.libvirt import domain

INSTANCE = types.SimpleNamespace(uuid='0b7c0e4e-35a5-4b4e-9d35-0a6f6d2d9f11',
                                 display_name='web-1')
FLAVOR = {'name': 'm1.small', 'memory_mb': 256, 'vcpus': 2}


def build(props=None, disks=None, vifs=None, kernel=None, virt_type='qemu'):
    spec = domain.spec_from(INSTANCE, FLAVOR, {'properties': props or {}}, 'alto-x',
                            virt_type, 'pc', 'console=tty0 console=ttyS0')
    spec.disks = disks or [domain.Disk('/i/disk')]
    spec.vifs = vifs or []
    spec.kernel = kernel
    spec.ramdisk = kernel and '/base/ramdisk'
    spec.console_log = '/i/console.log'
    return ET.fromstring(domain.build(spec))


def test_sizes_names_and_type_from_flavor():
    root = build()
    assert root.get('type') == 'qemu'
    assert root.findtext('name') == 'alto-x'
    assert root.findtext('uuid') == INSTANCE.uuid
    assert root.find('memory').get('unit') == 'MiB' and root.findtext('memory') == '256'
    assert root.findtext('vcpu') == '2'
    assert root.find('cpu') is None  # host-model only under KVM
    assert build(virt_type='kvm').find('cpu').get('mode') == 'host-model'
    meta = root.find('metadata/{%s}instance' % domain.XMLNS)
    assert meta.findtext('{%s}name' % domain.XMLNS) == 'web-1'
    assert meta.findtext('{%s}flavor' % domain.XMLNS) == 'm1.small'


def test_direct_kernel_boot_with_the_images_command_line():
    root = build({'os_command_line': 'console=ttyS0 alto.md_tries=1'}, kernel='/base/k')
    assert root.findtext('os/kernel') == '/base/k'
    assert root.findtext('os/initrd') == '/base/ramdisk'
    assert root.findtext('os/cmdline') == 'console=ttyS0 alto.md_tries=1'
    assert root.find('os/boot') is None
    default = build(kernel='/base/k')
    assert default.findtext('os/cmdline') == 'console=tty0 console=ttyS0'


def test_disk_boot_without_kernel():
    root = build()
    assert root.find('os/kernel') is None
    assert root.find('os/boot').get('dev') == 'hd'


def test_machine_type_default_pc_and_from_image():
    assert build().find('os/type').get('machine') == 'pc'
    assert build({'hw_machine_type': 'q35'}).find('os/type').get('machine') == 'q35'
    assert build().find('features/acpi') is not None


@pytest.mark.parametrize('bus,names', [('virtio', ['vda', 'vdb', 'vdc']),
                                       ('ide', ['hda', 'hdb', 'hdc']),
                                       ('scsi', ['sda', 'sdb', 'sdc']),
                                       ('sata', ['sda', 'sdb', 'sdc'])])
def test_disk_bus_from_image(bus, names):
    disks = [domain.Disk('/i/disk'), domain.Disk('/i/disk.eph0', kind='ephemeral'),
             domain.Disk('/i/disk.swap', kind='swap')]
    root = build({'hw_disk_bus': bus}, disks=disks)
    found = root.findall('devices/disk')
    assert [d.find('target').get('dev') for d in found] == names
    assert {d.find('target').get('bus') for d in found} == {bus}
    assert [d.find('source').get('file') for d in found] == [
        '/i/disk', '/i/disk.eph0', '/i/disk.swap']
    assert {d.find('driver').get('type') for d in found} == {'qcow2'}
    controllers = root.findall("devices/controller[@type='scsi']")
    assert len(controllers) == (1 if bus == 'scsi' else 0)


def test_unknown_bus_or_model_is_refused():
    with pytest.raises(exception.Invalid):
        build({'hw_disk_bus': 'floppy'})
    with pytest.raises(exception.Invalid):
        build({'hw_vif_model': 'token-ring'})


def test_vifs_on_ovs_carry_the_port_id_and_model():
    vifs = [domain.Vif('fa:16:3e:00:00:01', 'br-int', 'port-1', ovs=True),
            domain.Vif('fa:16:3e:00:00:02', 'br-int', 'port-2', ovs=True)]
    root = build({'hw_vif_model': 'e1000'}, vifs=vifs)
    found = root.findall('devices/interface')
    assert [i.find('mac').get('address') for i in found] == [v.mac for v in vifs]
    assert {i.get('type') for i in found} == {'bridge'}
    assert {i.find('source').get('bridge') for i in found} == {'br-int'}
    assert {i.find('model').get('type') for i in found} == {'e1000'}
    assert [i.find("virtualport[@type='openvswitch']/parameters").get('interfaceid')
            for i in found] == ['port-1', 'port-2']


def test_vif_on_linux_bridge_has_no_virtualport():
    root = build(vifs=[domain.Vif('fa:16:3e:00:00:01', 'brq1', 'port-1')])
    iface = root.find('devices/interface')
    assert iface.find('virtualport') is None
    assert iface.find('model').get('type') == 'virtio'


def test_serial_console_goes_to_the_log_file_and_appends():
    root = build()
    serial = root.find('devices/serial')
    assert serial.get('type') == 'file'
    assert serial.find('source').get('path') == '/i/console.log'
    assert serial.find('source').get('append') == 'on'
    assert root.find('devices/console/target').get('type') == 'serial'
    assert root.find('devices/interface') is None


def test_with_volume_disks_points_the_volumes_at_their_new_connection():
    """A reverted resize's saved domain: the volume disk (by serial) opens the
    volume as connected now, at the same target and address; other disks
    and a domain without volumes to change are left as they were."""
    xml = ('<domain><devices>'
           '<disk type="file" device="disk"><source file="/i/disk"/>'
           '<target dev="vda" bus="virtio"/></disk>'
           '<disk type="file" device="disk"><driver name="qemu" type="raw" cache="none"/>'
           '<source file="/old/vol"/><target dev="vdc" bus="scsi"/><serial>vol-1</serial>'
           '<address type="drive" controller="0" bus="0" target="0" unit="2"/></disk>'
           '</devices></domain>')
    assert domain.with_volume_disks(xml, []) == xml
    changed = ET.fromstring(domain.with_volume_disks(xml, [
        domain.Disk('/dev/sdx', fmt='raw', kind='volume', serial='vol-1'),
        domain.Disk('/elsewhere', fmt='raw', kind='volume', serial='not-attached')]))
    first, second = changed.findall('devices/disk')
    assert first.find('source').get('file') == '/i/disk'
    assert second.get('type') == 'block' and second.find('source').get('dev') == '/dev/sdx'
    assert second.find('target').attrib == {'dev': 'vdc', 'bus': 'scsi'}
    assert second.findtext('serial') == 'vol-1'
    assert second.find('address').get('unit') == '2'
