"""Volume host (``alto-volume``): one per backend per host, named
``<host>@<backend>``; DB-free (state goes through the conductor).

Every operation ends in a settled state: a create ends ``available`` or
``error`` (the driver leaves no partial data), a delete removes the record
or ends ``error_deleting``.  At start-up nothing stays ``creating``,
``deleting``, ``extending`` or ``attaching`` from before the restart.
"""

import os
import tempfile

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_log import log as logging

from common import context as alto_context
from common import exception as common_exc
from services.volume import drivers
from services.volume import exception
from services.volume import messages
from services.volume import rpc_errors
from services.volume.conductor import rpcapi as conductor_rpcapi
from services.volume.volume import rpcapi

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
BINARY = 'alto-volume'


def backend_host(conf=CONF):
    return '%s@%s' % (conf.host, conf.volume.backend_name)


def run_here(func, *args):
    return func(*args)


def settled_status(volume):
    """The status a volume returns to after work that kept its attachments."""
    return 'in-use' if volume['attach_status'] == 'attached' else 'available'


class VolumeManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self, driver=None, offload=run_here, image_client=None,
                 compute_client=None):
        """``offload(func, *args)`` runs blocking driver work (a thread in
        the daemon); ``image_client`` reads images, ``compute_client``
        sends server events (None: the REST ones)."""
        self.host = backend_host()
        self.driver = driver or drivers.load_driver(CONF.volume.volume_driver, CONF)
        self.offload = offload
        self.image_client = image_client
        self.compute_client = compute_client
        self.conductor = conductor_rpcapi.ConductorAPI()
        self.volume_api = rpcapi.VolumeAPI()
        self.periodic_tasks = [(self.report_capacity, CONF.volume.capacity_report_interval)]

    # -- start-up, heartbeat, capacity ---------------------------------------------------
    def init_host(self):
        self.driver.do_setup()
        self.cleanup_interrupted()
        self.report_capacity()

    def report_state(self):
        self.conductor.service_report(alto_context.get_admin_context(), self.host, BINARY,
                                      rpcapi.TOPIC, CONF.volume.availability_zone)

    def capabilities(self):
        caps = dict(self.offload(self.driver.capacity))
        caps.update(volume_backend_name=CONF.volume.backend_name,
                    storage_protocol=self.driver.protocol,
                    reserved_percentage=CONF.volume.reserved_percentage,
                    max_over_subscription_ratio=CONF.volume.max_over_subscription_ratio)
        return caps

    def report_capacity(self):
        self.conductor.service_report(alto_context.get_admin_context(), self.host, BINARY,
                                      rpcapi.TOPIC, CONF.volume.availability_zone,
                                      capabilities=self.capabilities())

    def cleanup_interrupted(self):
        """Settle what a stop interrupted on this backend."""
        ctx = alto_context.get_admin_context()
        volumes = self.conductor.volume_list(ctx, filters={'host': self.host})
        for volume in volumes:
            status = volume['status']
            if status == 'creating':
                self.offload(self.driver.delete_volume, volume)
                if self._set_volume(ctx, volume['id'], 'error', 'creating',
                                    reason='The volume service restarted while creating it.'):
                    self._message(ctx, volume, messages.CREATE, messages.UNKNOWN)
            elif status == 'deleting':
                self.delete_volume(ctx, volume['id'])
            elif status == 'extending':
                self._set_volume(ctx, volume['id'], 'error_extending', 'extending')
            elif status == 'downloading':   # a reimage: its data is not whole
                self._set_volume(ctx, volume['id'], 'error', 'downloading',
                                 reason='The volume service restarted while reimaging it.')
            elif status == 'uploading':
                self._set_volume(ctx, volume['id'], settled_status(volume), 'uploading')
            for attachment in volume['attachments']:
                if attachment['attach_status'] == 'attaching':
                    # an export the restart may have cut short: ask again
                    self.conductor.attachment_reset(ctx, attachment['id'])
        ids = [v['id'] for v in volumes]
        snapshots = self.conductor.snapshot_list(ctx, filters={'volume_id': ids}) if ids else []
        for snapshot in snapshots:
            if snapshot['status'] == 'creating':
                self.offload(self.driver.delete_snapshot, snapshot)
                self._set_snapshot(ctx, snapshot['id'], 'error', 'creating',
                                   reason='The volume service restarted while creating it.')
                self._message(ctx, snapshot, messages.SNAPSHOT_CREATE, messages.UNKNOWN,
                              messages.RESOURCE_SNAPSHOT)
            elif snapshot['status'] == 'deleting':
                self.delete_snapshot(ctx, snapshot['id'])

    def _set_volume(self, ctx, volume_id, status, expected, reason=None, **values):
        """Record the end of work done on the backend.  The conductor may be
        away (restarting): ask again rather than leave the volume in its
        passing state; the expected status makes a repeat harmless."""
        values['status'] = status
        if reason:
            values['error_reason'] = reason[:255]
        try:
            return rpc_errors.retried(self.conductor.volume_update, ctx, volume_id, values,
                                      {'status': [expected]})
        except (exception.VolumeNotFound, exception.InvalidVolume) as exc:
            LOG.info('Volume %s moved on meanwhile: %s', volume_id, exc)
            return None

    def _set_snapshot(self, ctx, snapshot_id, status, expected, reason=None):
        values = {'status': status}
        if status == 'available':
            values['progress'] = '100%'
        if reason:
            values['error_reason'] = reason[:255]
        try:
            self.conductor.snapshot_update(ctx, snapshot_id, values, {'status': [expected]})
        except (exception.SnapshotNotFound, exception.InvalidSnapshot) as exc:
            LOG.info('Snapshot %s moved on meanwhile: %s', snapshot_id, exc)

    # -- RPC -----------------------------------------------------------------------------------
    def create_volume(self, context, volume_id, request_spec):
        ctx = context.elevated()
        volume = rpc_errors.retried(self.conductor.volume_get, ctx, volume_id)
        try:
            values = self._create(context, volume, request_spec)
        except Exception as exc:
            reason = exc.message if isinstance(exc, common_exc.AltoError) else str(exc)
            LOG.error('Creating volume %s failed: %s', volume_id, reason)
            try:
                self.offload(self.driver.delete_volume, volume)
            except Exception:
                LOG.exception('Removing what the failed create of %s left', volume_id)
            self._set_volume(ctx, volume_id, 'error', 'creating', reason=reason)
            self._message(ctx, volume, messages.FROM_IMAGE if request_spec.get('image_id')
                          else messages.CREATE, messages.DRIVER_FAILED)
            return
        if self._set_volume(ctx, volume_id, 'available', 'creating',
                            launched_at=None, **values) is None:
            # deleted (forced) while we built it: do not keep the data
            self.offload(self.driver.delete_volume, volume)

    def _create(self, context, volume, spec):
        ctx = context.elevated()
        if spec.get('snapshot_id'):
            snapshot = self.conductor.snapshot_get(ctx, spec['snapshot_id'])
            self.offload(self.driver.create_volume_from_snapshot, volume, snapshot)
        elif spec.get('source_volid'):
            source = self.conductor.volume_get(ctx, spec['source_volid'])
            self.offload(self.driver.create_cloned_volume, volume, source)
        elif spec.get('image_id'):
            self._create_from_image(context, volume, spec['image_id'])
            return {'bootable': True}
        else:
            self.offload(self.driver.create_volume, volume)
        return {}

    def _create_from_image(self, context, volume, image_id):
        self._write_image(context, volume, image_id, self.driver.create_volume_from_image)

    def _write_image(self, context, volume, image_id, write):
        """Download the image into a scratch file and have the driver's
        ``write(volume, path, disk_format)`` put it on the volume (a create
        from an image, a reimage)."""
        client = self._image_client()
        record = client.get(context, image_id)
        disk_format = record.get('disk_format') or 'raw'
        if disk_format not in ('raw', 'qcow2', 'vmdk', 'vdi', 'vhd', 'vhdx', 'qed'):
            raise exception.DriverError(reason='disk format %s cannot be converted'
                                        % disk_format)
        directory = CONF.volume.volumes_dir
        handle, path = tempfile.mkstemp(prefix='image-', suffix='.part', dir=directory)
        os.close(handle)
        try:
            client.download(context, image_id, path)
            self.offload(write, volume, path, disk_format)
        finally:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def reimage(self, context, volume_id, image, previous_status):
        """os-reimage: the image written over a ``downloading`` volume, which
        then shows it (``volume_image_metadata``) and goes back to the status
        it had (an ``error`` volume, now whole, to ``available``); ``error``
        when the copy failed.  Either way, the servers the volume is
        reserved for (compute's rebuild waits) hear ``volume-reimaged``."""
        ctx = context.elevated()
        volume = rpc_errors.retried(self.conductor.volume_get, ctx, volume_id)
        ok = True
        try:
            self._write_image(context, volume, image['image_id'], self.driver.reimage_volume)
        except Exception as exc:
            ok = False
            reason = exc.message if isinstance(exc, common_exc.AltoError) else str(exc)
            LOG.error('Reimaging volume %s with image %s failed: %s', volume_id,
                      image['image_id'], reason)
            self._set_volume(ctx, volume_id, 'error', 'downloading', reason=reason)
            self._message(ctx, volume, messages.REIMAGE, messages.DRIVER_FAILED)
        else:
            status = 'available' if previous_status == 'error' else previous_status
            if status == 'reserved' and not rpc_errors.retried(
                    self.conductor.volume_get, ctx, volume_id)['attachments']:
                status = 'available'   # its server gave it up meanwhile
            self._set_volume(ctx, volume_id, status, 'downloading', bootable=True,
                             image_id=image['image_id'],
                             image_metadata=image.get('image_metadata') or {})
        servers = sorted({a['instance_uuid'] for a in volume['attachments']
                          if a.get('instance_uuid')})
        if servers:
            self._compute_client().volume_reimaged(servers, volume_id, ok)

    def delete_volume(self, context, volume_id, cascade=False):
        """Remove the volume's data, then its record.  The conductor may be
        restarting: the reads and the removal of the record are asked again
        (what is still missed, the conductor's clean-up asks again later)."""
        ctx = context.elevated()
        retried = rpc_errors.retried
        try:
            volume = retried(self.conductor.volume_get, ctx, volume_id)
        except exception.VolumeNotFound:
            return
        if volume['status'] != 'deleting':
            LOG.info('Volume %s is %s, not deleting: left alone', volume_id, volume['status'])
            return
        if cascade:
            for snapshot in retried(self.conductor.snapshot_list, ctx,
                                    filters={'volume_id': volume_id}):
                self.delete_snapshot(ctx, snapshot['id'])
            if retried(self.conductor.snapshot_list, ctx, filters={'volume_id': volume_id}):
                self._set_volume(ctx, volume_id, 'error_deleting', 'deleting',
                                 reason='A snapshot of the volume could not be deleted.')
                return
        try:
            self.offload(self.driver.delete_volume, volume)
        except Exception as exc:
            LOG.error('Deleting volume %s failed: %s', volume_id, exc)
            self._set_volume(ctx, volume_id, 'error_deleting', 'deleting', reason=str(exc))
            return
        retried(self.conductor.volume_destroy, ctx, volume_id)

    def extend_volume(self, context, volume_id, new_size):
        ctx = context.elevated()
        volume = self.conductor.volume_get(ctx, volume_id)
        try:
            self.offload(self.driver.extend_volume, volume, new_size)
        except Exception as exc:
            LOG.error('Extending volume %s failed: %s', volume_id, exc)
            self._set_volume(ctx, volume_id, 'error_extending', 'extending', reason=str(exc))
            self._message(ctx, volume, messages.EXTEND, messages.DRIVER_FAILED)
            return
        self._set_volume(ctx, volume_id, 'available', 'extending', size=new_size)

    def create_snapshot(self, context, snapshot_id):
        ctx = context.elevated()
        snapshot = self.conductor.snapshot_get(ctx, snapshot_id)
        try:
            self.offload(self.driver.create_snapshot, snapshot)
        except Exception as exc:
            LOG.error('Creating snapshot %s failed: %s', snapshot_id, exc)
            self._set_snapshot(ctx, snapshot_id, 'error', 'creating', reason=str(exc))
            self._message(ctx, snapshot, messages.SNAPSHOT_CREATE, messages.DRIVER_FAILED,
                          messages.RESOURCE_SNAPSHOT)
            return
        self._set_snapshot(ctx, snapshot_id, 'available', 'creating')

    def delete_snapshot(self, context, snapshot_id):
        ctx = context.elevated()
        try:
            snapshot = self.conductor.snapshot_get(ctx, snapshot_id)
        except exception.SnapshotNotFound:
            return
        try:
            self.offload(self.driver.delete_snapshot, snapshot)
        except Exception as exc:
            LOG.error('Deleting snapshot %s failed: %s', snapshot_id, exc)
            self._set_snapshot(ctx, snapshot_id, 'error_deleting', 'deleting')
            return
        self.conductor.snapshot_destroy(ctx, snapshot_id)

    def copy_volume_to_image(self, context, volume_id, image):
        """Convert the volume to ``image['disk_format']`` in a scratch file
        and stream it to the image service with the caller's token; the
        image is deleted if that fails."""
        ctx = context.elevated()
        volume = self.conductor.volume_get(ctx, volume_id)
        client = self._image_client()
        handle, path = tempfile.mkstemp(prefix='upload-', suffix='.part',
                                        dir=CONF.volume.volumes_dir)
        os.close(handle)
        try:
            self.offload(self.driver.copy_volume_to_image_file, volume,
                         image.get('disk_format') or 'raw', path)
            client.upload(context, image['id'], path)
        except Exception as exc:
            reason = exc.message if isinstance(exc, common_exc.AltoError) else str(exc)
            LOG.error('Uploading volume %s to image %s failed: %s', volume_id, image['id'],
                      reason)
            try:
                client.delete(context, image['id'])
            except Exception:
                LOG.exception('Deleting image %s after the failed upload', image['id'])
            self._message(ctx, volume, messages.UPLOAD, messages.UPLOAD_FAILED)
        finally:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        self._set_volume(ctx, volume_id, settled_status(volume), 'uploading')

    def migrate_volume(self, context, volume_id, new_type_id, source_host):
        """Copy the volume from its source backend's export; on success this
        backend holds it with its new type, and the source drops its copy."""
        ctx = context.elevated()
        volume = self.conductor.volume_get(ctx, volume_id)
        connector = {'host': self.host, 'initiator': None}
        try:
            info = self.volume_api.initialize_connection(ctx, source_host, volume_id,
                                                         connector)
            copied = self.offload(self.driver.import_volume, volume,
                                  info['data']['device_path'])
        except Exception as exc:
            LOG.error('Moving volume %s from %s failed: %s', volume_id, source_host, exc)
            self._set_volume(ctx, volume_id, 'available', 'retyping', migration_status='error')
            self._message(ctx, volume, messages.RETYPE, messages.DRIVER_FAILED)
            return
        finally:
            self.volume_api.terminate_connection(ctx, source_host, volume_id, connector)
        moved = self._set_volume(ctx, volume_id, 'available', 'retyping', host=self.host,
                                 volume_type_id=new_type_id, migration_status='success')
        if moved is not None and copied:
            self.volume_api.remove_volume_data(ctx, source_host, volume_id)

    def remove_volume_data(self, context, volume_id):
        volume = self.conductor.volume_get(context.elevated(), volume_id)
        if volume['host'] == self.host:   # it came back meanwhile: keep it
            return
        self.offload(self.driver.delete_volume, volume)

    def _message(self, ctx, volume, action, detail, resource_type=None):
        """Tell the volume's project what failed (GET /messages)."""
        try:
            self.conductor.message_create(ctx, volume['project_id'],
                                          resource_type or messages.RESOURCE_VOLUME,
                                          volume['id'], action, detail)
        except Exception:
            LOG.exception('Recording the user message about %s', volume['id'])

    def _image_client(self):
        if self.image_client is not None:
            return self.image_client
        from services.volume.clients import image
        return image.ImageClient()

    def _compute_client(self):
        if self.compute_client is not None:
            return self.compute_client
        from services.volume.clients import compute
        return compute.ComputeClient()

    def initialize_connection(self, context, volume_id, connector):
        volume = self.conductor.volume_get(context.elevated(), volume_id)
        try:
            return self.offload(self.driver.initialize_connection, volume, connector)
        except exception.DriverError as exc:
            LOG.error('Exporting volume %s failed: %s', volume_id, exc)
            raise messaging.ExpectedException()

    def initialize_connection_snapshot(self, context, snapshot_id, connector):
        snapshot = self.conductor.snapshot_get(context.elevated(), snapshot_id)
        try:
            return self.offload(self.driver.initialize_connection_snapshot, snapshot,
                                connector)
        except exception.DriverError as exc:
            LOG.error('Exporting snapshot %s failed: %s', snapshot_id, exc)
            raise messaging.ExpectedException()

    def terminate_connection_snapshot(self, context, snapshot_id, connector):
        try:
            snapshot = self.conductor.snapshot_get(context.elevated(), snapshot_id)
            self.offload(self.driver.terminate_connection_snapshot, snapshot, connector)
        except Exception:
            LOG.exception('Withdrawing the export of snapshot %s', snapshot_id)

    def terminate_connection(self, context, volume_id, connector):
        try:
            volume = self.conductor.volume_get(context.elevated(), volume_id)
            self.offload(self.driver.terminate_connection, volume, connector)
        except Exception:
            LOG.exception('Withdrawing the export of volume %s', volume_id)
