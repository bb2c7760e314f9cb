"""/v3/OS-OAUTH1/consumers through the in-process API."""


def test_consumer_crud(cloud):
    created = cloud.call('POST', '/v3/OS-OAUTH1/consumers', {'consumer': {
        'description': 'a client'}}, status=201).json['consumer']
    assert created['secret'] and created['description'] == 'a client'
    url = '/v3/OS-OAUTH1/consumers/%s' % created['id']
    assert created['links']['self'].endswith(url)
    shown = cloud.call('GET', url).json['consumer']
    assert 'secret' not in shown and shown['description'] == 'a client'
    listed = cloud.call('GET', '/v3/OS-OAUTH1/consumers').json['consumers']
    assert [c['id'] for c in listed] == [created['id']]
    updated = cloud.call('PATCH', url, {'consumer': {'description': 'changed'}}).json
    assert updated['consumer']['description'] == 'changed'
    cloud.call('PATCH', url, {'consumer': {'secret': 'mine'}}, status=400)
    cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    cloud.call('GET', '/v3/OS-OAUTH1/consumers', token=token, status=403)
    cloud.call('POST', '/v3/OS-OAUTH1/consumers', {'consumer': {}}, token=token, status=403)
    cloud.call('DELETE', url, status=204)
    cloud.call('GET', url, status=404)
