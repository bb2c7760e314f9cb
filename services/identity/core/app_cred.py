"""Application credentials: a user delegates some of their roles on one
project to a named secret."""

import base64
import datetime
import os

from services.identity import exception
from services.identity.core import hashing
from services.identity.core import ReadCache
from services.identity.core import new_id
from services.identity.core.revoke import utcnow


def generate_secret():
    return base64.urlsafe_b64encode(os.urandom(64)).rstrip(b'=').decode('ascii')


class ApplicationCredentialManager:

    def __init__(self, conf, driver, state, revoke, identity, assignment):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.revoke = revoke
        self.identity = identity
        self.assignment = assignment
        self.cache = ReadCache(state, conf.token.validation_cache_time)

    def create(self, user_id, project, token_role_ids, values):
        """Create for ``user_id`` on ``project`` (the token's scope).

        Requested roles must be among ``token_role_ids``; by default the
        credential gets all of them.  Returns ``(ref, secret)``.
        """
        roles_by_id = self.assignment.roles_by_id()
        if values.get('roles'):
            role_ids = []
            for spec in values['roles']:
                role = self._find_role(spec, roles_by_id)
                if role['id'] not in token_role_ids:
                    raise exception.Forbidden(
                        'You cannot delegate role %s: you do not hold it.' % role['name'])
                role_ids.append(role['id'])
        else:
            role_ids = list(token_role_ids)
        secret = values.get('secret') or generate_secret()
        expires_at = values.get('expires_at')
        if expires_at is not None and expires_at <= utcnow():
            raise exception.ValidationError(reason='expires_at is in the past')
        ref = {'id': new_id(), 'name': values['name'], 'user_id': user_id,
               'project_id': project['id'], 'description': values.get('description'),
               'secret_hash': hashing.hash_password(secret, self.conf.identity.password_hash_rounds),
               'expires_at': expires_at, 'unrestricted': bool(values.get('unrestricted')),
               'roles': [{'id': r} for r in dict.fromkeys(role_ids)], 'created_at': utcnow()}
        ref = self.driver.create_application_credential(ref)
        self.state.bump()
        return ref, secret

    @staticmethod
    def _find_role(spec, roles_by_id):
        if spec.get('id'):
            role = roles_by_id.get(spec['id'])
        else:
            role = next((r for r in roles_by_id.values()
                         if r['name'] == spec.get('name') and not r.get('domain_id')), None)
        if role is None:
            raise exception.RoleNotFound(role_id=spec.get('id') or spec.get('name'))
        return role

    def get(self, app_cred_id):
        return self.driver.get_application_credential(app_cred_id)

    def get_cached(self, app_cred_id):
        return self.cache.get(('app-cred', app_cred_id),
                              lambda: self.driver.get_application_credential(app_cred_id))

    def get_by_name(self, user_id, name):
        return self.driver.get_application_credential_by_name(user_id, name)

    def list_for_user(self, user_id, hints=None):
        return self.driver.list_application_credentials(user_id, hints or {})

    def delete(self, app_cred_id):
        self.get(app_cred_id)
        self.driver.delete_application_credential(app_cred_id)
        self.revoke.revoke_app_cred(app_cred_id)
        self.state.bump()

    def authenticate(self, ref, secret):
        """Raises Unauthorized unless ``secret`` opens the unexpired ``ref``."""
        if ref.get('expires_at') is not None and ref['expires_at'] <= utcnow():
            hashing.check_password(secret, None, self.conf.identity.password_hash_rounds)
            raise exception.Unauthorized()
        if not hashing.check_password(secret, ref['secret_hash'],
                                      self.conf.identity.password_hash_rounds):
            raise exception.Unauthorized()

    @staticmethod
    def is_expired(ref, now=None):
        expires_at = ref.get('expires_at')
        return expires_at is not None and expires_at <= (now or utcnow())


def parse_expiry(value):
    if value is None:
        return None
    try:
        dt = datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    except ValueError:
        raise exception.ValidationError(reason='expires_at is not an ISO 8601 time')
    if dt.tzinfo is not None:
        dt = dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return dt
