"""The file driver: a volume is a sparse raw file in ``[volume] volumes_dir``.

``volume-<id>`` holds a volume, ``snapshot-<id>`` a snapshot (a copy).  A
file is written under a ``.part`` name and renamed when complete, so a
failure mid-create leaves no volume file.  Hosts reach a volume by its path
(os-brick's LOCAL connector; compute attaches it as a file disk).
"""

import errno
import json
import os
import subprocess

from oslo_log import log as logging

from services.volume import drivers
from services.volume import exception

LOG = logging.getLogger(__name__)
CHUNK = 4 << 20
#: what qemu-img writes that the image service takes (``disk_format`` names)
UPLOAD_FORMATS = ('raw', 'qcow2', 'vmdk', 'vdi', 'vhdx')


def sparse_copy(source, target, size):
    """Copy ``source`` to ``target`` keeping its holes, then make ``target``
    ``size`` bytes long."""
    with open(source, 'rb') as src, open(target, 'wb') as dst:
        end = os.fstat(src.fileno()).st_size
        offset = 0
        while offset < end:
            try:
                offset = os.lseek(src.fileno(), offset, os.SEEK_DATA)
            except OSError as exc:
                if exc.errno == errno.ENXIO:    # only a hole is left
                    break
                raise
            hole = os.lseek(src.fileno(), offset, os.SEEK_HOLE)
            src.seek(offset)
            dst.seek(offset)
            while offset < hole:
                block = src.read(min(CHUNK, hole - offset))
                if not block:
                    break
                dst.write(block)
                offset += len(block)
        dst.truncate(size)


class FileDriver(drivers.VolumeDriver):
    protocol = 'local'

    @property
    def directory(self):
        return os.path.abspath(self.conf.volume.volumes_dir)

    def volume_path(self, volume_id):
        return os.path.join(self.directory, 'volume-%s' % volume_id)

    def snapshot_path(self, snapshot_id):
        return os.path.join(self.directory, 'snapshot-%s' % snapshot_id)

    def do_setup(self):
        os.makedirs(self.directory, mode=0o750, exist_ok=True)
        for name in os.listdir(self.directory):
            if name.endswith('.part'):   # a create a crash interrupted
                _remove(os.path.join(self.directory, name))

    def capacity(self):
        stat = os.statvfs(self.directory)
        provisioned = 0
        for name in os.listdir(self.directory):
            if name.startswith(('volume-', 'snapshot-')) and not name.endswith('.part'):
                try:
                    provisioned += os.stat(os.path.join(self.directory, name)).st_size
                except FileNotFoundError:
                    pass
        return {'total_capacity_gb': round(stat.f_blocks * stat.f_frsize / drivers.GiB, 2),
                'free_capacity_gb': round(stat.f_bavail * stat.f_frsize / drivers.GiB, 2),
                'provisioned_capacity_gb': round(provisioned / drivers.GiB, 2),
                'thin_provisioning_support': True}

    def _build(self, path, writer):
        """Run ``writer(part_path)`` and publish the result at ``path``; on any
        failure remove the partial file and raise DriverError."""
        part = path + '.part'
        try:
            writer(part)
            os.rename(part, path)
        except Exception as exc:
            _remove(part)
            if isinstance(exc, exception.DriverError):
                raise
            raise exception.DriverError(reason='%s: %s' % (type(exc).__name__, exc))

    def create_volume(self, volume):
        def blank(part):
            with open(part, 'wb') as f:
                f.truncate(volume['size'] * drivers.GiB)
        self._build(self.volume_path(volume['id']), blank)

    def create_volume_from_image(self, volume, image_path, disk_format):
        size = volume['size'] * drivers.GiB

        def convert(part):
            virtual = self._virtual_size(image_path, disk_format)
            if virtual > size:
                raise exception.DriverError(
                    reason='the image needs %d bytes, the volume has %d' % (virtual, size))
            self._qemu_img('convert', '-f', disk_format, '-O', 'raw', '-S', '4k',
                           image_path, part)
            with open(part, 'r+b') as f:
                f.truncate(size)
        self._build(self.volume_path(volume['id']), convert)

    def copy_volume_to_image_file(self, volume, disk_format, path):
        if disk_format not in UPLOAD_FORMATS:
            raise exception.DriverError(reason='cannot write a %s image' % disk_format)
        self._qemu_img('convert', '-f', 'raw', '-O', disk_format,
                       self.volume_path(volume['id']), path)

    def _virtual_size(self, path, disk_format):
        out = self._qemu_img('info', '--output=json', '-f', disk_format, path)
        return int(json.loads(out)['virtual-size'])

    def _qemu_img(self, *args):
        try:
            result = subprocess.run([self.conf.volume.qemu_img] + list(args),
                                    capture_output=True, text=True, timeout=3600)
        except (OSError, subprocess.SubprocessError) as exc:
            raise exception.DriverError(reason='qemu-img: %s' % exc)
        if result.returncode != 0:
            raise exception.DriverError(reason='qemu-img %s: %s' % (
                args[0], result.stderr.strip()[-300:]))
        return result.stdout

    def create_volume_from_snapshot(self, volume, snapshot):
        source = self.snapshot_path(snapshot['id'])
        self._build(self.volume_path(volume['id']),
                    lambda part: sparse_copy(source, part, volume['size'] * drivers.GiB))

    def import_volume(self, volume, source_path):
        path = self.volume_path(volume['id'])
        if os.path.exists(path) and os.path.samefile(path, source_path):
            return False
        self._build(path, lambda part: sparse_copy(source_path, part,
                                                   volume['size'] * drivers.GiB))
        return True

    def create_cloned_volume(self, volume, source):
        path = self.volume_path(source['id'])
        self._build(self.volume_path(volume['id']),
                    lambda part: sparse_copy(path, part, volume['size'] * drivers.GiB))

    def delete_volume(self, volume):
        path = self.volume_path(volume['id'])
        _remove(path + '.part')
        _remove(path)

    def extend_volume(self, volume, new_size):
        path = self.volume_path(volume['id'])
        try:
            with open(path, 'r+b') as f:
                f.truncate(new_size * drivers.GiB)
        except OSError as exc:
            raise exception.DriverError(reason='extend: %s' % exc)

    def create_snapshot(self, snapshot):
        source = self.volume_path(snapshot['volume_id'])
        self._build(self.snapshot_path(snapshot['id']),
                    lambda part: sparse_copy(source, part, os.stat(source).st_size))

    def delete_snapshot(self, snapshot):
        path = self.snapshot_path(snapshot['id'])
        _remove(path + '.part')
        _remove(path)

    def initialize_connection(self, volume, connector):
        return self.local_connection(volume)

    def initialize_connection_snapshot(self, snapshot, connector):
        """The snapshot's file (a service on this host reads it)."""
        path = self.snapshot_path(snapshot['id'])
        if not os.path.exists(path):
            raise exception.DriverError(reason='snapshot file %s is missing' % path)
        return {'driver_volume_type': 'local',
                'data': {'device_path': path, 'format': 'raw', 'access_mode': 'ro'}}

    def local_connection(self, volume):
        """The volume's file itself (os-brick's LOCAL kind)."""
        path = self.volume_path(volume['id'])
        if not os.path.exists(path):
            raise exception.DriverError(reason='volume file %s is missing' % path)
        return {'driver_volume_type': 'local',
                'data': {'device_path': path, 'format': 'raw'}}


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
