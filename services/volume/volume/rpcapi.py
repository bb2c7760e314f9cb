"""Client of a volume host (``alto-volume``, one per backend per host; its
server name is ``host@backend``).

Version history:
    1.0 - create_volume, delete_volume, extend_volume, create_snapshot,
          delete_snapshot, initialize_connection, terminate_connection
    1.1 - delete_volume takes cascade; copy_volume_to_image, migrate_volume,
          remove_volume_data
    1.2 - initialize_connection_snapshot, terminate_connection_snapshot
    1.3 - reimage (os-reimage, 3.68)
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc
from services.volume import rpc_errors

CONF = cfg.CONF
TOPIC = 'volume'
RPC_API_VERSION = '1.3'


class VolumeAPI:
    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.volume)

    def _cast(self, context, host, method, version='1.0', **kwargs):
        self.client.prepare(server=host, version=version).cast(context, method, **kwargs)

    def create_volume(self, context, host, volume_id, request_spec):
        """Build the volume (blank, from an image, snapshot or volume); it ends
        ``available`` or ``error``."""
        self._cast(context, host, 'create_volume', volume_id=volume_id,
                   request_spec=request_spec)

    def delete_volume(self, context, host, volume_id, cascade=False):
        """Remove the volume (``cascade``: its snapshots first), then its record."""
        rpc.require_version(self.client, '1.1', 'volume')
        self._cast(context, host, 'delete_volume', '1.1', volume_id=volume_id,
                   cascade=cascade)

    def copy_volume_to_image(self, context, host, volume_id, image):
        """Write an ``uploading`` volume's data to the image service as the
        image ``image`` (its record: id, disk_format); the volume then
        goes back to ``available`` or ``in-use``."""
        rpc.require_version(self.client, '1.1', 'volume')
        self._cast(context, host, 'copy_volume_to_image', '1.1', volume_id=volume_id,
                   image=image)

    def extend_volume(self, context, host, volume_id, new_size):
        self._cast(context, host, 'extend_volume', volume_id=volume_id, new_size=new_size)

    def create_snapshot(self, context, host, snapshot_id):
        self._cast(context, host, 'create_snapshot', snapshot_id=snapshot_id)

    def delete_snapshot(self, context, host, snapshot_id):
        self._cast(context, host, 'delete_snapshot', snapshot_id=snapshot_id)

    def initialize_connection(self, context, host, volume_id, connector):
        """Export the volume to ``connector``; answers its connection_info."""
        client = self.client.prepare(server=host, version='1.0')
        return rpc_errors.call(client, context, '1.0', 'initialize_connection',
                               'volume host %s' % host, volume_id=volume_id,
                               connector=connector)

    def terminate_connection(self, context, host, volume_id, connector):
        """Withdraw the export of the volume to ``connector`` (cast)."""
        self._cast(context, host, 'terminate_connection', volume_id=volume_id,
                   connector=connector)

    def migrate_volume(self, context, host, volume_id, new_type_id, source_host):
        """On ``host`` (the destination): copy a ``retyping`` volume from
        ``source_host``'s export, then take it over with ``new_type_id``."""
        rpc.require_version(self.client, '1.1', 'volume')
        self._cast(context, host, 'migrate_volume', '1.1', volume_id=volume_id,
                   new_type_id=new_type_id, source_host=source_host)

    def remove_volume_data(self, context, host, volume_id):
        """Remove ``host``'s copy of a volume that moved to another backend
        (its record stays)."""
        rpc.require_version(self.client, '1.1', 'volume')
        self._cast(context, host, 'remove_volume_data', '1.1', volume_id=volume_id)

    def initialize_connection_snapshot(self, context, host, snapshot_id, connector):
        """Export the snapshot's data to ``connector`` (read it: a backup of
        the snapshot); answers its connection_info."""
        rpc.require_version(self.client, '1.2', 'volume')
        client = self.client.prepare(server=host, version='1.2')
        return rpc_errors.call(client, context, '1.2', 'initialize_connection_snapshot',
                               'volume host %s' % host, snapshot_id=snapshot_id,
                               connector=connector)

    def terminate_connection_snapshot(self, context, host, snapshot_id, connector):
        """Withdraw the export of the snapshot to ``connector`` (cast)."""
        rpc.require_version(self.client, '1.2', 'volume')
        self._cast(context, host, 'terminate_connection_snapshot', '1.2',
                   snapshot_id=snapshot_id, connector=connector)

    def reimage(self, context, host, volume_id, image, previous_status):
        """Write the image ``image`` (``{'image_id', 'image_metadata'}``)
        over a ``downloading`` volume; it goes back to ``previous_status``
        (``error`` when the copy failed) and the servers it is reserved for
        hear ``volume-reimaged`` (cast)."""
        rpc.require_version(self.client, '1.3', 'volume')
        self._cast(context, host, 'reimage', '1.3', volume_id=volume_id, image=image,
                   previous_status=previous_status)
