"""Client of the volume conductor, the only holder of the volume database.

The API, the scheduler and the volume hosts call it; every method is a
``call`` answering plain dicts.  The conductor scopes reads and writes to
the caller's project unless the context is an admin's.

Version history:
    1.0 - ping, service_report, service_list, backend_list,
          type_create, type_get, type_list, type_update, type_delete,
          type_extra_specs_update, type_extra_spec_delete,
          type_access_list, type_access_add, type_access_remove,
          quota_get, quota_defaults, quota_update, quota_delete, usage,
          volume_create, volume_get, volume_list, volume_update, volume_delete,
          volume_extend, volume_destroy, metadata_update, metadata_delete,
          snapshot_create, snapshot_get, snapshot_list, snapshot_update,
          snapshot_delete, snapshot_destroy,
          attachment_create, attachment_get, attachment_list, attachment_update,
          attachment_complete, attachment_delete, attachment_reset
    1.1 - volume_delete takes cascade; volume_upload_image, volume_retype,
          qos_create, qos_get, qos_list, qos_set_keys, qos_delete_keys, qos_delete,
          qos_associations, qos_associate, qos_disassociate,
          transfer_create, transfer_get, transfer_list, transfer_delete,
          transfer_accept, message_create, message_get, message_list, message_delete,
          backup_create, backup_get, backup_list, backup_update, backup_delete,
          backup_destroy, backup_restore
    1.2 - backup_create takes incremental
    1.3 - volume_reimage (os-reimage, 3.68)
"""

import oslo_messaging as messaging
from oslo_config import cfg

from common import rpc
from services.volume import rpc_errors

CONF = cfg.CONF
TOPIC = 'volume-conductor'
RPC_API_VERSION = '1.3'


class ConductorAPI:
    def __init__(self, timeout=None):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=CONF.upgrade_levels.volume_conductor,
                                     timeout=timeout)

    def _call(self, context, method, version='1.0', **kwargs):
        return rpc_errors.call(self.client, context, version, method, 'volume conductor',
                               **kwargs)

    def ping(self, context, timeout):
        """Answer when the conductor is up (call with a short timeout)."""
        return self.client.prepare(version='1.0', timeout=timeout).call(context, 'ping')

    # -- services ----------------------------------------------------------------
    def service_report(self, context, host, binary, topic, availability_zone,
                       capabilities=None):
        """Heartbeat; a backend adds its capacity report."""
        return self._call(context, 'service_report', host=host, binary=binary, topic=topic,
                          availability_zone=availability_zone, capabilities=capabilities)

    def service_list(self, context, host=None, binary=None):
        return self._call(context, 'service_list', host=host, binary=binary)

    def backend_list(self, context):
        """Volume backends with their last capacity report and liveness."""
        return self._call(context, 'backend_list')

    # -- volume types --------------------------------------------------------------
    def type_create(self, context, name, description, is_public, extra_specs):
        return self._call(context, 'type_create', name=name, description=description,
                          is_public=is_public, extra_specs=extra_specs)

    def type_get(self, context, type_id):
        return self._call(context, 'type_get', type_id=type_id)

    def type_list(self, context, is_public=None):
        return self._call(context, 'type_list', is_public=is_public)

    def type_update(self, context, type_id, values):
        return self._call(context, 'type_update', type_id=type_id, values=values)

    def type_delete(self, context, type_id):
        return self._call(context, 'type_delete', type_id=type_id)

    def type_extra_specs_update(self, context, type_id, extra_specs):
        return self._call(context, 'type_extra_specs_update', type_id=type_id,
                          extra_specs=extra_specs)

    def type_extra_spec_delete(self, context, type_id, key):
        return self._call(context, 'type_extra_spec_delete', type_id=type_id, key=key)

    def type_access_list(self, context, type_id):
        return self._call(context, 'type_access_list', type_id=type_id)

    def type_access_add(self, context, type_id, project_id):
        return self._call(context, 'type_access_add', type_id=type_id, project_id=project_id)

    def type_access_remove(self, context, type_id, project_id):
        return self._call(context, 'type_access_remove', type_id=type_id,
                          project_id=project_id)

    # -- quotas --------------------------------------------------------------------
    def quota_get(self, context, project_id):
        """The project's limits (defaults where it has no override)."""
        return self._call(context, 'quota_get', project_id=project_id)

    def quota_defaults(self, context):
        return self._call(context, 'quota_defaults')

    def quota_update(self, context, project_id, limits):
        return self._call(context, 'quota_update', project_id=project_id, limits=limits)

    def quota_delete(self, context, project_id):
        return self._call(context, 'quota_delete', project_id=project_id)

    def usage(self, context, project_id):
        return self._call(context, 'usage', project_id=project_id)

    # -- volumes -------------------------------------------------------------------
    def volume_create(self, context, values, metadata, volume_type=None):
        """Check the source and quota, write the volume (``creating``) and
        hand it to the scheduler; answers the new volume."""
        return self._call(context, 'volume_create', values=values, metadata=metadata,
                          volume_type=volume_type)

    def volume_get(self, context, volume_id):
        return self._call(context, 'volume_get', volume_id=volume_id)

    def volume_list(self, context, filters=None, metadata=None, sorts=None, limit=None,
                    marker=None):
        return self._call(context, 'volume_list', filters=filters, metadata=metadata,
                          sorts=sorts, limit=limit, marker=marker)

    def volume_update(self, context, volume_id, values, expected=None):
        """Change columns when ``expected`` ({column: [values]}) holds."""
        return self._call(context, 'volume_update', volume_id=volume_id, values=values,
                          expected=expected)

    def volume_delete(self, context, volume_id, force=False, cascade=False):
        """``cascade``: its snapshots go first."""
        rpc.require_version(self.client, '1.1', 'volume_conductor')
        return self._call(context, 'volume_delete', '1.1', volume_id=volume_id, force=force,
                          cascade=cascade)

    def volume_upload_image(self, context, volume_id, image, force=False):
        """Move the volume to ``uploading`` and have its host write it to the
        image ``image`` (the image service's record, created by the caller)."""
        rpc.require_version(self.client, '1.1', 'volume_conductor')
        return self._call(context, 'volume_upload_image', '1.1', volume_id=volume_id,
                          image=image, force=force)

    def volume_reimage(self, context, volume_id, image, reimage_reserved=False):
        """Move the volume to ``downloading`` (from available or error, or
        reserved with ``reimage_reserved``) and have its host write the
        image over it; ``image`` is ``{'image_id', 'image_metadata'}``."""
        rpc.require_version(self.client, '1.3', 'volume_conductor')
        return self._call(context, 'volume_reimage', '1.3', volume_id=volume_id, image=image,
                          reimage_reserved=reimage_reserved)

    def volume_extend(self, context, volume_id, new_size):
        return self._call(context, 'volume_extend', volume_id=volume_id, new_size=new_size)

    def volume_destroy(self, context, volume_id):
        """Remove the record of a volume its backend has deleted."""
        return self._call(context, 'volume_destroy', volume_id=volume_id)

    def metadata_update(self, context, kind, resource_id, metadata, replace):
        """``kind`` is ``volume`` or ``snapshot``."""
        return self._call(context, 'metadata_update', kind=kind, resource_id=resource_id,
                          metadata=metadata, replace=replace)

    def metadata_delete(self, context, kind, resource_id, key):
        return self._call(context, 'metadata_delete', kind=kind, resource_id=resource_id,
                          key=key)

    # -- snapshots -----------------------------------------------------------------
    def snapshot_create(self, context, values, metadata, force):
        return self._call(context, 'snapshot_create', values=values, metadata=metadata,
                          force=force)

    def snapshot_get(self, context, snapshot_id):
        return self._call(context, 'snapshot_get', snapshot_id=snapshot_id)

    def snapshot_list(self, context, filters=None, metadata=None, sorts=None, limit=None,
                      marker=None):
        return self._call(context, 'snapshot_list', filters=filters, metadata=metadata,
                          sorts=sorts, limit=limit, marker=marker)

    def snapshot_update(self, context, snapshot_id, values, expected=None):
        return self._call(context, 'snapshot_update', snapshot_id=snapshot_id, values=values,
                          expected=expected)

    def snapshot_delete(self, context, snapshot_id, force=False):
        return self._call(context, 'snapshot_delete', snapshot_id=snapshot_id, force=force)

    def snapshot_destroy(self, context, snapshot_id):
        return self._call(context, 'snapshot_destroy', snapshot_id=snapshot_id)

    # -- attachments ---------------------------------------------------------------
    def attachment_create(self, context, volume_id, instance_uuid, connector=None,
                          mode='rw'):
        return self._call(context, 'attachment_create', volume_id=volume_id,
                          instance_uuid=instance_uuid, connector=connector, mode=mode)

    def attachment_get(self, context, attachment_id):
        return self._call(context, 'attachment_get', attachment_id=attachment_id)

    def attachment_list(self, context, filters=None, sorts=None, limit=None, marker=None):
        return self._call(context, 'attachment_list', filters=filters, sorts=sorts,
                          limit=limit, marker=marker)

    def attachment_update(self, context, attachment_id, connector):
        """Export the volume to ``connector``; answers the attachment with its
        ``connection_info``."""
        return self._call(context, 'attachment_update', attachment_id=attachment_id,
                          connector=connector)

    def attachment_complete(self, context, attachment_id):
        return self._call(context, 'attachment_complete', attachment_id=attachment_id)

    def attachment_delete(self, context, attachment_id):
        """Answers the volume's remaining attachments."""
        return self._call(context, 'attachment_delete', attachment_id=attachment_id)

    def attachment_reset(self, context, attachment_id):
        """Back to ``reserved`` without its connection (a volume host's
        start-up: the export may not have finished)."""
        return self._call(context, 'attachment_reset', attachment_id=attachment_id)

    # -- retype --------------------------------------------------------------------
    def volume_retype(self, context, volume_id, new_type, migration_policy):
        """Give the volume another type: in place when its backend suits the
        type, else (``on-demand``) by copying it to a backend that does."""
        return self._v11(context, 'volume_retype', volume_id=volume_id, new_type=new_type,
                         migration_policy=migration_policy)

    def _v11(self, context, method, **kwargs):
        rpc.require_version(self.client, '1.1', 'volume_conductor')
        return self._call(context, method, '1.1', **kwargs)

    # -- QoS specs -----------------------------------------------------------------
    def qos_create(self, context, name, consumer, specs):
        return self._v11(context, 'qos_create', name=name, consumer=consumer, specs=specs)

    def qos_get(self, context, qos_id):
        return self._v11(context, 'qos_get', qos_id=qos_id)

    def qos_list(self, context, sorts=None, limit=None, marker=None):
        return self._v11(context, 'qos_list', sorts=sorts, limit=limit, marker=marker)

    def qos_set_keys(self, context, qos_id, specs):
        return self._v11(context, 'qos_set_keys', qos_id=qos_id, specs=specs)

    def qos_delete_keys(self, context, qos_id, keys):
        return self._v11(context, 'qos_delete_keys', qos_id=qos_id, keys=keys)

    def qos_delete(self, context, qos_id, force=False):
        return self._v11(context, 'qos_delete', qos_id=qos_id, force=force)

    def qos_associations(self, context, qos_id):
        return self._v11(context, 'qos_associations', qos_id=qos_id)

    def qos_associate(self, context, qos_id, type_id):
        return self._v11(context, 'qos_associate', qos_id=qos_id, type_id=type_id)

    def qos_disassociate(self, context, qos_id, type_id=None):
        """From ``type_id``, or from every type when it is None."""
        return self._v11(context, 'qos_disassociate', qos_id=qos_id, type_id=type_id)

    # -- transfers -----------------------------------------------------------------
    def transfer_create(self, context, volume_id, name, no_snapshots=False):
        """The new transfer, with its auth key (shown this once)."""
        return self._v11(context, 'transfer_create', volume_id=volume_id, name=name,
                         no_snapshots=no_snapshots)

    def transfer_get(self, context, transfer_id):
        return self._v11(context, 'transfer_get', transfer_id=transfer_id)

    def transfer_list(self, context, project_id=None, sorts=None, limit=None, marker=None):
        return self._v11(context, 'transfer_list', project_id=project_id, sorts=sorts,
                         limit=limit, marker=marker)

    def transfer_delete(self, context, transfer_id):
        return self._v11(context, 'transfer_delete', transfer_id=transfer_id)

    def transfer_accept(self, context, transfer_id, auth_key):
        """Move the volume into the caller's project."""
        return self._v11(context, 'transfer_accept', transfer_id=transfer_id,
                         auth_key=auth_key)

    # -- user messages -------------------------------------------------------------
    def message_create(self, context, project_id, resource_type, resource_uuid, action,
                       detail):
        """Record that ``action`` failed for ``detail`` (messages.ACTIONS and
        DETAILS), for ``project_id`` to read."""
        return self._v11(context, 'message_create', project_id=project_id,
                         resource_type=resource_type, resource_uuid=resource_uuid,
                         action=action, detail=detail)

    def message_get(self, context, message_id):
        return self._v11(context, 'message_get', message_id=message_id)

    def message_list(self, context, filters=None, sorts=None, limit=None, marker=None):
        return self._v11(context, 'message_list', filters=filters, sorts=sorts, limit=limit,
                         marker=marker)

    def message_delete(self, context, message_id):
        return self._v11(context, 'message_delete', message_id=message_id)

    # -- backups -------------------------------------------------------------------
    def backup_create(self, context, values, force=False, incremental=False):
        """A ``creating`` backup on a live backup host, which then copies the
        volume (``backing-up`` meanwhile)."""
        if incremental:
            rpc.require_version(self.client, '1.2', 'volume_conductor')
            return self._call(context, 'backup_create', '1.2', values=values, force=force,
                              incremental=True)
        return self._v11(context, 'backup_create', values=values, force=force)

    def backup_get(self, context, backup_id):
        return self._v11(context, 'backup_get', backup_id=backup_id)

    def backup_list(self, context, filters=None, sorts=None, limit=None, marker=None):
        return self._v11(context, 'backup_list', filters=filters, sorts=sorts, limit=limit,
                         marker=marker)

    def backup_update(self, context, backup_id, values, expected=None):
        return self._v11(context, 'backup_update', backup_id=backup_id, values=values,
                         expected=expected)

    def backup_delete(self, context, backup_id, force=False):
        return self._v11(context, 'backup_delete', backup_id=backup_id, force=force)

    def backup_destroy(self, context, backup_id):
        """Remove the record of a backup its host has deleted."""
        return self._v11(context, 'backup_destroy', backup_id=backup_id)

    def backup_restore(self, context, backup_id, volume_id=None, name=None):
        """Restore into ``volume_id``, or into a new volume (``name``)."""
        return self._v11(context, 'backup_restore', backup_id=backup_id,
                         volume_id=volume_id, name=name)
