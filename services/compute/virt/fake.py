"""A hypervisor that only keeps books: guests are records in a JSON file.

It behaves like a real driver from the manager's point of view (power
states, console output, snapshots, survival across compute restarts), so
the whole control plane can run and be benchmarked without QEMU.
"""

import hashlib
import json
import os
import shutil
import struct
import threading
import time

from oslo_config import cfg
from oslo_utils import timeutils

from services.compute import exception
from services.compute.objects import instance as inst_obj
from services.compute.virt import driver
from services.compute.virt import rescue as virt_rescue

CONF = cfg.CONF


class FakeDriver(driver.ComputeDriver):
    hypervisor_type = 'fake'
    supports_cow_images = True

    def __init__(self, state_file=None):
        self._lock = threading.Lock()
        self._guests = {}
        self._state_file = state_file
        self.host = None

    # -- persistence -------------------------------------------------------
    def _load(self):
        if self._state_file and os.path.exists(self._state_file):
            with open(self._state_file) as f:
                self._guests = json.load(f)

    def _save(self):
        if not self._state_file:
            return
        tmp = self._state_file + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(self._guests, f)
        os.replace(tmp, self._state_file)

    def _guest(self, instance):
        guest = self._guests.get(instance.uuid)
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return guest

    def _set(self, instance, state, line):
        with self._lock:
            guest = self._guest(instance)
            if state == inst_obj.RUNNING and guest['power_state'] != inst_obj.RUNNING \
                    or 'reboot' in line:
                guest['started'] = time.time()
            guest['power_state'] = state
            guest['console'].append('[%s] %s' % (timeutils.utcnow().isoformat(), line))
            self._save()

    # -- interface -----------------------------------------------------------
    def init_host(self, host):
        self.host = host
        if self._state_file:
            os.makedirs(os.path.dirname(self._state_file), exist_ok=True)
        self._load()

    def get_available_resource(self):
        return {'vcpus': CONF.compute.fake_vcpus, 'memory_mb': CONF.compute.fake_memory_mb,
                'local_gb': CONF.compute.fake_local_gb, 'hypervisor_type': 'fake',
                'hypervisor_version': 1000, 'hypervisor_hostname': self.host,
                'host_ip': '127.0.0.1',
                'cpu_info': {'arch': 'x86_64', 'model': 'fake', 'vendor': 'Altostratus',
                             'topology': {'cells': 1, 'sockets': 1, 'threads': 1,
                                          'cores': CONF.compute.fake_vcpus},
                             'features': []}}

    def list_instance_uuids(self):
        return list(self._guests)

    def get_power_state(self, instance):
        guest = self._guests.get(instance.uuid)
        return guest['power_state'] if guest else inst_obj.NOSTATE

    def vif_plugged_events(self, network_info):
        """With ``[compute] fake_wait_for_vif_plugged``, as libvirt on Open
        vSwitch: every port the network service has not reported ACTIVE yet."""
        if not CONF.compute.fake_wait_for_vif_plugged:
            return []
        return [vif['port_id'] for vif in network_info or [] if vif.get('active') is False]

    def spawn(self, context, instance, image_meta, image_path, network_info, flavor,
              block_device_info=None, wait_for_network=None):
        if image_meta and image_meta.get('id') in CONF.compute.fake_fail_spawn_images:
            raise exception.ComputeError('fake driver refuses image %s' % image_meta['id'])
        if CONF.compute.fake_spawn_delay:
            time.sleep(CONF.compute.fake_spawn_delay / 1000.0)
        if wait_for_network is not None:
            # The guest "exists paused" while the network wires its ports;
            # nothing is recorded when the wait fails.
            wait_for_network()
        with self._lock:
            self._guests[instance.uuid] = {
                'power_state': inst_obj.RUNNING, 'flavor': flavor,
                'image': (image_meta or {}).get('id'), 'rescued': False,
                'disk_bus': ((image_meta or {}).get('properties') or {}).get(
                    'hw_disk_bus') or 'virtio',
                # The image cache's files it runs from.
                'files': [p for p in (image_path, (image_meta or {}).get('kernel_path'),
                                      (image_meta or {}).get('ramdisk_path')) if p],
                'vifs': [vif['port_id'] for vif in network_info or []],
                'macs': {vif['port_id']: vif.get('mac_address')
                         for vif in network_info or []},
                'started': time.time(),
                'config_drive': _asked_config_drive(instance),
                'volumes': {b['device_name']: _volume_record(b['connection_info'])
                            for b in block_device_info or []},
                'console': ['[%s] Booting %s (%s) with %d vCPU, %d MiB' % (
                    timeutils.utcnow().isoformat(), instance.display_name or instance.uuid,
                    (image_meta or {}).get('name', 'no image'), flavor['vcpus'],
                    flavor['memory_mb']),
                    'login: %s' % (instance.hostname or 'guest')]}
            self._save()

    def destroy(self, context, instance, network_info):
        with self._lock:
            if self._guests.pop(instance.uuid, None) is not None:
                self._save()

    def reboot(self, context, instance, reboot_type):
        self._set(instance, inst_obj.RUNNING, '%s reboot' % reboot_type.lower())

    def power_off(self, instance):
        self._set(instance, inst_obj.SHUTDOWN, 'powered off')

    def power_on(self, context, instance):
        self._set(instance, inst_obj.RUNNING, 'powered on')

    def pause(self, instance):
        self._set(instance, inst_obj.PAUSED_POWER, 'paused')

    def unpause(self, instance):
        self._set(instance, inst_obj.RUNNING, 'unpaused')

    def suspend(self, context, instance):
        self._set(instance, inst_obj.SUSPENDED_POWER, 'suspended')

    def resume(self, context, instance):
        self._set(instance, inst_obj.RUNNING, 'resumed')

    def rescue(self, context, instance, image_path, image_meta=None):
        """Records the rescue's layout (``rescue``): a stable device rescue
        keeps the guest's volumes where they are and adds the rescue device
        (on the guest's disk bus unless the image names one); a legacy one
        puts the rescue disk first."""
        layout = virt_rescue.image_layout(image_meta)
        with self._lock:
            guest = self._guest(instance)
            if guest.get('rescue'):
                raise exception.ComputeError('Instance %s is rescued already' % instance.uuid)
            kept = sorted(guest.get('volumes', {}))
            if layout is None:
                guest['rescue'] = {'mode': 'legacy', 'image_path': image_path, 'kept': kept}
            else:
                guest['rescue'] = {
                    'mode': 'stable', 'image_path': image_path, 'kept': kept,
                    'device': layout.device, 'bus': layout.bus or guest.get('disk_bus'),
                    'kernel_path': (image_meta or {}).get('kernel_path')}
            guest['rescued'] = True
            self._save()
        self._set(instance, inst_obj.RUNNING, 'booted rescue image')

    def unrescue(self, context, instance):
        with self._lock:
            guest = self._guest(instance)
            if not guest.get('rescue'):
                raise exception.ComputeError('Instance %s is not rescued' % instance.uuid)
            guest.pop('rescue')
            guest['rescued'] = False
            self._save()
        self._set(instance, inst_obj.RUNNING, 'left rescue mode')

    def rescue_layout(self, instance):
        """Test hook: the running rescue's record (None when not rescued)."""
        return self._guest(instance).get('rescue')

    def snapshot(self, context, instance, target_path):
        guest = self._guest(instance)
        note = 'fake disk of %s from image %s\n' % (instance.uuid, guest.get('image'))
        with open(target_path, 'wb') as f:
            f.write(_qcow2_header(instance.root_gb or 1) + note.encode())

    def attach_interface(self, context, instance, image_meta, vif):
        with self._lock:
            guest = self._guest(instance)
            vifs = guest.setdefault('vifs', [])
            if vif['port_id'] in vifs:
                raise exception.ComputeError('port %s is already plugged' % vif['port_id'])
            vifs.append(vif['port_id'])
            guest.setdefault('macs', {})[vif['port_id']] = vif.get('mac_address')
            guest['console'].append('[%s] interface %s attached' % (
                timeutils.utcnow().isoformat(), vif.get('mac_address')))
            self._save()

    def detach_interface(self, context, instance, vif):
        with self._lock:
            guest = self._guest(instance)
            vifs = guest.setdefault('vifs', [])
            if vif['port_id'] in vifs:
                vifs.remove(vif['port_id'])
                guest['console'].append('[%s] interface %s detached' % (
                    timeutils.utcnow().isoformat(), vif.get('mac_address')))
                self._save()

    def attach_volume(self, context, instance, connection_info, mountpoint):
        with self._lock:
            guest = self._guest(instance)
            volumes = guest.setdefault('volumes', {})
            if mountpoint in volumes:
                raise exception.DevicePathInUse(path=mountpoint)
            volumes[mountpoint] = _volume_record(connection_info)
            guest['console'].append('[%s] disk %s attached' % (
                timeutils.utcnow().isoformat(), mountpoint))
            self._save()

    def detach_volume(self, context, instance, connection_info, mountpoint):
        with self._lock:
            guest = self._guest(instance)
            if guest.setdefault('volumes', {}).pop(mountpoint, None) is not None:
                guest['console'].append('[%s] disk %s detached' % (
                    timeutils.utcnow().isoformat(), mountpoint))
                self._save()

    def swap_volume(self, context, instance, old_connection_info, new_connection_info,
                    mountpoint, resize_to=0):
        """The guest's disk ``mountpoint`` moves to the new volume (its file
        gets the old one's content when both are files here)."""
        with self._lock:
            guest = self._guest(instance)
            volumes = guest.setdefault('volumes', {})
            if mountpoint not in volumes:
                raise exception.VolumeSwapFailed(
                    volume_id=old_connection_info.get('serial'),
                    reason='%s is not attached to the guest' % mountpoint)
            old_path = (old_connection_info.get('data') or {}).get('device_path')
            new_path = (new_connection_info.get('data') or {}).get('device_path')
            if old_path and new_path and os.path.isfile(old_path) and \
                    os.path.isdir(os.path.dirname(new_path)):
                shutil.copyfile(old_path, new_path)
            volumes[mountpoint] = _volume_record(new_connection_info)
            guest['console'].append('[%s] disk %s swapped to %s' % (
                timeutils.utcnow().isoformat(), mountpoint, new_connection_info.get('serial')))
            self._save()

    def volume_snapshot_create(self, context, instance, connection_info, mountpoint,
                               create_info):
        """Records the snapshot: the guest's disk moves to ``new_file`` beside
        its current file, as the libvirt driver's does."""
        with self._lock:
            guest = self._guest(instance)
            volume = guest.setdefault('volumes', {}).get(mountpoint)
            if volume is None:
                raise exception.VolumeSnapshotFailed(
                    volume_id=connection_info.get('serial'),
                    reason='%s is not attached to the guest' % mountpoint)
            current = volume.get('device_path') or ''
            new_path = os.path.join(os.path.dirname(current), create_info['new_file'])
            volume['device_path'] = new_path
            guest.setdefault('volume_snapshots', []).append(
                {'op': 'create', 'mountpoint': mountpoint, 'backing': current,
                 'file': new_path, 'snapshot_id': create_info.get('snapshot_id')})
            self._save()
        data = dict(connection_info.get('data') or {}, device_path=new_path, format='qcow2')
        return dict(connection_info, data=data)

    def volume_snapshot_delete(self, context, instance, connection_info, mountpoint,
                               delete_info):
        """Records the merge ``delete_info`` asks; the active file stays."""
        if delete_info.get('type') != 'qcow2':
            raise exception.VolumeSnapshotFailed(
                volume_id=connection_info.get('serial'),
                reason='unknown delete_info type %s' % delete_info.get('type'))
        with self._lock:
            guest = self._guest(instance)
            if mountpoint not in guest.setdefault('volumes', {}):
                raise exception.VolumeSnapshotFailed(
                    volume_id=connection_info.get('serial'),
                    reason='%s is not attached to the guest' % mountpoint)
            guest.setdefault('volume_snapshots', []).append(
                {'op': 'commit' if delete_info.get('merge_target_file') else 'rebase',
                 'mountpoint': mountpoint, 'file_to_merge': delete_info.get('file_to_merge'),
                 'merge_target_file': delete_info.get('merge_target_file')})
            self._save()
        return connection_info

    def volume_snapshot_merge(self, context, instance, connection_info, mountpoint):
        """Records the merge back into the volume's own file
        (``OVERLAY_BASE``), as the libvirt driver's; the disk is on it again."""
        base = (connection_info or {}).get(driver.OVERLAY_BASE)
        if not base:
            return connection_info
        with self._lock:
            guest = self._guests.get(instance.uuid)  # None: a guest gone, files only
            if guest is not None:
                volume = guest.setdefault('volumes', {}).get(mountpoint)
                if volume is not None:
                    volume['device_path'] = base['device_path']
                guest.setdefault('volume_snapshots', []).append(
                    {'op': 'merge', 'mountpoint': mountpoint,
                     'file': (connection_info.get('data') or {}).get('device_path'),
                     'base': base['device_path']})
                self._save()
        info = {k: v for k, v in connection_info.items() if k != driver.OVERLAY_BASE}
        info['data'] = dict(connection_info.get('data') or {},
                            device_path=base['device_path'], format=base.get('format'))
        return info

    def volume_snapshots(self, instance):
        """Test hook: the assisted snapshot work recorded for the guest."""
        return list(self._guest(instance).get('volume_snapshots', []))

    def volumes(self, instance):
        """Test hook: ``{mountpoint: {'serial', 'device_path'}}`` of the guest."""
        return dict(self._guest(instance).get('volumes', {}))

    def interfaces(self, instance):
        """Test hook: port ids plugged into the guest."""
        return list(self._guest(instance).get('vifs', []))

    def get_host_uptime(self):
        return driver.host_uptime_line()

    def get_console_output(self, context, instance):
        return '\n'.join(self._guest(instance)['console']) + '\n'

    def base_files_in_use(self):
        return {path for guest in self._guests.values() for path in guest.get('files', [])}

    def get_vnc_console(self, context, instance):
        """A display per running guest: 5900 + its place among this host's guests."""
        if self._guest(instance)['power_state'] != inst_obj.RUNNING:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return {'host': '127.0.0.1', 'port': 5900 + list(self._guests).index(instance.uuid)}

    def get_diagnostics(self, instance):
        """The books of the guest as diagnostics: its flavor's sizes, its
        disks (root, ephemeral, swap, volumes) and NICs, the time it has run.
        A bookkeeping hypervisor moves no bytes, so the I/O counters are 0."""
        guest = self._guest(instance)
        flavor = guest['flavor']
        running = guest['power_state'] == inst_obj.RUNNING
        uptime = int(time.time() - guest.get('started', time.time())) if running else 0
        disks = ['vda'] + ['vd%s' % chr(ord('b') + i) for i in range(
            bool(flavor.get('ephemeral_gb')) + bool(flavor.get('swap')))]
        disks += sorted(m.rsplit('/', 1)[-1] for m in guest.get('volumes', {}))
        macs = guest.get('macs', {})
        nics = [{'device': 'tap%s' % port_id[:11], 'mac_address': macs.get(port_id),
                 'rx_octets': 0, 'rx_errors': 0, 'rx_drop': 0, 'rx_packets': 0,
                 'rx_rate': None, 'tx_octets': 0, 'tx_errors': 0, 'tx_drop': 0,
                 'tx_packets': 0, 'tx_rate': None} for port_id in guest.get('vifs', [])]
        memory_kib = flavor['memory_mb'] * 1024
        return {
            'state': _STATE_NAMES.get(guest['power_state'], 'pending'), 'driver': 'fake',
            'hypervisor': 'fake', 'hypervisor_os': 'fake-os', 'uptime': uptime,
            'config_drive': bool(guest.get('config_drive')),
            'num_cpus': flavor['vcpus'], 'num_disks': len(disks), 'num_nics': len(nics),
            # As if each vCPU had been busy all the time it ran.
            'cpu_details': [{'id': i, 'time': uptime * 10 ** 9, 'utilisation': None}
                            for i in range(flavor['vcpus'])],
            'disk_details': [{'device': dev, 'read_bytes': 0, 'read_requests': 0,
                              'write_bytes': 0, 'write_requests': 0, 'errors_count': 0}
                             for dev in disks],
            'nic_details': nics,
            'memory_details': {'maximum': flavor['memory_mb'],
                               'used': flavor['memory_mb'] if running else 0},
            'memory_stats': {'actual': memory_kib} if running else {}}

    def set_admin_password(self, instance, new_pass, user='root'):
        """Recorded as the guest agent would apply it: only a running guest
        takes it; the books keep its SHA-256, never the password."""
        with self._lock:
            guest = self._guest(instance)
            if guest['power_state'] != inst_obj.RUNNING:
                raise exception.InstancePasswordSetFailed(instance=instance.uuid,
                                                          reason='the guest is not running')
            guest['admin_password_sha256'] = hashlib.sha256(new_pass.encode()).hexdigest()
            guest['console'].append('[%s] password of %s changed' % (
                timeutils.utcnow().isoformat(), user))
            self._save()

    def admin_password_sha256(self, instance):
        """Test hook: the SHA-256 of the password last set, or None."""
        return self._guest(instance).get('admin_password_sha256')

    def crash(self, instance):
        """Test hook: the guest stops behind the control plane's back."""
        self._set(instance, inst_obj.SHUTDOWN, 'guest crashed')


# Power state -> nova's diagnostics state names.
_STATE_NAMES = {inst_obj.RUNNING: 'running', inst_obj.PAUSED_POWER: 'paused',
                inst_obj.SHUTDOWN: 'shutdown', inst_obj.CRASHED: 'crashed',
                inst_obj.SUSPENDED_POWER: 'suspended', inst_obj.NOSTATE: 'pending'}


def _asked_config_drive(instance):
    try:
        value = instance.config_drive
    except (AttributeError, NotImplementedError):  # not set on the object
        return False
    return str(value or '').lower() in ('true', '1', 'yes')


def _volume_record(connection_info):
    return {'serial': connection_info.get('serial'),
            'device_path': (connection_info.get('data') or {}).get('device_path')}


def _qcow2_header(size_gb):
    """A qcow2 v2 header (no backing file) for a ``size_gb`` disk, padded to 512
    bytes: snapshots are uploaded as qcow2, and the image service checks that."""
    header = struct.pack('>4sIQIIQIIQQIIQ', b'QFI\xfb', 2, 0, 0, 16, size_gb << 30,
                         0, 0, 0, 0, 0, 0, 0)
    return header.ljust(512, b'\0')
