"""Client of a backup host (``alto-volume-backup``, cinder-backup's role: it
copies volumes to backup storage and back; server name: its host).

Version history:
    1.0 - create_backup, restore_backup, delete_backup
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc

CONF = cfg.CONF
TOPIC = 'volume-backup'
RPC_API_VERSION = '1.0'


class BackupAPI:
    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.volume_backup)

    def _cast(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version='1.0').cast(context, method, **kwargs)

    def create_backup(self, context, host, backup_id):
        """Copy the ``backing-up`` volume; the backup ends ``available`` or
        ``error``."""
        self._cast(context, host, 'create_backup', backup_id=backup_id)

    def restore_backup(self, context, host, backup_id, volume_id):
        """Write the backup into the volume (``restoring-backup``)."""
        self._cast(context, host, 'restore_backup', backup_id=backup_id, volume_id=volume_id)

    def delete_backup(self, context, host, backup_id):
        self._cast(context, host, 'delete_backup', backup_id=backup_id)
