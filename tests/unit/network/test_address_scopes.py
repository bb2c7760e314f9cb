"""Address scopes and the subnet pools that join them."""

from tests.unit.network.conftest import member

DEMO = member('demo')
OTHER = member('other')


def _fault(resp):
    return resp.json['NeutronError']


def test_address_scope_crud_and_pools(api):
    scope = api.post('/address-scopes', {'address_scope': {'name': 's', 'ip_version': 4}},
                     DEMO).json['address_scope']
    assert {k: scope[k] for k in ('name', 'ip_version', 'shared', 'project_id')} == {
        'name': 's', 'ip_version': 4, 'shared': False, 'project_id': 'demo'}
    assert api.get('/address-scopes/%s' % scope['id'], DEMO).json['address_scope'] == scope
    assert [s['id'] for s in api.get('/address-scopes?ip_version=4', DEMO).json[
        'address_scopes']] == [scope['id']]
    api.get('/address-scopes/%s' % scope['id'], OTHER, status=404)
    scope = api.put('/address-scopes/%s' % scope['id'], {'address_scope': {'name': 't'}},
                    DEMO).json['address_scope']
    assert scope['name'] == 't'
    pool = api.post('/subnetpools', {'subnetpool': {
        'name': 'p', 'prefixes': ['10.220.0.0/16'], 'address_scope_id': scope['id']}},
        DEMO).json['subnetpool']
    assert pool['address_scope_id'] == scope['id']
    resp = api.post('/subnetpools', {'subnetpool': {
        'name': 'p6', 'prefixes': ['2001:db8::/48'], 'address_scope_id': scope['id']}},
        DEMO, status=400)
    assert 'IP version' in _fault(resp)['message']
    api.post('/subnetpools', {'subnetpool': {
        'name': 'x', 'prefixes': ['10.221.0.0/16'], 'address_scope_id': scope['id']}},
        OTHER, status=404)
    resp = api.delete('/address-scopes/%s' % scope['id'], DEMO, status=409)
    assert _fault(resp)['type'] == 'AddressScopeInUse'
    api.put('/subnetpools/%s' % pool['id'], {'subnetpool': {'address_scope_id': None}}, DEMO)
    api.delete('/address-scopes/%s' % scope['id'], DEMO)
    api.get('/address-scopes/%s' % scope['id'], DEMO, status=404)


def test_shared_scopes_are_the_admins(api):
    api.post('/address-scopes', {'address_scope': {'name': 's', 'ip_version': 6,
                                                   'shared': True}}, DEMO, status=403)
    scope = api.post('/address-scopes', {'address_scope': {
        'name': 's', 'ip_version': 6, 'shared': True}}).json['address_scope']
    assert api.get('/address-scopes/%s' % scope['id'], OTHER).json['address_scope'][
        'shared'] is True
    api.put('/address-scopes/%s' % scope['id'], {'address_scope': {'name': 'x'}}, OTHER,
            status=403)
    pool = api.post('/subnetpools', {'subnetpool': {
        'name': 'p', 'prefixes': ['2001:db8::/48'], 'address_scope_id': scope['id']}},
        OTHER).json['subnetpool']
    assert pool['address_scope_id'] == scope['id']
    api.put('/address-scopes/%s' % scope['id'], {'address_scope': {'shared': False}},
            status=400)
    api.post('/address-scopes', {'address_scope': {'name': 'bad', 'ip_version': 5}}, DEMO,
             status=400)
    aliases = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert 'address-scope' in aliases
