"""Application credential access rules and /v3/users/{id}/access_rules."""

import pytest

RULE = {'service': 'compute', 'path': '/v2.1/servers', 'method': 'GET'}


@pytest.fixture
def member(cloud):
    user, project = cloud.make_member()
    return user, cloud.password_token('alice', 'pw-alice', project='demo')


def _app_cred(cloud, user, token, name='ac', rules=(RULE,), status=201):
    return cloud.call('POST', '/v3/users/%s/application_credentials' % user['id'],
                      {'application_credential': {'name': name,
                                                  'access_rules': list(rules)}},
                      token=token, status=status)


def test_app_cred_with_access_rules(cloud, member):
    user, token = member
    cred = _app_cred(cloud, user, token).json['application_credential']
    assert [dict(r, id=None) for r in cred['access_rules']] == [dict(RULE, id=None)]
    rule_id = cred['access_rules'][0]['id']
    shown = cloud.call('GET', '/v3/users/%s/application_credentials/%s'
                       % (user['id'], cred['id']), token=token).json
    assert shown['application_credential']['access_rules'][0]['id'] == rule_id
    # the same rule by value or by id is reused
    again = _app_cred(cloud, user, token, name='ac2').json['application_credential']
    assert again['access_rules'][0]['id'] == rule_id
    by_id = _app_cred(cloud, user, token, name='ac3', rules=[{'id': rule_id}]).json
    assert by_id['application_credential']['access_rules'][0]['id'] == rule_id
    _app_cred(cloud, user, token, name='bad', rules=[{'service': 'x'}], status=400)
    _app_cred(cloud, user, token, name='bad', rules=[dict(RULE, method='FETCH')],
              status=400)
    base = '/v3/users/%s/access_rules' % user['id']
    rules = cloud.call('GET', base, token=token).json['access_rules']
    assert [r['id'] for r in rules] == [rule_id]
    assert cloud.call('GET', base + '/' + rule_id, token=token).json['access_rule'][
        'path'] == '/v2.1/servers'
    # in use: cannot go
    cloud.call('DELETE', base + '/' + rule_id, token=token, status=403)
    for ac in (cred['id'], again['id'], by_id['application_credential']['id']):
        cloud.call('DELETE', '/v3/users/%s/application_credentials/%s' % (user['id'], ac),
                   token=token, status=204)
    cloud.call('DELETE', base + '/' + rule_id, token=token, status=204)
    cloud.call('GET', base + '/' + rule_id, token=token, status=404)


def test_tokens_carry_access_rules(cloud, member):
    user, token = member
    cred = _app_cred(cloud, user, token).json['application_credential']
    body = {'auth': {'identity': {'methods': ['application_credential'],
                                  'application_credential': {'id': cred['id'],
                                                             'secret': cred['secret']}}}}
    issued = cloud.app.post_json('/v3/auth/tokens', body)
    assert issued.json['token']['application_credential']['access_rules'][0]['path'] == \
        '/v2.1/servers'
    subject = {'X-Subject-Token': issued.headers['X-Subject-Token']}
    # a validator that does not say it enforces access rules is refused the token
    cloud.call('GET', '/v3/auth/tokens', headers=subject, status=404)
    cloud.call('GET', '/v3/auth/tokens', status=200,
               headers=dict(subject, **{'OpenStack-Identity-Access-Rules': '1.0'}))


def test_other_users_rules_are_hidden(cloud, member):
    user, token = member
    cred = _app_cred(cloud, user, token).json['application_credential']
    cloud.make_member(name='bob', password='pw-bob')
    bob = cloud.password_token('bob', 'pw-bob', project='demo')
    cloud.call('GET', '/v3/users/%s/access_rules' % user['id'], token=bob, status=403)
    rule_id = cred['access_rules'][0]['id']
    bob_id = cloud.managers.identity.get_user_by_name('bob', 'default')['id']
    cloud.call('GET', '/v3/users/%s/access_rules/%s' % (bob_id, rule_id), token=bob,
               status=404)
    # deleting the user deletes its rules
    cloud.call('DELETE', '/v3/users/%s' % user['id'], status=204)
    assert cloud.managers.access_rule.rules.list({}) == []
