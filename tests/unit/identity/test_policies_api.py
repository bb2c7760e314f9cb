"""/v3/policies through the in-process API."""


def test_policy_crud(cloud):
    created = cloud.call('POST', '/v3/policies', {'policy': {
        'type': 'application/json', 'blob': '{"rule": "role:admin"}', 'note': 'x'}},
        status=201).json['policy']
    assert created['blob'] == '{"rule": "role:admin"}' and created['note'] == 'x'
    assert created['links']['self'].endswith('/v3/policies/%s' % created['id'])
    url = '/v3/policies/%s' % created['id']
    assert cloud.call('GET', url).json['policy']['type'] == 'application/json'
    cloud.call('POST', '/v3/policies', {'policy': {'type': 'text/plain', 'blob': 'b'}},
               status=201)
    assert [p['id'] for p in cloud.call('GET', '/v3/policies?type=application/json').json[
        'policies']] == [created['id']]
    assert len(cloud.call('GET', '/v3/policies').json['policies']) == 2
    updated = cloud.call('PATCH', url, {'policy': {'type': 'application/yaml'}}).json
    assert updated['policy']['type'] == 'application/yaml'
    assert updated['policy']['note'] == 'x'
    cloud.call('POST', '/v3/policies', {'policy': {'type': 'x'}}, status=400)
    cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    cloud.call('GET', '/v3/policies', token=token, status=403)
    cloud.call('DELETE', url, token=token, status=403)
    cloud.call('DELETE', url, status=204)
    resp = cloud.call('GET', url, status=404)
    assert resp.json['error']['message'] == 'Could not find policy: %s.' % created['id']
