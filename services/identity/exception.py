"""Client-visible conditions of the identity service.

Messages follow keystone's wording where clients or tests look for it.
"""

from common import exception as base

# Re-exported so identity code imports its conditions from one module.
ValidationError = base.ValidationError
Forbidden = base.Forbidden
PolicyNotAuthorized = base.PolicyNotAuthorized
Conflict = base.Conflict
NotFound = base.NotFound


class Unauthorized(base.Unauthorized):
    """Authentication failed; the message never says whether the user exists."""
    msg_fmt = 'The request you have made requires authentication.'


class AccountLocked(Unauthorized):
    msg_fmt = 'The account is locked for user: %(user_id)s.'


class AccountInactive(Unauthorized):
    msg_fmt = ('The account of user %(user_id)s is disabled: no authentication for '
               '%(days)d days.')


class PasswordExpired(Unauthorized):
    msg_fmt = 'The password of user %(user_id)s has expired and must be changed.'


class PasswordValidationError(base.BadRequest):
    """A new password breaks a [security_compliance] rule (400)."""
    msg_fmt = 'Password validation error: %(detail)s'


class PasswordRequirementsValidationError(PasswordValidationError):
    msg_fmt = 'Password validation error: the password does not meet the requirements: %(detail)s'


class PasswordHistoryValidationError(PasswordValidationError):
    msg_fmt = ('Password validation error: the new password must differ from the last '
               '%(unique_count)d passwords, the new one included.')


class PasswordAgeValidationError(PasswordValidationError):
    msg_fmt = ('Password validation error: a password must be kept %(min_age_days)d day(s) '
               'before it can be changed again; try again in %(days_left)d day(s) or ask an '
               'administrator to reset it.')


class PasswordLocked(Forbidden):
    msg_fmt = 'The password of user %(user_id)s is locked and cannot be changed by the user.'


class AuthMethodNotSupported(Unauthorized):
    msg_fmt = 'Attempted to authenticate with an unsupported method.'


class TokenNotFound(NotFound):
    msg_fmt = 'Could not find token: %(token_id)s.'


class DomainNotFound(NotFound):
    msg_fmt = 'Could not find domain: %(domain_id)s.'


class ProjectNotFound(NotFound):
    msg_fmt = 'Could not find project: %(project_id)s.'


class UserNotFound(NotFound):
    msg_fmt = 'Could not find user: %(user_id)s.'


class GroupNotFound(NotFound):
    msg_fmt = 'Could not find group: %(group_id)s.'


class RoleNotFound(NotFound):
    msg_fmt = 'Could not find role: %(role_id)s.'


class ImpliedRoleNotFound(NotFound):
    msg_fmt = 'Could not find implied role: %(prior_role_id)s implies %(implied_role_id)s.'


class InvalidImpliedRole(Forbidden):
    msg_fmt = '%(role_id)s cannot be an implied role.'


class DomainSpecificRoleMismatch(Forbidden):
    msg_fmt = ('Project %(project_id)s must be in the same domain as the role '
               '%(role_id)s being assigned.')


class RoleAssignmentNotFound(NotFound):
    msg_fmt = 'Could not find role assignment with role: %(role_id)s, actor: %(actor_id)s, target: %(target_id)s.'


class MembershipNotFound(NotFound):
    msg_fmt = 'Could not find user: %(user_id)s in group: %(group_id)s.'


class RegionNotFound(NotFound):
    msg_fmt = 'Could not find region: %(region_id)s.'


class ServiceNotFound(NotFound):
    msg_fmt = 'Could not find service: %(service_id)s.'


class EndpointNotFound(NotFound):
    msg_fmt = 'Could not find endpoint: %(endpoint_id)s.'


class ApplicationCredentialNotFound(NotFound):
    msg_fmt = 'Could not find application credential: %(app_cred_id)s.'


class CatalogReadOnly(Forbidden):
    msg_fmt = 'The templated catalog is read-only; edit its file instead.'


class CredentialNotFound(NotFound):
    msg_fmt = 'Could not find credential: %(credential_id)s.'


class CredentialLimitExceeded(Forbidden):
    msg_fmt = ('Unable to create additional credentials, maximum of %(limit)d '
               'already exceeded for user.')


class CredentialEncryptionError(base.AltoError):
    """A blob cannot be encrypted or decrypted: the key repository is missing
    or no longer holds the key that encrypted it.  The message says which, so
    the operator sees the cause instead of a garbled blob."""
    msg_fmt = 'Credential blobs cannot be encrypted or decrypted: %(reason)s'


class TrustNotFound(NotFound):
    msg_fmt = 'Could not find trust: %(trust_id)s.'


class TrustUseLimitReached(Forbidden):
    msg_fmt = 'No remaining uses for trust: %(trust_id)s.'


class RecordNotFound(NotFound):
    msg_fmt = 'Could not find %(kind)s: %(record_id)s.'


class LimitError(Forbidden):
    msg_fmt = '%(reason)s'
