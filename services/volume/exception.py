"""Conditions a volume API user can see, one class each.

They subclass :mod:`common.exception`, so the volume fault renderer writes
cinder's bodies (``{"itemNotFound": {"code": 404, "message": ...}}``), and
they are registered with the RPC layer (``services.volume.exception``) so
they re-raise as themselves across RPC.
"""

from common import exception as base


class NotFound(base.NotFound):
    pass


class Invalid(base.BadRequest):
    msg_fmt = '%(reason)s'


class InvalidInput(Invalid):
    msg_fmt = 'Invalid input received: %(reason)s'


class InvalidVolume(Invalid):
    msg_fmt = 'Invalid volume: %(reason)s'


class InvalidSnapshot(Invalid):
    msg_fmt = 'Invalid snapshot: %(reason)s'


class InvalidVolumeType(Invalid):
    msg_fmt = 'Invalid volume type: %(reason)s'


class InvalidAttachment(Invalid):
    msg_fmt = 'Invalid attachment: %(reason)s'


class VolumeNotFound(NotFound):
    msg_fmt = 'Volume %(volume_id)s could not be found.'


class SnapshotNotFound(NotFound):
    msg_fmt = 'Snapshot %(snapshot_id)s could not be found.'


class GroupNotFound(NotFound):
    msg_fmt = 'Group %(group_id)s could not be found.'


class VolumeTypeNotFound(NotFound):
    msg_fmt = 'Volume type with name or id %(type_id)s could not be found.'


class VolumeTypeExtraSpecNotFound(NotFound):
    msg_fmt = 'Volume Type %(type_id)s has no extra specs with key %(key)s.'


class VolumeTypeAccessNotFound(NotFound):
    msg_fmt = ('Volume type access not found for %(type_id)s / %(project_id)s '
               'combination.')


class AttachmentNotFound(NotFound):
    msg_fmt = 'Volume attachment could not be found with filter: attachment_id = %(attachment_id)s.'


class MetadataNotFound(NotFound):
    msg_fmt = 'The %(kind)s %(resource_id)s has no metadata with key %(key)s.'


class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class VolumeTypeExists(base.Conflict):
    msg_fmt = 'Volume Type %(name)s already exists.'


class VolumeTypeAccessExists(base.Conflict):
    msg_fmt = ('Volume type access for %(type_id)s / %(project_id)s combination already '
               'exists.')


class QuotaExceeded(base.AltoError):
    """Cinder answers an exceeded quota with 413 (``overLimit``)."""
    msg_fmt = ('VolumeLimitExceeded: Maximum number of %(resource)s allowed (%(allowed)d) '
               'exceeded')
    code = 413
    title = 'Request Entity Too Large'


class GigabytesQuotaExceeded(QuotaExceeded):
    msg_fmt = ('VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds '
               'allowed %(resource)s quota. Requested %(requested)sG, quota is '
               '%(allowed)sG and %(used)sG has been consumed.')


class NoValidBackend(base.AltoError):
    msg_fmt = 'No valid backend was found. %(reason)s'
    code = 500


class DriverError(base.AltoError):
    """A storage driver failed; the reason goes to the log, not to users."""
    msg_fmt = 'Volume driver failed: %(reason)s'
    code = 500
    safe = False


class QoSSpecsNotFound(NotFound):
    msg_fmt = 'No such QoS spec %(specs_id)s.'


class QoSSpecsKeyNotFound(NotFound):
    msg_fmt = 'QoS spec %(specs_id)s has no spec with key %(specs_key)s.'


class QoSSpecsExists(base.Conflict):
    msg_fmt = 'QoS Specs %(specs_id)s already exists.'


class QoSSpecsInUse(Invalid):
    msg_fmt = 'QoS Specs %(specs_id)s is still associated with entities.'


class TransferNotFound(NotFound):
    msg_fmt = 'Transfer %(transfer_id)s could not be found.'


class InvalidAuthKey(Invalid):
    msg_fmt = 'Invalid auth key: %(reason)s'


class MessageNotFound(NotFound):
    msg_fmt = 'Message %(message_id)s could not be found.'


class BackupNotFound(NotFound):
    msg_fmt = 'Backup %(backup_id)s could not be found.'


class InvalidBackup(Invalid):
    msg_fmt = 'Invalid backup: %(reason)s'
