"""Guests as libvirt domains under QEMU (KVM when the host offers it).

Each guest is a persistent domain named ``[libvirt] domain_prefix`` + the
instance uuid, with its files in ``<instances_path>/<uuid>/``: ``disk`` (a
qcow2 overlay over the cached image), ``disk.eph0`` / ``disk.swap`` when the
flavor asks for them, and ``console.log`` (the serial port). Kernel and
ramdisk of a direct kernel boot are copied from the image cache into the
guest's directory.
"""

import contextlib
import grp
import os
import shutil
import time
import types
import xml.etree.ElementTree as ET

from oslo_config import cfg
from oslo_log import log as logging

from services.compute import exception
from services.compute.metadata import configdrive
from services.compute.metadata import content as md_content
from services.compute.objects import instance as inst_obj
from services.compute.virt import driver
from services.compute.virt import rescue as virt_rescue
from services.compute.virt.libvirt import diagnostics
from services.compute.virt.libvirt import disks
from services.compute.virt.libvirt import domain
from services.compute.virt.libvirt import migration
from services.compute.virt.libvirt import rescue as libvirt_rescue
from services.compute.virt.libvirt import unplug
from services.compute.virt.libvirt import vifs as vif_plug
from services.compute.virt.libvirt import volume_snapshots
from services.compute.virt.libvirt import volume_swap

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

# libvirt's virDomainState numbering (stable ABI) -> our power states.
_POWER = {0: inst_obj.NOSTATE, 1: inst_obj.RUNNING, 2: inst_obj.RUNNING,
          3: inst_obj.PAUSED_POWER, 4: inst_obj.RUNNING, 5: inst_obj.SHUTDOWN,
          6: inst_obj.CRASHED, 7: inst_obj.SUSPENDED_POWER}
_PAUSED, _SHUTOFF = 3, 5
_XML_INACTIVE = 2  # VIR_DOMAIN_XML_INACTIVE
_UNDEFINE_MANAGED_SAVE = 1  # VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
_START_PAUSED = 1  # VIR_DOMAIN_START_PAUSED
_NO_DOMAIN = 42  # VIR_ERR_NO_DOMAIN
_AFFECT_LIVE, _AFFECT_CONFIG = 1, 2  # VIR_DOMAIN_AFFECT_*
_SECRET_USAGE_ISCSI = 3  # VIR_SECRET_USAGE_TYPE_ISCSI
_NO_SECRET = 66  # VIR_ERR_NO_SECRET
_POLL = 0.5


def _libvirt():
    import libvirt  # deferred: only a libvirt compute node needs it
    return libvirt


def _cpu_virtualises(cpuinfo='/proc/cpuinfo'):
    """Whether the CPU offers VMX or SVM (a /dev/kvm without them, as in a
    nested guest without nesting, cannot run KVM domains)."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith('flags'):
                    flags = line.split(':', 1)[1].split()
                    return 'vmx' in flags or 'svm' in flags
    except OSError:
        pass
    return False


def _open(uri):
    libvirt = _libvirt()
    # libvirt prints every error on stderr unless a handler takes them;
    # they reach us as exceptions anyway.
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    return libvirt.open(uri)


def _direct(func, *args, **kwargs):
    return func(*args, **kwargs)


class LibvirtDriver(driver.ComputeDriver):
    hypervisor_type = 'QEMU'
    supports_cow_images = True

    def __init__(self, connect=None, run_native=None):
        """``connect(uri)`` opens a connection (``libvirt.open`` unless a
        test hands in its own); ``run_native(func, *args)`` runs the calls
        that block for seconds (a real OS thread in a daemon)."""
        self._connect = connect
        self._run_native = run_native or _direct
        self._conn = None
        self.host = None
        self.virt_type = None

    # -- connection --------------------------------------------------------------
    @property
    def conn(self):
        if self._conn is None or not self._alive(self._conn):
            connect = self._connect or _open
            self._conn = connect(CONF.libvirt.connection_uri)
        return self._conn

    @staticmethod
    def _alive(conn):
        try:
            return bool(conn.isAlive())
        except Exception:
            return False

    def _name(self, uuid):
        return CONF.libvirt.domain_prefix + uuid

    def _lookup(self, instance):
        """The guest's domain, or None."""
        try:
            return self.conn.lookupByName(self._name(instance.uuid))
        except Exception as exc:
            if self._no_domain(exc):
                return None
            raise

    def _domain(self, instance):
        dom = self._lookup(instance)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return dom

    @staticmethod
    def _no_domain(exc):
        get_code = getattr(exc, 'get_error_code', None)
        return get_code is not None and get_code() == _NO_DOMAIN

    def _instance_dir(self, uuid):
        return os.path.join(CONF.libvirt.instances_path, uuid)

    def _console_path(self, uuid):
        return os.path.join(self._instance_dir(uuid), 'console.log')

    def _share(self, path):
        """Let QEMU's group reach ``path`` (a directory: enter and list it;
        a file: read it) without opening it to everyone."""
        group = CONF.libvirt.qemu_group
        if not group:
            return
        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError:
            LOG.warning('Group %s does not exist: QEMU may not reach %s', group, path)
            return
        st = os.stat(path)
        if st.st_uid != os.geteuid() and os.geteuid() != 0:
            # Not ours to change: libvirt gives a cached image to root when a
            # guest using it stops, and labels it for QEMU itself at a start.
            return
        if st.st_gid != gid:
            os.chown(path, -1, gid)
        bits = 0o050 if os.path.isdir(path) else 0o040
        if st.st_mode & bits != bits:
            os.chmod(path, (st.st_mode & 0o7777) | bits)

    # -- host --------------------------------------------------------------------
    def init_host(self, host):
        self.host = host
        self.virt_type = self._pick_virt_type()
        os.makedirs(CONF.libvirt.instances_path, exist_ok=True)
        self._share(CONF.libvirt.instances_path)
        LOG.info('libvirt %s at %s, %s domains', self.conn.getLibVersion(),
                 CONF.libvirt.connection_uri, self.virt_type)

    def _pick_virt_type(self):
        wanted = CONF.libvirt.virt_type
        if wanted != 'auto':
            return wanted
        if not (os.access('/dev/kvm', os.R_OK | os.W_OK) and _cpu_virtualises()):
            return 'qemu'
        caps = ET.fromstring(self.conn.getCapabilities())
        kvm = caps.findall("./guest/arch[@name='x86_64']/domain[@type='kvm']")
        return 'kvm' if kvm else 'qemu'

    def get_available_resource(self):
        info = self.conn.getInfo()  # [arch, MiB, cpus, MHz, nodes, sockets, cores, threads]
        vfs = os.statvfs(CONF.libvirt.instances_path)
        disk_gb = (vfs.f_blocks * vfs.f_frsize // disks.MiB
                   - CONF.libvirt.reserved_host_disk_mb) // 1024
        vcpus = max(info[2] - CONF.libvirt.reserved_host_cpus, 0)
        return {'vcpus': vcpus,
                'memory_mb': max(info[1] - CONF.libvirt.reserved_host_memory_mb, 0),
                'local_gb': max(disk_gb, 0), 'hypervisor_type': self.hypervisor_type,
                'hypervisor_version': self.conn.getVersion(),
                'hypervisor_hostname': self.host, 'host_ip': '127.0.0.1',
                'cpu_info': self._cpu_info(info)}

    def _cpu_info(self, info):
        caps = ET.fromstring(self.conn.getCapabilities())
        cpu = caps.find('./host/cpu')
        model = cpu.findtext('model') if cpu is not None else None
        vendor = cpu.findtext('vendor') if cpu is not None else None
        features = sorted(f.get('name') for f in cpu.findall('feature')) \
            if cpu is not None else []
        return {'arch': info[0], 'model': model or 'unknown', 'vendor': vendor or 'unknown',
                'topology': {'cells': info[4], 'sockets': info[5], 'cores': info[6],
                             'threads': info[7]},
                'features': features}

    def get_host_uptime(self):
        return driver.host_uptime_line()

    def list_instance_uuids(self):
        prefix = CONF.libvirt.domain_prefix
        return [dom.UUIDString() for dom in self.conn.listAllDomains(0)
                if dom.name().startswith(prefix)]

    def get_power_state(self, instance):
        dom = self._lookup(instance)
        if dom is None:
            return inst_obj.NOSTATE
        state = dom.state()[0]
        if state == _SHUTOFF and dom.hasManagedSaveImage(0):
            return inst_obj.SUSPENDED_POWER
        return _POWER.get(state, inst_obj.NOSTATE)

    # -- spawn and destroy -------------------------------------------------------------
    def vif_plugged_events(self, network_info):
        """Ports not ACTIVE yet that spawn puts on an Open vSwitch bridge: the
        network service's OVS agent finds them there by their ``iface-id``
        and reports them wired. Without such a bridge nobody would report."""
        if self._bridge_kind(CONF.libvirt.vif_bridge) != 'ovs':
            return []
        return [vif['port_id'] for vif in network_info or [] if vif.get('active') is False]

    def spawn(self, context, instance, image_meta, image_path, network_info, flavor,
              block_device_info=None, wait_for_network=None):
        """``image_meta`` may carry ``kernel_path`` / ``ramdisk_path``: the
        cached files of the images its ``kernel_id`` / ``ramdisk_id`` name.
        A volume with boot index 0 in ``block_device_info`` is the root disk.
        With ``wait_for_network`` the domain starts paused (QEMU has made its
        taps, libvirt has put them on the bridge) and is resumed once the
        network service reported them wired, as nova does."""
        volumes, boots_from_volume = _volume_disks(block_device_info)
        if not image_path and not boots_from_volume:
            raise exception.DriverNotSupported(operation='Booting without an image file',
                                               driver='libvirt')
        image_meta = image_meta or {}
        props = image_meta.get('properties') or {}
        if props.get('kernel_id') and not image_meta.get('kernel_path'):
            raise exception.ComputeError('Kernel image %s was not fetched' % props['kernel_id'])
        spec = self._spec(instance, flavor, image_meta)
        path = self._instance_dir(instance.uuid)
        os.makedirs(path, exist_ok=True)
        try:
            self._share(path)
            self._share_cached(image_path, image_meta)
            if boots_from_volume:
                spec.disks = volumes[:1] + self._make_disks(path, None, flavor)[1:] + \
                    volumes[1:]
            else:
                spec.disks = self._make_disks(path, image_path, flavor) + volumes
            self._complete_spec(spec, instance, image_meta, path, network_info,
                                block_device_info)
            xml = domain.build(spec)
            for block_device in block_device_info or []:
                self._define_volume_secret(block_device['connection_info'])
            dom = self.conn.defineXML(xml)
            if wait_for_network is None:
                self._run_native(dom.create)
            else:
                self._run_native(dom.createWithFlags, _START_PAUSED)
                wait_for_network()
                dom.resume()
        except Exception:
            self._cleanup(instance)
            raise
        LOG.info('Started %s (%s, %d vifs)', spec.name, spec.virt_type, len(spec.vifs))

    def _spec(self, instance, flavor, image_meta):
        return domain.spec_from(instance, flavor, image_meta, self._name(instance.uuid),
                                self.virt_type or self._pick_virt_type(),
                                CONF.libvirt.default_machine_type,
                                CONF.libvirt.default_kernel_cmdline)

    def _share_cached(self, image_path, image_meta):
        """Let QEMU read the cached image, kernel and ramdisk a guest uses."""
        for used in filter(None, (image_path, image_meta.get('kernel_path'),
                                  image_meta.get('ramdisk_path'))):
            self._share(os.path.dirname(used))
            self._share(used)

    def _complete_spec(self, spec, instance, image_meta, path, network_info,
                       block_device_info=None):
        """Boot files, console log, VNC display, NICs and config drive."""
        spec.kernel = self._boot_file_copy(path, 'kernel', image_meta.get('kernel_path'))
        spec.ramdisk = self._boot_file_copy(path, 'ramdisk', image_meta.get('ramdisk_path'))
        if not spec.kernel:
            spec.cmdline = None
        spec.console_log = self._console_log(instance.uuid)
        spec.vnc_listen = CONF.vnc.server_listen if CONF.vnc.enabled else None
        spec.vifs = self._vifs(network_info)
        if configdrive.required(instance):
            spec.config_drive = self._make_config_drive(path, instance, network_info,
                                                        block_device_info)

    def _boot_file_copy(self, path, kind, cached):
        """The guest's own copy of a cached kernel or ramdisk, in its
        directory (as nova keeps them): libvirt labels a boot file for each
        domain it starts and refuses a file another running domain holds."""
        if not cached:
            return None
        own = os.path.join(path, '%s.%s' % (kind, os.path.basename(cached)))
        if not os.path.exists(own):
            shutil.copyfile(cached, own + '.part')
            os.replace(own + '.part', own)
        self._share(own)
        return own

    def _console_log(self, uuid):
        """The serial console's file, made here before libvirt opens it: a
        file libvirtd creates is root's, and this daemon must read it."""
        path = self._console_path(uuid)
        if not os.path.exists(path):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640))
        self._share(path)
        return path

    def _make_config_drive(self, path, instance, network_info, block_device_info=None):
        """``disk.config``: the server's metadata as an ISO 9660 image (with
        the devices tagged at boot, as nova's: the drive is not rewritten)."""
        target = os.path.join(path, 'disk.config')
        metadata = md_content.InstanceMetadata(
            instance, network_info, default_zone=CONF.compute.default_availability_zone,
            vendor_data=md_content.load_vendor_data(CONF.metadata.vendordata_jsonfile_path),
            dhcp_domain=CONF.metadata.dhcp_domain,
            devices=md_content.tagged_devices(instance, network_info, block_device_info))
        self._run_native(configdrive.make_iso, metadata.config_drive_files(), target)
        self._share(target)
        return target

    def _make_disks(self, path, image_path, flavor):
        """Root (an overlay of ``image_path``; none without one), ephemeral
        and swap disks."""
        root = os.path.join(path, 'disk')
        made = [None]
        if image_path:
            disks.create_overlay(image_path, root, flavor.get('root_gb') or 0)
            made = [domain.Disk(root)]
        if flavor.get('ephemeral_gb'):
            eph = os.path.join(path, 'disk.eph0')
            disks.create_blank(eph, flavor['ephemeral_gb'] * disks.GiB)
            made.append(domain.Disk(eph, kind='ephemeral'))
        if flavor.get('swap'):
            swap = os.path.join(path, 'disk.swap')
            disks.create_blank(swap, flavor['swap'] * disks.MiB)
            made.append(domain.Disk(swap, kind='swap'))
        return made

    def _vifs(self, network_info):
        """NICs on the configured bridge when it exists; none otherwise. On
        an Open vSwitch bridge each NIC carries its port id
        (``<virtualport type='openvswitch'><parameters interfaceid=...>``):
        the network service's OVS agent wires it to its network by that id."""
        kind = self._bridge_kind(CONF.libvirt.vif_bridge)
        if kind is None:
            if network_info:
                LOG.warning('Bridge %s does not exist: the guest gets no NIC',
                            CONF.libvirt.vif_bridge)
            return []
        return [self._guest_vif(vif, kind) for vif in network_info or []]

    @staticmethod
    def _guest_vif(vif, kind):
        # The port binding's details name the datapath of the host's OVS agent.
        details = vif.get('vif_details') or {}
        return domain.Vif(mac=vif['mac_address'], bridge=CONF.libvirt.vif_bridge,
                          port_id=vif['port_id'], ovs=kind == 'ovs',
                          userspace_datapath=kind == 'ovs'
                          and details.get('datapath_type') == 'netdev')

    @staticmethod
    def _bridge_kind(name, sys_net='/sys/class/net'):
        """'linux', 'ovs' or None."""
        if not name or not os.path.exists(os.path.join(sys_net, name)):
            return None
        if os.path.isdir(os.path.join(sys_net, name, 'bridge')):
            return 'linux'
        return 'ovs' if shutil.which('ovs-vsctl') else None

    def destroy(self, context, instance, network_info):
        self._cleanup(instance)
        # What a resize kept here for a revert goes with the server.
        shutil.rmtree(self._resize_dir(instance.uuid), ignore_errors=True)
        if network_info and self._bridge_kind(CONF.libvirt.vif_bridge) == 'ovs':
            vif_plug.unplug_ovs(instance.uuid, [vif['port_id'] for vif in network_info])

    def _cleanup(self, instance):
        dom = self._lookup(instance)
        if dom is not None:
            usages = domain.secret_usages(dom.XMLDesc(_XML_INACTIVE))
            if dom.isActive():
                self._run_native(self._force_off, dom)
            dom.undefineFlags(_UNDEFINE_MANAGED_SAVE)
            for usage in usages:
                self._undefine_secret(usage)
        shutil.rmtree(self._instance_dir(instance.uuid), ignore_errors=True)

    @staticmethod
    def _force_off(dom):
        try:
            dom.destroy()
        except Exception:
            if dom.isActive():
                raise

    # -- power ---------------------------------------------------------------------
    def _clean_shutdown(self, dom, timeout):
        """ACPI power button, then wait up to ``timeout`` s: True when the
        guest powered itself off."""
        try:
            dom.shutdown()
        except Exception as exc:
            LOG.info('ACPI shutdown of %s refused: %s', dom.name(), exc)
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not dom.isActive():
                return True
            time.sleep(_POLL)
        return not dom.isActive()

    def reboot(self, context, instance, reboot_type):
        dom = self._domain(instance)
        if dom.isActive():
            if reboot_type.upper() == 'SOFT' and self._clean_shutdown(
                    dom, CONF.libvirt.soft_reboot_timeout):
                LOG.info('%s shut down cleanly for its reboot', dom.name())
            elif dom.isActive():
                self._run_native(self._force_off, dom)
        self._run_native(dom.create)

    def power_off(self, instance):
        dom = self._domain(instance)
        if dom.isActive() and not self._clean_shutdown(dom, CONF.libvirt.shutdown_timeout):
            self._run_native(self._force_off, dom)

    def power_on(self, context, instance):
        dom = self._domain(instance)
        if not dom.isActive():
            self._run_native(dom.create)

    def pause(self, instance):
        self._domain(instance).suspend()

    def unpause(self, instance):
        self._domain(instance).resume()

    def suspend(self, context, instance):
        dom = self._domain(instance)
        self._run_native(dom.managedSave, 0)

    def resume(self, context, instance):
        dom = self._domain(instance)
        if not dom.isActive():
            self._run_native(dom.create)  # restores the managed save image

    # -- consoles and images ---------------------------------------------------------------
    def get_console_output(self, context, instance):
        path = self._console_path(instance.uuid)
        if self._lookup(instance) is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        try:
            with open(path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(f.tell() - CONF.libvirt.console_log_max_bytes, 0))
                data = f.read()
        except FileNotFoundError:
            return ''
        return data.decode('utf-8', 'replace')

    def get_vnc_console(self, context, instance):
        """Host and port of the running guest's VNC display."""
        dom = self._domain(instance)
        port = domain.vnc_port(dom.XMLDesc(0)) if dom.isActive() else None
        if port is None:
            if not dom.isActive():
                raise exception.InstanceNotReady(instance_id=instance.uuid)
            raise exception.ConsoleTypeUnavailable(console_type='vnc')
        return {'host': CONF.vnc.server_proxyclient_address, 'port': port}

    def get_diagnostics(self, instance):
        dom = self._domain(instance)
        return diagnostics.collect(dom, self.virt_type or self._pick_virt_type(),
                                   configdrive.required(instance),
                                   getattr(instance, 'launched_at', None))

    def set_admin_password(self, instance, new_pass, user='root'):
        """Through the QEMU guest agent (``virDomainSetUserPassword``): only a
        guest defined with the agent's channel (``hw_qemu_guest_agent``)."""
        dom = self._domain(instance)
        if not domain.has_guest_agent(dom.XMLDesc(0)):
            raise exception.InstanceAgentNotEnabled()
        try:
            self._run_native(dom.setUserPassword, user, new_pass, 0)
        except Exception as exc:
            # Most often no agent answers inside the guest.
            LOG.warning('Setting the password of %s in %s failed: %s', user, dom.name(), exc)
            message = exc.get_error_message() if hasattr(exc, 'get_error_message') \
                else str(exc)
            raise exception.InstancePasswordSetFailed(
                instance=instance.uuid,
                reason='the guest agent did not set it (%s)' % message) from None

    def snapshot(self, context, instance, target_path):
        """A standalone qcow2 of the root disk; a running guest is paused
        while it is copied."""
        dom = self._domain(instance)
        root = os.path.join(self._instance_dir(instance.uuid), 'disk')
        pause = dom.isActive() and dom.state()[0] != _PAUSED
        if pause:
            dom.suspend()
        try:
            self._run_native(disks.convert, root, target_path, force_share=dom.isActive())
        finally:
            if pause:
                dom.resume()

    def _unsupported(self, operation):
        raise exception.DriverNotSupported(operation=operation, driver='libvirt')

    def rescue(self, context, instance, image_path, image_meta=None):
        """Boot a fresh disk of ``image_path``; the domain as it was is kept
        in ``unrescue.xml``.  A rescue image (``image_meta``) that asks for a
        stable device rescue gets :meth:`_stable_rescue`; else the rescue disk
        goes first and the guest's own disks after it, and a kernel boot keeps
        its kernel, ramdisk and command line."""
        if not image_path:
            self._unsupported('Rescue without an image file')
        layout = virt_rescue.image_layout(image_meta)
        if layout is not None:
            return self._stable_rescue(instance, image_path, image_meta, layout)
        dom = self._domain(instance)
        path = self._instance_dir(instance.uuid)
        saved = os.path.join(path, 'unrescue.xml')
        original = dom.XMLDesc(_XML_INACTIVE)
        root = ET.fromstring(original)
        devices = root.find('devices')
        own = devices.findall("disk[@device='disk']")
        if not own:
            self._unsupported('Rescue of a guest without a disk')
        bus = own[0].find('target').get('bus')
        if bus not in domain.DISK_PREFIX:
            self._unsupported('Rescue of a guest on a %s disk bus' % bus)
        rescue_disk = os.path.join(path, 'disk.rescue')
        disks.create_overlay(image_path, rescue_disk, 0)
        first = ET.fromstring(ET.tostring(own[0]))
        first.find('source').set('file', rescue_disk)
        for child in list(first):
            if child.tag not in ('driver', 'source', 'target'):
                first.remove(child)
        first.find('driver').set('type', 'qcow2')
        devices.insert(list(devices).index(own[0]), first)
        for element, name in zip([first] + own, domain.disk_names(bus, len(own) + 1)):
            element.find('target').set('dev', name)
            address = element.find('address')
            if address is not None:
                element.remove(address)
        self._start_rescue(dom, saved, original, ET.tostring(root, encoding='unicode'))

    def _stable_rescue(self, instance, image_path, image_meta, layout):
        """The guest's definition with every disk and volume where it was,
        the rescue disk added as ``layout`` asks and booted first (with the
        rescue image's own kernel and ramdisk when it has them)."""
        dom = self._domain(instance)
        path = self._instance_dir(instance.uuid)
        original = dom.XMLDesc(_XML_INACTIVE)
        rescue_disk = os.path.join(path, 'disk.rescue')
        # A layout this guest cannot take (Invalid) is found before any
        # file is made: the guest stays as it was.
        libvirt_rescue.stable_xml(original, layout, rescue_disk)
        boot_files = libvirt_rescue.BootFiles(
            kernel=self._boot_file_copy(path, 'rescue-kernel', image_meta.get('kernel_path')),
            ramdisk=self._boot_file_copy(path, 'rescue-ramdisk',
                                         image_meta.get('ramdisk_path')),
            cmdline=(image_meta.get('properties') or {}).get('os_command_line')
            or CONF.libvirt.default_kernel_cmdline)
        xml, target = libvirt_rescue.stable_xml(original, layout, rescue_disk, boot_files)
        self._share_cached(image_path, image_meta)
        disks.create_overlay(image_path, rescue_disk, 0)
        self._share(rescue_disk)
        LOG.info('Stable device rescue of %s: a %s at %s', dom.name(), layout.device, target)
        self._start_rescue(dom, os.path.join(path, 'unrescue.xml'), original, xml)

    def _start_rescue(self, dom, saved, original, rescue_xml):
        """Keep the guest's definition in ``saved``, start it as
        ``rescue_xml``.  When libvirt refuses that definition or QEMU will
        not start it, the guest gets its own back (running again if it was)
        and no rescue file stays."""
        with open(saved, 'w') as f:
            f.write(original)
        was_active = dom.isActive()
        if was_active:
            self._run_native(self._force_off, dom)
        try:
            dom = self.conn.defineXML(rescue_xml)
            self._run_native(dom.create)
        except Exception as exc:
            LOG.warning('Rescue of %s failed (%s); its own definition goes back', dom.name(),
                        exc)
            with contextlib.suppress(Exception):
                self._run_native(self._force_off, dom)
            dom = self.conn.defineXML(original)
            self._remove_rescue_files(os.path.dirname(saved))
            if was_active:
                with contextlib.suppress(Exception):
                    self._run_native(dom.create)
            raise

    @staticmethod
    def _remove_rescue_files(path):
        """``unrescue.xml``, the rescue disk and the rescue image's kernel
        and ramdisk copies."""
        for name in os.listdir(path):
            if name in ('unrescue.xml', 'disk.rescue') or \
                    name.startswith(('rescue-kernel.', 'rescue-ramdisk.')):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(path, name))

    def unrescue(self, context, instance):
        dom = self._domain(instance)
        path = self._instance_dir(instance.uuid)
        saved = os.path.join(path, 'unrescue.xml')
        if not os.path.exists(saved):
            raise exception.ComputeError('Instance %s is not rescued' % instance.uuid)
        with open(saved) as f:
            original = f.read()
        if dom.isActive():
            self._run_native(self._force_off, dom)
        dom = self.conn.defineXML(original)
        self._remove_rescue_files(path)
        self._run_native(dom.create)

    # -- port interfaces -----------------------------------------------------------
    def attach_interface(self, context, instance, image_meta, vif):
        """Hot-plug one NIC (the XML spawn gives NICs, the model of the
        guest's other NICs) into the running guest and its persistent
        definition (only the latter for a stopped guest)."""
        dom = self._domain(instance)
        kind = self._bridge_kind(CONF.libvirt.vif_bridge)
        if kind is None:
            raise exception.ComputeError('Bridge %s does not exist' % CONF.libvirt.vif_bridge)
        current = dom.XMLDesc(_XML_INACTIVE)
        if domain.find_interface(current, vif['mac_address']) is not None:
            return  # plugged already (a retried attach)
        props = (image_meta or {}).get('properties') or {}
        model = props.get('hw_vif_model') or domain.interface_model(current) or 'virtio'
        xml = domain.interface_xml(self._guest_vif(vif, kind), model)
        flags = _AFFECT_CONFIG | (_AFFECT_LIVE if dom.isActive() else 0)
        self._run_native(dom.attachDeviceFlags, xml, flags)
        LOG.info('Plugged port %s into %s', vif['port_id'], dom.name())

    def detach_interface(self, context, instance, vif):
        """Unplug the NIC with the port's MAC address from the persistent
        definition and the running guest; one the guest lacks is skipped."""
        dom = self._lookup(instance)
        if dom is None:
            return
        persistent = domain.find_interface(dom.XMLDesc(_XML_INACTIVE), vif['mac_address'])
        if persistent is not None:
            dom.detachDeviceFlags(persistent, _AFFECT_CONFIG)
        if dom.isActive():
            live = domain.find_interface(dom.XMLDesc(0), vif['mac_address'])
            if live is not None:
                self._run_native(dom.detachDeviceFlags, live, _AFFECT_LIVE)
        if self._bridge_kind(CONF.libvirt.vif_bridge) == 'ovs':
            vif_plug.unplug_ovs(instance.uuid, [vif['port_id']])
        LOG.info('Unplugged port %s from %s', vif['port_id'], dom.name())

    # -- image cache ------------------------------------------------------------------
    def base_files_in_use(self):
        """The cached files every instance directory here (a resize's kept
        ``<uuid>_resize`` too) uses: its disks' backing files and its
        domain's kernel and ramdisk."""
        used = set()
        root = CONF.libvirt.instances_path
        for name in os.listdir(root):
            path = os.path.join(root, name)
            if name == '_base' or not os.path.isdir(path):
                continue
            for disk in os.listdir(path):
                if disk.startswith('disk') and disk != 'disk.config':
                    backing = disks.info(os.path.join(path, disk))['backing']
                    if backing:
                        used.add(backing)
            used.update(self._boot_files(name, path))
        return used

    def _boot_files(self, name, path):
        saved = os.path.join(path, 'libvirt.xml')
        if os.path.exists(saved):
            with open(saved) as f:
                xml = f.read()
        else:
            dom = self._lookup(types.SimpleNamespace(uuid=name))
            if dom is None:
                return []
            xml = dom.XMLDesc(_XML_INACTIVE)
        os_el = ET.fromstring(xml).find('os')
        return [el.text for el in (os_el.find('kernel'), os_el.find('initrd'))
                if el is not None and el.text] if os_el is not None else []

    # -- resize and cold migration ---------------------------------------------------
    # The source keeps its stopped guest's directory as ``<uuid>_resize``
    # (with the domain XML as ``libvirt.xml``) and undefines the domain;
    # the destination gets copies of the disks and the console log in a
    # fresh ``<uuid>`` directory and defines the guest with the new flavor.
    # Confirm removes ``<uuid>_resize``; revert puts it back and defines the
    # saved domain again. Two hosts on one libvirtd need distinct
    # ``domain_prefix`` values (the domain uuid is the instance's, which is
    # fine since at most one of them is defined at a time).
    def _resize_dir(self, uuid):
        return self._instance_dir(uuid) + '_resize'

    def migration_target(self, instance):
        return migration.target(self._instance_dir(instance.uuid),
                                CONF.libvirt.migration_address or self.host)

    def migrate_disk_and_power_off(self, context, instance, target, flavor):
        """Only the guest's own files move: root disk (none when it boots
        from a volume), ephemeral disk and console log.  Its volumes stay
        where they are: the manager disconnects them here and connects
        them on the destination."""
        dom = self._domain(instance)
        saved = dom.XMLDesc(_XML_INACTIVE)
        path, kept = self._instance_dir(instance.uuid), self._resize_dir(instance.uuid)
        root = os.path.join(path, 'disk')
        if os.path.exists(root) and flavor.get('root_gb') and \
                disks.info(root)['virtual_size'] > flavor['root_gb'] * disks.GiB:
            raise exception.ComputeError('Unable to resize disk down.')
        was_running = dom.isActive()
        if was_running and not self._clean_shutdown(dom, CONF.libvirt.shutdown_timeout):
            self._run_native(self._force_off, dom)
        os.rename(path, kept)
        copied = False
        try:
            with open(os.path.join(kept, 'libvirt.xml'), 'w') as f:
                f.write(saved)
            files = [os.path.join(kept, name)
                     for name in ('disk', 'disk.eph0', 'console.log')
                     if os.path.exists(os.path.join(kept, name))]
            copied = True
            self._run_native(migration.copy_files, files, target)
            dom.undefineFlags(_UNDEFINE_MANAGED_SAVE)
        except Exception:
            LOG.exception('Moving the disks of %s failed: putting the guest back',
                          instance.uuid)
            if copied:
                with contextlib.suppress(Exception):
                    migration.remove(target)
            os.remove(os.path.join(kept, 'libvirt.xml'))
            os.rename(kept, path)
            if was_running:
                self._run_native(dom.create)
            raise
        # The volumes' CHAP secrets go with the guest (defined again where
        # it runs next).
        for usage in domain.secret_usages(saved):
            self._undefine_secret(usage)
        LOG.info('Moved the disks of %s to %s', dom.name(), target.get('address'))

    def finish_migration(self, context, instance, image_meta, image_path, network_info,
                         flavor, same_host, power_on=True, block_device_info=None):
        """The moved guest defined with ``flavor``; a volume with boot index
        0 in ``block_device_info`` is its root disk (nothing local then),
        the other volumes keep their device names, as at its spawn."""
        path = self._instance_dir(instance.uuid)
        root = os.path.join(path, 'disk')
        volumes, boots_from_volume = _volume_disks(block_device_info)
        if not os.path.exists(path if boots_from_volume else root):
            raise exception.ComputeError('The disks of %s did not arrive in %s'
                                         % (instance.uuid, path))
        image_meta = image_meta or {}
        spec = self._spec(instance, flavor, image_meta)
        try:
            self._share(path)
            self._share_cached(image_path, image_meta)
            if boots_from_volume:
                local = self._moved_disks(path, flavor)
                spec.disks = volumes[:1] + local + volumes[1:]
            else:
                if image_path:
                    disks.rebase(root, image_path)  # this host's copy of the image
                disks.grow(root, (flavor.get('root_gb') or 0) * disks.GiB)
                local = [domain.Disk(root)] + self._moved_disks(path, flavor)
                spec.disks = local + volumes
            for disk in local:
                self._share(disk.path)
            self._complete_spec(spec, instance, image_meta, path, network_info,
                                block_device_info)
            for block_device in block_device_info or []:
                self._define_volume_secret(block_device['connection_info'])
            dom = self.conn.defineXML(domain.build(spec))
            if power_on:
                self._run_native(dom.create)
        except Exception:
            dom = self._lookup(instance)
            if dom is not None:
                if dom.isActive():
                    self._run_native(self._force_off, dom)
                dom.undefineFlags(_UNDEFINE_MANAGED_SAVE)
            raise
        LOG.info('Started %s with flavor %s after its move', spec.name, spec.flavor_name)

    @staticmethod
    def _moved_disks(path, flavor):
        """Ephemeral disk (kept and grown, or made) and swap (made anew at
        the new size) for ``flavor``."""
        made = []
        eph = os.path.join(path, 'disk.eph0')
        if flavor.get('ephemeral_gb'):
            if os.path.exists(eph):
                disks.grow(eph, flavor['ephemeral_gb'] * disks.GiB)
            else:
                disks.create_blank(eph, flavor['ephemeral_gb'] * disks.GiB)
            made.append(domain.Disk(eph, kind='ephemeral'))
        swap = os.path.join(path, 'disk.swap')
        with contextlib.suppress(FileNotFoundError):
            os.remove(swap)
        if flavor.get('swap'):
            disks.create_blank(swap, flavor['swap'] * disks.MiB)
            made.append(domain.Disk(swap, kind='swap'))
        return made

    def confirm_migration(self, context, instance, same_host):
        shutil.rmtree(self._resize_dir(instance.uuid), ignore_errors=True)

    def finish_revert_migration(self, context, instance, network_info, flavor,
                                block_device_info=None, power_on=True):
        """The saved guest defined (and started, with ``power_on``) again;
        its volume disks open the volumes as ``block_device_info`` connects
        them here now."""
        kept = self._resize_dir(instance.uuid)
        saved = os.path.join(kept, 'libvirt.xml')
        if not os.path.exists(saved):
            raise exception.ComputeError('Nothing of %s was kept to revert to' % instance.uuid)
        self._cleanup(instance)  # the resized guest, when it ran on this host
        path = self._instance_dir(instance.uuid)
        os.rename(kept, path)
        with open(os.path.join(path, 'libvirt.xml')) as f:
            xml = f.read()
        os.remove(os.path.join(path, 'libvirt.xml'))
        xml = domain.with_volume_disks(xml, [_volume_disk(b) for b in block_device_info or []])
        for block_device in block_device_info or []:
            self._define_volume_secret(block_device['connection_info'])
        dom = self.conn.defineXML(xml)
        if power_on:
            self._run_native(dom.create)
        LOG.info('Reverted %s to its guest as it was', dom.name())

    # -- block volumes --------------------------------------------------------------
    def attach_volume(self, context, instance, connection_info, mountpoint):
        """Hot-plug the volume into the running guest and its persistent
        definition (only the latter for a stopped guest)."""
        dom = self._domain(instance)
        target = os.path.basename(mountpoint)
        if target in domain.disk_targets(dom.XMLDesc(0)):
            raise exception.DevicePathInUse(path=mountpoint)
        disk = _volume_disk({'connection_info': connection_info, 'device_name': mountpoint})
        xml = domain.volume_disk_xml(disk.path, disk.fmt, target, disk.serial,
                                     network=disk.network, shareable=disk.shareable)
        flags = _AFFECT_CONFIG | (_AFFECT_LIVE if dom.isActive() else 0)
        self._define_volume_secret(connection_info)
        try:
            self._run_native(dom.attachDeviceFlags, xml, flags)
        except Exception:
            if disk.network is not None and disk.network.secret_usage:
                self._undefine_secret(disk.network.secret_usage)
            raise
        LOG.info('Attached %s to %s as %s', disk.path, dom.name(), target)

    def swap_volume(self, context, instance, old_connection_info, new_connection_info,
                    mountpoint, resize_to=0):
        """Copy the guest's disk onto the new volume and move the guest to
        it (``volume_swap.py``); the new volume's CHAP secret defined first,
        the old one's removed after."""
        target = os.path.basename(mountpoint)
        disk = _volume_disk({'connection_info': new_connection_info, 'device_name': mountpoint})
        xml = domain.volume_disk_xml(disk.path, disk.fmt, target, disk.serial,
                                     network=disk.network, shareable=disk.shareable)
        self._define_volume_secret(new_connection_info)
        try:
            volume_swap.swap(self, instance, old_connection_info, new_connection_info, xml,
                             mountpoint, resize_to)
        except Exception:
            if disk.network is not None and disk.network.secret_usage:
                self._undefine_secret(disk.network.secret_usage)
            raise
        old = _network_source(old_connection_info)
        if old is not None and old.secret_usage:
            self._undefine_secret(old.secret_usage)

    # -- assisted volume snapshots (volume_snapshots.py) ----------------------------
    def volume_snapshot_create(self, context, instance, connection_info, mountpoint,
                               create_info):
        return volume_snapshots.create(self, instance, connection_info, mountpoint,
                                       create_info)

    def volume_snapshot_delete(self, context, instance, connection_info, mountpoint,
                               delete_info):
        return volume_snapshots.delete(self, instance, connection_info, mountpoint,
                                       delete_info)

    def volume_snapshot_merge(self, context, instance, connection_info, mountpoint):
        return volume_snapshots.merge_back(self, instance, connection_info, mountpoint)

    # -- secrets of network volumes (CHAP) ----------------------------------------
    def _define_volume_secret(self, connection_info):
        """The libvirt secret a network volume's ``<auth>`` names, holding
        its CHAP password (kept by libvirtd, readable by root only, never
        in the domain XML or the log)."""
        info = connection_info or {}
        source = _network_source(info)
        if source is None or not source.secret_usage:
            return
        password = (info.get('data') or {}).get('auth_password') or ''
        try:
            secret = self.conn.secretLookupByUsage(_SECRET_USAGE_ISCSI, source.secret_usage)
        except Exception as exc:
            if not _error_code(exc, _NO_SECRET):
                raise
            secret = self.conn.secretDefineXML(domain.secret_xml(
                source.protocol, source.secret_usage,
                'CHAP secret of volume %s' % info.get('serial')), 0)
        secret.setValue(password.encode(), 0)

    def _undefine_secret(self, usage):
        try:
            self.conn.secretLookupByUsage(_SECRET_USAGE_ISCSI, usage).undefine()
        except Exception as exc:
            if not _error_code(exc, _NO_SECRET):
                LOG.warning('Removing the libvirt secret of %s failed: %s', usage, exc)

    def detach_volume(self, context, instance, connection_info, mountpoint):
        """Unplug the volume; a running guest is asked until it lets go
        (``unplug.py``)."""
        dom = self._lookup(instance)
        if dom is None:
            return
        target = os.path.basename(mountpoint)
        persistent = domain.find_disk(dom.XMLDesc(_XML_INACTIVE), target)
        if persistent is not None:
            dom.detachDeviceFlags(persistent, _AFFECT_CONFIG)
        if dom.isActive():
            try:
                self._unplug_disk(dom, target, connection_info.get('serial'))
            except exception.VolumeDetachFailed:
                # The guest keeps the disk: so does its definition, or the
                # next start would lose a volume still attached.
                if persistent is not None:
                    self._run_native(dom.attachDeviceFlags, persistent, _AFFECT_CONFIG)
                raise
        source = _network_source(connection_info)
        if source is not None and source.secret_usage:
            self._undefine_secret(source.secret_usage)

    def _unplug_disk(self, dom, target, volume_id):
        unplug.unplug_disk(dom, target, volume_id, self._run_native)


def _volume_disks(block_device_info):
    """(the volumes' disks, the root volume first; whether one is the root:
    boot index 0)."""
    devices = block_device_info or []
    volumes = [_volume_disk(b) for b in sorted(devices, key=lambda b: b.get('boot_index') != 0)]
    return volumes, any(b.get('boot_index') == 0 for b in devices)


def _volume_disk(block_device):
    """A domain Disk for one ``block_device_info`` entry; the root volume
    (boot index 0) is named with the local disks, the others keep theirs; a
    multiattach volume's disk is shareable."""
    info = block_device['connection_info'] or {}
    data = info.get('data') or {}
    network = _network_source(info)
    # The compute host marks a multiattach volume's connection (volumes.py).
    shareable = bool(info.get('multiattach'))
    if network is not None:
        root = block_device.get('boot_index') == 0
        return domain.Disk('%s://%s:%s/%s' % (network.protocol, network.host, network.port,
                                              network.name),
                           fmt=data.get('format') or 'raw', kind='volume',
                           serial=info.get('serial') or block_device.get('volume_id'),
                           target=None if root else os.path.basename(
                               block_device.get('device_name') or ''),
                           network=network, shareable=shareable)
    if not data.get('device_path'):
        raise exception.ComputeError('Volume %s has no device path' % info.get('serial'))
    root = block_device.get('boot_index') == 0
    return domain.Disk(data['device_path'], fmt=data.get('format') or 'raw', kind='volume',
                       serial=info.get('serial') or block_device.get('volume_id'),
                       target=None if root else os.path.basename(
                           block_device.get('device_name') or ''),
                       shareable=shareable)


def _error_code(exc, code):
    get_code = getattr(exc, 'get_error_code', None)
    return get_code is not None and get_code() == code


def _network_source(connection_info):
    """The NetworkSource of a volume QEMU reaches over the network itself
    (``iscsi``: its own initiator, no host session), or None."""
    info = connection_info or {}
    if info.get('driver_volume_type') != 'iscsi':
        return None
    data = info.get('data') or {}
    try:
        host, _, port = data['target_portal'].rpartition(':')
        source = domain.NetworkSource('iscsi', '%s/%s' % (data['target_iqn'],
                                                          data.get('target_lun', 0)),
                                      host.strip('[]'), int(port))
    except (KeyError, ValueError, AttributeError) as exc:
        raise exception.ComputeError('Volume %s has no usable iSCSI target (%s)'
                                     % (info.get('serial'), exc))
    if str(data.get('auth_method') or '').upper() == 'CHAP':
        source.username = data.get('auth_username')
        source.secret_usage = data['target_iqn']
    return source
