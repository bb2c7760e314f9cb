"""OS-TRUST through the in-process API: CRUD, roles, policy, trust-scoped
tokens (impersonation, expiry, remaining uses) and revocation on delete."""

import datetime

import pytest

from services.identity.core import trust as trust_core


@pytest.fixture
def setup(cloud):
    """A trustor with roles 'delegated' and 'kept' on project 'tp', and a trustee."""
    m = cloud.managers
    project = m.resource.create_project({'name': 'tp', 'domain_id': 'default'})
    trustor = m.identity.create_user({'name': 'trustor', 'domain_id': 'default',
                                      'password': 'pw-or'})
    trustee = m.identity.create_user({'name': 'trustee', 'domain_id': 'default',
                                      'password': 'pw-ee'})
    roles = {name: m.assignment.create_role({'name': name}) for name in ('delegated', 'kept')}
    for role in roles.values():
        m.assignment.create_grant(role['id'], 'user', trustor['id'], 'project', project['id'])
    other = m.resource.create_project({'name': 'ee-home', 'domain_id': 'default'})
    member = m.assignment.get_role_by_name('member')
    m.assignment.create_grant(member['id'], 'user', trustee['id'], 'project', other['id'])
    tokens = {'trustor': cloud.password_token('trustor', 'pw-or', project='tp'),
              'trustee': cloud.password_token('trustee', 'pw-ee', project='ee-home')}
    return dict(project=project, trustor=trustor, trustee=trustee, roles=roles,
                tokens=tokens)


def _create(cloud, s, status=201, token=None, **extra):
    body = {'trustor_user_id': s['trustor']['id'], 'trustee_user_id': s['trustee']['id'],
            'project_id': s['project']['id'], 'roles': [{'name': 'delegated'}],
            'impersonation': True}
    body.update(extra)
    return cloud.call('POST', '/v3/OS-TRUST/trusts', {'trust': body},
                      token=token or s['tokens']['trustor'], status=status)


def _trust_token(cloud, s, trust_id, status=201):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'trustee', 'domain': {'id': 'default'}, 'password': 'pw-ee'}}},
        'scope': {'OS-TRUST:trust': {'id': trust_id}}}}
    return cloud.app.post_json('/v3/auth/tokens', body, status=status)


def test_trust_crud_and_roles(cloud, setup):
    s = setup
    expires = (datetime.datetime.utcnow() + datetime.timedelta(hours=1)).replace(
        microsecond=0).isoformat() + 'Z'
    trust = _create(cloud, s, expires_at=expires).json['trust']
    assert trust['impersonation'] is True
    assert trust['expires_at'] == expires[:-1] + '.000000Z'
    assert trust['trustor_user_id'] == s['trustor']['id']
    assert trust['links']['self'].endswith('/v3/OS-TRUST/trusts/%s' % trust['id'])
    assert [r['name'] for r in trust['roles']] == ['delegated']
    url = '/v3/OS-TRUST/trusts/%s' % trust['id']
    for who in ('trustor', 'trustee'):
        shown = cloud.call('GET', url, token=s['tokens'][who], status=200).json['trust']
        assert shown['id'] == trust['id']
    roles = cloud.call('GET', url + '/roles', token=s['tokens']['trustor']).json['roles']
    assert [r['id'] for r in roles] == [s['roles']['delegated']['id']]
    assert roles[0]['links']['self'].endswith('/v3/roles/%s' % roles[0]['id'])
    delegated, kept = s['roles']['delegated']['id'], s['roles']['kept']['id']
    cloud.call('GET', url + '/roles/' + delegated, token=s['tokens']['trustor'], status=200)
    cloud.call('HEAD', url + '/roles/' + delegated, token=s['tokens']['trustor'], status=200)
    cloud.call('GET', url + '/roles/' + kept, token=s['tokens']['trustor'], status=404)
    cloud.call('HEAD', url + '/roles/' + kept, token=s['tokens']['trustor'], status=404)
    # lists: the trustor by filter, the admin all
    listed = cloud.call('GET', '/v3/OS-TRUST/trusts?trustor_user_id=%s' % s['trustor']['id'],
                        token=s['tokens']['trustor']).json['trusts']
    assert [t['id'] for t in listed] == [trust['id']]
    assert trust['id'] in [t['id'] for t in cloud.call('GET', '/v3/OS-TRUST/trusts').json[
        'trusts']]
    cloud.call('GET', '/v3/OS-TRUST/trusts', token=s['tokens']['trustor'], status=403)
    cloud.call('GET', '/v3/OS-TRUST/trusts?trustor_user_id=%s' % s['trustor']['id'],
               token=s['tokens']['trustee'], status=403)
    cloud.call('PATCH', url, {'trust': {}}, status=405)
    # only the trustor (or an admin) deletes
    cloud.call('DELETE', url, token=s['tokens']['trustee'], status=403)
    cloud.call('DELETE', url, token=s['tokens']['trustor'], status=204)
    cloud.call('GET', url, token=s['tokens']['trustor'], status=404)


def test_trust_create_is_checked(cloud, setup):
    s = setup
    _create(cloud, s, status=400, expires_at='bad.123Z')
    _create(cloud, s, status=400, expires_at='2001-01-01T00:00:00Z')
    _create(cloud, s, status=400, remaining_uses=0)
    body = {'trust': {'trustor_user_id': s['trustor']['id'],
                      'trustee_user_id': s['trustee']['id']}}
    cloud.call('POST', '/v3/OS-TRUST/trusts', body, token=s['tokens']['trustor'],
               status=400)   # impersonation is required
    # somebody else cannot make the trustor trust anyone
    _create(cloud, s, status=403, token=s['tokens']['trustee'])
    # a role the trustor does not hold, an unknown role, an unknown trustee
    _create(cloud, s, status=403, roles=[{'name': 'admin'}])
    _create(cloud, s, status=404, roles=[{'name': 'no-such-role'}])
    _create(cloud, s, status=404, trustee_user_id='nope')
    assert cloud.managers.trust.list() == []


@pytest.mark.parametrize('impersonation', [True, False])
def test_trust_scoped_token(cloud, setup, impersonation):
    s = setup
    trust = _create(cloud, s, impersonation=impersonation).json['trust']
    resp = _trust_token(cloud, s, trust['id'])
    body = resp.json['token']
    expected_user = s['trustor'] if impersonation else s['trustee']
    assert body['user']['id'] == expected_user['id']
    assert body['project']['id'] == s['project']['id']
    assert [r['name'] for r in body['roles']] == ['delegated']
    assert body['OS-TRUST:trust'] == {
        'id': trust['id'], 'impersonation': impersonation,
        'trustee_user': {'id': s['trustee']['id']},
        'trustor_user': {'id': s['trustor']['id']}}
    assert body['audit_ids'][-1] == trust_core.chain_id(trust['id'])
    token = resp.headers['X-Subject-Token']
    validated = cloud.call('GET', '/v3/auth/tokens', headers={'X-Subject-Token': token})
    assert validated.json['token']['OS-TRUST:trust']['id'] == trust['id']
    # a trust token cannot be exchanged for another token
    cloud.app.post_json('/v3/auth/tokens', {'auth': {'identity': {
        'methods': ['token'], 'token': {'id': token}}}}, status=403)
    # deleting the trust revokes its tokens, with one event on the trust's chain
    cloud.call('DELETE', '/v3/OS-TRUST/trusts/%s' % trust['id'], status=204)
    cloud.call('GET', '/v3/auth/tokens', headers={'X-Subject-Token': token}, status=404)
    events = cloud.call('GET', '/v3/OS-REVOKE/events').json['events']
    assert {'audit_chain_id': trust_core.chain_id(trust['id'])}.items() <= events[-1].items()
    _trust_token(cloud, s, trust['id'], status=401)


def test_trust_token_rules(cloud, setup):
    s = setup
    m = cloud.managers
    trust = _create(cloud, s, remaining_uses=2).json['trust']
    _trust_token(cloud, s, trust['id'])
    token = _trust_token(cloud, s, trust['id']).headers['X-Subject-Token']
    resp = _trust_token(cloud, s, trust['id'], status=403)
    assert 'No remaining uses' in resp.json['error']['message']
    # only the trustee uses it
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'trustor', 'domain': {'id': 'default'}, 'password': 'pw-or'}}},
        'scope': {'OS-TRUST:trust': {'id': trust['id']}}}}
    cloud.app.post_json('/v3/auth/tokens', body, status=403)
    # the trustor losing the delegated role invalidates the tokens
    m.assignment.delete_grant(s['roles']['delegated']['id'], 'user', s['trustor']['id'],
                              'project', s['project']['id'])
    cloud.call('GET', '/v3/auth/tokens', headers={'X-Subject-Token': token}, status=404)


def test_expired_trust_and_disabled_users(cloud, setup):
    s = setup
    m = cloud.managers
    trust = _create(cloud, s).json['trust']
    token = _trust_token(cloud, s, trust['id']).headers['X-Subject-Token']
    # disabling the trustee kills an impersonating token too
    m.identity.update_user(s['trustee']['id'], {'enabled': False})
    cloud.call('GET', '/v3/auth/tokens', headers={'X-Subject-Token': token}, status=404)
    m.identity.update_user(s['trustee']['id'], {'enabled': True})
    # expiry: a token's lifetime stops at the trust's, an expired trust is gone
    soon = datetime.datetime.utcnow() + datetime.timedelta(minutes=5)
    limited = _create(cloud, s, expires_at=soon.isoformat() + 'Z').json['trust']
    body = _trust_token(cloud, s, limited['id']).json['token']
    assert body['expires_at'] <= soon.strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    m.trust.driver._trusts[limited['id']]['expires_at'] = (
        datetime.datetime.utcnow() - datetime.timedelta(seconds=1))
    m.state.bump()
    cloud.call('GET', '/v3/OS-TRUST/trusts/%s' % limited['id'], status=404)
    _trust_token(cloud, s, limited['id'], status=401)


def test_deleting_users_and_projects_deletes_trusts(cloud, setup):
    s = setup
    m = cloud.managers
    first = _create(cloud, s).json['trust']
    m.identity.delete_user(s['trustee']['id'])
    cloud.call('GET', '/v3/OS-TRUST/trusts/%s' % first['id'], status=404)
    other = m.identity.create_user({'name': 'x', 'domain_id': 'default'})
    second = _create(cloud, s, trustee_user_id=other['id']).json['trust']
    m.resource.delete_project(s['project']['id'])
    cloud.call('GET', '/v3/OS-TRUST/trusts/%s' % second['id'], status=404)


def _chain_events(cloud, trust_id):
    return [e for e in cloud.call('GET', '/v3/OS-REVOKE/events').json['events']
            if e.get('audit_chain_id') == trust_core.chain_id(trust_id)]


@pytest.mark.parametrize('change', ['disable_trustee', 'disable_trustor',
                                    'trustor_loses_role', 'trustee_leaves_group'])
def test_changes_that_kill_trust_tokens_reach_the_other_apis(cloud, setup, change):
    """The other APIs match events against the token's user, which for a
    trust token may be the other party: each change also records an event
    on the trust's audit chain."""
    s = setup
    m = cloud.managers
    trust = _create(cloud, s).json['trust']
    assert _chain_events(cloud, trust['id']) == []
    if change == 'disable_trustee':
        m.identity.update_user(s['trustee']['id'], {'enabled': False})
    elif change == 'disable_trustor':
        m.identity.update_user(s['trustor']['id'], {'enabled': False})
    elif change == 'trustor_loses_role':
        m.assignment.delete_grant(s['roles']['delegated']['id'], 'user', s['trustor']['id'],
                                  'project', s['project']['id'])
    else:
        group = m.identity.create_group({'name': 'g', 'domain_id': 'default'})
        m.identity.add_user_to_group(s['trustee']['id'], group['id'])
        m.identity.remove_user_from_group(s['trustee']['id'], group['id'])
    assert len(_chain_events(cloud, trust['id'])) == 1
