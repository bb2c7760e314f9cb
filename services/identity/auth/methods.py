"""One function per auth method: each checks its part of
``auth.identity`` and returns an :class:`AuthResult`.

Every failure is the same 401 so a caller cannot tell an unknown user from
a wrong password.
"""

import dataclasses
import typing

from services.identity import exception


@dataclasses.dataclass
class AuthResult:
    user_id: str
    parent: typing.Any = None       # payload of the token being exchanged
    app_cred: typing.Any = None


def _unauthorized():
    return exception.Unauthorized('The request you have made requires authentication.')


def _find_domain(managers, spec):
    if 'id' in spec:
        return managers.resource.get_domain(spec['id'])
    return managers.resource.get_domain_by_name(spec['name'])


def find_user(managers, spec):
    """The user named by ``{"id"}`` or ``{"name", "domain": {"id"|"name"}}``."""
    if spec.get('id'):
        return managers.identity.get_user(spec['id'])
    if not spec.get('name') or not isinstance(spec.get('domain'), dict):
        raise exception.ValidationError(
            reason='a user needs an id, or a name and a domain')
    domain = _find_domain(managers, spec['domain'])
    return managers.identity.get_user_by_name(spec['name'], domain['id'])


def _user_usable(managers, user):
    if not user['enabled']:
        return False
    try:
        return managers.resource.get_domain(user['domain_id'])['enabled']
    except exception.NotFound:
        return False


def password(managers, provider, data):
    spec = data.get('user') or {}
    try:
        user = find_user(managers, spec)
    except exception.NotFound:
        user = None
    # the hash is checked even for an unknown user: same answer, same time;
    # lockout, inactivity and expiry answer 401 with their own message
    user = managers.identity.authenticate(user, spec.get('password'))
    if not _user_usable(managers, user):
        raise _unauthorized()
    return AuthResult(user_id=user['id'])


def token(managers, provider, data):
    # a token that is not (or no longer) valid is 404 "Could not find token",
    # as keystone answers: the token is the thing looked up, not a credential
    validated = provider.validate(data.get('id'))
    if validated.payload.app_cred_id:
        raise exception.Forbidden('A token made from an application credential '
                                  'cannot be used to get another token.')
    if validated.payload.trust_id:
        raise exception.Forbidden('A trust-scoped token cannot be used to get another '
                                  'token.')
    return AuthResult(user_id=validated.user['id'], parent=validated.payload)


def application_credential(managers, provider, data):
    secret = data.get('secret')
    try:
        if data.get('id'):
            ref = managers.app_cred.get(data['id'])
        else:
            if not data.get('name') or not isinstance(data.get('user'), dict):
                raise exception.ValidationError(
                    reason='an application credential needs an id, or a name and a user')
            user = find_user(managers, data['user'])
            ref = managers.app_cred.get_by_name(user['id'], data['name'])
    except exception.NotFound:
        ref = None
    if ref is None:
        managers.identity.check_password(None, secret)
        raise _unauthorized()
    managers.app_cred.authenticate(ref, secret)
    user = managers.identity.get_user(ref['user_id'])
    if not _user_usable(managers, user):
        raise _unauthorized()
    return AuthResult(user_id=user['id'], app_cred=ref)


METHODS = {
    'password': password,
    'token': token,
    'application_credential': application_credential,
}
