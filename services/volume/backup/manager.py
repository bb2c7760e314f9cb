"""Backup host (``alto-volume-backup``, cinder-backup's role): copies a volume
to backup storage (``[backup] driver``: posix or objectstore) and back, reading and writing the
volume through its backend's export; DB-free (state goes through the
conductor)."""

import time

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_log import log as logging

from common import context as alto_context
from services.volume import exception
from services.volume.backup import rpcapi
from services.volume.conductor import rpcapi as conductor_rpcapi
from services.volume.volume import manager as volume_manager
from services.volume.volume import rpcapi as volume_rpcapi

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
BINARY = 'alto-volume-backup'


def load_driver(conf):
    if conf.backup.driver == 'objectstore':
        from services.volume.backup import objectstore
        return objectstore.ObjectStoreBackupDriver(conf)
    from services.volume.backup import posix
    return posix.PosixBackupDriver(conf)


class BackupManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self, driver=None, offload=volume_manager.run_here, host=None):
        self.host = host or CONF.host
        self.driver = driver or load_driver(CONF)
        self.offload = offload
        self.conductor = conductor_rpcapi.ConductorAPI()
        self.volume_api = volume_rpcapi.VolumeAPI()

    def report_state(self):
        self.conductor.service_report(alto_context.get_admin_context(), self.host, BINARY,
                                      rpcapi.TOPIC, CONF.volume.availability_zone)

    def init_host(self):
        """Settle what a stop interrupted on this host: an unfinished backup
        ends ``error`` (its volume back to its status), a restore leaves its
        volume ``error_restoring``, a delete is done again."""
        ctx = alto_context.get_admin_context()
        for backup in self.conductor.backup_list(ctx, filters={'host': self.host}):
            status = backup['status']
            if status == 'creating':
                self.conductor.backup_update(ctx, backup['id'], {
                    'status': 'error', 'fail_reason': 'The backup service restarted.'})
                if backup.get('snapshot_id'):
                    self._set_snapshot(ctx, backup['snapshot_id'], 'available', 'backing-up')
                else:
                    self._settle_volume(ctx, backup['volume_id'], 'backing-up')
            elif status == 'restoring':
                self.conductor.backup_update(ctx, backup['id'], {'status': 'available'})
                if backup['restore_volume_id']:
                    self._set_volume(ctx, backup['restore_volume_id'], 'error_restoring',
                                     'restoring-backup')
            elif status == 'deleting':
                self.delete_backup(ctx, backup['id'])

    def _settle_volume(self, ctx, volume_id, expected):
        try:
            volume = self.conductor.volume_get(ctx, volume_id)
        except exception.VolumeNotFound:
            return
        self._set_volume(ctx, volume_id, volume_manager.settled_status(volume), expected)

    def _with_volume_path(self, ctx, volume, work):
        """Run ``work(path)`` on the volume as its backend exports it here."""
        connector = {'host': self.host, 'initiator': None}
        info = self.volume_api.initialize_connection(ctx, volume['host'], volume['id'],
                                                     connector)
        try:
            return self.offload(work, info['data']['device_path'])
        finally:
            self.volume_api.terminate_connection(ctx, volume['host'], volume['id'], connector)

    def _with_snapshot_path(self, ctx, volume, snapshot_id, work):
        """Run ``work(path)`` on the snapshot as the volume's backend
        exports it here (volume RPC 1.2)."""
        connector = {'host': self.host, 'initiator': None}
        info = self.volume_api.initialize_connection_snapshot(ctx, volume['host'],
                                                              snapshot_id, connector)
        try:
            return self.offload(work, info['data']['device_path'])
        finally:
            self.volume_api.terminate_connection_snapshot(ctx, volume['host'], snapshot_id,
                                                          connector)

    def _set_snapshot(self, ctx, snapshot_id, status, expected):
        try:
            self.conductor.snapshot_update(ctx, snapshot_id, {'status': status},
                                           {'status': [expected]})
        except (exception.SnapshotNotFound, exception.InvalidSnapshot) as exc:
            LOG.info('Snapshot %s moved on meanwhile: %s', snapshot_id, exc)

    def _set_volume(self, ctx, volume_id, status, expected):
        try:
            self.conductor.volume_update(ctx, volume_id, {'status': status},
                                         {'status': [expected]})
        except (exception.VolumeNotFound, exception.InvalidVolume) as exc:
            LOG.info('Volume %s moved on meanwhile: %s', volume_id, exc)

    def create_backup(self, context, backup_id):
        ctx = context.elevated()
        backup = self.conductor.backup_get(ctx, backup_id)
        volume = self.conductor.volume_get(ctx, backup['volume_id'])
        snapshot_id = backup.get('snapshot_id')
        try:
            parent = (self.conductor.backup_get(ctx, backup['parent_id'])
                      if backup.get('parent_id') else None)

            def work(path):
                return self.driver.backup(backup, path, parent)
            if snapshot_id:
                count = self._with_snapshot_path(ctx, volume, snapshot_id, work)
            else:
                count = self._with_volume_path(ctx, volume, work)
        except Exception as exc:
            LOG.error('Backup %s of %s %s failed: %s', backup_id,
                      'snapshot' if snapshot_id else 'volume', snapshot_id or volume['id'],
                      exc)
            self.conductor.backup_update(ctx, backup_id, {
                'status': 'error', 'fail_reason': str(exc)[:255]})
        else:
            self.conductor.backup_update(ctx, backup_id, {'status': 'available',
                                                          'object_count': count})
        if snapshot_id:
            self._set_snapshot(ctx, snapshot_id, 'available', 'backing-up')
        else:
            self._set_volume(ctx, volume['id'], volume_manager.settled_status(volume),
                             'backing-up')

    def _wait_created(self, ctx, volume_id):
        deadline = time.time() + CONF.backup.restore_wait
        while True:
            volume = self.conductor.volume_get(ctx, volume_id)
            if volume['status'] != 'creating' or time.time() > deadline:
                return volume
            time.sleep(1)

    def restore_backup(self, context, backup_id, volume_id):
        ctx = context.elevated()
        backup = self.conductor.backup_get(ctx, backup_id)
        volume = self._wait_created(ctx, volume_id)
        if volume['status'] == 'available':      # a new volume, now built
            self._set_volume(ctx, volume_id, 'restoring-backup', 'available')
            volume = self.conductor.volume_get(ctx, volume_id)
        try:
            if volume['status'] != 'restoring-backup':
                raise exception.InvalidVolume(reason='volume %s is %s' % (volume_id,
                                                                          volume['status']))
            self._with_volume_path(ctx, volume,
                                   lambda path: self.driver.restore(backup, path))
        except Exception as exc:
            LOG.error('Restoring backup %s into volume %s failed: %s', backup_id, volume_id,
                      exc)
            self._set_volume(ctx, volume_id, 'error_restoring', 'restoring-backup')
        else:
            self._set_volume(ctx, volume_id, 'available', 'restoring-backup')
        self.conductor.backup_update(ctx, backup_id, {'status': 'available'},
                                     {'status': ['restoring']})

    def delete_backup(self, context, backup_id):
        ctx = context.elevated()
        backup = self.conductor.backup_get(ctx, backup_id)
        try:
            self.offload(self.driver.delete, backup)
        except Exception as exc:
            LOG.error('Deleting backup %s failed: %s', backup_id, exc)
            self.conductor.backup_update(ctx, backup_id, {'status': 'error_deleting'})
            return
        self.conductor.backup_destroy(ctx, backup_id)
