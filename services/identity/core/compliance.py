"""The ``[security_compliance]`` rules, as pure functions of the options,
a user ref and the time (the identity manager stores what they decide).

* lockout: ``lockout_failure_attempts`` wrong passwords in a row lock the
  account for ``lockout_duration`` seconds;
* inactivity: no successful authentication for
  ``disable_user_account_days_inactive`` days stops the user;
* expiry: a password set by an administrator expires at once under
  ``change_password_upon_first_use``, any password after
  ``password_expires_days``;
* self-service changes: ``password_regex``, ``unique_last_password_count``
  (the current password included) and ``minimum_password_age`` (only when
  the current password was chosen by the user).

A user's ``options`` exempt it from one rule each.
"""

import datetime
import math
import re

from services.identity import exception

#: user options keystone knows, each exempting the user from one rule
OPTIONS = ('ignore_change_password_upon_first_use', 'ignore_password_expiry',
           'ignore_lockout_failure_attempts', 'ignore_user_inactivity', 'lock_password',
           'multi_factor_auth_enabled', 'multi_factor_auth_rules')


def _opt(user, name):
    return bool((user or {}).get('options', {}).get(name))


def merge_options(current, given):
    """``current`` options updated with ``given``; a None value drops one."""
    options = dict(current or {})
    for name, value in (given or {}).items():
        if name not in OPTIONS:
            raise exception.ValidationError(reason='unknown user option %s' % name)
        if value is None:
            options.pop(name, None)
        elif name == 'multi_factor_auth_rules':
            if not isinstance(value, list):
                raise exception.ValidationError(reason='%s must be a list' % name)
            options[name] = value
        elif not isinstance(value, bool):
            raise exception.ValidationError(reason='%s must be true or false' % name)
        else:
            options[name] = value
    return options


# -- authentication --------------------------------------------------------------
def is_locked(sc, user, now):
    """True while the lockout lasts; 'expired' when a lockout just ran out
    (the count should be cleared); False otherwise."""
    if not sc.lockout_failure_attempts or _opt(user, 'ignore_lockout_failure_attempts'):
        return False
    if (user.get('failed_auth_count') or 0) < sc.lockout_failure_attempts:
        return False
    last = user.get('failed_auth_at')
    if last is not None and last + datetime.timedelta(seconds=sc.lockout_duration) > now:
        return True
    return 'expired'


def failure_changes(sc, user, now):
    """What to store after a wrong password (nothing without lockout)."""
    if not sc.lockout_failure_attempts or _opt(user, 'ignore_lockout_failure_attempts'):
        return {}
    return {'failed_auth_count': (user.get('failed_auth_count') or 0) + 1,
            'failed_auth_at': now}


def success_changes(sc, user, now):
    """What to store after a right password: the failures are forgotten and,
    when inactivity counts, the user was active now."""
    changes = {}
    if user.get('failed_auth_count'):
        changes.update(failed_auth_count=0, failed_auth_at=None)
    if sc.disable_user_account_days_inactive:
        changes['last_active_at'] = now
    return changes


def is_inactive(sc, user, now):
    days = sc.disable_user_account_days_inactive
    if not days or _opt(user, 'ignore_user_inactivity'):
        return False
    last = user.get('last_active_at')
    return last is not None and last < now - datetime.timedelta(days=days)


def is_expired(user, now):
    expires = user.get('password_expires_at')
    return expires is not None and expires <= now


# -- setting a password ------------------------------------------------------------
def check_requirements(sc, password):
    if sc.password_regex and not re.match(sc.password_regex, password):
        raise exception.PasswordRequirementsValidationError(
            detail=sc.password_regex_description or
            'it must match the regular expression %s' % sc.password_regex)


def check_minimum_age(sc, user, now):
    days = sc.minimum_password_age
    created = user.get('password_created_at')
    if not days or not user.get('password_self_service') or created is None:
        return
    allowed_at = created + datetime.timedelta(days=days)
    if allowed_at > now:
        left = max(1, math.ceil((allowed_at - now).total_seconds() / 86400))
        raise exception.PasswordAgeValidationError(min_age_days=days, days_left=left)


def history_depth(sc):
    return sc.unique_last_password_count


def password_changes(sc, user, password_hash, now, self_service):
    """The user fields a new password sets: its hash, when and by whom it was
    set, and when it expires."""
    expires = None
    if not self_service and sc.change_password_upon_first_use and \
            not _opt(user, 'ignore_change_password_upon_first_use'):
        expires = now
    elif sc.password_expires_days and not _opt(user, 'ignore_password_expiry'):
        expires = now + datetime.timedelta(days=sc.password_expires_days)
    return {'password_hash': password_hash, 'password_created_at': now,
            'password_self_service': self_service, 'password_expires_at': expires}
