"""The libvirt driver on real QEMU: a guest boots, goes through every power
action and leaves nothing behind (run as root: pytest -m e2e tests/e2e/compute)."""

import os
import re
import subprocess
import time
import types
import uuid
import xml.etree.ElementTree as ET

import pytest

from services.compute.objects import instance as inst_obj
from tests.e2e.compute.conftest import BOOT_TIMEOUT, BOOTED, record_figure

pytestmark = pytest.mark.e2e

FLAVOR = {'name': 'e2e.tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 1,
          'swap': 16}


def kernel_image(drv):
    return {'id': 'disk', 'name': 'alto-guest', 'disk_format': 'qcow2',
            'properties': {'kernel_id': 'kernel', 'ramdisk_id': 'ramdisk',
                           'os_command_line': 'console=tty0 console=ttyS0',
                           'hw_disk_bus': 'virtio', 'hw_vif_model': 'virtio'},
            'kernel_path': str(drv.e2e_base / 'kernel'),
            'ramdisk_path': str(drv.e2e_base / 'ramdisk')}


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, 'timed out waiting for %s' % what
        time.sleep(0.2)


def wait_booted(drv, instance, count, start=None):
    """Seconds until the console holds ``count`` "booted" lines."""
    start = start or time.monotonic()
    wait_for(lambda: drv.get_console_output(None, instance).count(BOOTED) >= count,
             BOOT_TIMEOUT, 'boot %d of %s' % (count, instance.uuid))
    return time.monotonic() - start


def new_instance():
    return types.SimpleNamespace(uuid=str(uuid.uuid4()), display_name='e2e-guest')


def test_guest_lifecycle(libvirt_driver):
    drv = libvirt_driver
    instance = new_instance()
    name = drv.e2e_prefix + instance.uuid
    inst_dir = os.path.join(drv.e2e_base.parent, instance.uuid)

    start = time.monotonic()
    drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), [], FLAVOR)
    record_figure('driver spawn -> "booted" line', wait_booted(drv, instance, 1, start))
    console = drv.get_console_output(None, instance)
    assert 'Linux version' in console
    assert re.search(r'alto-guest: booted uuid=\S* hostname=alto-guest source=none', console)
    assert 'alto-guest: root disk /dev/vda mounted on /data' in console
    assert drv.get_power_state(instance) == inst_obj.RUNNING
    assert instance.uuid in drv.list_instance_uuids()
    assert sorted(os.listdir(inst_dir)) == ['console.log', 'disk', 'disk.eph0', 'disk.swap']
    xml = ET.fromstring(drv.conn.lookupByName(name).XMLDesc(0))
    assert xml.get('type') == drv.virt_type
    assert xml.find('os/type').get('machine').startswith('pc')

    start = time.monotonic()
    drv.reboot(None, instance, 'SOFT')  # the guest powers off on the ACPI button
    record_figure('soft reboot -> "booted" line', wait_booted(drv, instance, 2, start))

    drv.reboot(None, instance, 'HARD')
    wait_booted(drv, instance, 3)

    start = time.monotonic()
    drv.power_off(instance)
    record_figure('power off (ACPI)', time.monotonic() - start)
    assert drv.get_power_state(instance) == inst_obj.SHUTDOWN
    drv.power_on(None, instance)
    assert drv.get_power_state(instance) == inst_obj.RUNNING
    wait_booted(drv, instance, 4)

    drv.pause(instance)
    assert drv.get_power_state(instance) == inst_obj.PAUSED_POWER
    drv.unpause(instance)
    assert drv.get_power_state(instance) == inst_obj.RUNNING

    drv.suspend(None, instance)
    assert drv.get_power_state(instance) == inst_obj.SUSPENDED_POWER
    drv.resume(None, instance)
    assert drv.get_power_state(instance) == inst_obj.RUNNING
    # restored, not rebooted
    assert drv.get_console_output(None, instance).count(BOOTED) == 4

    drv.rescue(None, instance, str(drv.e2e_base / 'disk'))
    wait_booted(drv, instance, 5)
    disks = [d.find('source').get('file') for d in ET.fromstring(
        drv.conn.lookupByName(name).XMLDesc(0)).findall("devices/disk[@device='disk']")]
    assert [os.path.basename(d) for d in disks] == ['disk.rescue', 'disk', 'disk.eph0',
                                                    'disk.swap']
    drv.unrescue(None, instance)
    wait_booted(drv, instance, 6)
    assert sorted(os.listdir(inst_dir)) == ['console.log', 'disk', 'disk.eph0', 'disk.swap']

    drv.destroy(None, instance, [])
    assert instance.uuid not in drv.list_instance_uuids()
    assert subprocess.run(['virsh', '-c', drv.conn.getURI(), 'dominfo', name],
                          capture_output=True, check=False).returncode != 0
    assert not os.path.exists(inst_dir)
    assert sorted(os.listdir(drv.e2e_base)) == ['disk', 'kernel', 'ramdisk']


def test_snapshot_is_a_bootable_standalone_disk(libvirt_driver, workdir):
    drv = libvirt_driver
    instance = new_instance()
    drv.spawn(None, instance, kernel_image(drv), str(drv.e2e_base / 'disk'), [], FLAVOR)
    try:
        wait_booted(drv, instance, 1)
        target = workdir / 'snapshot.qcow2'
        drv.snapshot(None, instance, str(target))
        assert drv.get_power_state(instance) == inst_obj.RUNNING
        info = subprocess.run(['qemu-img', 'info', '--output=json', str(target)],
                              capture_output=True, text=True, check=True).stdout
        assert '"format": "qcow2"' in info and 'backing-filename' not in info
    finally:
        drv.destroy(None, instance, [])
    # the snapshot boots as an image of its own
    again = new_instance()
    drv.spawn(None, again, kernel_image(drv), str(target), [], FLAVOR)
    try:
        wait_booted(drv, again, 1)
        assert 'mounted on /data' in drv.get_console_output(None, again)
    finally:
        drv.destroy(None, again, [])


def _virsh_boot(drv, xml_text, workdir, index):
    """Boot the same domain XML with a plain `virsh create`, on its own
    overlay and console file: seconds to the "booted" line."""
    root = ET.fromstring(xml_text)
    name = '%svirsh-%d' % (drv.e2e_prefix, index)
    root.find('name').text = name
    root.remove(root.find('uuid'))
    disk = root.find("devices/disk[@device='disk']/source")
    overlay = workdir / ('virsh-%d.qcow2' % index)
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-b',
                    str(drv.e2e_base / 'disk'), '-F', 'qcow2', str(overlay), '1G'],
                   check=True)
    disk.set('file', str(overlay))
    for extra in root.findall("devices/disk[@device='disk']")[1:]:
        root.find('devices').remove(extra)
    log = workdir / ('virsh-%d.log' % index)
    for source in root.iterfind('devices/serial/source'):
        source.set('path', str(log))
    for source in root.iterfind('devices/console/source'):
        source.set('path', str(log))
    path = workdir / ('virsh-%d.xml' % index)
    path.write_text(ET.tostring(root, encoding='unicode'))
    uri = drv.conn.getURI()
    start = time.monotonic()
    try:
        subprocess.run(['virsh', '-c', uri, 'create', str(path)], check=True,
                       capture_output=True, timeout=60)
        wait_for(lambda: log.exists() and BOOTED in log.read_text(errors='replace'),
                 BOOT_TIMEOUT, 'virsh boot')
        return time.monotonic() - start
    finally:
        subprocess.run(['virsh', '-c', uri, 'destroy', name], capture_output=True,
                       check=False)


def test_spawn_against_plain_virsh_create(libvirt_driver, workdir):
    """Figures: the driver's spawn to the "booted" line against `virsh create`
    of the same XML, one guest at a time, alternating."""
    drv = libvirt_driver
    rounds = int(os.environ.get('ALTO_E2E_BOOT_ROUNDS', '2'))
    driver_times, virsh_times = [], []
    for index in range(rounds):
        instance = new_instance()
        start = time.monotonic()
        drv.spawn(None, instance, dict(kernel_image(drv)), str(drv.e2e_base / 'disk'), [],
                  dict(FLAVOR, ephemeral_gb=0, swap=0))
        try:
            driver_times.append(wait_booted(drv, instance, 1, start))
            xml_text = drv.conn.lookupByName(drv.e2e_prefix + instance.uuid).XMLDesc(2)
        finally:
            drv.destroy(None, instance, [])
        virsh_times.append(_virsh_boot(drv, xml_text, workdir, index))
    for index, (mine, plain) in enumerate(zip(driver_times, virsh_times)):
        record_figure('round %d: driver spawn -> booted' % (index + 1), mine)
        record_figure('round %d: virsh create -> booted' % (index + 1), plain)
    ratio = sum(driver_times) / sum(virsh_times)
    record_figure('driver / virsh', ratio, unit='x')
    # Loose bound here (the machine is shared); the benchmark holds the 1.3x target.
    assert ratio < 2.0, (driver_times, virsh_times)
