"""The NFS driver: the file driver's sparse raw files on an NFS share.

``do_setup`` mounts ``[nfs] share`` (``server:/path``) under
``[nfs] mount_point_base`` unless it already is; volumes, snapshots and
clones are then the file driver's files in the mounted directory.  Compute
hosts get an ``nfs`` connection (os-brick's NFS connector mounts the share
on the compute host and opens the file there); requests from inside the
volume service (a backup, a migration) get the file on this host's mount.
"""

import hashlib
import os

from services.volume import exception
from services.volume.drivers import file as file_driver
from services.volume.drivers import processes


def mounted(mount_point, mounts_file='/proc/mounts'):
    """Whether ``mount_point`` is the mount point of an NFS file system."""
    target = os.path.realpath(mount_point)
    try:
        with open(mounts_file) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 3 and fields[1] == target and fields[2].startswith('nfs'):
                    return True
    except OSError:
        pass
    return False


class NFSDriver(file_driver.FileDriver):
    protocol = 'nfs'

    def __init__(self, conf, run=processes.run, is_mounted=mounted):
        super().__init__(conf)
        self.run = run
        self.is_mounted = is_mounted

    @property
    def share(self):
        if not self.conf.nfs.share:
            raise exception.DriverError(reason='[nfs] share is not set')
        return self.conf.nfs.share

    @property
    def directory(self):
        digest = hashlib.sha256(self.share.encode()).hexdigest()[:16]
        return os.path.join(os.path.abspath(self.conf.nfs.mount_point_base), digest)

    def mount(self):
        if self.is_mounted(self.directory):
            return
        os.makedirs(self.directory, mode=0o750, exist_ok=True)
        args = ['mount', '-t', 'nfs']
        if self.conf.nfs.mount_options:
            args += ['-o', self.conf.nfs.mount_options]
        self.run(processes.command(self.conf.nfs.mount_command_prefix, *args,
                                   self.share, self.directory), timeout=60)

    def do_setup(self):
        self.mount()
        super().do_setup()

    def initialize_connection(self, volume, connector):
        local = self.local_connection(volume)
        connector = connector or {}
        if not connector.get('attachment_id') and not connector.get('ip'):
            return local     # a service request on this host: the file on our mount
        path = local['data']['device_path']
        data = {'export': self.share, 'name': os.path.basename(path), 'format': 'raw'}
        if self.conf.nfs.mount_options:
            data['options'] = '-o %s' % self.conf.nfs.mount_options
        return {'driver_volume_type': self.protocol, 'data': data}
