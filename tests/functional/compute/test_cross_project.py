"""Project isolation and roles on the running compute daemons, with the real
identity, image and network services and keystone tokens (openstacksdk).

Project A (``demo``) owns a server, a server group, a key pair, a private
flavor and a network with a free port.  A member of project B (``other``)
and a reader of A try to see, change, delete and act on them, and to use
them in their own requests: every attempt is refused with the status nova
gives (404 where the resource is not theirs to see), nothing changes and
nothing shows up in their lists.  Compute's service user holds only
keystone's ``service`` role.
"""

import time

import openstack
import pytest

from tests.functional.compute import fixtures
from tests.functional.image import fixtures as image_fixtures

pytestmark = pytest.mark.functional

VERSION = '2.53'
READER_PASSWORD = 'reader-secret'


def _register_network(identity, network_url):
    admin = openstack.connect(**identity.cloud_config())
    svc = admin.identity.create_service(name='neutron', type='network')
    for iface in ('public', 'internal', 'admin'):
        admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=network_url,
                                       region_id='RegionOne')
    admin.close()


def _wait(sdk, server_id, status, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        server = sdk.compute.get_server(server_id)
        if server.status == status and not server.task_state:
            return server
        time.sleep(0.3)
    raise AssertionError('%s stayed %s: %s' % (server_id, server.status, server.fault))


class World:
    pass


@pytest.fixture(scope='module')
def world(tmp_path_factory, identity_server, image_server, network_server):
    _register_network(identity_server, network_server.url)
    workdir = tmp_path_factory.mktemp('compute')
    cloud = fixtures.ComputeCloud(workdir, 'sqlite:///%s/compute.sqlite' % workdir,
                                  identity=identity_server, hosts=('cmp-x',))
    # Compute's service user is no admin: keystone's service role is all its
    # own calls (port binding at the network service) need.
    cloud.register()
    w = World()
    try:
        cloud.start()
        admin = openstack.connect(**identity_server.cloud_config())
        image = admin.image.create_image(name='cirros', data=b'guest\n' * 64,
                                         disk_format='raw', container_format='bare',
                                         visibility='public')
        shared = admin.network.create_network(name='shared', shared=True)
        admin.network.create_subnet(network_id=shared.id, cidr='192.0.2.0/24', ip_version=4)
        admin.compute.create_flavor(name='m1.nano', ram=64, vcpus=1, disk=0, id='nano')
        admin.compute.create_flavor(name='m1.small', ram=128, vcpus=1, disk=0, id='small')
        admin.compute.create_flavor(name='a-only', ram=64, vcpus=1, disk=0, id='a-only',
                                    is_public=False)
        projects = image_server.projects
        admin.compute.flavor_add_tenant_access('a-only', projects['demo'])
        reader = admin.identity.create_user(name='reader-a', password=READER_PASSWORD,
                                            domain_id='default')
        admin.identity.assign_project_role_to_user(projects['demo'], reader,
                                                   admin.identity.find_role('reader'))
        w.admin = admin
        w.a = openstack.connect(**identity_server.cloud_config(
            'demo-user', image_fixtures.USER_PASSWORD, 'demo'))
        w.b = openstack.connect(**identity_server.cloud_config(
            'other-user', image_fixtures.USER_PASSWORD, 'other'))
        w.reader = openstack.connect(**identity_server.cloud_config(
            'reader-a', READER_PASSWORD, 'demo'))
        w.project_a = projects['demo']
        w.image_id, w.shared_id = image.id, shared.id
        # A's own network with a free port, and A's server, group and key.
        net = w.a.network.create_network(name='a-net')
        w.a.network.create_subnet(network_id=net.id, cidr='198.51.100.0/24', ip_version=4)
        w.net_a = net.id
        w.port_a = w.a.network.create_port(network_id=net.id).id
        w.group_a = w.a.compute.create_server_group(name='ga', policies=['affinity']).id
        w.a.compute.create_keypair(name='ka')
        w.server_a = w.a.compute.create_server(
            name='sa', image_id=image.id, flavor_id='nano', networks=[{'uuid': shared.id}],
            metadata={'k': 'v'}).id
        w.server_b = w.b.compute.create_server(
            name='sb', image_id=image.id, flavor_id='nano',
            networks=[{'uuid': shared.id}]).id
        _wait(w.a, w.server_a, 'ACTIVE')
        _wait(w.b, w.server_b, 'ACTIVE')
        yield w
    finally:
        for name in ('a', 'b', 'reader', 'admin'):
            if hasattr(w, name):
                getattr(w, name).close()
        cloud.stop()


def _call(conn, method, path, body=None):
    return conn.compute.request(path, method, json=body, microversion=VERSION,
                                raise_exc=False)


def _state(w):
    """What the attempts must not change, read as A's member."""
    server = _call(w.a, 'GET', '/servers/%s' % w.server_a).json()['server']
    group = _call(w.a, 'GET', '/os-server-groups/%s' % w.group_a).json()['server_group']
    actions = _call(w.a, 'GET', '/servers/%s/os-instance-actions' % w.server_a).json()
    port = w.a.network.get_port(w.port_a)
    return {'server': (server['name'], server['status'], server['locked'],
                       server['metadata'], server['OS-EXT-STS:task_state'],
                       server['flavor']['original_name'], server['image']['id']),
            'actions': len(actions['instanceActions']),
            'group': (group['name'], group['members']),
            'keys': [k['keypair']['name'] for k in _call(w.a, 'GET', '/os-keypairs').json()[
                'keypairs']],
            'port': (port.device_id, port.device_owner)}


ACTIONS = [{'reboot': {'type': 'SOFT'}}, {'os-stop': None}, {'lock': None},
           {'createImage': {'name': 'stolen'}}, {'resize': {'flavorRef': 'small'}},
           {'shelve': None}, {'os-getConsoleOutput': {'length': 10}},
           {'addSecurityGroup': {'name': 'default'}}, {'rebuild': {'imageRef': None}},
           {'forceDelete': None}]


def _attempts(w):
    """(label, method, path, body) of everything tried on A's resources."""
    s = '/servers/%s' % w.server_a
    tries = [('update', 'PUT', s, {'server': {'name': 'mine'}}),
             ('set metadata', 'PUT', s + '/metadata/k', {'meta': {'k': 'x'}}),
             ('delete metadata', 'DELETE', s + '/metadata/k', None),
             ('add tag', 'PUT', s + '/tags/t', None),
             ('add interface', 'POST', s + '/os-interface',
              {'interfaceAttachment': {'net_id': w.shared_id}}),
             ('delete group', 'DELETE', '/os-server-groups/%s' % w.group_a, None),
             ('delete', 'DELETE', s, None)]
    for body in ACTIONS:
        body = {k: ({'imageRef': w.image_id} if k == 'rebuild' else v) for k, v in body.items()}
        tries.insert(-1, ('action %s' % next(iter(body)), 'POST', s + '/action', body))
    return tries


def test_project_b_sees_and_changes_nothing_of_project_a(world):
    w = world
    before = _state(w)
    s = '/servers/%s' % w.server_a
    for path in (s, s + '/metadata', s + '/os-interface', s + '/os-instance-actions',
                 '/os-server-groups/%s' % w.group_a):
        resp = _call(w.b, 'GET', path)
        assert resp.status_code == 404 and 'itemNotFound' in resp.json(), path
    assert _call(w.b, 'GET', '/os-keypairs/ka').status_code == 404
    # Key pairs belong to a user: B's name space has no "ka", and naming A's
    # member as the owner is for admins only.
    assert _call(w.b, 'DELETE', '/os-keypairs/ka').status_code == 404
    user_a = w.a.current_user_id
    for method in ('GET', 'DELETE'):
        resp = _call(w.b, method, '/os-keypairs/ka?user_id=%s' % user_a)
        assert resp.status_code == 403 and 'forbidden' in resp.json()
    listed = [x['id'] for x in _call(w.b, 'GET', '/servers/detail?all_tenants=0').json()[
        'servers']]
    assert listed == [w.server_b]
    assert _call(w.b, 'GET', '/servers?all_tenants=1').status_code == 403
    for query in ('project_id', 'tenant_id'):
        assert [x['id'] for x in _call(w.b, 'GET', '/servers?%s=%s' % (
            query, w.project_a)).json()['servers']] == [w.server_b]
    groups = _call(w.b, 'GET', '/os-server-groups?all_projects=True').json()['server_groups']
    assert w.group_a not in [g['id'] for g in groups]
    assert _call(w.b, 'GET', '/os-keypairs').json()['keypairs'] == []
    resp = _call(w.b, 'GET', '/limits?tenant_id=%s' % w.project_a)
    assert resp.status_code == 403 and 'forbidden' in resp.json()
    assert _call(w.b, 'GET', '/os-quota-sets/%s' % w.project_a).status_code == 403
    assert _call(w.b, 'GET', '/os-simple-tenant-usage/%s' % w.project_a).status_code == 403
    failures = []
    for label, method, path, body in _attempts(w):
        resp = _call(w.b, method, path, body)
        if resp.status_code != 404 or 'itemNotFound' not in resp.json():
            failures.append('%s: %d %s' % (label, resp.status_code, resp.text[:200]))
    assert not failures, failures
    assert _state(w) == before


def test_project_b_cannot_use_project_a_resources(world):
    w = world
    before = _state(w)

    def boot(status, hints=None, **server):
        body = {'server': dict({'name': 'intruder', 'imageRef': w.image_id,
                                'flavorRef': 'nano', 'networks': [{'uuid': w.shared_id}]},
                               **server)}
        if hints:
            body['os:scheduler_hints'] = hints
        resp = _call(w.b, 'POST', '/servers', body)
        assert resp.status_code == status, resp.text
        assert 'badRequest' in resp.json()

    boot(400, hints={'group': w.group_a})
    boot(400, flavorRef='a-only')
    boot(400, networks=[{'port': w.port_a}])
    boot(400, networks=[{'uuid': w.net_a}])
    boot(400, key_name='ka')
    s = '/servers/%s' % w.server_b
    resp = _call(w.b, 'POST', s + '/action', {'resize': {'flavorRef': 'a-only'}})
    assert resp.status_code == 400
    resp = _call(w.b, 'POST', s + '/os-interface', {'interfaceAttachment': {
        'port_id': w.port_a}})
    assert resp.status_code == 404, resp.text
    resp = _call(w.b, 'POST', s + '/os-interface', {'interfaceAttachment': {
        'net_id': w.net_a}})
    assert resp.status_code == 404, resp.text
    assert [x['name'] for x in _call(w.b, 'GET', '/servers').json()['servers']] == ['sb']
    assert len(w.b.compute.get_server(w.server_b).addresses['shared']) == 1
    assert _state(w) == before


def test_reader_of_a_reads_but_changes_nothing(world):
    w = world
    before = _state(w)
    s = '/servers/%s' % w.server_a
    for path in (s, s + '/metadata', s + '/os-interface', s + '/os-instance-actions',
                 '/os-server-groups/%s' % w.group_a, '/limits', '/os-quota-sets/%s' % w.project_a):
        assert _call(w.reader, 'GET', path).status_code == 200, path
    assert [x['id'] for x in _call(w.reader, 'GET', '/servers').json()['servers']] == [
        w.server_a]
    # Key pairs are per user: A's member's key is not the reader's.
    assert _call(w.reader, 'GET', '/os-keypairs/ka').status_code == 404
    resp = _call(w.reader, 'DELETE', '/os-keypairs/ka?user_id=%s' % w.a.current_user_id)
    assert resp.status_code == 403
    failures = []
    for label, method, path, body in _attempts(w) + [
            ('create server', 'POST', '/servers', {'server': {
                'name': 'r', 'imageRef': w.image_id, 'flavorRef': 'nano',
                'networks': [{'uuid': w.shared_id}]}}),
            ('create group', 'POST', '/os-server-groups', {'server_group': {
                'name': 'rg', 'policies': ['affinity']}})]:
        resp = _call(w.reader, method, path, body)
        if resp.status_code != 403 or 'forbidden' not in resp.json():
            failures.append('%s: %d %s' % (label, resp.status_code, resp.text[:200]))
    assert not failures, failures
    assert _state(w) == before
    assert [g['name'] for g in _call(w.a, 'GET', '/os-server-groups').json()[
        'server_groups']] == ['ga']
    assert [x['name'] for x in _call(w.a, 'GET', '/servers').json()['servers']] == ['sa']
