"""A driver that keeps records only, for tests of the volume host's flows.

``fail`` names operations that raise DriverError (a test sets it).
"""

from services.volume import drivers
from services.volume import exception


class FakeDriver(drivers.VolumeDriver):
    protocol = 'fake'

    def __init__(self, conf):
        super().__init__(conf)
        self.volumes = {}
        self.snapshots = {}
        self.fail = set()
        self.connections = []
        #: volume id -> the image files written over it (os-reimage)
        self.reimaged = {}

    def _check(self, operation):
        if operation in self.fail:
            raise exception.DriverError(reason='%s failed (fake)' % operation)

    def capacity(self):
        used = sum(self.volumes.values())
        return {'total_capacity_gb': 1000.0, 'free_capacity_gb': 1000.0 - used,
                'provisioned_capacity_gb': float(used), 'thin_provisioning_support': False}

    def create_volume(self, volume):
        self._check('create_volume')
        self.volumes[volume['id']] = volume['size']

    def create_volume_from_image(self, volume, image_path, disk_format):
        self._check('create_volume_from_image')
        self.volumes[volume['id']] = volume['size']

    def reimage_volume(self, volume, image_path, disk_format):
        self._check('reimage_volume')
        with open(image_path, 'rb') as f:
            self.reimaged.setdefault(volume['id'], []).append((f.read(), disk_format))

    def copy_volume_to_image_file(self, volume, disk_format, path):
        self._check('copy_volume_to_image_file')
        with open(path, 'wb') as f:
            f.write(('%s:%s' % (volume['id'], disk_format)).encode())

    def create_volume_from_snapshot(self, volume, snapshot):
        self._check('create_volume_from_snapshot')
        self.volumes[volume['id']] = volume['size']

    def import_volume(self, volume, source_path):
        self._check('import_volume')
        self.volumes[volume['id']] = volume['size']
        return True

    def create_cloned_volume(self, volume, source):
        self._check('create_cloned_volume')
        self.volumes[volume['id']] = volume['size']

    def delete_volume(self, volume):
        self._check('delete_volume')
        self.volumes.pop(volume['id'], None)

    def extend_volume(self, volume, new_size):
        self._check('extend_volume')
        self.volumes[volume['id']] = new_size

    def create_snapshot(self, snapshot):
        self._check('create_snapshot')
        self.snapshots[snapshot['id']] = snapshot['size']

    def delete_snapshot(self, snapshot):
        self._check('delete_snapshot')
        self.snapshots.pop(snapshot['id'], None)

    def initialize_connection(self, volume, connector):
        self._check('initialize_connection')
        self.connections.append((volume['id'], connector))
        return {'driver_volume_type': self.protocol,
                'data': {'volume_id': volume['id'],
                         'device_path': '/fake/volume-%s' % volume['id']}}

    def initialize_connection_snapshot(self, snapshot, connector):
        self._check('initialize_connection_snapshot')
        if snapshot['id'] not in self.snapshots:
            raise exception.DriverError(reason='no snapshot %s' % snapshot['id'])
        self.connections.append((snapshot['id'], connector))
        return {'driver_volume_type': self.protocol,
                'data': {'device_path': '/fake/snapshot-%s' % snapshot['id']}}

    def terminate_connection_snapshot(self, snapshot, connector):
        self.connections = [c for c in self.connections
                            if c != (snapshot['id'], connector)]

    def terminate_connection(self, volume, connector):
        self.connections = [c for c in self.connections if c != (volume['id'], connector)]
