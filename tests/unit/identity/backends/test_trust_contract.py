"""Contract of TrustDriver."""

import datetime

import pytest

from services.identity import exception
from tests.unit.identity.backends import factories as f


def _trust(**kw):
    ref = {'id': f.new_id(), 'trustor_user_id': 'u1', 'trustee_user_id': 'u2',
           'project_id': 'p1', 'impersonation': True,
           'expires_at': datetime.datetime(2030, 1, 2, 3, 4, 5, 678901),
           'remaining_uses': None, 'allow_redelegation': False, 'redelegation_count': None,
           'roles': [{'id': 'r1'}, {'id': 'r2'}], 'extra': {'note': 'x'},
           'created_at': datetime.datetime(2026, 1, 1)}
    ref.update(kw)
    return ref


def test_trust_round_trip(drivers):
    ref = _trust()
    created = drivers.trust.create_trust(ref)
    assert created == ref
    assert drivers.trust.get_trust(ref['id']) == ref
    with pytest.raises(exception.Conflict):
        drivers.trust.create_trust(ref)


def test_trust_list_filters_and_delete(drivers):
    a = drivers.trust.create_trust(_trust(trustor_user_id='a'))
    b = drivers.trust.create_trust(_trust(trustee_user_id='b', project_id='p2'))
    assert [t['id'] for t in drivers.trust.list_trusts({'trustor_user_id': 'a'})] == [a['id']]
    assert [t['id'] for t in drivers.trust.list_trusts({'project_id': 'p2'})] == [b['id']]
    assert len(drivers.trust.list_trusts({})) == 2
    drivers.trust.delete_trust(a['id'])
    with pytest.raises(exception.TrustNotFound):
        drivers.trust.get_trust(a['id'])
    with pytest.raises(exception.TrustNotFound):
        drivers.trust.delete_trust(a['id'])


def test_trust_uses_run_out(drivers):
    limited = drivers.trust.create_trust(_trust(remaining_uses=2))
    assert drivers.trust.consume_use(limited['id']) is True
    assert drivers.trust.consume_use(limited['id']) is True
    assert drivers.trust.consume_use(limited['id']) is False
    assert drivers.trust.get_trust(limited['id'])['remaining_uses'] == 0
    unlimited = drivers.trust.create_trust(_trust())
    assert all(drivers.trust.consume_use(unlimited['id']) for _ in range(3))
    with pytest.raises(exception.TrustNotFound):
        drivers.trust.consume_use('nope')
