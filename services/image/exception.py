"""Errors an image API client can see; each maps to one HTTP status."""

from common import exception


class ImageNotFound(exception.NotFound):
    msg_fmt = 'No image found with ID %(image_id)s'


class MemberNotFound(exception.NotFound):
    msg_fmt = 'Member %(member_id)s not found for image %(image_id)s'


class TagNotFound(exception.NotFound):
    msg_fmt = 'Tag %(tag)s not found on image %(image_id)s'


class ReadOnlyAttribute(exception.Forbidden):
    msg_fmt = "Attribute '%(attr)s' is read-only."


class ReservedAttribute(exception.Forbidden):
    msg_fmt = "Attribute '%(attr)s' is reserved."


class ImageProtected(exception.Forbidden):
    msg_fmt = 'Image %(image_id)s is protected and cannot be deleted.'


class InvalidStatusTransition(exception.Conflict):
    msg_fmt = 'Image status transition from %(current)s to %(target)s is not allowed'


class ActionNotAllowed(exception.Forbidden):
    msg_fmt = 'Not allowed to %(action)s image in status %(status)s'


class ImageDeactivated(exception.Forbidden):
    msg_fmt = 'The requested image has been deactivated. Image data download is forbidden.'


class NotSharedImage(exception.Forbidden):
    msg_fmt = 'Only shared images have members.'


class DuplicateMember(exception.Conflict):
    msg_fmt = 'The target member %(member_id)s is already associated with image %(image_id)s.'


class DuplicateImage(exception.Conflict):
    msg_fmt = 'An image with identifier %(image_id)s already exists'


class UnsupportedMediaType(exception.AltoError):
    msg_fmt = 'The request has unsupported media type %(content_type)s; expected %(expected)s.'
    code = 415
    title = 'Unsupported Media Type'


class ImageSizeLimitExceeded(exception.RequestEntityTooLarge):
    msg_fmt = 'Image exceeds the storage quota: the size cap is %(cap)d bytes.'


class StorageFull(exception.RequestEntityTooLarge):
    msg_fmt = 'Image storage media is full; the upload was discarded.'


class UploadIncomplete(exception.BadRequest):
    msg_fmt = 'Image data ended after %(received)d of %(expected)d bytes; the upload was discarded.'


class RangeNotSatisfiable(exception.AltoError):
    msg_fmt = 'Requested range %(range)s is not satisfiable for an image of %(size)d bytes.'
    code = 416
    title = 'Requested Range Not Satisfiable'


class StoreError(exception.AltoError):
    msg_fmt = 'The image store failed: %(reason)s'
    code = 503
    title = 'Service Unavailable'
    safe = False


class ImageDataNotFound(exception.NotFound):
    msg_fmt = 'Image data for %(image_id)s is missing from the store.'


class InvalidMarker(exception.BadRequest):
    msg_fmt = 'The marker %(marker)s could not be found.'


class NamespaceNotFound(exception.NotFound):
    msg_fmt = 'Metadata definition namespace=%(namespace)s was not found.'


class MetadefNotFound(exception.NotFound):
    msg_fmt = 'Metadata definition %(kind)s not found for namespace=%(namespace)s: %(name)s'


class ResourceTypeNotFound(exception.NotFound):
    msg_fmt = 'Metadata definition resource-type %(name)s was not found.'


class AssociationNotFound(exception.NotFound):
    msg_fmt = ('The metadata definition resource-type association of resource-type='
               '%(resource_type)s to namespace=%(namespace)s, was not found.')


class DuplicateNamespace(exception.Conflict):
    msg_fmt = 'Metadata definition namespace=%(namespace)s already exists.'


class DuplicateMetadef(exception.Conflict):
    msg_fmt = ('A metadata definition %(kind)s with name=%(name)s already exists in '
               'namespace=%(namespace)s.')


class DuplicateAssociation(exception.Conflict):
    msg_fmt = ('The metadata definition resource-type association of resource-type='
               '%(resource_type)s to namespace=%(namespace)s already exists.')


class NamespaceProtected(exception.Forbidden):
    msg_fmt = 'Metadata definition namespace %(namespace)s is protected and cannot be deleted.'
