"""Network RBAC policies: access_as_shared and access_as_external, respected
by visibility and by what other projects may do on the network."""

from tests.unit.network.conftest import member

OWNER = member('rbac-owner')
GUEST = member('rbac-guest')
STRANGER = member('rbac-stranger')


def _fault(resp):
    return resp.json['NeutronError']


def _policy(api, net_id, target, action='access_as_shared', headers=OWNER, status=201):
    resp = api.post('/rbac-policies', {'rbac_policy': {
        'object_type': 'network', 'object_id': net_id, 'action': action,
        'target_tenant': target}}, headers, status=status)
    return resp.json.get('rbac_policy') if status == 201 else resp


def test_share_a_network_with_one_project(api):
    net = api.network(OWNER, name='n')
    subnet = api.subnet(net['id'], headers=OWNER)
    api.get('/networks/%s' % net['id'], GUEST, status=404)
    policy = _policy(api, net['id'], 'rbac-guest')
    assert {k: policy[k] for k in ('object_type', 'object_id', 'action', 'target_tenant',
                                   'project_id')} == {
        'object_type': 'network', 'object_id': net['id'], 'action': 'access_as_shared',
        'target_tenant': 'rbac-guest', 'project_id': 'rbac-owner'}
    seen = api.get('/networks/%s' % net['id'], GUEST).json['network']
    assert seen['shared'] is True
    assert api.get('/networks/%s' % net['id'], OWNER).json['network']['shared'] is False
    assert net['id'] in {n['id'] for n in api.get('/networks', GUEST).json['networks']}
    assert api.get('/subnets/%s' % subnet['id'], GUEST).json['subnet']['id'] == subnet['id']
    port = api.port(net['id'], GUEST)
    assert port['project_id'] == 'rbac-guest'
    # Still nobody else's.
    api.get('/networks/%s' % net['id'], STRANGER, status=404)
    api.post('/ports', {'port': {'network_id': net['id']}}, STRANGER, status=404)
    # The guest reads but does not change it, nor its policies.
    api.put('/networks/%s' % net['id'], {'network': {'name': 'x'}}, GUEST, status=403)
    api.get('/rbac-policies/%s' % policy['id'], GUEST, status=404)
    assert api.get('/rbac-policies', GUEST).json['rbac_policies'] == []
    # In use: the policy stays until the guest's port goes.
    resp = api.delete('/rbac-policies/%s' % policy['id'], OWNER, status=409)
    assert _fault(resp)['type'] == 'RbacPolicyInUse'
    resp = api.put('/rbac-policies/%s' % policy['id'],
                   {'rbac_policy': {'target_tenant': 'rbac-stranger'}}, OWNER, status=409)
    api.delete('/ports/%s' % port['id'], GUEST)
    policy = api.put('/rbac-policies/%s' % policy['id'],
                     {'rbac_policy': {'target_tenant': 'rbac-stranger'}},
                     OWNER).json['rbac_policy']
    assert policy['target_tenant'] == 'rbac-stranger'
    api.get('/networks/%s' % net['id'], GUEST, status=404)
    api.get('/networks/%s' % net['id'], STRANGER)
    api.delete('/rbac-policies/%s' % policy['id'], OWNER)
    api.get('/networks/%s' % net['id'], STRANGER, status=404)


def test_policies_are_the_network_owners(api):
    net = api.network(OWNER)
    resp = _policy(api, net['id'], 'rbac-guest', headers=GUEST, status=404)
    assert _fault(resp)['type'] == 'NetworkNotFound'
    _policy(api, net['id'], '*', status=403)  # sharing with all is the admin's
    policy = _policy(api, net['id'], 'rbac-guest')
    resp = _policy(api, net['id'], 'rbac-guest', status=409)
    assert _fault(resp)['type'] == 'DuplicateRbacPolicy'
    _policy(api, 'f' * 36, 'rbac-guest', status=404)
    api.post('/rbac-policies', {'rbac_policy': {
        'object_type': 'qos_policy', 'object_id': net['id'], 'action': 'access_as_shared',
        'target_tenant': 'x'}}, OWNER, status=400)
    reader = {'X-Project-Id': 'rbac-owner', 'X-User-Id': 'r', 'X-Roles': 'reader'}
    assert api.get('/rbac-policies/%s' % policy['id'], reader).json['rbac_policy'][
        'id'] == policy['id']
    api.delete('/rbac-policies/%s' % policy['id'], reader, status=403)
    listed = api.get('/rbac-policies?object_id=%s' % net['id'], OWNER).json
    assert [p['id'] for p in listed['rbac_policies']] == [policy['id']]
    # A network's policies go with it.
    api.delete('/networks/%s' % net['id'], OWNER)
    api.get('/rbac-policies/%s' % policy['id'], status=404)


def test_wildcard_rows_mirror_shared_and_external(api):
    net = api.network(name='shared', shared=True)
    rows = api.get('/rbac-policies?object_id=%s' % net['id']).json['rbac_policies']
    assert [(r['action'], r['target_tenant']) for r in rows] == [('access_as_shared', '*')]
    api.delete('/rbac-policies/%s' % rows[0]['id'])
    assert api.get('/networks/%s' % net['id']).json['network']['shared'] is False
    api.get('/networks/%s' % net['id'], GUEST, status=404)
    _policy(api, net['id'], '*', headers=None)
    assert api.get('/networks/%s' % net['id'], GUEST).json['network']['shared'] is True
    api.put('/networks/%s' % net['id'], {'network': {'shared': False}})
    assert api.get('/rbac-policies?object_id=%s' % net['id']).json['rbac_policies'] == []


def test_access_as_external_for_one_project(api):
    ext = api.network(name='ext-for-guest')
    api.subnet(ext['id'], cidr='198.51.100.0/24', enable_dhcp=False)
    api.post('/floatingips', {'floatingip': {'floating_network_id': ext['id']}}, GUEST,
             status=404)
    _policy(api, ext['id'], 'rbac-guest', action='access_as_external', headers=None)
    seen = api.get('/networks/%s' % ext['id'], GUEST).json['network']
    assert seen['router:external'] is True and seen['shared'] is False
    fip = api.post('/floatingips', {'floatingip': {'floating_network_id': ext['id']}},
                   GUEST).json['floatingip']
    assert fip['floating_ip_address'].startswith('198.51.100.')
    router = api.post('/routers', {'router': {'name': 'r', 'external_gateway_info': {
        'network_id': ext['id']}}}, GUEST).json['router']
    assert router['external_gateway_info']['network_id'] == ext['id']
    # Not shared: no ports of one's own on it, and its subnets stay the owner's.
    api.post('/ports', {'port': {'network_id': ext['id']}}, GUEST, status=403)
    assert api.get('/subnets?network_id=%s' % ext['id'], GUEST).json['subnets'] == []
    api.get('/networks/%s' % ext['id'], STRANGER, status=404)
    aliases = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert 'rbac-policies' in aliases
