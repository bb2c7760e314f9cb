"""Contract of IdentityDriver: users, groups, membership, on every backend."""

import datetime

import pytest

from services.identity import exception
from tests.unit.identity.backends import factories as f

USER_FIELDS = {'id', 'name', 'domain_id', 'enabled', 'default_project_id', 'description',
               'email', 'password_hash', 'password_expires_at', 'extra', 'created_at',
               'failed_auth_count', 'failed_auth_at', 'last_active_at', 'password_created_at',
               'password_self_service', 'options'}


def test_user_round_trip(drivers):
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, 678901)
    ref = f.user('d', email='bob@example.org', password_expires_at=expires,
                 extra={'nickname': 'bobby', 'nested': {'a': [1, 2]}})
    created = drivers.identity.create_user(ref)
    assert set(created) == USER_FIELDS
    assert created['password_expires_at'] == expires
    assert created['extra'] == {'nickname': 'bobby', 'nested': {'a': [1, 2]}}
    assert isinstance(created['created_at'], datetime.datetime)
    assert created['created_at'].tzinfo is None
    assert drivers.identity.get_user(ref['id']) == created
    assert drivers.identity.get_user_by_name(ref['name'], 'd') == created


def test_user_created_at_is_kept_when_given(drivers):
    when = datetime.datetime(2020, 5, 6, 7, 8, 9, 123456)
    created = drivers.identity.create_user(f.user('d', created_at=when))
    assert created['created_at'] == when
    assert drivers.identity.get_user(created['id'])['created_at'] == when


def test_user_not_found(drivers):
    for call in (lambda: drivers.identity.get_user('x'),
                 lambda: drivers.identity.get_user_by_name('x', 'd'),
                 lambda: drivers.identity.update_user('x', {'enabled': False}),
                 lambda: drivers.identity.delete_user('x'),
                 lambda: drivers.identity.list_groups_for_user('x')):
        with pytest.raises(exception.UserNotFound):
            call()


def test_user_name_unique_per_domain(drivers):
    drivers.identity.create_user(f.user('d1', name='bob'))
    drivers.identity.create_user(f.user('d2', name='bob'))
    with pytest.raises(exception.Conflict, match='name bob at domain ID d1'):
        drivers.identity.create_user(f.user('d1', name='bob'))
    other = drivers.identity.create_user(f.user('d1', name='alice'))
    with pytest.raises(exception.Conflict, match='bob'):
        drivers.identity.update_user(other['id'], {'name': 'bob'})
    with pytest.raises(exception.Conflict):
        drivers.identity.create_user(f.user('d3', id=other['id']))


def test_user_update_and_hints(drivers):
    u = drivers.identity.create_user(f.user('d', email='a@x'))
    v = drivers.identity.create_user(f.user('d', enabled=False))
    w = drivers.identity.create_user(f.user('e'))
    updated = drivers.identity.update_user(u['id'], {'password_hash': 'new', 'extra': {'k': 'v'}})
    assert updated == dict(u, password_hash='new', extra={'k': 'v'})
    assert drivers.identity.get_user(u['id']) == updated
    assert {x['id'] for x in drivers.identity.list_users()} == {u['id'], v['id'], w['id']}
    assert {x['id'] for x in drivers.identity.list_users({'domain_id': 'd'})} == {u['id'], v['id']}
    assert [x['id'] for x in drivers.identity.list_users({'enabled': False})] == [v['id']]
    assert [x['id'] for x in drivers.identity.list_users({'email': 'a@x'})] == [u['id']]
    assert drivers.identity.list_users({'extra': {'k': 'v'}}) == [updated]
    assert drivers.identity.list_users({'name': u['name'], 'domain_id': 'e'}) == []


def test_user_copies(drivers):
    ref = f.user('d', extra={'k': ['v']})
    u = drivers.identity.create_user(ref)
    ref['extra']['k'].append('mutated')
    u['extra']['k'].append('mutated')
    assert drivers.identity.get_user(u['id'])['extra'] == {'k': ['v']}


def test_group_round_trip_conflicts_and_hints(drivers):
    g = drivers.identity.create_group({'id': 'g1', 'name': 'admins', 'domain_id': 'd'})
    assert g == {'id': 'g1', 'name': 'admins', 'domain_id': 'd', 'description': None}
    assert drivers.identity.get_group('g1') == g
    assert drivers.identity.get_group_by_name('admins', 'd') == g
    with pytest.raises(exception.GroupNotFound):
        drivers.identity.get_group_by_name('admins', 'other')
    with pytest.raises(exception.Conflict, match='name admins at domain ID d'):
        drivers.identity.create_group(f.group('d', name='admins'))
    drivers.identity.create_group(f.group('e', name='admins'))
    assert drivers.identity.list_groups({'domain_id': 'd'}) == [g]
    assert len(drivers.identity.list_groups({'name': 'admins'})) == 2
    updated = drivers.identity.update_group('g1', {'description': 'the admins'})
    assert updated == dict(g, description='the admins')
    with pytest.raises(exception.GroupNotFound):
        drivers.identity.update_group('nope', {'description': 'x'})
    drivers.identity.delete_group('g1')
    with pytest.raises(exception.GroupNotFound):
        drivers.identity.get_group('g1')
    with pytest.raises(exception.GroupNotFound):
        drivers.identity.delete_group('g1')


def test_membership(drivers):
    u = drivers.identity.create_user(f.user('d'))
    v = drivers.identity.create_user(f.user('d'))
    g = drivers.identity.create_group(f.group('d'))
    h = drivers.identity.create_group(f.group('d'))
    assert drivers.identity.list_users_in_group(g['id']) == []
    assert drivers.identity.list_groups_for_user(u['id']) == []
    drivers.identity.add_user_to_group(u['id'], g['id'])
    drivers.identity.add_user_to_group(u['id'], g['id'])     # idempotent
    drivers.identity.add_user_to_group(u['id'], h['id'])
    drivers.identity.add_user_to_group(v['id'], g['id'])
    assert drivers.identity.check_user_in_group(u['id'], g['id'])
    assert not drivers.identity.check_user_in_group(v['id'], h['id'])
    assert {x['id'] for x in drivers.identity.list_groups_for_user(u['id'])} == {g['id'], h['id']}
    assert drivers.identity.list_groups_for_user(u['id'], {'name': h['name']}) == [h]
    assert {x['id'] for x in drivers.identity.list_users_in_group(g['id'])} == {u['id'], v['id']}
    assert [x['id'] for x in drivers.identity.list_users_in_group(
        g['id'], {'name': v['name']})] == [v['id']]
    drivers.identity.remove_user_from_group(u['id'], g['id'])
    assert not drivers.identity.check_user_in_group(u['id'], g['id'])
    with pytest.raises(exception.MembershipNotFound):
        drivers.identity.remove_user_from_group(u['id'], g['id'])


def test_membership_needs_existing_user_and_group(drivers):
    u = drivers.identity.create_user(f.user('d'))
    g = drivers.identity.create_group(f.group('d'))
    with pytest.raises(exception.UserNotFound):
        drivers.identity.add_user_to_group('ghost', g['id'])
    with pytest.raises(exception.GroupNotFound):
        drivers.identity.add_user_to_group(u['id'], 'ghost')
    with pytest.raises(exception.GroupNotFound):
        drivers.identity.list_users_in_group('ghost')


def test_deleting_user_or_group_drops_memberships(drivers):
    u = drivers.identity.create_user(f.user('d'))
    v = drivers.identity.create_user(f.user('d'))
    g = drivers.identity.create_group(f.group('d'))
    h = drivers.identity.create_group(f.group('d'))
    for user in (u, v):
        for grp in (g, h):
            drivers.identity.add_user_to_group(user['id'], grp['id'])
    drivers.identity.delete_user(u['id'])
    assert [x['id'] for x in drivers.identity.list_users_in_group(g['id'])] == [v['id']]
    drivers.identity.delete_group(g['id'])
    assert [x['id'] for x in drivers.identity.list_groups_for_user(v['id'])] == [h['id']]
    # the same ids can come back without stale memberships
    drivers.identity.create_user(f.user('d', id=u['id']))
    drivers.identity.create_group(f.group('d', id=g['id']))
    assert not drivers.identity.check_user_in_group(u['id'], g['id'])
    assert not drivers.identity.check_user_in_group(v['id'], g['id'])


def test_security_compliance_fields_round_trip(drivers):
    when = datetime.datetime(2031, 2, 3, 4, 5, 6, 789012)
    created = drivers.identity.create_user(f.user('d', options={'lock_password': True}))
    assert created['options'] == {'lock_password': True}
    assert created['password_self_service'] is False
    assert created['failed_auth_count'] is None and created['failed_auth_at'] is None
    updated = drivers.identity.update_user(created['id'], {
        'failed_auth_count': 3, 'failed_auth_at': when, 'last_active_at': when,
        'password_created_at': when, 'password_self_service': True,
        'options': {'ignore_password_expiry': True}})
    assert (updated['failed_auth_count'], updated['failed_auth_at'], updated['last_active_at'],
            updated['password_created_at']) == (3, when, when, when)
    assert updated['password_self_service'] is True
    assert updated['options'] == {'ignore_password_expiry': True}
    assert drivers.identity.get_user(created['id']) == updated


def test_password_history_newest_first_and_dropped_with_the_user(drivers):
    user = drivers.identity.create_user(f.user('d'))
    when = datetime.datetime(2030, 1, 1)
    for n in range(4):
        drivers.identity.add_password_history(user['id'], 'hash-%d' % n, when)
    assert drivers.identity.list_password_history(user['id'], 2) == ['hash-3', 'hash-2']
    assert drivers.identity.list_password_history(user['id'], 10) == [
        'hash-3', 'hash-2', 'hash-1', 'hash-0']
    assert drivers.identity.list_password_history(user['id'], 0) == []
    with pytest.raises(exception.UserNotFound):
        drivers.identity.add_password_history('nobody', 'h', when)
    drivers.identity.delete_user(user['id'])
    assert drivers.identity.list_password_history(user['id'], 10) == []
