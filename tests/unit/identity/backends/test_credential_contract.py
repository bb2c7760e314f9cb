"""Contract of CredentialDriver (blobs arrive already encrypted)."""

import pytest

from services.identity import exception
from tests.unit.identity.backends import factories as f


def _cred(user_id='u1', project_id=None, **kw):
    ref = {'id': f.new_id(), 'user_id': user_id, 'project_id': project_id, 'type': 'cert',
           'encrypted_blob': 'gAAAA-' + f.new_id(), 'key_hash': 'h1', 'extra': {}}
    ref.update(kw)
    return ref


def test_credential_round_trip(drivers):
    ref = _cred(project_id='p1', type='ec2', extra={'note': 'x', 'n': [1, 2]},
                encrypted_blob='gAAAA' + 'z' * 100000)
    created = drivers.credential.create_credential(ref)
    assert created == ref
    got = drivers.credential.get_credential(ref['id'])
    assert got == ref
    got['extra']['note'] = 'mutated'
    assert drivers.credential.get_credential(ref['id'])['extra']['note'] == 'x'
    with pytest.raises(exception.CredentialNotFound):
        drivers.credential.get_credential('ghost')


def test_credential_defaults(drivers):
    created = drivers.credential.create_credential({
        'id': 'c1', 'user_id': 'u', 'type': 't', 'encrypted_blob': 'b', 'key_hash': 'h'})
    assert created == {'id': 'c1', 'user_id': 'u', 'project_id': None, 'type': 't',
                       'encrypted_blob': 'b', 'key_hash': 'h', 'extra': {}}


def test_credential_id_unique(drivers):
    ref = drivers.credential.create_credential(_cred())
    with pytest.raises(exception.Conflict, match='credential - Duplicate entry found with '
                                                 'ID %s' % ref['id']):
        drivers.credential.create_credential(_cred(id=ref['id'], user_id='u2'))


def test_credential_list_filters(drivers):
    a = drivers.credential.create_credential(_cred())
    b = drivers.credential.create_credential(_cred(type='ec2', project_id='p1'))
    c = drivers.credential.create_credential(_cred(user_id='u2', key_hash='h2'))
    ids = lambda hints=None: sorted(x['id'] for x in drivers.credential.list_credentials(hints))
    assert ids() == sorted([a['id'], b['id'], c['id']])
    assert ids({'user_id': 'u1'}) == sorted([a['id'], b['id']])
    assert ids({'user_id': 'u1', 'type': 'ec2'}) == [b['id']]
    assert ids({'key_hash': 'h2'}) == [c['id']]
    assert ids({'project_id': None}) == sorted([a['id'], c['id']])
    assert ids({'type': 'none'}) == []
    assert ids({'unknown': 'x'}) == []


def test_credential_update(drivers):
    ref = drivers.credential.create_credential(_cred(extra={'a': 1}))
    updated = drivers.credential.update_credential(ref['id'], {
        'type': 'totp', 'project_id': 'p9', 'encrypted_blob': 'new', 'key_hash': 'h9',
        'extra': {'b': 2}})
    assert updated == dict(ref, type='totp', project_id='p9', encrypted_blob='new',
                           key_hash='h9', extra={'b': 2})
    assert drivers.credential.get_credential(ref['id']) == updated
    assert drivers.credential.update_credential(ref['id'], {'project_id': None})[
        'project_id'] is None
    with pytest.raises(exception.CredentialNotFound):
        drivers.credential.update_credential('ghost', {'type': 'x'})


def test_credential_swap_encrypted_blob(drivers):
    ref = drivers.credential.create_credential(_cred(encrypted_blob='old', key_hash='h1'))
    assert not drivers.credential.swap_encrypted_blob(ref['id'], 'stale', 'new', 'h2')
    assert drivers.credential.get_credential(ref['id'])['encrypted_blob'] == 'old'
    assert drivers.credential.swap_encrypted_blob(ref['id'], 'old', 'new', 'h2')
    got = drivers.credential.get_credential(ref['id'])
    assert (got['encrypted_blob'], got['key_hash']) == ('new', 'h2')
    assert not drivers.credential.swap_encrypted_blob('ghost', 'old', 'new', 'h2')


def test_credential_deletes(drivers):
    a = drivers.credential.create_credential(_cred())
    b = drivers.credential.create_credential(_cred(project_id='p1', user_id='u2'))
    c = drivers.credential.create_credential(_cred(project_id='p2', user_id='u2'))
    d = drivers.credential.create_credential(_cred(user_id='u3'))
    drivers.credential.delete_credentials_for_user('u1')
    ids = lambda: sorted(x['id'] for x in drivers.credential.list_credentials())
    assert ids() == sorted([b['id'], c['id'], d['id']])
    drivers.credential.delete_credentials_for_project('p1')
    assert ids() == sorted([c['id'], d['id']])
    drivers.credential.delete_credential(c['id'])
    assert ids() == [d['id']]
    with pytest.raises(exception.CredentialNotFound):
        drivers.credential.delete_credential(c['id'])
    # the id is free again
    drivers.credential.create_credential(_cred(id=a['id']))
