"""OS-EP-FILTER through the in-process API, and the filtered token catalog."""

import pytest


@pytest.fixture
def catalog(cloud):
    ids = {}
    for kind in ('compute', 'image'):
        svc = cloud.call('POST', '/v3/services', {'service': {'type': kind}}).json['service']
        ids[kind] = svc['id']
        for interface in ('public', 'internal'):
            ep = cloud.call('POST', '/v3/endpoints', {'endpoint': {
                'service_id': svc['id'], 'interface': interface, 'region_id': 'RegionOne',
                'url': 'http://%s.example/%s' % (kind, interface)}}).json['endpoint']
            ids['%s-%s' % (kind, interface)] = ep['id']
    return ids


def _catalog_urls(cloud, token):
    cat = cloud.call('GET', '/v3/auth/catalog', token=token).json['catalog']
    return sorted(e['url'] for s in cat for e in s['endpoints'])


def test_project_endpoints(cloud, catalog):
    user, project = cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    everything = _catalog_urls(cloud, token)
    assert 'http://image.example/public' in everything
    url = '/v3/OS-EP-FILTER/projects/%s/endpoints/%s' % (project['id'],
                                                          catalog['compute-public'])
    cloud.call('GET', url, status=404)
    cloud.call('PUT', url, status=204)
    cloud.call('PUT', url, status=204)           # idempotent
    cloud.call('GET', url, status=204)
    cloud.call('HEAD', url, status=204)
    listed = cloud.call('GET', '/v3/OS-EP-FILTER/projects/%s/endpoints' % project['id'])
    assert [e['id'] for e in listed.json['endpoints']] == [catalog['compute-public']]
    projects = cloud.call('GET', '/v3/OS-EP-FILTER/endpoints/%s/projects'
                          % catalog['compute-public']).json['projects']
    assert [p['id'] for p in projects] == [project['id']]
    # the project's token catalog now holds just that endpoint
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    assert _catalog_urls(cloud, token) == ['http://compute.example/public']
    # members cannot associate
    cloud.call('PUT', '/v3/OS-EP-FILTER/projects/%s/endpoints/%s'
               % (project['id'], catalog['image-public']), token=token, status=403)
    cloud.call('PUT', '/v3/OS-EP-FILTER/projects/%s/endpoints/nope' % project['id'],
               status=404)
    cloud.call('DELETE', url, status=204)
    cloud.call('DELETE', url, status=404)
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    assert _catalog_urls(cloud, token) == everything


def test_endpoint_groups(cloud, catalog):
    user, project = cloud.make_member()
    group = cloud.call('POST', '/v3/OS-EP-FILTER/endpoint_groups', {'endpoint_group': {
        'name': 'internal-image', 'description': 'd',
        'filters': {'interface': 'internal', 'service_id': catalog['image']}}},
        status=201).json['endpoint_group']
    assert group['links']['self'].endswith('/v3/OS-EP-FILTER/endpoint_groups/%s'
                                           % group['id'])
    url = '/v3/OS-EP-FILTER/endpoint_groups/%s' % group['id']
    cloud.call('HEAD', url, status=200)
    assert cloud.call('GET', url).json['endpoint_group']['name'] == 'internal-image'
    listed = cloud.call('GET', '/v3/OS-EP-FILTER/endpoint_groups').json['endpoint_groups']
    assert [g['id'] for g in listed] == [group['id']]
    endpoints = cloud.call('GET', url + '/endpoints').json['endpoints']
    assert [e['id'] for e in endpoints] == [catalog['image-internal']]
    cloud.call('PATCH', url, {'endpoint_group': {'filters': {
        'interface': 'public', 'service_id': catalog['compute']}}}, status=200)
    assert [e['id'] for e in cloud.call('GET', url + '/endpoints').json['endpoints']] == [
        catalog['compute-public']]
    cloud.call('POST', '/v3/OS-EP-FILTER/endpoint_groups', {'endpoint_group': {
        'name': 'bad', 'filters': {'colour': 'red'}}}, status=400)
    # a project associated with the group sees its endpoints only
    cloud.call('PUT', url + '/projects/%s' % project['id'], status=204)
    cloud.call('GET', url + '/projects/%s' % project['id'], status=200)
    assert [p['id'] for p in cloud.call('GET', url + '/projects').json['projects']] == [
        project['id']]
    groups = cloud.call('GET', '/v3/OS-EP-FILTER/projects/%s/endpoint_groups'
                        % project['id']).json['endpoint_groups']
    assert [g['id'] for g in groups] == [group['id']]
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    assert _catalog_urls(cloud, token) == ['http://compute.example/public']
    cloud.call('DELETE', url, status=204)
    cloud.call('GET', url, status=404)
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    assert len(_catalog_urls(cloud, token)) >= 4
