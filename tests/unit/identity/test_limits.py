"""/v3/registered_limits and /v3/limits through the in-process API."""

import pytest


@pytest.fixture
def service(cloud):
    return cloud.call('POST', '/v3/services', {'service': {'type': 'compute',
                                                           'name': 'nova'}}).json['service']


def _registered(cloud, service, status=201, **kw):
    item = {'service_id': service['id'], 'resource_name': 'cores', 'default_limit': 10}
    item.update(kw)
    return cloud.call('POST', '/v3/registered_limits', {'registered_limits': [item]},
                      status=status)


def test_registered_limits(cloud, service):
    resp = _registered(cloud, service, region_id='RegionOne', description='vCPUs')
    ref = resp.json['registered_limits'][0]
    assert ref['default_limit'] == 10 and ref['region_id'] == 'RegionOne'
    assert ref['links']['self'].endswith('/v3/registered_limits/%s' % ref['id'])
    _registered(cloud, service, status=409, region_id='RegionOne')
    _registered(cloud, service, status=400, service_id='nope')
    _registered(cloud, service, status=400, region_id='nowhere')
    _registered(cloud, service, status=400, default_limit='many')
    url = '/v3/registered_limits/%s' % ref['id']
    assert cloud.call('GET', url).json['registered_limit']['id'] == ref['id']
    listed = cloud.call('GET', '/v3/registered_limits?resource_name=cores').json
    assert [r['id'] for r in listed['registered_limits']] == [ref['id']]
    assert cloud.call('GET', '/v3/registered_limits?resource_name=ram').json[
        'registered_limits'] == []
    updated = cloud.call('PATCH', url, {'registered_limit': {'default_limit': 20}}).json
    assert updated['registered_limit']['default_limit'] == 20
    # a member reads but does not write
    cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    cloud.call('GET', url, token=token, status=200)
    cloud.call('PATCH', url, {'registered_limit': {'default_limit': 1}}, token=token,
               status=403)
    cloud.call('DELETE', url, status=204)
    cloud.call('GET', url, status=404)


def test_project_limits(cloud, service):
    _registered(cloud, service)
    user, project = cloud.make_member()
    body = {'limits': [{'service_id': service['id'], 'project_id': project['id'],
                        'resource_name': 'cores', 'resource_limit': 5}]}
    limit = cloud.call('POST', '/v3/limits', body, status=201).json['limits'][0]
    assert (limit['project_id'], limit['resource_limit']) == (project['id'], 5)
    cloud.call('POST', '/v3/limits', body, status=409)
    missing = {'limits': [dict(body['limits'][0], resource_name='ram')]}
    cloud.call('POST', '/v3/limits', missing, status=400)   # nothing registered
    both = {'limits': [dict(body['limits'][0], domain_id='default')]}
    cloud.call('POST', '/v3/limits', both, status=400)
    url = '/v3/limits/%s' % limit['id']
    patched = cloud.call('PATCH', url, {'limit': {'resource_limit': 7}}).json['limit']
    assert patched['resource_limit'] == 7
    assert cloud.call('GET', '/v3/limits/model').json['model']['name'] == 'flat'
    # the project's member sees its limit, not others'
    other = cloud.managers.resource.create_project({'name': 'other', 'domain_id': 'default'})
    cloud.call('POST', '/v3/limits', {'limits': [dict(body['limits'][0],
                                                      project_id=other['id'])]}, status=201)
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    seen = cloud.call('GET', '/v3/limits', token=token).json['limits']
    assert [l['id'] for l in seen] == [limit['id']]
    cloud.call('GET', url, token=token, status=200)
    assert len(cloud.call('GET', '/v3/limits').json['limits']) == 2
    cloud.call('DELETE', url, token=token, status=403)
    # a registered limit in use stays
    reg_id = cloud.call('GET', '/v3/registered_limits').json['registered_limits'][0]['id']
    cloud.call('DELETE', '/v3/registered_limits/%s' % reg_id, status=403)
    cloud.call('DELETE', url, status=204)
    # deleting a project deletes its limits
    cloud.call('DELETE', '/v3/projects/%s' % other['id'], status=204)
    assert cloud.call('GET', '/v3/limits').json['limits'] == []
    cloud.call('DELETE', '/v3/registered_limits/%s' % reg_id, status=204)
