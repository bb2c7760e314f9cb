"""/v3/domains/{id}/config and the default configuration."""

CUSTOM = {'identity': {'driver': 'ldap'},
          'ldap': {'url': 'ldap://myldap.com:389/',
                   'user_tree_dn': 'ou=Users,dc=my_new_root,dc=org'}}


def _domain(cloud):
    return cloud.call('POST', '/v3/domains', {'domain': {'name': 'cfg'}}).json['domain']


def test_defaults(cloud):
    config = cloud.call('GET', '/v3/domains/config/default').json['config']
    assert {'identity', 'ldap'} <= set(config)
    identity = cloud.call('GET', '/v3/domains/config/identity/default').json['config']
    assert {'driver', 'list_limit'} <= set(identity['identity'])
    for option in identity['identity']:
        assert option in cloud.call('GET', '/v3/domains/config/identity/%s/default'
                                    % option).json['config']
    ldap = cloud.call('GET', '/v3/domains/config/ldap/default').json['config']['ldap']
    assert 'url' in ldap and 'password' not in ldap
    cloud.call('GET', '/v3/domains/config/nope/default', status=403)


def test_config_crud(cloud):
    domain = _domain(cloud)
    url = '/v3/domains/%s/config' % domain['id']
    cloud.call('GET', url, status=404)
    created = cloud.call('PUT', url, {'config': CUSTOM}, status=201).json['config']
    assert created == CUSTOM
    assert cloud.call('GET', url).json['config'] == CUSTOM
    for group, options in CUSTOM.items():
        assert cloud.call('GET', url + '/' + group).json['config'] == {group: options}
        for option, value in options.items():
            assert cloud.call('GET', url + '/%s/%s' % (group, option)).json[
                'config'] == {option: value}
    new = {'ldap': {'url': 'ldap://other/'}}
    merged = cloud.call('PATCH', url, {'config': new}).json['config']
    assert merged['ldap'] == dict(CUSTOM['ldap'], url='ldap://other/')
    updated = cloud.call('PATCH', url + '/identity', {'config': {
        'identity': {'driver': 'd2', 'list_limit': 5}}}).json['config']
    assert updated['identity'] == {'driver': 'd2', 'list_limit': 5}
    updated = cloud.call('PATCH', url + '/identity/driver',
                         {'config': {'driver': 'd3'}}).json['config']
    assert updated['identity']['driver'] == 'd3'
    cloud.call('DELETE', url + '/identity/driver', status=204)
    cloud.call('GET', url + '/identity/driver', status=404)
    cloud.call('DELETE', url + '/identity', status=204)
    cloud.call('GET', url + '/identity', status=404)
    # unsupported groups and options; the LDAP password is kept but never shown
    cloud.call('PATCH', url, {'config': {'assignment': {'driver': 'x'}}}, status=403)
    cloud.call('PATCH', url, {'config': {'ldap': {'colour': 'x'}}}, status=403)
    shown = cloud.call('PATCH', url, {'config': {'ldap': {'password': 's3cret'}}}).json
    assert 'password' not in shown['config']['ldap']
    assert cloud.managers.domain_config.driver.get(domain['id'])['config']['ldap'][
        'password'] == 's3cret'
    # members may not look; deleting works and so does deleting the domain
    cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    cloud.call('GET', url, token=token, status=403)
    cloud.call('PUT', url, {'config': CUSTOM}, status=200)
    cloud.call('DELETE', url, status=204)
    cloud.call('GET', url, status=404)
    cloud.call('PUT', url, {'config': CUSTOM}, status=201)
    cloud.call('PATCH', '/v3/domains/%s' % domain['id'], {'domain': {'enabled': False}})
    cloud.call('DELETE', '/v3/domains/%s' % domain['id'], status=204)
    assert cloud.managers.domain_config.driver.list({}) == []
