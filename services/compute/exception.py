"""Conditions a compute API user can see, one class each.

They subclass :mod:`common.exception` so the compute fault renderer turns
them into nova's fault bodies, and they are registered with the RPC layer
(``services.compute.exception``) so they re-raise as themselves across RPC.
"""

from common import exception as base


class ComputeError(base.AltoError):
    pass


class NotFound(base.NotFound):
    pass


class Invalid(base.BadRequest):
    msg_fmt = '%(reason)s'


class Conflict(base.Conflict):
    msg_fmt = '%(reason)s'


class InstanceNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s could not be found.'


class NoInstancesForEvents(NotFound):
    msg_fmt = 'No instances found for any event'


class FlavorNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class FlavorExists(base.Conflict):
    msg_fmt = 'Flavor with %(what)s %(value)s already exists.'


class FlavorAccessNotFound(NotFound):
    msg_fmt = 'Flavor access not found for %(flavor_id)s / %(project_id)s combination.'


class FlavorAccessExists(base.Conflict):
    msg_fmt = 'Flavor access already exists for flavor %(flavor_id)s and project %(project_id)s combination.'


class FlavorExtraSpecNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s has no extra specs with key %(key)s.'


class KeypairNotFound(NotFound):
    msg_fmt = 'Keypair %(name)s not found for user %(user_id)s'


class KeypairExists(base.Conflict):
    msg_fmt = "Key pair '%(name)s' already exists."


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class HostActionNotImplemented(base.AltoError):
    code = 501
    title = 'Not Implemented'
    msg_fmt = '%(what)s'


class ComputeHostNotFound(NotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


class ComputeServiceUnavailable(base.BadRequest):
    msg_fmt = 'Compute service of %(host)s is unavailable at this time.'


class ComputeHostDown(base.Conflict):
    # nova's words: the host's name is not for end users.
    msg_fmt = 'Service is unavailable at this time.'


class HypervisorNotFound(NotFound):
    msg_fmt = 'Hypervisor with ID %(hypervisor_id)s could not be found.'


class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class ImageNotAuthorized(base.Forbidden):
    msg_fmt = 'Not authorized for image %(image_id)s.'


class ImageBadRequest(base.BadRequest):
    msg_fmt = 'Can not find requested image'


class NetworkNotFound(base.BadRequest):
    msg_fmt = 'Network %(network_id)s could not be found.'


class PortNotFound(base.BadRequest):
    msg_fmt = 'Port id %(port_id)s could not be found.'


class SecurityGroupNotFound(base.BadRequest):
    msg_fmt = 'Security group %(name)s not found.'


class ProxiedSecurityGroupNotFound(NotFound):
    msg_fmt = 'Security group %(group_id)s not found.'


class SecurityGroupRuleNotFound(NotFound):
    msg_fmt = 'Rule (%(rule_id)s) not found.'


class ProxiedNetworkNotFound(NotFound):
    msg_fmt = 'Network %(network_id)s could not be found.'


class FloatingIpNotFound(NotFound):
    msg_fmt = 'Floating IP not found for ID %(id)s'


class FloatingIpNotFoundForAddress(NotFound):
    msg_fmt = 'floating IP not found'


class FloatingIpPoolNotFound(NotFound):
    msg_fmt = 'Floating IP pool not found.'


class NoMoreFloatingIps(NotFound):
    msg_fmt = 'No more floating IPs in pool %(pool)s.'


class FloatingIpLimitExceeded(base.Forbidden):
    msg_fmt = 'IP allocation over quota in pool %(pool)s.'


class PortInUse(base.Conflict):
    msg_fmt = 'Port %(port_id)s is still in use.'


class InterfacePortNotFound(NotFound):
    msg_fmt = 'Port id %(port_id)s could not be found.'


class InterfaceNetworkNotFound(NotFound):
    msg_fmt = 'Network %(network_id)s could not be found.'


class InterfaceNotAttached(NotFound):
    msg_fmt = 'Instance %(instance_uuid)s does not have a port with id %(port_id)s'


class NetworkAmbiguous(base.BadRequest):
    msg_fmt = ('More than one possible network found. Specify network ID(s) to select '
               'which one(s) to connect to.')


class InterfaceAttachFailedNoNetwork(base.BadRequest):
    msg_fmt = ("No specific network was requested and none are available for project "
               "'%(project_id)s'.")


class FixedIpAlreadyInUse(base.Conflict):
    msg_fmt = 'Fixed IP address %(address)s is already in use.'


class NoMoreFixedIps(base.BadRequest):
    msg_fmt = 'No fixed IP addresses available for network: %(network_id)s'


class FixedIpNotFoundForInstance(base.BadRequest):
    msg_fmt = 'Instance %(instance_uuid)s does not have fixed IP \'%(ip)s\'.'


class DriverNotSupported(base.Conflict):
    msg_fmt = '%(operation)s is not supported by the %(driver)s hypervisor driver.'


class ConsoleTypeUnavailable(base.BadRequest):
    msg_fmt = 'Unavailable console type %(console_type)s.'


class InstanceNotReady(base.Conflict):
    msg_fmt = 'Instance %(instance_id)s is not ready'


class InvalidToken(NotFound):
    msg_fmt = 'The token is invalid or has expired.'


class InterfaceAttachFailed(ComputeError):
    msg_fmt = 'Failed to attach network adapter device to %(instance_uuid)s'


class InstanceInvalidState(base.Conflict):
    msg_fmt = ("Cannot '%(action)s' instance %(instance_uuid)s while it is in "
               '%(attr)s %(state)s')


class InstanceIsLocked(base.Conflict):
    msg_fmt = 'Instance %(instance_uuid)s is locked'


class ServerGroupNotFound(NotFound):
    msg_fmt = 'Instance group %(group_id)s could not be found.'


class AggregateNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s could not be found.'


class AggregateNameExists(base.Conflict):
    msg_fmt = 'Aggregate %(name)s already exists.'


class AggregateHostExists(base.Conflict):
    msg_fmt = 'Aggregate %(aggregate_id)s already has host %(host)s.'


class AggregateHostNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s has no host %(host)s.'


class AggregateNotEmpty(base.BadRequest):
    msg_fmt = 'Cannot remove aggregate %(aggregate_id)s: it still has hosts.'


class MarkerNotFound(base.BadRequest):
    msg_fmt = 'Marker %(marker)s could not be found.'


class InvalidStrTime(base.BadRequest):
    msg_fmt = 'Invalid datetime string: %(reason)s'


class InstanceActionNotFound(NotFound):
    msg_fmt = 'Action for request_id %(request_id)s on instance %(instance_uuid)s not found'


class TagNotFound(NotFound):
    msg_fmt = 'Tag %(tag)s could not be found.'


class TooManyTags(base.BadRequest):
    msg_fmt = 'The number of tags exceeded the per-server limit %(limit)d'


class QuotaExceeded(base.AltoError):
    code = 403
    title = 'Forbidden'
    msg_fmt = 'Quota exceeded for %(resources)s: Requested %(req)s, but already used %(used)s of %(allowed)s %(resources)s'


class ImageMetadataLimitExceeded(QuotaExceeded):
    msg_fmt = 'Image metadata limit exceeded'


class KeypairLimitExceeded(QuotaExceeded):
    msg_fmt = 'Quota exceeded, too many key pairs.'


class NoValidHost(ComputeError):
    code = 400
    title = 'Bad Request'
    msg_fmt = 'No valid host was found. %(reason)s'


class BuildAbortException(ComputeError):
    msg_fmt = 'Build of instance %(instance_uuid)s aborted: %(reason)s'


class RescheduledException(ComputeError):
    msg_fmt = 'Build of instance %(instance_uuid)s was re-scheduled: %(reason)s'


class ClaimFailed(base.Conflict):
    msg_fmt = 'Not enough resources on host %(host)s for %(what)s'


class ServiceUnavailable(base.ServiceUnavailable):
    pass


class ExternalServiceError(base.AltoError):
    code = 503
    title = 'Service Unavailable'
    msg_fmt = '%(service)s service error: %(reason)s'


class PlacementError(base.AltoError):
    """A placement API error: ``error_code`` is placement's machine-readable
    ``code`` of the error body (``placement.concurrent_update``, ...)."""

    @property
    def error_code(self):
        return self.kwargs.get('error_code') or 'placement.undefined_code'


class PlacementNotFound(PlacementError, base.NotFound):
    msg_fmt = 'The resource could not be found.'


class PlacementConflict(PlacementError, base.Conflict):
    msg_fmt = 'Conflict.'


class PlacementBadRequest(PlacementError, base.BadRequest):
    msg_fmt = 'Bad request.'


class PlacementNotAcceptable(PlacementError):
    msg_fmt = 'Not acceptable.'
    code = 406
    title = 'Not Acceptable'


# -- block volumes ------------------------------------------------------------

class VolumeNotFound(NotFound):
    msg_fmt = 'Volume %(volume_id)s could not be found.'


class VolumeAttachmentNotFound(NotFound):
    msg_fmt = 'Volume attachment %(attachment_id)s could not be found.'


class VolumeBDMNotFound(NotFound):
    # nova's words for a volume the server does not have attached.
    msg_fmt = 'No volume Block Device Mapping with id %(volume_id)s.'


class InvalidVolume(base.BadRequest):
    msg_fmt = 'Invalid volume: %(reason)s'


class SnapshotNotFound(NotFound):
    msg_fmt = 'Snapshot %(snapshot_id)s could not be found.'


class VolumeBDMIsMultiAttach(base.BadRequest):
    msg_fmt = ('Block Device Mapping %(volume_id)s is a multi-attach volume and is not '
               'valid for this operation.')


class MultiattachNotSupportedOldMicroversion(base.BadRequest):
    msg_fmt = ('Multiattach volumes are only supported starting with compute API '
               'version 2.60.')


class MultiattachSwapVolumeNotSupported(base.BadRequest):
    msg_fmt = ('Swapping multi-attach volumes with more than one read/write attachment '
               'is not supported.')


class VolumeSnapshotNotAttached(base.BadRequest):
    # os-assisted-volume-snapshots: nova answers a volume attached to no
    # server with a 400 and these words (not the 404 of VolumeBDMNotFound).
    msg_fmt = 'No volume Block Device Mapping with id %(volume_id)s.'


class VolumeSnapshotFailed(ComputeError):
    msg_fmt = 'Assisted snapshot of volume %(volume_id)s failed: %(reason)s'


class VolumeLimitExceeded(base.Forbidden):
    msg_fmt = 'Volume resource quota exceeded: %(reason)s'


class VolumeAttached(base.BadRequest):
    # nova answers a second attach of one volume to one server with a 400.
    msg_fmt = 'Invalid volume: volume %(volume_id)s is already attached to the instance'


class InvalidDevicePath(base.BadRequest):
    msg_fmt = 'The supplied device path (%(path)s) is invalid.'


class DevicePathInUse(base.Conflict):
    msg_fmt = 'The supplied device path (%(path)s) is in use.'


class VolumeAttachFailed(ComputeError):
    msg_fmt = 'Volume %(volume_id)s could not be attached: %(reason)s'


class VolumeDetachFailed(ComputeError):
    msg_fmt = 'Volume %(volume_id)s could not be detached: %(reason)s'


class VolumeSwapFailed(ComputeError):
    msg_fmt = 'Volume %(volume_id)s could not be swapped for another: %(reason)s'


class VolumeReimageFailed(ComputeError):
    msg_fmt = 'Volume %(volume_id)s could not be reimaged: %(reason)s'


class VolumeNotReady(ComputeError):
    msg_fmt = 'Volume %(volume_id)s did not become available: %(reason)s'


class InstanceAgentNotEnabled(base.Conflict):
    msg_fmt = 'QEMU guest agent is not enabled'


class SetAdminPasswdNotSupported(base.Conflict):
    msg_fmt = 'Set admin password is not supported'


class InstancePasswordSetFailed(base.Conflict):
    msg_fmt = 'Failed to set admin password on %(instance)s because %(reason)s'


class TaskAlreadyRunning(base.Conflict):
    msg_fmt = 'Task %(task_name)s is already running on host %(host)s'
