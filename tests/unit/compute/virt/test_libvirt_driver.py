"""The libvirt driver's lifecycle against a stand-in libvirt connection."""

import os
import types
import xml.etree.ElementTree as ET

import pytest

from services.compute import exception
from services.compute.compute import manager as compute_manager
from services.compute.objects import instance as inst_obj
from services.compute.virt.libvirt import driver as libvirt_driver
from tests.unit.compute.virt import fakelibvirt
from tests.unit.compute.virt.conftest import FLAVOR, kernel_image


def spawn(drv, instance, base_image, flavor=FLAVOR, network_info=(), **props):
    drv.spawn(None, instance, kernel_image(base_image, **props), str(base_image),
              list(network_info), flavor)
    return drv.conn.lookupByName('alto-test-' + instance.uuid)


def inst_dir(tmp_path, instance):
    return tmp_path / 'instances' / instance.uuid


# -- host -----------------------------------------------------------------------
def test_init_host_picks_qemu_without_usable_kvm(conf, conn, monkeypatch):
    conn.kvm = True  # libvirt offers kvm, but the CPU has no VMX/SVM
    monkeypatch.setattr(libvirt_driver, '_cpu_virtualises', lambda: False)
    drv = libvirt_driver.LibvirtDriver(connect=lambda uri: conn)
    drv.init_host('h')
    assert drv.virt_type == 'qemu'


def test_init_host_picks_kvm_when_usable(conf, conn, monkeypatch):
    conn.kvm = True
    monkeypatch.setattr(libvirt_driver, '_cpu_virtualises', lambda: True)
    monkeypatch.setattr(libvirt_driver.os, 'access', lambda path, mode: True)
    drv = libvirt_driver.LibvirtDriver(connect=lambda uri: conn)
    drv.init_host('h')
    assert drv.virt_type == 'kvm'
    conn.kvm = False
    drv.init_host('h')
    assert drv.virt_type == 'qemu'


def test_virt_type_from_config_and_uri(conf, conn):
    conf.config(group='libvirt', virt_type='kvm', connection_uri='qemu:///session')
    uris = []
    drv = libvirt_driver.LibvirtDriver(connect=lambda uri: uris.append(uri) or conn)
    drv.init_host('h')
    assert drv.virt_type == 'kvm' and uris == ['qemu:///session']


def test_reconnects_when_the_connection_died(drv, conn):
    opened = []
    second = fakelibvirt.FakeConnection()
    drv._connect = lambda uri: opened.append(uri) or second
    conn.alive = False
    assert drv.conn is second and opened == ['qemu:///system']


def test_available_resource_is_the_host_minus_reserved(drv, conf):
    conf.config(group='libvirt', reserved_host_memory_mb=1024, reserved_host_cpus=1)
    res = drv.get_available_resource()
    assert res['vcpus'] == 3 and res['memory_mb'] == 8192 - 1024
    assert res['local_gb'] > 0
    assert res['hypervisor_type'] == 'QEMU' and res['hypervisor_version'] == 7002000
    assert res['hypervisor_hostname'] == 'host1'
    assert res['cpu_info']['model'] == 'EPYC' and res['cpu_info']['vendor'] == 'AMD'
    assert res['cpu_info']['topology'] == {'cells': 1, 'sockets': 1, 'cores': 4, 'threads': 1}
    assert res['cpu_info']['features'] == ['aes', 'avx2']


def test_host_uptime_line(drv):
    assert ' up ' in drv.get_host_uptime() and 'load average' in drv.get_host_uptime()


def test_lists_only_its_own_domains(drv, conn, instance, base_image):
    conn.defineXML('<domain><name>someone-else</name><uuid>u-other</uuid></domain>')
    spawn(drv, instance, base_image)
    assert drv.list_instance_uuids() == [instance.uuid]


# -- spawn ------------------------------------------------------------------------
def test_spawn_defines_and_starts_a_kernel_boot_domain(drv, instance, base_image, tmp_path,
                                                       qemu_img):
    dom = spawn(drv, instance, base_image)
    assert dom.calls == ['create'] and dom.isActive()
    root = ET.fromstring(dom.XMLDesc())
    assert root.get('type') == 'qemu'
    # The guest's own copies of the cached boot files (libvirt labels each per domain).
    own = inst_dir(tmp_path, instance)
    assert root.findtext('os/kernel') == str(own / 'kernel.kernel-1')
    assert root.findtext('os/initrd') == str(own / 'ramdisk.ramdisk-1')
    assert (own / 'kernel.kernel-1').read_bytes() == (base_image.parent / 'kernel-1').read_bytes()
    assert root.findtext('os/cmdline') == 'console=ttyS0 alto.md_tries=1'
    assert root.find('os/type').get('machine') == 'pc'
    path = inst_dir(tmp_path, instance)
    assert root.find('devices/disk/source').get('file') == str(path / 'disk')
    assert root.find('devices/serial/source').get('path') == str(path / 'console.log')
    # the root disk is an overlay over the cached image, sized to the flavor
    assert qemu_img.made() == [('overlay', str(path / 'disk'), (str(1024 ** 3),))]
    overlay = [c for c in qemu_img.calls if c[0] == 'create'][0]
    assert overlay[overlay.index('-b') + 1] == str(base_image)
    assert overlay[overlay.index('-F') + 1] == 'qcow2'
    assert drv.get_power_state(instance) == inst_obj.RUNNING


def test_spawn_adds_ephemeral_and_swap_disks(drv, instance, base_image, tmp_path, qemu_img):
    flavor = dict(FLAVOR, ephemeral_gb=2, swap=64)
    dom = spawn(drv, instance, base_image, flavor=flavor)
    path = inst_dir(tmp_path, instance)
    assert qemu_img.made()[1:] == [('blank', str(path / 'disk.eph0'), (str(2 * 1024 ** 3),)),
                                   ('blank', str(path / 'disk.swap'), (str(64 * 1024 ** 2),))]
    targets = [d.find('target').get('dev')
               for d in ET.fromstring(dom.XMLDesc()).findall('devices/disk')]
    assert targets == ['vda', 'vdb', 'vdc']


def test_spawn_root_gb_zero_keeps_the_image_size(drv, instance, base_image, qemu_img):
    spawn(drv, instance, base_image, flavor=dict(FLAVOR, root_gb=0))
    assert qemu_img.made()[0][2] == ()


def test_image_properties_shape_the_hardware(drv, instance, base_image):
    dom = spawn(drv, instance, base_image, hw_disk_bus='ide', hw_machine_type='pc-i440fx-7.2')
    root = ET.fromstring(dom.XMLDesc())
    assert root.find('devices/disk/target').get('dev') == 'hda'
    assert root.find('os/type').get('machine') == 'pc-i440fx-7.2'


def test_disk_image_boots_from_disk_without_a_kernel(drv, instance, base_image):
    drv.spawn(None, instance, {'id': 'image-1', 'properties': {}}, str(base_image), [],
              FLAVOR)
    root = ET.fromstring(drv.conn.lookupByName('alto-test-' + instance.uuid).XMLDesc())
    assert root.find('os/kernel') is None and root.find('os/cmdline') is None
    assert root.find('os/boot').get('dev') == 'hd'


NETWORK_INFO = [{'port_id': 'port-1', 'mac_address': 'fa:16:3e:00:00:01'}]


def test_no_nic_while_the_bridge_does_not_exist(drv, instance, base_image):
    dom = spawn(drv, instance, base_image, network_info=NETWORK_INFO)
    assert ET.fromstring(dom.XMLDesc()).find('devices/interface') is None


@pytest.mark.parametrize('kind', ['linux', 'ovs'])
def test_nic_on_the_configured_bridge(drv, instance, base_image, monkeypatch, conf, kind):
    conf.config(group='libvirt', vif_bridge='br-test')
    monkeypatch.setattr(libvirt_driver.LibvirtDriver, '_bridge_kind',
                        staticmethod(lambda name: kind if name == 'br-test' else None))
    dom = spawn(drv, instance, base_image, network_info=NETWORK_INFO, hw_vif_model='e1000')
    iface = ET.fromstring(dom.XMLDesc()).find('devices/interface')
    assert iface.find('source').get('bridge') == 'br-test'
    assert iface.find('mac').get('address') == 'fa:16:3e:00:00:01'
    assert iface.find('model').get('type') == 'e1000'
    port = iface.find('virtualport/parameters')
    assert (port.get('interfaceid') if port is not None else None) == (
        'port-1' if kind == 'ovs' else None)


def test_bridge_kind_from_sysfs(tmp_path):
    (tmp_path / 'brq1' / 'bridge').mkdir(parents=True)
    (tmp_path / 'eth0').mkdir()
    kind = libvirt_driver.LibvirtDriver._bridge_kind
    assert kind('brq1', sys_net=str(tmp_path)) == 'linux'
    assert kind('missing', sys_net=str(tmp_path)) is None


def test_failed_start_leaves_nothing_behind(drv, conn, instance, base_image, tmp_path):
    conn.fail_create = True
    with pytest.raises(fakelibvirt.LibvirtError):
        spawn(drv, instance, base_image)
    assert conn.domains == {}
    assert not inst_dir(tmp_path, instance).exists()
    assert base_image.exists()


def test_image_larger_than_the_flavor_disk_is_refused(drv, conn, instance, base_image,
                                                      qemu_img, tmp_path):
    qemu_img.virtual_size = 2 * 1024 ** 3
    with pytest.raises(exception.ComputeError, match='larger than'):
        spawn(drv, instance, base_image)
    assert conn.domains == {} and not inst_dir(tmp_path, instance).exists()
    assert base_image.exists()


def test_kernel_image_not_fetched_is_an_error(drv, instance, base_image):
    image = kernel_image(base_image)
    del image['kernel_path']
    with pytest.raises(exception.ComputeError, match='not fetched'):
        drv.spawn(None, instance, image, str(base_image), [], FLAVOR)


def test_no_image_file_is_not_supported(drv, instance):
    with pytest.raises(exception.DriverNotSupported):
        drv.spawn(None, instance, {'id': 'x'}, None, [], FLAVOR)


# -- destroy --------------------------------------------------------------------------
def test_destroy_stops_undefines_and_removes_the_files(drv, conn, instance, base_image,
                                                      tmp_path):
    dom = spawn(drv, instance, base_image)
    (inst_dir(tmp_path, instance) / 'console.log').write_text('boot\n')
    drv.destroy(None, instance, [])
    assert dom.calls == ['create', 'destroy', 'undefine']
    assert conn.domains == {} and not inst_dir(tmp_path, instance).exists()
    assert base_image.exists()
    drv.destroy(None, instance, [])  # a second time: nothing to do, no error


def test_destroy_of_a_suspended_guest_drops_its_saved_state(drv, conn, instance, base_image):
    spawn(drv, instance, base_image)
    drv.suspend(None, instance)
    drv.destroy(None, instance, [])
    assert conn.domains == {}


def test_destroy_of_a_stopped_guest(drv, conn, instance, base_image):
    dom = spawn(drv, instance, base_image)
    drv.power_off(instance)
    drv.destroy(None, instance, [])
    assert conn.domains == {} and dom.calls[-1] == 'undefine'


# -- power ---------------------------------------------------------------------------------
def test_soft_reboot_is_acpi_then_start(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    drv.reboot(None, instance, 'SOFT')
    assert dom.calls == ['create', 'shutdown', 'create'] and dom.isActive()


def test_soft_reboot_resets_a_guest_that_ignores_acpi(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    dom.obeys_acpi = False
    drv.reboot(None, instance, 'SOFT')
    assert dom.calls == ['create', 'shutdown', 'destroy', 'create'] and dom.isActive()


def test_hard_reboot_resets(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    drv.reboot(None, instance, 'HARD')
    assert dom.calls == ['create', 'destroy', 'create']


def test_reboot_of_a_stopped_guest_starts_it(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    drv.power_off(instance)
    drv.reboot(None, instance, 'SOFT')
    assert dom.calls[-1] == 'create' and dom.isActive()


def test_power_off_on(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    drv.power_off(instance)
    assert dom.calls[-1] == 'shutdown'
    assert drv.get_power_state(instance) == inst_obj.SHUTDOWN
    drv.power_off(instance)  # already off: nothing
    assert dom.calls[-1] == 'shutdown'
    drv.power_on(None, instance)
    assert drv.get_power_state(instance) == inst_obj.RUNNING
    drv.power_on(None, instance)  # already on: nothing
    assert dom.calls.count('create') == 2


def test_power_off_cuts_the_power_when_acpi_is_ignored(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    dom.obeys_acpi = False
    drv.power_off(instance)
    assert dom.calls[-2:] == ['shutdown', 'destroy']
    assert drv.get_power_state(instance) == inst_obj.SHUTDOWN


def test_pause_unpause_suspend_resume(drv, instance, base_image):
    dom = spawn(drv, instance, base_image)
    drv.pause(instance)
    assert drv.get_power_state(instance) == inst_obj.PAUSED_POWER
    drv.unpause(instance)
    assert drv.get_power_state(instance) == inst_obj.RUNNING
    drv.suspend(None, instance)
    assert dom.managed_save
    assert drv.get_power_state(instance) == inst_obj.SUSPENDED_POWER
    drv.resume(None, instance)
    assert drv.get_power_state(instance) == inst_obj.RUNNING and not dom.managed_save


def test_power_state_of_a_missing_guest_is_nostate(drv, instance):
    assert drv.get_power_state(instance) == inst_obj.NOSTATE


def test_actions_on_a_missing_guest_raise_not_found(drv, instance):
    for call in (lambda: drv.reboot(None, instance, 'HARD'), lambda: drv.power_off(instance),
                 lambda: drv.power_on(None, instance), lambda: drv.pause(instance),
                 lambda: drv.suspend(None, instance),
                 lambda: drv.get_console_output(None, instance)):
        with pytest.raises(exception.InstanceNotFound):
            call()


# -- console, snapshot, unsupported -------------------------------------------------------------
def test_console_output_is_the_end_of_the_log(drv, conf, instance, base_image, tmp_path):
    spawn(drv, instance, base_image)
    assert drv.get_console_output(None, instance) == ''  # nothing written yet
    conf.config(group='libvirt', console_log_max_bytes=1024)
    log = inst_dir(tmp_path, instance) / 'console.log'
    log.write_bytes(b'x' * 5000 + b'\nalto-guest: booted uuid= \xff\n')
    out = drv.get_console_output(None, instance)
    assert len(out.encode()) <= 1024 + 2
    assert out.endswith('alto-guest: booted uuid= \ufffd\n')


def test_snapshot_pauses_a_running_guest_while_it_copies(drv, instance, base_image, tmp_path,
                                                         qemu_img):
    dom = spawn(drv, instance, base_image)
    target = tmp_path / 'snap'
    drv.snapshot(None, instance, str(target))
    assert dom.calls[-2:] == ['suspend', 'resume'] and dom.isActive()
    convert = [c for c in qemu_img.calls if c[0] == 'convert'][0]
    assert convert[-2:] == (str(inst_dir(tmp_path, instance) / 'disk'), str(target))
    assert target.exists()


def test_snapshot_of_a_stopped_guest_does_not_start_it(drv, instance, base_image, tmp_path):
    dom = spawn(drv, instance, base_image)
    drv.power_off(instance)
    drv.snapshot(None, instance, str(tmp_path / 'snap'))
    assert not dom.isActive() and 'resume' not in dom.calls


def test_rescue_boots_the_rescue_disk_first_and_unrescue_restores(drv, instance, base_image,
                                                                   tmp_path, qemu_img):
    dom = spawn(drv, instance, base_image, flavor=dict(FLAVOR, ephemeral_gb=1))
    before = dom.XMLDesc()
    path = inst_dir(tmp_path, instance)
    drv.rescue(None, instance, str(base_image))
    root = ET.fromstring(dom.XMLDesc())
    found = [(d.find('source').get('file'), d.find('target').get('dev'))
             for d in root.findall('devices/disk')]
    assert found == [(str(path / 'disk.rescue'), 'vda'), (str(path / 'disk'), 'vdb'),
                     (str(path / 'disk.eph0'), 'vdc')]
    assert root.findtext('os/kernel') == str(path / 'kernel.kernel-1')
    assert dom.calls[-2:] == ['destroy', 'create'] and dom.isActive()
    assert (path / 'disk.rescue').exists() and (path / 'unrescue.xml').exists()
    assert qemu_img.made()[-1] == ('overlay', str(path / 'disk.rescue'), ())
    drv.unrescue(None, instance)
    assert dom.XMLDesc() == before and dom.isActive()
    assert not (path / 'disk.rescue').exists() and not (path / 'unrescue.xml').exists()
    with pytest.raises(exception.ComputeError, match='not rescued'):
        drv.unrescue(None, instance)


def test_destroy_of_a_rescued_guest(drv, conn, instance, base_image, tmp_path):
    spawn(drv, instance, base_image)
    drv.rescue(None, instance, str(base_image))
    drv.destroy(None, instance, [])
    assert conn.domains == {} and not inst_dir(tmp_path, instance).exists()


def test_rescue_without_an_image_file_is_not_supported(drv, instance):
    with pytest.raises(exception.DriverNotSupported) as info:
        drv.rescue(None, instance, None)
    assert info.value.code == 409 and 'libvirt' in str(info.value)


# -- the compute manager hands the driver the kernel and ramdisk ---------------------------------
def test_manager_fetches_kernel_and_ramdisk_into_the_cache():
    fetched = []
    fake_self = types.SimpleNamespace(
        _cached_image=lambda ctx, image_id: fetched.append(image_id) or '/base/' + image_id)
    image = {'id': 'img', 'properties': {'kernel_id': 'k1', 'ramdisk_id': 'r1'}}
    out = compute_manager.ComputeManager._with_boot_files(fake_self, None, image)
    assert out['kernel_path'] == '/base/k1' and out['ramdisk_path'] == '/base/r1'
    assert fetched == ['k1', 'r1'] and 'kernel_path' not in image
    plain = {'id': 'img', 'properties': {}}
    assert compute_manager.ComputeManager._with_boot_files(fake_self, None, plain) is plain
    assert compute_manager.ComputeManager._with_boot_files(fake_self, None, {}) == {}


# -- file access for QEMU's group ------------------------------------------------------------------
def test_qemu_group_reaches_the_instance_dir_and_the_cached_images(drv, conf, instance,
                                                                   base_image, tmp_path):
    import grp
    group = grp.getgrgid(os.getgid()).gr_name
    conf.config(group='libvirt', qemu_group=group)
    for path in (base_image, base_image.parent / 'kernel-1'):
        path.chmod(0o600)
    base_image.parent.chmod(0o700)
    old = os.umask(0o077)
    try:
        spawn(drv, instance, base_image)
    finally:
        os.umask(old)
    assert inst_dir(tmp_path, instance).stat().st_mode & 0o777 == 0o750
    assert base_image.parent.stat().st_mode & 0o777 == 0o750
    assert base_image.stat().st_mode & 0o777 == 0o640
    assert (base_image.parent / 'kernel-1').stat().st_mode & 0o777 == 0o640
    assert inst_dir(tmp_path, instance).stat().st_gid == os.getgid()


def test_a_cached_image_libvirt_gave_to_another_owner_is_left_as_it_is(drv, conf, instance,
                                                                         base_image, monkeypatch):
    import grp
    conf.config(group='libvirt', qemu_group=grp.getgrgid(os.getgid()).gr_name)
    base_image.chmod(0o600)
    # The compute runs as a user that owns nothing here (libvirt gave the
    # files to root): changing them would be refused, and is not tried.
    monkeypatch.setattr(libvirt_driver.os, 'geteuid', lambda: 4242)
    spawn(drv, instance, base_image)
    assert base_image.stat().st_mode & 0o777 == 0o600


def test_no_qemu_group_leaves_modes_alone(drv, conf, instance, base_image):
    conf.config(group='libvirt', qemu_group='')
    base_image.chmod(0o600)
    spawn(drv, instance, base_image)
    assert base_image.stat().st_mode & 0o777 == 0o600


def test_destroy_on_ovs_removes_ports_libvirt_left(drv, instance, base_image, monkeypatch,
                                                   conf):
    conf.config(group='libvirt', vif_bridge='br-test')
    monkeypatch.setattr(libvirt_driver.LibvirtDriver, '_bridge_kind',
                        staticmethod(lambda name: 'ovs' if name == 'br-test' else None))
    unplugged = []
    monkeypatch.setattr(libvirt_driver.vif_plug, 'unplug_ovs',
                        lambda uuid, ports: unplugged.append((uuid, ports)))
    spawn(drv, instance, base_image, network_info=NETWORK_INFO)
    drv.destroy(None, instance, NETWORK_INFO)
    assert unplugged == [(instance.uuid, ['port-1'])]


def test_unplug_ovs_deletes_only_the_guests_own_ports():
    from services.compute.virt.libvirt import vifs
    calls = []

    def run(argv):
        calls.append(argv)
        if 'find' in argv:
            return (0, 'vnet3\n') if 'external_ids:iface-id=p1' in argv else (0, '')
        return 0, ''
    vifs.unplug_ovs('vm-1', ['p1', 'p2'], run=run)
    finds = [c for c in calls if 'find' in c]
    assert all('external_ids:vm-id=vm-1' in c for c in finds) and len(finds) == 2
    assert [c[-1] for c in calls if 'del-port' in c] == ['vnet3']
