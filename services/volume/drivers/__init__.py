"""Storage drivers: the interface a volume host drives, and the loader.

A driver works on dicts as the conductor answers them (a volume has ``id``
and ``size`` in GiB, a snapshot ``id``, ``volume_id`` and ``size``).  Every
create either finishes or raises having removed what it began, so a failed
create leaves nothing behind.
"""

import abc
import importlib

from services.volume import exception

GiB = 1 << 30


class VolumeDriver(abc.ABC):
    #: what ``connection_info['driver_volume_type']`` says (os-brick's protocol)
    protocol = None

    def __init__(self, conf):
        self.conf = conf

    def do_setup(self):
        """Prepare the backend at start-up."""

    @abc.abstractmethod
    def capacity(self):
        """``{'total_capacity_gb', 'free_capacity_gb', 'provisioned_capacity_gb'}``."""

    @abc.abstractmethod
    def create_volume(self, volume):
        """A blank volume of ``volume['size']`` GiB."""

    @abc.abstractmethod
    def create_volume_from_image(self, volume, image_path, disk_format):
        """A volume holding the image whose data is in ``image_path``."""

    def reimage_volume(self, volume, image_path, disk_format):
        """Replace the data of an existing (detached) volume with the image
        in ``image_path`` (os-reimage).  A driver whose create publishes the
        new data over the old in one step (the file drivers) needs nothing
        more; one that cannot create over an existing volume overrides it."""
        self.create_volume_from_image(volume, image_path, disk_format)

    @abc.abstractmethod
    def copy_volume_to_image_file(self, volume, disk_format, path):
        """Write the volume's data to ``path`` in ``disk_format`` (an image
        to upload)."""

    @abc.abstractmethod
    def import_volume(self, volume, source_path):
        """Make the volume from the data at ``source_path`` (another
        backend's export); False when that already is this backend's file
        (shared storage), True when it was copied."""

    @abc.abstractmethod
    def create_volume_from_snapshot(self, volume, snapshot):
        pass

    @abc.abstractmethod
    def create_cloned_volume(self, volume, source):
        pass

    @abc.abstractmethod
    def delete_volume(self, volume):
        """Remove the volume's data; a volume that has none is no error."""

    @abc.abstractmethod
    def extend_volume(self, volume, new_size):
        pass

    @abc.abstractmethod
    def create_snapshot(self, snapshot):
        pass

    @abc.abstractmethod
    def delete_snapshot(self, snapshot):
        pass

    @abc.abstractmethod
    def initialize_connection(self, volume, connector):
        """``connection_info`` for a host to reach the volume."""

    def terminate_connection(self, volume, connector):
        """Withdraw what ``initialize_connection`` exported."""

    def initialize_connection_snapshot(self, snapshot, connector):
        """``connection_info`` for a service on this host to read the
        snapshot's data (a backup of the snapshot)."""
        raise exception.DriverError(reason='%s cannot export snapshots'
                                    % type(self).__name__)

    def terminate_connection_snapshot(self, snapshot, connector):
        """Withdraw what ``initialize_connection_snapshot`` exported."""


DRIVERS = {
    'file': 'services.volume.drivers.file:FileDriver',
    'fake': 'services.volume.drivers.fake:FakeDriver',
    'iscsi': 'services.volume.drivers.iscsi:ISCSIDriver',
    'lvm': 'services.volume.drivers.lvm:LVMDriver',
    'nfs': 'services.volume.drivers.nfs:NFSDriver',
}


def load_driver(name, conf):
    module, _, cls = DRIVERS[name].partition(':')
    return getattr(importlib.import_module(module), cls)(conf)
