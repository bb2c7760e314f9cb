"""Contract of AssignmentDriver: roles, implied roles, assignments."""

import pytest

from services.identity import exception
from services.identity.backends import base
from tests.unit.identity.backends import factories as f


def test_role_round_trip(drivers):
    r = drivers.assignment.create_role({'id': 'r1', 'name': 'admin'})
    assert r == {'id': 'r1', 'name': 'admin', 'domain_id': None, 'description': None}
    assert drivers.assignment.get_role('r1') == r
    assert drivers.assignment.get_role_by_name('admin') == r
    with pytest.raises(exception.RoleNotFound):
        drivers.assignment.get_role_by_name('admin', 'd1')
    dr = drivers.assignment.create_role(f.role('d1', name='admin'))
    assert dr['domain_id'] == 'd1'
    assert drivers.assignment.get_role_by_name('admin', 'd1') == dr
    assert drivers.assignment.get_role_by_name('admin') == r


def test_role_not_found(drivers):
    for call in (lambda: drivers.assignment.get_role('x'),
                 lambda: drivers.assignment.get_role_by_name('x'),
                 lambda: drivers.assignment.update_role('x', {'name': 'y'}),
                 lambda: drivers.assignment.delete_role('x')):
        with pytest.raises(exception.RoleNotFound):
            call()


def test_global_role_names_are_unique(drivers):
    drivers.assignment.create_role(f.role(name='reader'))
    with pytest.raises(exception.Conflict, match='reader'):
        drivers.assignment.create_role(f.role(name='reader'))
    drivers.assignment.create_role(f.role('d1', name='reader'))
    with pytest.raises(exception.Conflict, match='reader at domain ID d1'):
        drivers.assignment.create_role(f.role('d1', name='reader'))
    drivers.assignment.create_role(f.role('d2', name='reader'))
    member = drivers.assignment.create_role(f.role(name='member'))
    with pytest.raises(exception.Conflict):
        drivers.assignment.update_role(member['id'], {'name': 'reader'})


def test_role_hints_update_and_by_ids(drivers):
    g = drivers.assignment.create_role(f.role(name='g'))
    d = drivers.assignment.create_role(f.role('d1', name='d'))
    assert drivers.assignment.list_roles({'domain_id': None}) == [g]
    assert drivers.assignment.list_roles({'domain_id': 'd1'}) == [d]
    assert drivers.assignment.list_roles({'name': 'd'}) == [d]
    assert {r['id'] for r in drivers.assignment.list_roles()} == {g['id'], d['id']}
    assert {r['id'] for r in drivers.assignment.list_roles_by_ids([g['id'], 'x'])} == {g['id']}
    assert drivers.assignment.list_roles_by_ids([]) == []
    updated = drivers.assignment.update_role(g['id'], {'description': 'global'})
    assert updated == dict(g, description='global')
    assert drivers.assignment.get_role(g['id']) == updated


def test_implied_roles(drivers):
    a = drivers.assignment.create_role(f.role())
    b = drivers.assignment.create_role(f.role())
    c = drivers.assignment.create_role(f.role())
    rule = drivers.assignment.create_implied_role(a['id'], b['id'])
    assert rule == {'prior_role_id': a['id'], 'implied_role_id': b['id']}
    assert drivers.assignment.create_implied_role(a['id'], b['id']) == rule   # idempotent
    drivers.assignment.create_implied_role(b['id'], c['id'])
    assert drivers.assignment.get_implied_role(a['id'], b['id']) == rule
    assert drivers.assignment.list_implied_roles(a['id']) == [rule]
    assert len(drivers.assignment.list_implied_roles()) == 2
    with pytest.raises(exception.ImpliedRoleNotFound):
        drivers.assignment.get_implied_role(a['id'], c['id'])
    with pytest.raises(exception.RoleNotFound):
        drivers.assignment.create_implied_role(a['id'], 'ghost')
    drivers.assignment.delete_implied_role(a['id'], b['id'])
    with pytest.raises(exception.ImpliedRoleNotFound):
        drivers.assignment.delete_implied_role(a['id'], b['id'])
    assert drivers.assignment.list_implied_roles(a['id']) == []


def test_assignments(drivers):
    r = drivers.assignment.create_role(f.role())
    s = drivers.assignment.create_role(f.role())
    up = (base.USER_PROJECT, 'u1', 'p1', r['id'])
    drivers.assignment.create_assignment(*up)
    drivers.assignment.create_assignment(*up)          # idempotent
    drivers.assignment.create_assignment(*up, inherited=True)
    drivers.assignment.create_assignment(base.GROUP_DOMAIN, 'g1', 'd1', s['id'])
    drivers.assignment.create_assignment(base.USER_SYSTEM, 'u1', base.SYSTEM_TARGET, s['id'])
    assert drivers.assignment.check_assignment(*up)
    assert drivers.assignment.check_assignment(*up, inherited=True)
    assert not drivers.assignment.check_assignment(base.USER_PROJECT, 'u1', 'p1', s['id'])
    everything = drivers.assignment.list_assignments()
    assert len(everything) == 4
    assert {'type': base.USER_PROJECT, 'actor_id': 'u1', 'target_id': 'p1',
            'role_id': r['id'], 'inherited': False} in everything

    def count(**kw):
        return len(drivers.assignment.list_assignments(**kw))

    assert count(actor_ids=['u1']) == 3
    assert count(actor_ids=['u1'], inherited=False) == 2
    assert count(inherited=True) == 1
    assert count(types=[base.GROUP_DOMAIN, base.USER_SYSTEM]) == 2
    assert count(target_ids=['p1', 'd1']) == 3
    assert count(role_ids=[s['id']]) == 2
    assert count(actor_ids=[]) == 0
    assert count(actor_ids=['u1', 'g1'], target_ids=[base.SYSTEM_TARGET]) == 1

    drivers.assignment.delete_assignment(*up)
    assert not drivers.assignment.check_assignment(*up)
    assert drivers.assignment.check_assignment(*up, inherited=True)
    with pytest.raises(exception.RoleAssignmentNotFound):
        drivers.assignment.delete_assignment(*up)


def test_assignment_needs_a_known_role_and_type(drivers):
    with pytest.raises(exception.RoleNotFound):
        drivers.assignment.create_assignment(base.USER_PROJECT, 'u', 'p', 'ghost')
    r = drivers.assignment.create_role(f.role())
    with pytest.raises(exception.ValidationError):
        drivers.assignment.create_assignment('UserCloud', 'u', 'p', r['id'])


def test_bulk_assignment_deletes(drivers):
    r = drivers.assignment.create_role(f.role())
    for actor, target in (('u1', 'p1'), ('u1', 'p2'), ('u2', 'p1'), ('u2', 'p2')):
        drivers.assignment.create_assignment(base.USER_PROJECT, actor, target, r['id'])
    drivers.assignment.delete_assignments_for_actor('u1')
    assert {(a['actor_id'], a['target_id']) for a in drivers.assignment.list_assignments()} == {
        ('u2', 'p1'), ('u2', 'p2')}
    drivers.assignment.delete_assignments_for_target('p1')
    assert [(a['actor_id'], a['target_id']) for a in drivers.assignment.list_assignments()] == [
        ('u2', 'p2')]


def test_deleting_role_drops_assignments_and_rules(drivers):
    a = drivers.assignment.create_role(f.role())
    b = drivers.assignment.create_role(f.role())
    c = drivers.assignment.create_role(f.role())
    drivers.assignment.create_implied_role(a['id'], b['id'])
    drivers.assignment.create_implied_role(b['id'], c['id'])
    drivers.assignment.create_assignment(base.USER_PROJECT, 'u', 'p', b['id'])
    drivers.assignment.create_assignment(base.USER_PROJECT, 'u', 'p', c['id'])
    drivers.assignment.delete_role(b['id'])
    assert drivers.assignment.list_implied_roles() == []
    assert [x['role_id'] for x in drivers.assignment.list_assignments()] == [c['id']]
    with pytest.raises(exception.RoleNotFound):
        drivers.assignment.get_role(b['id'])
