"""Rotation of a server's backups (createBackup).

A backup is an image with ``image_type=backup``, its ``backup_type`` and
the server's ``instance_uuid``.  Once a new one is uploaded the server keeps
the newest ``rotation`` of that type; the older ones are deleted, oldest
first.  Rotation 0 keeps none, the new one included (nova does the same).
"""

from oslo_log import log as logging

from services.compute import clients

LOG = logging.getLogger(__name__)


def backups_of(context, instance_uuid, backup_type):
    """The server's backups of ``backup_type``, newest first."""
    images = clients.image_client().list(context, filters={
        'image_type': 'backup', 'backup_type': backup_type, 'instance_uuid': instance_uuid})
    # The image service sorts by creation already; sorted here too so the
    # order does not hang on its defaults.  Ties keep the service's order.
    return sorted(images, key=lambda image: image.get('created_at') or '', reverse=True)


def rotate(context, instance_uuid, backup_type, rotation):
    """Delete the backups beyond the newest ``rotation``, oldest first;
    answers the ids deleted.  A delete that fails is logged and skipped:
    the backup just made stays good either way."""
    excess = backups_of(context, instance_uuid, backup_type)[rotation:]
    deleted = []
    for image in reversed(excess):
        try:
            clients.image_client().delete(context, image['id'], strict=True)
        except Exception as exc:
            LOG.warning('Rotating out backup %s of %s failed: %s', image['id'],
                        instance_uuid, exc)
            continue
        deleted.append(image['id'])
    if deleted:
        LOG.info('Rotated out %d %s backup(s) of %s: %s', len(deleted), backup_type,
                 instance_uuid, ', '.join(deleted))
    return deleted
