"""Malformed requests get a 4xx with the NeutronError body, never a 500."""

from tests.unit.network.conftest import ADMIN

HUGE = 99999999999999999999


def _error(resp, status):
    assert resp.status_int == status, resp.body[:300]
    body = resp.json['NeutronError']
    assert set(body) == {'type', 'message', 'detail'}
    return body


WRONG_METHODS = [
    ('DELETE', '/networks'), ('PUT', '/networks'), ('PATCH', '/networks'),
    ('DELETE', '/ports'), ('PUT', '/routers'), ('DELETE', '/security-group-rules'),
    ('PUT', '/quotas'), ('DELETE', '/quotas'), ('POST', '/agents'),
    ('POST', '/networks/{net}'), ('PATCH', '/networks/{net}'), ('POST', '/quotas/{net}'),
]


def test_wrong_method_is_405(api):
    net = api.network()
    for method, path in WRONG_METHODS:
        resp = api.app.request('/v2.0' + path.format(net=net['id']), method=method,
                               headers=ADMIN, expect_errors=True)
        _error(resp, 405)
        assert resp.headers['Allow']
    assert api.get('/networks/%s' % net['id']).json['network']['id'] == net['id']


def test_delete_accepting_json_answers_204(api):
    """SDKs and Tempest send ``Accept: application/json`` on DELETE."""
    for make, collection in ((api.network, 'networks'),
                             (lambda: api.post('/routers', {'router': {}}).json['router'],
                              'routers')):
        item = make()
        resp = api.app.delete('/v2.0/%s/%s' % (collection, item['id']),
                              headers=dict(ADMIN, Accept='application/json'))
        assert resp.status_int == 204 and resp.body == b''
    resp = api.app.delete('/v2.0/quotas/some-project',
                          headers=dict(ADMIN, Accept='application/json'))
    assert resp.status_int == 204 and resp.body == b''


BAD_QUERIES = [
    'limit=%d' % HUGE, 'limit=2147483648', 'limit=-1', 'limit=ten', 'limit=1e3',
    'mtu=%d' % HUGE, 'provider:segmentation_id=%d' % HUGE, 'revision_number=-%d' % HUGE,
    'admin_state_up=maybe', 'mtu=' + '9' * 5000, 'id=%00', 'name=a%00b', 'marker=%00',
    'created_at=yesterday', 'updated_at=2026-13-45T00:00:00',
]
BAD_FILTERS = [
    '/security-group-rules?port_range_min=%d' % HUGE, '/ports?fixed_ips=bogus',
    '/subnets?ip_version=%d' % HUGE, '/ports?limit=%d' % HUGE,
]
ODD_QUERIES = [
    'name=' + 'x' * 2000, 'name=%E2%80%AE', 'network_id=&network_id=x',
    'ip_version=abc', 'limit=2147483647', 'created_at=2026-01-01T00:00:00Z',
]


def test_bad_query_values_are_400(api):
    for query in BAD_QUERIES:
        _error(api.app.get('/v2.0/networks?' + query, headers=ADMIN, expect_errors=True),
               400)
    for path in BAD_FILTERS:
        _error(api.app.get('/v2.0' + path, headers=ADMIN, expect_errors=True), 400)


def test_odd_but_valid_queries_answer_200(api):
    for query in ODD_QUERIES:
        for path in ('/networks', '/ports', '/network-ip-availabilities'):
            resp = api.app.get('/v2.0%s?%s' % (path, query), headers=ADMIN,
                               expect_errors=True)
            assert resp.status_int == 200, (path, query, resp.body[:200])


BAD_BODIES = [
    ('networks', {'network': {'mtu': HUGE}}),
    ('networks', {'network': {'provider:network_type': 'vlan',
                              'provider:physical_network': 'physnet1',
                              'provider:segmentation_id': HUGE}}),
    ('networks', {'network': {'provider:network_type': 'vlan',
                              'provider:physical_network': 'physnet1',
                              'provider:segmentation_id': 5000}}),
    ('subnetpools', {'subnetpool': {'name': 'p', 'prefixes': ['10.0.0.0/8'],
                                    'default_prefixlen': HUGE}}),
    ('subnetpools', {'subnetpool': {'name': 'p', 'prefixes': ['10.0.0.0/8'],
                                    'default_quota': HUGE}}),
    ('subnets', {'subnet': {'network_id': 'x', 'ip_version': 4, 'prefixlen': HUGE}}),
    ('security-group-rules', {'security_group_rule': {
        'security_group_id': 'x', 'direction': 'ingress', 'protocol': HUGE}}),
    ('security-group-rules', {'security_group_rule': {
        'security_group_id': 'x', 'direction': 'ingress', 'protocol': 'tcp',
        'port_range_min': HUGE, 'port_range_max': HUGE}}),
    ('networks', {'network': {'name': 'x' * 256}}),
    ('networks', {'network': {'project_id': ''}}),
    ('ports', {'port': {'network_id': 'x', 'device_owner': 'x' * 256}}),
]


def test_out_of_range_bodies_are_400(api):
    for collection, body in BAD_BODIES:
        _error(api.app.post_json('/v2.0/' + collection, body, headers=ADMIN,
                                 expect_errors=True), 400)
    assert api.get('/networks').json['networks'] == []


def test_quota_values_out_of_range_are_400(api):
    for value in (HUGE, -2, '%d' % HUGE):
        _error(api.app.put_json('/v2.0/quotas/p', {'quota': {'network': value}},
                                headers=ADMIN, expect_errors=True), 400)
    assert api.put('/quotas/p', {'quota': {'network': 2147483647}}).json['quota'][
        'network'] == 2147483647


def test_long_strings_are_kept_up_to_their_limit(api):
    name = 'n' * 255
    net = api.network(name=name)
    assert api.get('/networks/%s' % net['id']).json['network']['name'] == name
    port = api.port(net['id'], device_id='d' * 255, description='\u00e9' * 255)
    assert port['device_id'] == 'd' * 255
    assert [p['id'] for p in api.get('/ports?device_id=' + 'd' * 255).json['ports']] == [
        port['id']]


def test_another_projects_row_is_no_marker(api):
    """Paging past a row of another project answers as for an unknown id."""
    theirs = api.network(headers={'X-Project-Id': 'p2', 'X-User-Id': 'u2',
                                  'X-Roles': 'member,reader'})
    mine = {'X-Project-Id': 'p1', 'X-User-Id': 'u1', 'X-Roles': 'member,reader'}
    api.network(headers=mine)
    for marker in (theirs['id'], 'no-such-id'):
        body = _error(api.app.get('/v2.0/networks?limit=1&marker=' + marker, headers=mine,
                                  expect_errors=True), 400)
        assert 'not found' in body['message']


def test_odd_ids_in_the_path(api):
    for path in ('/networks/a%00b', '/ports/' + 'p' * 3000, '/routers/%00'):
        _error(api.app.get('/v2.0' + path, headers=ADMIN, expect_errors=True), 404)
        _error(api.app.delete('/v2.0' + path, headers=ADMIN, expect_errors=True), 404)
    for path in ('/quotas/' + 'q' * 256,):
        _error(api.app.put_json('/v2.0' + path, {'quota': {'network': 5}}, headers=ADMIN,
                                expect_errors=True), 400)
        _error(api.app.get('/v2.0' + path, headers=ADMIN, expect_errors=True), 400)
    # the shared pipeline answers 404 to any path holding NUL: nothing is named so
    _error(api.app.put_json('/v2.0/quotas/a%00b', {'quota': {'network': 5}}, headers=ADMIN,
                            expect_errors=True), 404)
    _error(api.app.get('/v2.0/quotas/a%00b', headers=ADMIN, expect_errors=True), 404)
