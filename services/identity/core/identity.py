"""Users (with bcrypt-hashed passwords), groups and group membership."""

from services.identity import exception
from services.identity.core import hashing
from services.identity.core import ReadCache
from services.identity.core import new_id
from services.identity.core.revoke import utcnow

_USER_FIELDS = ('name', 'domain_id', 'enabled', 'default_project_id', 'description',
                'email')


class IdentityManager:

    def __init__(self, conf, driver, state, revoke, resource):
        self.conf = conf
        self.driver = driver
        self.state = state
        self.revoke = revoke
        self.resource = resource
        self.managers = None  # set by build_managers
        self.cache = ReadCache(state, conf.token.validation_cache_time)

    @property
    def rounds(self):
        return self.conf.identity.password_hash_rounds

    def _hash(self, password):
        if len(password) > self.conf.identity.max_password_length:
            raise exception.ValidationError(reason='the password is too long')
        return hashing.hash_password(password, self.rounds)

    # -- users -------------------------------------------------------------
    def create_user(self, values):
        domain_id = values.get('domain_id') or self.conf.identity.default_domain_id
        self.resource.get_domain(domain_id)   # 404 when unknown, as keystone
        ref = {'id': new_id(), 'name': values['name'], 'domain_id': domain_id,
               'enabled': values.get('enabled', True),
               'default_project_id': values.get('default_project_id'),
               'description': values.get('description'), 'email': values.get('email'),
               'password_hash': None, 'password_expires_at': None,
               'extra': {k: v for k, v in values.items()
                         if k not in _USER_FIELDS and k not in ('password', 'options')},
               'created_at': utcnow()}
        if values.get('password') is not None:
            ref['password_hash'] = self._hash(values['password'])
        ref = self.driver.create_user(ref)
        self.state.bump()
        return ref

    def get_user(self, user_id):
        return self.driver.get_user(user_id)

    def get_user_cached(self, user_id):
        """For token validation; authentication always reads afresh."""
        return dict(self.cache.get(('user', user_id), lambda: self.driver.get_user(user_id)))

    def get_user_by_name(self, name, domain_id):
        return self.driver.get_user_by_name(name, domain_id)

    def list_users(self, hints=None):
        return self.driver.list_users(hints or {})

    def update_user(self, user_id, values):
        user = self.get_user(user_id)
        changes = {k: v for k, v in values.items() if k in _USER_FIELDS}
        extra = {k: v for k, v in values.items()
                 if k not in _USER_FIELDS and k not in ('password', 'options', 'id')}
        if extra:
            changes['extra'] = dict(user.get('extra') or {}, **extra)
        if 'password' in values:
            changes['password_hash'] = (self._hash(values['password'])
                                        if values['password'] is not None else None)
        ref = self.driver.update_user(user_id, changes) if changes else user
        if changes.get('enabled') is False or 'password_hash' in changes:
            self.revoke.revoke_user(user_id)
        if changes.get('enabled') is False:
            self.managers.trust.revoke_tokens_for_user(user_id)
        self.state.bump()
        return ref

    def delete_user(self, user_id):
        self.get_user(user_id)
        managers = self.managers
        managers.assignment.driver.delete_assignments_for_actor(user_id)
        managers.app_cred.driver.delete_application_credentials_for_user(user_id)
        managers.credential.delete_for_user(user_id)
        managers.trust.delete_for_user(user_id)
        managers.access_rule.delete_for_user(user_id)
        self.driver.delete_user(user_id)
        self.revoke.revoke_user(user_id)
        self.state.bump()

    def check_password(self, user, password):
        """True when ``password`` is ``user``'s; ``user`` may be None (unknown)."""
        hashed = user.get('password_hash') if user else None
        return hashing.check_password(password, hashed, self.rounds)

    def change_password(self, user_id, original_password, password):
        user = self.get_user(user_id)
        if not self.check_password(user, original_password):
            raise exception.Unauthorized()
        self.driver.update_user(user_id, {'password_hash': self._hash(password)})
        self.revoke.revoke_user(user_id)
        self.state.bump()

    # -- groups ------------------------------------------------------------
    def create_group(self, values):
        domain_id = values.get('domain_id') or self.conf.identity.default_domain_id
        self.resource.get_domain(domain_id)   # 404 when unknown, as keystone
        ref = {'id': new_id(), 'name': values['name'], 'domain_id': domain_id,
               'description': values.get('description') or ''}
        ref = self.driver.create_group(ref)
        self.state.bump()
        return ref

    def get_group(self, group_id):
        return self.driver.get_group(group_id)

    def get_group_by_name(self, name, domain_id):
        return self.driver.get_group_by_name(name, domain_id)

    def list_groups(self, hints=None):
        return self.driver.list_groups(hints or {})

    def update_group(self, group_id, changes):
        ref = self.driver.update_group(group_id, changes)
        self.state.bump()
        return ref

    def delete_group(self, group_id):
        self.get_group(group_id)
        members = self.driver.list_users_in_group(group_id, {})
        self.managers.assignment.driver.delete_assignments_for_actor(group_id)
        self.driver.delete_group(group_id)
        for user in members:
            self.revoke.revoke_user(user['id'])
        self.state.bump()

    def add_user_to_group(self, user_id, group_id):
        self.get_user(user_id)
        self.get_group(group_id)
        self.driver.add_user_to_group(user_id, group_id)
        self.state.bump()

    def remove_user_from_group(self, user_id, group_id):
        self.get_user(user_id)
        self.get_group(group_id)
        try:
            self.driver.remove_user_from_group(user_id, group_id)
        except exception.NotFound:
            raise exception.MembershipNotFound(user_id=user_id, group_id=group_id)
        self.revoke.revoke_user(user_id)
        self.managers.trust.revoke_tokens_for_user(user_id)
        self.state.bump()

    def check_user_in_group(self, user_id, group_id):
        self.get_user(user_id)
        self.get_group(group_id)
        if not self.driver.check_user_in_group(user_id, group_id):
            raise exception.MembershipNotFound(user_id=user_id, group_id=group_id)

    def list_groups_for_user(self, user_id, hints=None):
        if not hints:
            return list(self.cache.get(('groups-of', user_id),
                                       lambda: self.driver.list_groups_for_user(user_id, {})))
        return self.driver.list_groups_for_user(user_id, hints)

    def list_users_in_group(self, group_id, hints=None):
        self.get_group(group_id)
        return self.driver.list_users_in_group(group_id, hints or {})
