"""Contract of ApplicationCredentialDriver and RevokeDriver."""

import datetime

import pytest

from services.identity import exception
from tests.unit.identity.backends import factories as f

T0 = datetime.datetime(2025, 1, 1, 12, 0, 0, 123456)


def _cred(user_id='u1', project_id='p1', **kw):
    ref = {'id': f.new_id(), 'name': 'cred-' + f.new_id()[:6], 'user_id': user_id,
           'project_id': project_id, 'description': None, 'secret_hash': 'hash',
           'expires_at': None, 'unrestricted': False, 'roles': [{'id': 'r1'}]}
    ref.update(kw)
    return ref


def test_app_cred_round_trip(drivers):
    ref = _cred(expires_at=T0, roles=[{'id': 'r2'}, {'id': 'r1'}], unrestricted=True,
                created_at=T0)
    created = drivers.app_cred.create_application_credential(ref)
    assert set(created) == {'id', 'name', 'user_id', 'project_id', 'description',
                            'secret_hash', 'expires_at', 'unrestricted', 'roles', 'created_at'}
    assert sorted(r['id'] for r in created['roles']) == ['r1', 'r2']
    assert created['expires_at'] == T0 and created['unrestricted'] is True
    got = drivers.app_cred.get_application_credential(ref['id'])
    assert dict(got, roles=sorted(got['roles'], key=lambda r: r['id'])) == \
        dict(created, roles=sorted(created['roles'], key=lambda r: r['id']))
    assert drivers.app_cred.get_application_credential_by_name('u1', ref['name'])['id'] == ref['id']
    with pytest.raises(exception.ApplicationCredentialNotFound):
        drivers.app_cred.get_application_credential_by_name('u2', ref['name'])
    with pytest.raises(exception.ApplicationCredentialNotFound):
        drivers.app_cred.get_application_credential('ghost')
    got['roles'].append({'id': 'mutated'})
    assert len(drivers.app_cred.get_application_credential(ref['id'])['roles']) == 2


def test_app_cred_name_unique_per_user(drivers):
    drivers.app_cred.create_application_credential(_cred(name='ci'))
    drivers.app_cred.create_application_credential(_cred(user_id='u2', name='ci'))
    with pytest.raises(exception.Conflict, match='name ci for user u1'):
        drivers.app_cred.create_application_credential(_cred(name='ci'))


def test_app_cred_list_and_deletes(drivers):
    a = drivers.app_cred.create_application_credential(_cred(name='a'))
    b = drivers.app_cred.create_application_credential(_cred(name='b', project_id='p2'))
    c = drivers.app_cred.create_application_credential(_cred(user_id='u2'))
    assert {x['id'] for x in drivers.app_cred.list_application_credentials('u1')} == {
        a['id'], b['id']}
    assert [x['id'] for x in drivers.app_cred.list_application_credentials(
        'u1', {'name': 'b'})] == [b['id']]
    drivers.app_cred.delete_application_credentials_for_user_on_project('u1', 'p1')
    assert [x['id'] for x in drivers.app_cred.list_application_credentials('u1')] == [b['id']]
    drivers.app_cred.delete_application_credentials_for_user('u1')
    assert drivers.app_cred.list_application_credentials('u1') == []
    drivers.app_cred.delete_application_credential(c['id'])
    with pytest.raises(exception.ApplicationCredentialNotFound):
        drivers.app_cred.delete_application_credential(c['id'])
    # the name is free again once deleted
    drivers.app_cred.create_application_credential(_cred(name='a'))


def test_revoke_events(drivers):
    e1 = drivers.revoke.add_event({'id': 'e1', 'user_id': 'u1', 'issued_before': T0,
                                   'revoked_at': T0})
    assert e1 == {'id': 'e1', 'user_id': 'u1', 'project_id': None, 'domain_id': None,
                  'role_id': None, 'audit_id': None, 'audit_chain_id': None, 'app_cred_id': None,
                  'issued_before': T0, 'revoked_at': T0}
    later = T0 + datetime.timedelta(microseconds=1)
    e2 = drivers.revoke.add_event({'id': 'e2', 'audit_id': 'a', 'issued_before': later,
                                   'revoked_at': later})
    assert drivers.revoke.list_events() == [e1, e2]
    assert drivers.revoke.list_events(last_fetch=T0) == [e2]
    assert drivers.revoke.list_events(last_fetch=later) == []
    with pytest.raises(exception.Conflict):
        drivers.revoke.add_event({'id': 'e1', 'revoked_at': T0})
    drivers.revoke.prune_expired_events(later)
    assert drivers.revoke.list_events() == [e2]


def test_revoke_event_defaults(drivers):
    event = drivers.revoke.add_event({'project_id': 'p', 'issued_before': T0})
    assert event['id'] and event['revoked_at'] is not None
    assert event['revoked_at'].tzinfo is None
    assert drivers.revoke.list_events() == [event]
