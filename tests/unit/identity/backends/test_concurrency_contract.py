"""Concurrent writers: uniqueness holds and idempotent calls stay idempotent."""

import threading

from services.identity import exception
from services.identity.backends import base
from tests.unit.identity.backends import factories as f


def _run_together(count, target):
    start = threading.Barrier(count)
    results = []

    def worker(n):
        start.wait()
        try:
            results.append(('ok', target(n)))
        except exception.Conflict as e:
            results.append(('conflict', e))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_one_winner_for_a_contested_name(drivers):
    results = _run_together(6, lambda n: drivers.identity.create_user(f.user('d', name='same')))
    assert sorted(kind for kind, _ in results) == ['conflict'] * 5 + ['ok']
    assert len(drivers.identity.list_users({'name': 'same'})) == 1


def test_concurrent_identical_grants_are_idempotent(drivers):
    r = drivers.assignment.create_role(f.role())
    results = _run_together(6, lambda n: drivers.assignment.create_assignment(
        base.USER_PROJECT, 'u', 'p', r['id']))
    assert [kind for kind, _ in results] == ['ok'] * 6
    assert len(drivers.assignment.list_assignments()) == 1


def test_concurrent_identical_memberships_and_rules_are_idempotent(drivers):
    u = drivers.identity.create_user(f.user('d'))
    g = drivers.identity.create_group(f.group('d'))
    a = drivers.assignment.create_role(f.role())
    b = drivers.assignment.create_role(f.role())
    results = _run_together(6, lambda n: drivers.identity.add_user_to_group(u['id'], g['id']))
    assert [kind for kind, _ in results] == ['ok'] * 6
    results = _run_together(6, lambda n: drivers.assignment.create_implied_role(a['id'], b['id']))
    assert [kind for kind, _ in results] == ['ok'] * 6
    assert [x['id'] for x in drivers.identity.list_users_in_group(g['id'])] == [u['id']]
    assert len(drivers.assignment.list_implied_roles()) == 1
