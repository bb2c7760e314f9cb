"""[security_compliance]: each rule as keystone documents it.

Lockout and expiry answer 401, the rules on new passwords 400; the
administrator's reset is not held to history or age; a user's options
exempt it from one rule each.
"""

import datetime

import pytest

from services.identity.core.revoke import utcnow
from tests.unit.identity.conftest import Cloud


def _cloud(conf, **options):
    for name, value in options.items():
        conf.set_override(name, value, group='security_compliance')
    return Cloud(conf)


def _create(cloud, name='carol', password='Pw-first-1', **extra):
    body = dict({'name': name, 'domain_id': 'default', 'password': password}, **extra)
    return cloud.call('POST', '/v3/users', {'user': body}, status=201).json['user']


def _auth(cloud, user, password, status=201):
    return cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
        'methods': ['password'], 'password': {
            'user': {'id': user['id'], 'password': password}}}}}, status=status)


def _change(cloud, user, original, password, status=204, token=None):
    headers = {'X-Auth-Token': token} if token else {}
    return cloud.app.post_json('/v3/users/%s/password' % user['id'], {'user': {
        'original_password': original, 'password': password}}, headers=headers,
        status=status)


def _age(cloud, user, **fields):
    """Move the user's bookkeeping into the past (fields: name -> timedelta ago)."""
    now = utcnow()
    cloud.managers.identity.driver.update_user(
        user['id'], {k: now - v for k, v in fields.items()})


# -- everything off: nothing changes ---------------------------------------------------

def test_defaults_are_off(cloud):
    user = _create(cloud)
    assert user['password_expires_at'] is None and user['options'] == {}
    for _ in range(5):
        _auth(cloud, user, 'wrong', status=401)
    _auth(cloud, user, 'Pw-first-1')
    _change(cloud, user, 'Pw-first-1', 'Pw-first-1')   # no history by default
    _change(cloud, user, 'Pw-first-1', 'x')             # nor any regex or age


# -- lockout ---------------------------------------------------------------------------

def test_lockout_after_failed_attempts(conf):
    cloud = _cloud(conf, lockout_failure_attempts=2, lockout_duration=5)
    user = _create(cloud)
    _auth(cloud, user, 'Pw-first-1')
    for _ in range(2):
        resp = _auth(cloud, user, 'wrong', status=401)
        assert 'locked' not in resp.json['error']['message']
    # locked: even the right password is refused, with keystone's message
    resp = _auth(cloud, user, 'Pw-first-1', status=401)
    assert resp.json['error']['message'] == 'The account is locked for user: %s.' % user['id']
    # once the duration has passed the account opens again
    _age(cloud, user, failed_auth_at=datetime.timedelta(seconds=6))
    _auth(cloud, user, 'Pw-first-1')
    assert cloud.managers.identity.get_user(user['id'])['failed_auth_count'] == 0


def test_success_resets_the_failure_count(conf):
    cloud = _cloud(conf, lockout_failure_attempts=2)
    user = _create(cloud)
    _auth(cloud, user, 'wrong', status=401)
    _auth(cloud, user, 'Pw-first-1')
    _auth(cloud, user, 'wrong', status=401)
    _auth(cloud, user, 'Pw-first-1')   # not locked: the count started over


def test_lockout_counts_password_changes_and_spares_exempt_users(conf):
    cloud = _cloud(conf, lockout_failure_attempts=1)
    user = _create(cloud)
    _change(cloud, user, 'wrong', 'Pw-new-1', status=401)
    _change(cloud, user, 'Pw-first-1', 'Pw-new-1', status=401)   # locked
    exempt = _create(cloud, name='svc', options={'ignore_lockout_failure_attempts': True})
    assert exempt['options'] == {'ignore_lockout_failure_attempts': True}
    for _ in range(3):
        _auth(cloud, exempt, 'wrong', status=401)
    _auth(cloud, exempt, 'Pw-first-1')


# -- inactivity ------------------------------------------------------------------------

def test_inactive_user_is_stopped_until_enabled_again(conf):
    cloud = _cloud(conf, disable_user_account_days_inactive=10)
    user = _create(cloud)
    _auth(cloud, user, 'Pw-first-1')
    _age(cloud, user, last_active_at=datetime.timedelta(days=11))
    resp = _auth(cloud, user, 'Pw-first-1', status=401)
    assert user['id'] in resp.json['error']['message']
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {'enabled': True}}, status=200)
    _auth(cloud, user, 'Pw-first-1')
    # ignore_user_inactivity exempts
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {
        'options': {'ignore_user_inactivity': True}}}, status=200)
    _age(cloud, user, last_active_at=datetime.timedelta(days=30))
    _auth(cloud, user, 'Pw-first-1')


# -- expiry ------------------------------------------------------------------------------

def test_password_expires_after_the_configured_days(conf):
    cloud = _cloud(conf, password_expires_days=90)
    user = _create(cloud)
    expires = datetime.datetime.strptime(user['password_expires_at'], '%Y-%m-%dT%H:%M:%S.%f')
    assert datetime.timedelta(days=89) < expires - utcnow() <= datetime.timedelta(days=90)
    token = _auth(cloud, user, 'Pw-first-1').json['token']
    assert token['user']['password_expires_at'] is not None
    cloud.managers.identity.driver.update_user(
        user['id'], {'password_expires_at': utcnow() - datetime.timedelta(seconds=1)})
    resp = _auth(cloud, user, 'Pw-first-1', status=401)
    assert 'expired' in resp.json['error']['message']
    # the user may still change it, without a token, with the expired password as proof
    _change(cloud, user, 'Pw-first-1', 'Pw-second-2')
    _auth(cloud, user, 'Pw-second-2')
    # ignore_password_expiry: no expiry date at all
    exempt = _create(cloud, name='svc', options={'ignore_password_expiry': True})
    assert exempt['password_expires_at'] is None


def test_change_password_upon_first_use(conf):
    cloud = _cloud(conf, change_password_upon_first_use=True)
    user = _create(cloud)
    _auth(cloud, user, 'Pw-first-1', status=401)
    _change(cloud, user, 'Pw-first-1', 'Pw-mine-2')
    _auth(cloud, user, 'Pw-mine-2')
    # an administrator's reset expires it again
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {'password': 'Pw-reset-3'}},
               status=200)
    _auth(cloud, user, 'Pw-reset-3', status=401)
    exempt = _create(cloud, name='svc',
                     options={'ignore_change_password_upon_first_use': True})
    _auth(cloud, exempt, 'Pw-first-1')


# -- new passwords -----------------------------------------------------------------------

def test_password_regex(conf):
    # (bootstrap's administrator password, secret-admin, meets it too)
    cloud = _cloud(conf, password_regex=r'^(?=.*[-\d]).{8,}$',
                   password_regex_description='at least 8 characters, a digit or a dash')
    resp = cloud.call('POST', '/v3/users', {'user': {'name': 'weak', 'password': 'short-1'}},
                      status=400)
    assert resp.json['error']['message'].endswith('at least 8 characters, a digit or a dash')
    user = _create(cloud)
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {'password': 'nodigits'}},
               status=400)
    _change(cloud, user, 'Pw-first-1', 'abc', status=400)
    _change(cloud, user, 'Pw-first-1', 'Pw-second-2')
    # a user without a password stays possible
    cloud.call('POST', '/v3/users', {'user': {'name': 'nopw'}}, status=201)


def test_password_history_binds_the_user_not_the_administrator(conf):
    cloud = _cloud(conf, unique_last_password_count=2)
    user = _create(cloud, password='Pw-old-0')
    _change(cloud, user, 'Pw-old-0', 'Pw-one-1')
    # the current password and the one before are both refused
    resp = _change(cloud, user, 'Pw-one-1', 'Pw-one-1', status=400)
    assert '2' in resp.json['error']['message']
    _change(cloud, user, 'Pw-one-1', 'Pw-old-0', status=400)
    _change(cloud, user, 'Pw-one-1', 'Pw-two-2')
    # three back is allowed again
    _change(cloud, user, 'Pw-two-2', 'Pw-old-0')
    # the administrator may set the same password again
    for _ in range(2):
        cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {'password': 'Pw-adm-9'}},
                   status=200)
    _auth(cloud, user, 'Pw-adm-9')


def test_minimum_password_age_applies_to_the_users_own_password(conf):
    cloud = _cloud(conf, minimum_password_age=1)
    user = _create(cloud)
    # set by an administrator: may be changed at once
    _change(cloud, user, 'Pw-first-1', 'Pw-mine-2')
    resp = _change(cloud, user, 'Pw-mine-2', 'Pw-mine-3', status=400)
    assert 'day' in resp.json['error']['message']
    _age(cloud, user, password_created_at=datetime.timedelta(days=1, seconds=1))
    _change(cloud, user, 'Pw-mine-2', 'Pw-mine-3')


def test_lock_password_option(cloud):
    user = _create(cloud, options={'lock_password': True})
    _change(cloud, user, 'Pw-first-1', 'Pw-new-2', status=403)
    # the administrator still may
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {'password': 'Pw-new-2'}},
               status=200)


def test_user_options_are_kept_validated_and_removable(cloud):
    user = _create(cloud, options={'ignore_password_expiry': True})
    shown = cloud.call('GET', '/v3/users/%s' % user['id']).json['user']
    assert shown['options'] == {'ignore_password_expiry': True}
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {
        'options': {'ignore_password_expiry': None, 'lock_password': True}}}, status=200)
    shown = cloud.call('GET', '/v3/users/%s' % user['id']).json['user']
    assert shown['options'] == {'lock_password': True}
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {
        'options': {'no_such_option': True}}}, status=400)
    cloud.call('PATCH', '/v3/users/%s' % user['id'], {'user': {
        'options': {'lock_password': 'yes'}}}, status=400)


@pytest.mark.parametrize('original', ['Pw-first-1', 'wrong'])
def test_password_change_without_token_for_unknown_user_is_401(cloud, original):
    resp = cloud.app.post_json('/v3/users/nobody/password', {'user': {
        'original_password': original, 'password': 'x'}}, status=401)
    assert resp.json['error']['code'] == 401


def test_member_token_still_cannot_change_someone_elses_password(cloud):
    cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    user = _create(cloud)
    _change(cloud, user, 'Pw-first-1', 'Pw-new-2', token=token, status=403)
