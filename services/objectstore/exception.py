"""Errors of the object store the proxy turns into plain-text answers.

Swift's API answers errors with a short text body, not a JSON fault; the
proxy renders these with their status code.
"""

from common import exception


class ObjectStoreError(exception.AltoError):
    pass


class BadRequest(ObjectStoreError):
    msg_fmt = '%(reason)s'
    code = 400
    title = 'Bad Request'


class Unauthorized(ObjectStoreError):
    msg_fmt = 'This server could not verify that you are authorized to access the ' \
              'document you requested.'
    code = 401
    title = 'Unauthorized'


class Forbidden(ObjectStoreError):
    msg_fmt = 'Access was denied to this resource.'
    code = 403
    title = 'Forbidden'


class NotFound(ObjectStoreError):
    msg_fmt = 'The resource could not be found.'
    code = 404
    title = 'Not Found'


class Conflict(ObjectStoreError):
    msg_fmt = 'There was a conflict when trying to complete your request.'
    code = 409
    title = 'Conflict'


class MethodNotAllowed(ObjectStoreError):
    msg_fmt = 'The method is not allowed for this resource.'
    code = 405
    title = 'Method Not Allowed'


class LengthRequired(ObjectStoreError):
    msg_fmt = 'Length Required'
    code = 411
    title = 'Length Required'


class PreconditionFailed(ObjectStoreError):
    msg_fmt = '%(reason)s'
    code = 412
    title = 'Precondition Failed'


class TooLarge(ObjectStoreError):
    msg_fmt = 'Your request is too large.'
    code = 413
    title = 'Request Entity Too Large'


class Unprocessable(ObjectStoreError):
    msg_fmt = 'Unable to process the contained instructions'
    code = 422
    title = 'Unprocessable Entity'


class ServiceUnavailable(ObjectStoreError):
    msg_fmt = 'Service Unavailable'
    code = 503
    title = 'Service Unavailable'


class ClientDisconnect(ObjectStoreError):
    msg_fmt = 'The client sent less than it announced.'
    code = 499
    title = 'Client Disconnect'
