"""Users (with bcrypt-hashed passwords), groups and group membership."""

from services.identity import exception
from services.identity.core import compliance
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

    @property
    def compliance(self):
        return self.conf.security_compliance

    def _new_password(self, user, password, now, self_service):
        """The user fields for a new password (its requirements checked)."""
        compliance.check_requirements(self.compliance, password)
        return compliance.password_changes(self.compliance, user, self._hash(password), now,
                                           self_service)

    # -- users -------------------------------------------------------------
    def create_user(self, values):
        domain_id = values.get('domain_id') or self.conf.identity.default_domain_id
        self.resource.get_domain(domain_id)   # 404 when unknown, as keystone
        now = utcnow()
        ref = {'id': new_id(), 'name': values['name'], 'domain_id': domain_id,
               'enabled': values.get('enabled', True),
               'default_project_id': values.get('default_project_id'),
               'description': values.get('description'), 'email': values.get('email'),
               'password_hash': None, 'password_expires_at': None,
               'extra': {k: v for k, v in values.items()
                         if k not in _USER_FIELDS and k not in ('password', 'options')},
               'options': compliance.merge_options({}, values.get('options')),
               'created_at': now}
        if self.compliance.disable_user_account_days_inactive:
            ref['last_active_at'] = now
        if values.get('password') is not None:
            ref.update(self._new_password(ref, values['password'], now, self_service=False))
        ref = self.driver.create_user(ref)
        if ref['password_hash']:
            self.driver.add_password_history(ref['id'], ref['password_hash'], now)
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
        if 'options' in values:
            changes['options'] = compliance.merge_options(user.get('options'),
                                                          values['options'])
        now = utcnow()
        if values.get('enabled') is True and (
                not user['enabled'] or compliance.is_inactive(self.compliance, user, now)):
            changes['last_active_at'] = now   # enabled again: inactivity starts over
        if 'password' in values:
            if values['password'] is None:
                changes['password_hash'] = None
            else:
                # an administrator's reset: no history or age check, as keystone
                changes.update(self._new_password(dict(user, **changes), values['password'],
                                                  now, self_service=False))
        ref = self.driver.update_user(user_id, changes) if changes else user
        if changes.get('password_hash'):
            self.driver.add_password_history(user_id, changes['password_hash'], now)
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

    def authenticate(self, user, password, allow_expired=False):
        """Check ``password`` for ``user`` (None: unknown) under the
        [security_compliance] rules; Unauthorized (or AccountLocked,
        PasswordExpired) otherwise.  Records failures and successes."""
        sc, now = self.compliance, utcnow()
        locked = compliance.is_locked(sc, user, now) if user is not None else False
        if locked is True:
            raise exception.AccountLocked(user_id=user['id'])
        if locked == 'expired':
            user = self.driver.update_user(user['id'], {'failed_auth_count': 0,
                                                        'failed_auth_at': None})
        if not self.check_password(user, password):
            if user is not None:
                changes = compliance.failure_changes(sc, user, now)
                if changes:
                    self.driver.update_user(user['id'], changes)
            raise exception.Unauthorized()
        if compliance.is_inactive(sc, user, now):
            raise exception.AccountInactive(user_id=user['id'],
                                            days=sc.disable_user_account_days_inactive)
        if not allow_expired and compliance.is_expired(user, now):
            raise exception.PasswordExpired(user_id=user['id'])
        changes = compliance.success_changes(sc, user, now)
        if changes:
            user = self.driver.update_user(user['id'], changes)
        return user

    def change_password(self, user_id, original_password, password):
        """The user's own change: the original password is the proof (an
        expired one still is), and the self-service rules apply."""
        try:
            user = self.get_user(user_id)
        except exception.UserNotFound:
            user = None    # same answer, same time as a wrong password
        user = self.authenticate(user, original_password, allow_expired=True)
        if user.get('options', {}).get('lock_password'):
            raise exception.PasswordLocked(user_id=user_id)
        sc, now = self.compliance, utcnow()
        compliance.check_minimum_age(sc, user, now)
        changes = self._new_password(user, password, now, self_service=True)
        depth = compliance.history_depth(sc)
        if depth:
            history = self.driver.list_password_history(user_id, depth)
            if user['password_hash'] and user['password_hash'] not in history:
                history = [user['password_hash']] + history[:depth - 1]
            if any(hashing.check_password(password, old, self.rounds) for old in history):
                raise exception.PasswordHistoryValidationError(unique_count=depth)
        self.driver.update_user(user_id, changes)
        self.driver.add_password_history(user_id, changes['password_hash'], now)
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
