"""The LVM driver: a volume is a logical volume ``volume-<id>`` in
``[lvm] volume_group``, thick or thin (in ``[lvm] thin_pool``).

Snapshots are LVM snapshots (``snapshot-<id>``: a thin snapshot, or a
copy-on-write one as large as its volume); volumes made from a snapshot, a
volume or an image are new logical volumes written by ``qemu-img convert``.
A host reaches a volume by its device node (a ``local`` connection: the
compute host is the volume host).  Commands go through ``run`` (the tests
fake it); a failed create removes the logical volume it began.
"""

import json

from oslo_log import log as logging

from services.volume import drivers
from services.volume import exception
from services.volume.drivers import file as file_driver
from services.volume.drivers import processes

LOG = logging.getLogger(__name__)


class LVMDriver(drivers.VolumeDriver):
    protocol = 'local'

    def __init__(self, conf, run=processes.run):
        super().__init__(conf)
        self.run = run

    # -- commands --------------------------------------------------------------------
    @property
    def vg(self):
        return self.conf.lvm.volume_group

    @property
    def thin(self):
        return self.conf.lvm.type == 'thin'

    def _lvm(self, *args):
        return self.run(processes.command(self.conf.lvm.lvm_command_prefix, *args))

    def _qemu_img(self, *args):
        return self.run(processes.command('', self.conf.volume.qemu_img, *args),
                        timeout=3600)

    def _report(self, command, fields, *names):
        """Rows of ``lvs``/``vgs`` as dicts (their JSON report)."""
        out = self._lvm(command, '--reportformat', 'json', '--units', 'b', '--nosuffix',
                        '-o', fields, *names)
        report = json.loads(out)['report'][0]
        return report.get('lv') or report.get('vg') or []

    def _lv_names(self):
        return {row['lv_name'] for row in self._report('lvs', 'lv_name', self.vg)}

    def device(self, name):
        return '/dev/%s/%s' % (self.vg, name)

    @staticmethod
    def _volume_name(volume_id):
        return 'volume-%s' % volume_id

    @staticmethod
    def _snapshot_name(snapshot_id):
        return 'snapshot-%s' % snapshot_id

    # -- set-up and capacity ------------------------------------------------------------
    def do_setup(self):
        if not self._report('vgs', 'vg_name', self.vg):
            raise exception.DriverError(reason='volume group %s not found' % self.vg)
        if self.thin and self.conf.lvm.thin_pool not in self._lv_names():
            self._lvm('lvcreate', '--yes', '--type', 'thin-pool',
                      '-l', '%d%%FREE' % self.conf.lvm.thin_pool_percent,
                      '-n', self.conf.lvm.thin_pool, self.vg)

    def capacity(self):
        (vg,) = self._report('vgs', 'vg_size,vg_free', self.vg)
        lvs = self._report('lvs', 'lv_name,lv_size,data_percent', self.vg)
        provisioned = sum(int(lv['lv_size']) for lv in lvs
                          if lv['lv_name'].startswith(('volume-', 'snapshot-')))
        total, free = int(vg['vg_size']), int(vg['vg_free'])
        if self.thin:
            pool = [lv for lv in lvs if lv['lv_name'] == self.conf.lvm.thin_pool]
            if pool:
                total = int(pool[0]['lv_size'])
                used = float(pool[0].get('data_percent') or 0) / 100.0
                free = int(total * (1 - used))
        return {'total_capacity_gb': round(total / drivers.GiB, 2),
                'free_capacity_gb': round(free / drivers.GiB, 2),
                'provisioned_capacity_gb': round(provisioned / drivers.GiB, 2),
                'thin_provisioning_support': self.thin}

    # -- volumes ----------------------------------------------------------------------------
    def _create_lv(self, name, size_gb):
        if self.thin:
            self._lvm('lvcreate', '--yes', '-n', name, '-V', '%dg' % size_gb,
                      '--thinpool', self.conf.lvm.thin_pool, self.vg)
        else:
            self._lvm('lvcreate', '--yes', '-n', name, '-L', '%dg' % size_gb, self.vg)

    def _remove_lv(self, name):
        if name in self._lv_names():
            self._lvm('lvremove', '--yes', '%s/%s' % (self.vg, name))

    def _build(self, volume, writer=None):
        """Create the volume's logical volume and run ``writer(device)``;
        on failure the logical volume is removed and DriverError raised."""
        name = self._volume_name(volume['id'])
        self._create_lv(name, volume['size'])
        try:
            if writer is not None:
                writer(self.device(name))
        except Exception as exc:
            try:
                self._remove_lv(name)
            except exception.DriverError as cleanup:
                LOG.error('Removing %s after a failed create: %s', name, cleanup)
            if isinstance(exc, exception.DriverError):
                raise
            raise exception.DriverError(reason='%s: %s' % (type(exc).__name__, exc))

    def _copy(self, source, fmt='raw'):
        def write(device):
            self._qemu_img('convert', '-n', '-f', fmt, '-O', 'raw', source, device)
        return write

    def create_volume(self, volume):
        self._build(volume)

    def create_volume_from_image(self, volume, image_path, disk_format):
        self._check_fits(volume, image_path, disk_format)
        self._build(volume, self._copy(image_path, disk_format))

    def reimage_volume(self, volume, image_path, disk_format):
        """The image written into the volume's existing logical volume."""
        self._check_fits(volume, image_path, disk_format)
        try:
            self._copy(image_path, disk_format)(self.device(self._volume_name(volume['id'])))
        except exception.DriverError:
            raise
        except Exception as exc:
            raise exception.DriverError(reason='%s: %s' % (type(exc).__name__, exc))

    def _check_fits(self, volume, image_path, disk_format):
        out = self._qemu_img('info', '--output=json', '-f', disk_format, image_path)
        virtual = int(json.loads(out)['virtual-size'])
        if virtual > volume['size'] * drivers.GiB:
            raise exception.DriverError(reason='the image needs %d bytes, the volume has %d'
                                        % (virtual, volume['size'] * drivers.GiB))

    def copy_volume_to_image_file(self, volume, disk_format, path):
        if disk_format not in file_driver.UPLOAD_FORMATS:
            raise exception.DriverError(reason='cannot write a %s image' % disk_format)
        self._qemu_img('convert', '-f', 'raw', '-O', disk_format,
                       self.device(self._volume_name(volume['id'])), path)

    def import_volume(self, volume, source_path):
        if source_path == self.device(self._volume_name(volume['id'])):
            return False
        self._build(volume, self._copy(source_path))
        return True

    def create_volume_from_snapshot(self, volume, snapshot):
        self._build(volume, self._copy(self.device(self._snapshot_name(snapshot['id']))))

    def create_cloned_volume(self, volume, source):
        self._build(volume, self._copy(self.device(self._volume_name(source['id']))))

    def delete_volume(self, volume):
        self._remove_lv(self._volume_name(volume['id']))

    def extend_volume(self, volume, new_size):
        self._lvm('lvextend', '-L', '%dg' % new_size,
                  '%s/%s' % (self.vg, self._volume_name(volume['id'])))

    def create_snapshot(self, snapshot):
        origin = '%s/%s' % (self.vg, self._volume_name(snapshot['volume_id']))
        name = self._snapshot_name(snapshot['id'])
        if self.thin:
            # thin snapshots skip activation by default: -kn keeps them readable
            self._lvm('lvcreate', '--yes', '-s', '-kn', '-n', name, origin)
        else:
            self._lvm('lvcreate', '--yes', '-s', '-L', '%dg' % snapshot['size'],
                      '-n', name, origin)

    def delete_snapshot(self, snapshot):
        self._remove_lv(self._snapshot_name(snapshot['id']))

    def initialize_connection_snapshot(self, snapshot, connector):
        """The snapshot's logical volume (a service on this host reads it)."""
        name = self._snapshot_name(snapshot['id'])
        if name not in self._lv_names():
            raise exception.DriverError(reason='snapshot %s/%s is missing' % (self.vg, name))
        return {'driver_volume_type': self.protocol,
                'data': {'device_path': self.device(name), 'format': 'raw',
                         'access_mode': 'ro'}}

    def initialize_connection(self, volume, connector):
        name = self._volume_name(volume['id'])
        if name not in self._lv_names():
            raise exception.DriverError(reason='logical volume %s/%s is missing'
                                        % (self.vg, name))
        return {'driver_volume_type': self.protocol,
                'data': {'device_path': self.device(name), 'format': 'raw'}}
