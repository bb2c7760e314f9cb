"""The hypervisor driver interface every virt driver implements.

The compute manager only talks to a hypervisor through these methods.
``instance`` is a :class:`services.compute.objects.instance.Instance`;
``flavor`` is the flavor snapshot dict the instance carries.
:func:`load_driver` builds the driver ``[compute] compute_driver`` names.
"""

import abc
import os
import time

from oslo_config import cfg

from services.compute import exception

CONF = cfg.CONF

#: The ``connection_info`` key of a volume written through assisted-snapshot
#: overlays: ``{'device_path', 'format'}`` of the volume's own file, which a
#: detach or delete merges the overlays back into.
OVERLAY_BASE = 'overlay_base'


def load_driver(name, host):
    """The driver called ``name`` for ``host``; each is imported only when
    named, so a fake-driver host never loads libvirt."""
    if name == 'fake':
        from services.compute.virt import fake
        return fake.FakeDriver(os.path.join(CONF.state_path, 'fake-virt', '%s.json' % host))
    if name == 'libvirt':
        from common import service  # the daemon's concurrency, for blocking calls
        from services.compute.virt.libvirt import driver as libvirt_driver
        return libvirt_driver.LibvirtDriver(run_native=service.run_in_thread)
    raise exception.ComputeError('unknown compute driver %s' % name)


class ComputeDriver(abc.ABC):
    #: Shown as the hypervisor type in os-hypervisors.
    hypervisor_type = 'unknown'
    #: Whether images are used through copy-on-write overlays of a cached base.
    supports_cow_images = False
    #: Whether the driver can resize and cold-migrate a guest.
    supports_resize = True

    @abc.abstractmethod
    def init_host(self, host):
        """Prepare the hypervisor connection for ``host``."""

    @abc.abstractmethod
    def get_available_resource(self):
        """Capacity: dict with vcpus, memory_mb, local_gb, hypervisor_hostname,
        hypervisor_type, hypervisor_version, cpu_info, host_ip."""

    @abc.abstractmethod
    def list_instance_uuids(self):
        """UUIDs of the guests the hypervisor knows."""

    @abc.abstractmethod
    def get_power_state(self, instance):
        """The guest's power state (``objects.instance`` numbering)."""

    @abc.abstractmethod
    def spawn(self, context, instance, image_meta, image_path, network_info, flavor,
              block_device_info=None, wait_for_network=None):
        """Create and boot a guest; ``image_path`` is the cached base image.

        ``block_device_info``: the server's volumes, each a dict with
        ``connection_info``, ``device_name``, ``boot_index`` and
        ``volume_id``; the one with boot index 0 is the root disk (there is
        no ``image_path`` then).

        ``wait_for_network`` (a build whose :meth:`vif_plugged_events` are
        expected): called once the guest's NICs exist and before it runs
        (libvirt: started paused, resumed after), it blocks until the
        network service reported them wired, and raises when the build must
        fail; the driver then removes the guest and re-raises.
        """

    def vif_plugged_events(self, network_info):
        """Port ids of ``network_info`` whose wiring the network service will
        report (``network-vif-plugged``) once this driver plugs them; by
        default none."""
        return []

    @abc.abstractmethod
    def destroy(self, context, instance, network_info):
        """Stop and remove a guest; a missing guest is not an error."""

    @abc.abstractmethod
    def reboot(self, context, instance, reboot_type):
        """SOFT or HARD reboot."""

    @abc.abstractmethod
    def power_off(self, instance):
        pass

    @abc.abstractmethod
    def power_on(self, context, instance):
        pass

    @abc.abstractmethod
    def pause(self, instance):
        pass

    @abc.abstractmethod
    def unpause(self, instance):
        pass

    @abc.abstractmethod
    def suspend(self, context, instance):
        pass

    @abc.abstractmethod
    def resume(self, context, instance):
        pass

    @abc.abstractmethod
    def rescue(self, context, instance, image_path, image_meta=None):
        """Boot the guest from a fresh disk of the rescue image
        ``image_path``; ``image_meta`` is that image (with ``kernel_path`` /
        ``ramdisk_path`` for its direct kernel boot), whose properties may
        ask for a stable device rescue (``virt.rescue``)."""

    @abc.abstractmethod
    def unrescue(self, context, instance):
        pass

    @abc.abstractmethod
    def snapshot(self, context, instance, target_path):
        """Write the guest's root disk as an image file to ``target_path``."""

    @abc.abstractmethod
    def get_console_output(self, context, instance):
        """The guest's console log as text."""

    @abc.abstractmethod
    def attach_interface(self, context, instance, image_meta, vif):
        """Plug one network_info entry into the guest (running or stopped)."""

    @abc.abstractmethod
    def detach_interface(self, context, instance, vif):
        """Unplug one network_info entry; one the guest lacks is not an error."""

    def get_vnc_console(self, context, instance):
        """``{'host', 'port'}`` of the guest's VNC display, as the console
        proxy reaches it."""
        raise exception.ConsoleTypeUnavailable(console_type='vnc')

    def get_diagnostics(self, instance):
        """Figures of the running guest (nova's 2.48 diagnostics): dict with
        ``state``, ``driver``, ``hypervisor``, ``hypervisor_os``, ``uptime``,
        ``config_drive``, ``num_cpus``/``num_disks``/``num_nics``,
        ``cpu_details``, ``disk_details`` and ``nic_details`` (each entry
        also naming its guest ``device``), ``memory_details`` (MiB) and
        ``memory_stats`` (the hypervisor's raw memory counters, KiB)."""
        raise exception.DriverNotSupported(operation='Diagnostics',
                                           driver=self.hypervisor_type)

    def set_admin_password(self, instance, new_pass, user='root'):
        """Set the password of the guest's administrator ``user`` (a guest
        agent's job)."""
        raise exception.SetAdminPasswdNotSupported()

    def attach_volume(self, context, instance, connection_info, mountpoint):
        """Hot-plug a connected volume (``connection_info['data']
        ['device_path']``) as ``mountpoint`` (/dev/vdX), running or stopped."""
        raise exception.DriverNotSupported(operation='Volume attach',
                                           driver=self.hypervisor_type)

    def detach_volume(self, context, instance, connection_info, mountpoint):
        """Unplug a volume; one the guest lacks is not an error."""
        raise exception.DriverNotSupported(operation='Volume detach',
                                           driver=self.hypervisor_type)

    def swap_volume(self, context, instance, old_connection_info, new_connection_info,
                    mountpoint, resize_to=0):
        """Swap volume: copy the guest's disk ``mountpoint`` (on the volume
        of ``old_connection_info``) onto the connected new volume and put
        the guest on it, running (a copy then a pivot) or stopped (its
        definition rewritten); ``resize_to`` GiB (0: no change) grows the
        disk the guest sees when the new volume is bigger.  Raises leaving
        the guest on the old volume."""
        raise exception.DriverNotSupported(operation='Swapping a volume',
                                           driver=self.hypervisor_type)

    def volume_snapshot_create(self, context, instance, connection_info, mountpoint,
                               create_info):
        """Assisted snapshot (the volume service's remotefs protocol): put a
        qcow2 overlay named ``create_info['new_file']``, beside the volume's
        current file, over that file and switch the guest's disk
        ``mountpoint`` onto it (the old file is now the snapshot).  Answers
        the new ``connection_info`` (or None when it did not change)."""
        raise exception.DriverNotSupported(operation='Assisted volume snapshot',
                                           driver=self.hypervisor_type)

    def volume_snapshot_delete(self, context, instance, connection_info, mountpoint,
                               delete_info):
        """Delete an assisted snapshot: merge ``delete_info['file_to_merge']``
        into ``merge_target_file`` (a commit), or without a target pull the
        chain under the active file down to ``file_to_merge`` (a rebase).
        Answers the ``connection_info`` the disk has afterwards."""
        raise exception.DriverNotSupported(operation='Assisted volume snapshot deletion',
                                           driver=self.hypervisor_type)

    def volume_snapshot_merge(self, context, instance, connection_info, mountpoint):
        """Before the volume leaves the guest (detach, delete): write the
        assisted-snapshot overlays above the volume's own file (recorded
        under ``connection_info[OVERLAY_BASE]``) back into it, point the
        disk at that file again, remove the overlays.  Answers the
        ``connection_info`` of the volume's own file; raises when the data
        could not be merged (the caller keeps the volume attached)."""
        raise exception.DriverNotSupported(operation='Merging assisted volume snapshots',
                                           driver=self.hypervisor_type)

    # -- resize and cold migration: the defaults keep the source guest until
    # the resize is confirmed and start a fresh one on the destination. --
    def migration_target(self, instance):
        """On the destination: what the source needs to hand the guest's
        files over (passed to :meth:`migrate_disk_and_power_off`)."""
        return {}

    def migrate_disk_and_power_off(self, context, instance, target, flavor):
        """On the source: stop the guest and move its disks to ``target``,
        keeping what a revert needs; on failure the guest is as it was."""

    def finish_migration(self, context, instance, image_meta, image_path, network_info,
                         flavor, same_host, power_on=True, block_device_info=None):
        """On the destination: the moved guest with ``flavor`` and the volumes
        of ``block_device_info`` (as :meth:`spawn`'s, connected on this host;
        a root volume, boot index 0, instead of a root disk); running unless
        ``power_on`` is false."""
        if same_host:
            self.destroy(context, instance, network_info)
        self.spawn(context, instance, image_meta, image_path, network_info, flavor,
                   block_device_info=block_device_info)
        if not power_on:
            self.power_off(instance)

    def confirm_migration(self, context, instance, same_host):
        """On the source: drop what was kept for a revert."""
        if not same_host:
            self.destroy(context, instance, [])

    def finish_revert_migration(self, context, instance, network_info, flavor,
                                block_device_info=None, power_on=True):
        """On the source: the guest as it was before the resize, with the
        volumes of ``block_device_info`` (connected on this host again);
        running unless ``power_on`` is false (a server resized while stopped)."""
        self.destroy(context, instance, [])
        self.spawn(context, instance, {'id': instance.image_ref}, None, network_info, flavor,
                   block_device_info=block_device_info)
        if not power_on:
            self.power_off(instance)

    def base_files_in_use(self):
        """Paths of the image cache's files the host's guests use (their
        disks' backing files, kernels, ramdisks, also what a resize keeps);
        None when the driver cannot tell (nothing is pruned then)."""
        return None

    @abc.abstractmethod
    def get_host_uptime(self):
        """The host's ``uptime`` line (clock, time up, users, load average),
        shown by os-hypervisors/{id}/uptime."""


def uptime_line(clock, seconds, load, users=0):
    """``uptime``'s one line, e.g. `` 17:37:14 up 2 days,  2:33,  0 users,
    load average: 0.33, 0.36, 0.34`` (the form clients parse)."""
    days, rest = divmod(int(seconds), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    up = '%d day%s, ' % (days, '' if days == 1 else 's') if days else ''
    up += '%2d:%02d' % (hours, minutes) if hours else '%d min' % minutes
    return ' %s up %s,  %d user%s,  load average: %.2f, %.2f, %.2f' % (
        clock, up, users, '' if users == 1 else 's', load[0], load[1], load[2])


def host_uptime_line(proc_uptime='/proc/uptime'):
    """This machine's ``uptime`` line from ``/proc/uptime`` and the load
    average (no utmp here, so no users are counted)."""
    try:
        with open(proc_uptime) as f:
            seconds = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        seconds = 0
    return uptime_line(time.strftime('%H:%M:%S'), seconds, os.getloadavg())
