"""Malformed requests get a 400 (or 405) with nova's fault body, never a 500,
and change nothing; IDs in a request resolve only within what the caller may
see."""

import json

import pytest

from services.compute import clients
from services.compute.objects import instance as inst_obj
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

OTHER = {'X-User-Id': 'other-user', 'X-Project-Id': 'other', 'X-Roles': 'member,reader'}
MAX_INT = 2 ** 31 - 1


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.flavor(name='m1.small', ram=128)
    c.add_compute('node1')
    yield c
    c.settle()


def _request(app, method, path, body=None, who=ADMIN, version='2.53', raw=None):
    data = raw if raw is not None else (b'' if body is None else json.dumps(body).encode())
    return app.request('/v2.1' + path, method=method, body=data, expect_errors=True,
                       headers=dict(headers(who, version), **{
                           'Content-Type': 'application/json'}))


def _bad_request(resp):
    assert resp.status_int == 400, (resp.status, resp.body[:300])
    assert set(resp.json) == {'badRequest'} and resp.json['badRequest']['code'] == 400


def _active(cloud, who=DEMO, **server):
    server_id = cloud.boot(who=who, **server)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


ACTION_BODIES = [
    {'reboot': 'x'}, {'reboot': None}, {'reboot': {}}, {'reboot': {'type': 1}},
    {'reboot': {'type': 'WARM'}}, {'reboot': {'type': 'SOFT', 'x': 1}},
    {'resize': 'x'}, {'resize': {}}, {'resize': {'flavorRef': []}},
    {'resize': {'flavorRef': ''}}, {'resize': {'flavorRef': 'm1.small', 'x': 1}},
    {'rebuild': 'x'}, {'rebuild': {}}, {'rebuild': {'imageRef': 5}},
    {'rebuild': {'imageRef': fixtures.IMAGE_ID, 'name': 7}},
    {'rebuild': {'imageRef': fixtures.IMAGE_ID, 'metadata': {'a': []}}},
    {'createImage': 'x'}, {'createImage': {}}, {'createImage': {'name': 5}},
    {'createImage': {'name': ' '}}, {'createImage': {'name': 'a', 'metadata': {'a': []}}},
    {'createImage': {'name': 'a', 'metadata': {'k' * 256: 'v'}}},
    {'createBackup': 'x'}, {'createBackup': {}},
    {'createBackup': {'name': 'a', 'backup_type': 'daily'}},
    {'createBackup': {'name': 'a', 'backup_type': 'daily', 'rotation': -1}},
    {'createBackup': {'name': 'a', 'backup_type': 'daily', 'rotation': str(10 ** 30)}},
    {'createBackup': {'name': 'a', 'backup_type': 'daily', 'rotation': 1.5}},
    {'createBackup': {'name': 'a', 'backup_type': ['daily'], 'rotation': 1}},
    {'lock': 'x'}, {'lock': {'locked_reason': 5}}, {'lock': []},
    {'os-getConsoleOutput': 'x'}, {'os-getConsoleOutput': {'length': 'zz'}},
    {'os-getConsoleOutput': {'length': -2}}, {'os-getConsoleOutput': {'length': [1]}},
    {'os-getConsoleOutput': {'length': 10 ** 30}},
    {'os-getConsoleOutput': {'length': str(10 ** 30)}},
    {'os-start': 'x'}, {'os-stop': 'x'}, {'os-stop': {'x': 1}}, {'pause': 5},
    {'unpause': []}, {'suspend': 'x'}, {'resume': 'x'}, {'confirmResize': 'x'},
    {'revertResize': 'x'}, {'shelve': 'x'}, {'shelveOffload': 'x'}, {'unshelve': 'x'},
    {'migrate': 'x'}, {'evacuate': 'x'}, {'evacuate': {'host': 5}},
    {'os-resetState': 'x'}, {'os-resetState': {'state': 'paused'}},
    {'addSecurityGroup': 'x'}, {'addSecurityGroup': {'name': 5}},
    {'addSecurityGroup': {'name': ''}}, {'removeSecurityGroup': {}},
    {'rescue': 'x'}, {'rescue': {'rescue_image_ref': 'x'}},
    {'rescue': {'rescue_image_ref': '../../../etc/passwd'}},
    {'forceDelete': 'x'}, {'unrescue': 'x'},
    {}, [], 'reboot', {'nothing': None}, {'reboot': {'type': 'HARD'}, 'pause': None},
]


def test_every_action_body_is_validated(cloud):
    server_id = _active(cloud)
    before = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                           headers=headers(DEMO)).json
    failures = []
    for body in ACTION_BODIES:
        for who in (DEMO, ADMIN):
            resp = _request(cloud.app, 'POST', '/servers/%s/action' % server_id, body, who)
            if resp.status_int != 400 or 'badRequest' not in resp.json:
                failures.append('%r: %s %s' % (body, resp.status, resp.body[:200]))
    assert not failures, '\n'.join(failures)
    server = cloud.show(server_id)
    assert (server['status'], server['OS-EXT-STS:task_state'], server['locked']) == (
        'ACTIVE', None, False)
    assert cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                         headers=headers(DEMO)).json == before


def test_action_bodies_clients_send_still_work(cloud):
    server_id = _active(cloud)
    for body in ({'reboot': {'type': 'soft'}}, {'lock': None}, {'unlock': {}},
                 {'os-getConsoleOutput': {'length': '5'}}, {'os-getConsoleOutput': None},
                 {'os-stop': None}):
        resp = _request(cloud.app, 'POST', '/servers/%s/action' % server_id, body, DEMO)
        assert resp.status_int in (200, 202), (body, resp.body)
        cloud.wait(server_id, 'SHUTOFF' if 'os-stop' in body else 'ACTIVE')


FLAVOR_FIELDS = [
    ('ram', MAX_INT + 1), ('ram', str(10 ** 20)), ('ram', 0), ('ram', 1.5), ('ram', True),
    ('vcpus', MAX_INT + 1), ('vcpus', '0'), ('disk', MAX_INT + 1), ('disk', -1),
    ('disk', str(MAX_INT + 1)), ('swap', MAX_INT + 1), ('swap', '99999999999'),
    ('OS-FLV-EXT-DATA:ephemeral', MAX_INT + 1), ('OS-FLV-EXT-DATA:ephemeral', '-1'),
    ('rxtx_factor', 'abc'), ('rxtx_factor', 0), ('rxtx_factor', -1), ('rxtx_factor', 1e39),
    ('rxtx_factor', '1e400'), ('rxtx_factor', []), ('id', -5), ('id', 1.5), ('id', []),
    ('name', 'x' * 256),
]


def test_flavor_numbers_out_of_range(app):
    for field, value in FLAVOR_FIELDS:
        body = {'flavor': {'name': 'bad', 'ram': 64, 'vcpus': 1, 'disk': 0, field: value}}
        _bad_request(_request(app, 'POST', '/flavors', body))
    assert 'bad' not in [f['name'] for f in app.get(
        '/v2.1/flavors', headers=ADMIN).json['flavors']]


def test_flavor_numbers_at_the_limits_are_stored(app):
    body = {'flavor': {'name': 'big', 'ram': MAX_INT, 'vcpus': str(MAX_INT), 'disk': MAX_INT,
                       'swap': '', 'rxtx_factor': '2.5', 'id': 'big'}}
    flavor = _request(app, 'POST', '/flavors', body).json['flavor']
    assert (flavor['ram'], flavor['vcpus'], flavor['swap'], flavor['rxtx_factor']) == (
        MAX_INT, MAX_INT, '', 2.5)


ODD_REQUESTS = [
    ('GET', '/flavors?minRam=99999999999999999999', None),
    ('GET', '/flavors?minDisk=x', None),
    ('GET', '/servers?limit=x', None),
    ('GET', '/servers?limit=%EF%BC%91', None),  # a full-width digit
    ('GET', '/servers?limit=-1', None),
    ('GET', '/os-server-groups?offset=x', None),
    ('GET', '/os-server-groups?offset=99999999999999999999', None),
    ('GET', '/servers?name=%00', None),
    ('POST', '/os-server-groups', {'server_group': {'name': 'a\x00b',
                                                   'policies': ['affinity']}}),
    ('POST', '/os-aggregates', {'aggregate': {'name': 'agg', 'availability_zone': 'z\x00'}}),
    ('POST', '/os-keypairs', {'keypair': {'name': 'k', 'x\x00': [['\x00']]}}),
    ('GET', '/servers?marker=nope', None),
    ('PUT', '/os-quota-sets/demo', {'quota_set': {'instances': 10 ** 20}}),
    ('PUT', '/os-quota-sets/demo', {'quota_set': {'instances': str(10 ** 20)}}),
    ('PUT', '/os-quota-sets/demo', {'quota_set': {'instances': -2}}),
    ('POST', '/servers', {'server': {'name': 'x', 'flavorRef': 'm1.nano', 'networks': 'none',
                                     'imageRef': fixtures.IMAGE_ID,
                                     'min_count': str(10 ** 20)}}),
    ('POST', '/servers', {'server': {'name': 'x', 'flavorRef': 'm1.nano', 'networks': 'none',
                                     'imageRef': fixtures.IMAGE_ID},
                          'os:scheduler_hints': {'group': 5}}),
    ('POST', '/servers', {'server': {'name': 'x', 'flavorRef': 'm1.nano', 'networks': 'none',
                                     'imageRef': fixtures.IMAGE_ID},
                          'os:scheduler_hints': {'same_host': 'nope'}}),
    ('POST', '/servers', {'server': {'name': 'x', 'flavorRef': 'm1.nano', 'networks': 'none',
                                     'imageRef': fixtures.IMAGE_ID,
                                     'metadata': {'a': 'b' * 256}}}),
    ('PUT', '/flavors/m1.nano/os-extra_specs/a', {'a': []}),
    ('PUT', '/flavors/m1.nano/os-extra_specs/a', {'a': 'b', 'c': 'd'}),
    ('POST', '/flavors/m1.nano/action', []),
    ('POST', '/flavors/m1.nano/action', {'addTenantAccess': {'tenant': 5}}),
    ('POST', '/os-aggregates/1/action', {'set_metadata': {'metadata': {'a': []}}}),
    ('POST', '/os-aggregates/1/action', {'add_host': {'host': 5}}),
    ('POST', '/os-aggregates/1/action', {'frobnicate': {}}),
    ('PUT', '/os-quota-sets/' + 'p' * 256, {'quota_set': {'instances': 1}}),
    ('PUT', '/servers/8c1bd32c-61b5-4b8e-8d8e-0e1c3a0a0b11',
     {'server': {'accessIPv4': '1' * 300}}),
    ('POST', '/os-keypairs', {'keypair': {'name': 'k', 'user_id': 'u' * 256}}),
    ('POST', '/os-keypairs', {'keypair': {'name': 'k', 'public_key': 'k' * 65536}}),
]


def test_odd_numbers_and_types_are_bad_requests(app):
    app.post_json('/v2.1/flavors', {'flavor': {'name': 'm1.nano', 'ram': 64, 'vcpus': 1,
                                               'disk': 0, 'id': 'm1.nano'}}, headers=ADMIN)
    app.post_json('/v2.1/os-aggregates', {'aggregate': {'name': 'a1'}}, headers=ADMIN)
    failures = []
    for method, path, body in ODD_REQUESTS:
        resp = _request(app, method, path, body)
        if resp.status_int != 400 or set(resp.json) != {'badRequest'}:
            failures.append('%s %s %r: %s %s' % (method, path, body, resp.status,
                                                 resp.body[:200]))
    assert not failures, '\n'.join(failures)
    assert _request(app, 'GET', '/os-quota-sets/demo').json['quota_set']['instances'] == 10
    _bad_request(_request(app, 'PUT', '/os-services/disable', {
        'host': 'h', 'binary': 'b', 'disabled_reason': 'r' * 256}, version='2.1'))


@pytest.mark.parametrize('path, version', [
    ('/os-aggregates/99999999999999999999', '2.53'),
    ('/os-hypervisors/99999999999999999999', '2.1'),
    ('/os-hypervisors/%C2%B2', '2.1'),  # a superscript digit
])
def test_integer_ids_beyond_the_column_are_not_found(app, path, version):
    resp = _request(app, 'GET', path, version=version)
    assert resp.status_int == 404 and 'itemNotFound' in resp.json


def test_service_ids_beyond_the_column_are_not_found(app):
    resp = _request(app, 'DELETE', '/os-services/99999999999999999999', version='2.1')
    assert resp.status_int == 404 and 'itemNotFound' in resp.json


def test_usage_window_from_year_one(app):
    resp = _request(app, 'GET', '/os-simple-tenant-usage/demo?start=0001-01-01T00:00:00')
    assert resp.status_int == 200 and resp.json == {'tenant_usage': {}}


def test_wrong_method_is_405_with_the_compute_fault(app):
    served = {('/v2.1/servers', 'POST'), ('/v2.1/flavors', 'POST'), ('/v2.1/os-keypairs', 'POST'),
              ('/v2.1/os-server-groups', 'POST'), ('/v2.1/os-aggregates', 'POST'),
              # "detail" reads as a server ID there, as in nova
              ('/v2.1/servers/detail', 'PUT'), ('/v2.1/servers/detail', 'DELETE')}
    for path in ('/', '/v2.1', '/v2.1/', '/v2.1/servers', '/v2.1/flavors', '/v2.1/os-keypairs',
                 '/v2.1/os-server-groups', '/v2.1/os-aggregates', '/v2.1/limits',
                 '/v2.1/os-hypervisors', '/v2.1/servers/detail'):
        for method in ('PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS'):
            if (path, method) in served:
                continue
            resp = app.request(path, method=method, body=b'{}', expect_errors=True,
                               headers=dict(ADMIN, **{'Content-Type': 'application/json'}))
            assert resp.status_int == 405, (method, path, resp.body)
            assert list(resp.json) == ['badMethod'] and resp.json['badMethod']['code'] == 405
            allow = [m.strip() for m in resp.headers['Allow'].split(',')]
            assert 'GET' in allow and len(allow) == len(set(allow)), (method, path)


# -- IDs resolved within what the caller may see ------------------------------

def _boot(cloud, who, status, hints=None, **server):
    body = {'server': dict({'name': 'x', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
                            'networks': 'none'}, **server)}
    if hints:
        body['os:scheduler_hints'] = hints
    resp = _request(cloud.app, 'POST', '/servers', body, who)
    assert resp.status_int == status, resp.body
    return resp.json


def _servers(cloud, who):
    return cloud.app.get('/v2.1/servers', headers=headers(who)).json['servers']


def test_another_projects_server_group_is_no_hint(cloud):
    group = cloud.app.post_json('/v2.1/os-server-groups', {'server_group': {
        'name': 'mine', 'policies': ['affinity']}}, headers=headers(DEMO)).json['server_group']
    resp = _boot(cloud, OTHER, 400, hints={'group': group['id']})
    assert group['id'] in resp['badRequest']['message']
    assert _servers(cloud, OTHER) == []
    shown = cloud.app.get('/v2.1/os-server-groups/%s' % group['id'],
                          headers=headers(DEMO)).json['server_group']
    assert shown['members'] == []
    # Its own project may; so may an admin, as in nova.
    mine = _boot(cloud, DEMO, 202, hints={'group': group['id']})['server']['id']
    assert cloud.app.get('/v2.1/os-server-groups/%s' % group['id'], headers=headers(
        DEMO)).json['server_group']['members'] == [mine]
    _boot(cloud, ADMIN, 202, hints={'group': group['id']})


def test_limits_of_another_project_are_for_admins(cloud):
    resp = _request(cloud.app, 'GET', '/limits?tenant_id=other', who=DEMO)
    assert resp.status_int == 403 and 'forbidden' in resp.json
    assert _request(cloud.app, 'GET', '/limits?tenant_id=demo', who=DEMO).status_int == 200
    _active(cloud, who=OTHER)
    used = _request(cloud.app, 'GET', '/limits?tenant_id=other', who=ADMIN).json
    assert used['limits']['absolute']['totalInstancesUsed'] == 1


def test_project_filters_in_lists_are_for_admins(cloud):
    _active(cloud, who=OTHER)
    for query in ('project_id=other', 'tenant_id=other'):
        assert _servers_query(cloud, DEMO, query) == []
    resp = _request(cloud.app, 'GET', '/servers?all_tenants=1', who=DEMO)
    assert resp.status_int == 403
    assert len(_servers_query(cloud, ADMIN, 'all_tenants=1&project_id=other')) == 1
    groups = _request(cloud.app, 'GET', '/os-server-groups?all_projects=True', who=OTHER)
    assert groups.status_int == 200


def _servers_query(cloud, who, query):
    return cloud.app.get('/v2.1/servers?' + query, headers=headers(who)).json['servers']


def test_private_flavor_of_another_project_is_invalid(cloud):
    cloud.flavor(name='p-demo', **{'os-flavor-access:is_public': False})
    cloud.app.post_json('/v2.1/flavors/p-demo/action', {'addTenantAccess': {
        'tenant': 'demo'}}, headers=ADMIN)
    resp = _boot(cloud, OTHER, 400, flavorRef='p-demo')
    assert resp['badRequest']['message'] == 'Invalid flavorRef provided.'
    server_id = _active(cloud, who=OTHER)
    resp = _request(cloud.app, 'POST', '/servers/%s/action' % server_id,
                    {'resize': {'flavorRef': 'p-demo'}}, OTHER)
    _bad_request(resp)
    assert cloud.show(server_id)['flavor']['original_name'] == 'm1.nano'


def test_private_image_of_another_project_is_invalid(cloud):
    private = 'a0f9c0f1-7c43-4d5e-9f51-2a8a5d3b9e01'
    fake = clients.image_client()
    fake.images.update(lambda data: data.__setitem__(private, {
        'id': private, 'name': 'demo-only', 'owner': 'demo', 'visibility': 'private',
        'status': 'active'}))
    _boot(cloud, OTHER, 400, imageRef=private)
    server_id = _active(cloud, who=OTHER)
    for body in ({'rebuild': {'imageRef': private}}, {'rescue': {'rescue_image_ref': private}}):
        _bad_request(_request(cloud.app, 'POST', '/servers/%s/action' % server_id, body, OTHER))
    server = cloud.show(server_id)
    assert (server['status'], server['image']['id']) == ('ACTIVE', fixtures.IMAGE_ID)
    # Its owner may rescue from it.
    demo_server = _active(cloud)
    resp = _request(cloud.app, 'POST', '/servers/%s/action' % demo_server,
                    {'rescue': {'rescue_image_ref': private}}, DEMO)
    assert resp.status_int == 200
    cloud.wait(demo_server, 'RESCUE')


def test_port_of_another_project_cannot_be_used(cloud, env):
    demo_server = _active(cloud, networks='auto')
    port_id = inst_obj.Instance.get_by_uuid(env.admin_context(),
                                            demo_server).network_info[0]['port_id']
    resp = _boot(cloud, OTHER, 400, networks=[{'port': port_id}])
    assert port_id in resp['badRequest']['message']
    other_server = _active(cloud, who=OTHER)
    resp = _request(cloud.app, 'POST', '/servers/%s/os-interface' % other_server,
                    {'interfaceAttachment': {'port_id': port_id}}, OTHER)
    assert resp.status_int == 404
    resp = _request(cloud.app, 'GET', '/servers/%s/os-interface/%s' % (other_server, port_id),
                    who=OTHER)
    assert resp.status_int == 404
    port = clients.network_client().ports.read()[port_id]
    assert port['device_id'] == demo_server


def test_image_cache_never_takes_a_path(env):
    from services.compute import exception
    from services.compute.compute import manager as compute_manager
    manager = compute_manager.ComputeManager('node1')
    with pytest.raises(exception.ImageNotFound):
        manager._cached_image(env.admin_context(), '../../etc/passwd')


def test_security_group_entries_without_a_name_are_skipped(cloud, app):
    # As nova: {} in security_groups names nothing; a repeated name counts once.
    body = {'server': {'name': 'sg', 'imageRef': fixtures.IMAGE_ID, 'flavorRef': 'm1.nano',
                       'networks': 'none',
                       'security_groups': [{}, {'name': 'default'}, {'name': 'default'}]}}
    resp = _request(app, 'POST', '/servers', body, who=DEMO)
    assert resp.status_int == 202, resp.body[:300]
    shown = _request(app, 'GET', '/servers/' + resp.json['server']['id'], who=DEMO)
    assert shown.json['server'].get('security_groups', []) in (
        [], [{'name': 'default'}])
