"""The one exception base every service subclasses.

An ``AltoError`` carries an HTTP status code, a short title and a message
that is safe to show to API users.  Services subclass once per condition a
client can see; the API's fault renderer turns any of them into that
service's fault body.  Because the constructor takes the message plus the
format keywords, the classes survive oslo.messaging's remote re-raise.
"""


class AltoError(Exception):
    msg_fmt = 'An unknown error occurred.'
    code = 500
    title = 'Internal Server Error'
    #: False when the text may hold internals; the API then shows only the title.
    safe = True

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError, ValueError):
                message = self.msg_fmt
        super().__init__(message)

    @property
    def message(self):
        return str(self.args[0]) if self.args else self.msg_fmt


class BadRequest(AltoError):
    msg_fmt = 'Bad request: %(reason)s'
    code = 400
    title = 'Bad Request'


class ValidationError(BadRequest):
    msg_fmt = 'Invalid input: %(reason)s'


class Unauthorized(AltoError):
    msg_fmt = 'The request you have made requires authentication.'
    code = 401
    title = 'Unauthorized'


class Forbidden(AltoError):
    msg_fmt = 'You are not authorized to perform the requested action.'
    code = 403
    title = 'Forbidden'


class PolicyNotAuthorized(Forbidden):
    msg_fmt = 'Policy does not allow %(action)s to be performed.'


class NotFound(AltoError):
    msg_fmt = 'The resource could not be found.'
    code = 404
    title = 'Not Found'


class VersionNotFoundForAPIMethod(NotFound):
    msg_fmt = 'API version %(version)s is not supported on this method.'


class InvalidAPIVersion(AltoError):
    code = 406
    title = 'Not Acceptable'
    msg_fmt = ('Version %(version)s is not supported by the API. Minimum is '
               '%(min)s and maximum is %(max)s.')


class Conflict(AltoError):
    msg_fmt = 'Conflict: %(reason)s'
    code = 409
    title = 'Conflict'


class RPCVersionCapped(Conflict):
    msg_fmt = ('This request needs %(service)s RPC API %(version)s, but [upgrade_levels] '
               '%(service)s caps it below that until every %(service)s service is '
               'upgraded.')


class RequestEntityTooLarge(AltoError):
    msg_fmt = 'Request entity too large.'
    code = 413
    title = 'Request Entity Too Large'


class OverQuota(AltoError):
    msg_fmt = 'Quota exceeded: %(reason)s'
    code = 403
    title = 'Forbidden'


class ServiceUnavailable(AltoError):
    msg_fmt = 'The service is unavailable: %(reason)s'
    code = 503
    title = 'Service Unavailable'


class DBAccessForbidden(AltoError):
    """Raised when a DB-free daemon reaches for the database."""
    msg_fmt = 'This process may not use the database (%(detail)s).'
    safe = False
