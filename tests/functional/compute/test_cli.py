"""The issue's acceptance, run as a user would: the real ``openstack`` CLI
against the compute daemons (API, conductor, scheduler, two computes on the
fake hypervisor) with the real identity, image and network services."""

import time

import openstack
import pytest

from tests.functional.compute import fixtures
from tests.functional.identity.cli import CLI
from tests.functional.image import fixtures as image_fixtures

pytestmark = pytest.mark.functional


def _register_network(identity, network_url):
    admin = openstack.connect(**identity.cloud_config())
    svc = admin.identity.create_service(name='neutron', type='network')
    for iface in ('public', 'internal', 'admin'):
        admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=network_url,
                                       region_id='RegionOne')
    admin.close()


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, identity_server, image_server, network_server):
    _register_network(identity_server, network_server.url)
    workdir = tmp_path_factory.mktemp('compute')
    # Shelved servers stay on their host until shelveOffload, so the CLI can
    # drive shelve, unshelve in place, shelve --offload and unshelve through
    # the scheduler (the unit tests cover the default immediate offload).
    c = fixtures.ComputeCloud(workdir, 'sqlite:///%s/compute.sqlite' % workdir,
                              identity=identity_server, hosts=('cmp-a', 'cmp-b'),
                              extra={'compute': {'shelved_offload_time': -1},
                                     'DEFAULT': {'instance_usage_audit': True,
                                                 'instance_usage_audit_interval': 1}})
    c.register()
    try:
        c.start()
        admin = openstack.connect(**identity_server.cloud_config())
        image = admin.image.create_image(name='cirros', data=b'fake guest disk\n' * 64,
                                         disk_format='raw', container_format='bare',
                                         visibility='public')
        net = admin.network.create_network(name='private', shared=True)
        admin.network.create_subnet(network_id=net.id, cidr='192.0.2.0/24', ip_version=4,
                                    name='private-subnet')
        admin.close()
        c.image_id = image.id
        c.network_id = net.id
        yield c
    finally:
        c.stop()


@pytest.fixture(scope='module')
def clis(cloud, identity_server, image_server):
    path = identity_server.write_clouds_yaml(cloud.workdir / 'clouds.yaml',
                                             image_server.clouds())
    return {'admin': CLI(identity_server, 'altostratus-admin', path),
            'demo': CLI(identity_server, 'alto-demo', path),
            'other': CLI(identity_server, 'alto-other', path)}


@pytest.fixture(scope='module')
def demo_sdk(identity_server, image_server):
    conn = openstack.connect(**identity_server.cloud_config(
        'demo-user', image_fixtures.USER_PASSWORD, 'demo'))
    yield conn
    conn.close()


def _wait_status(sdk, name_or_id, status, timeout=30):
    """Poll with the SDK (a CLI run per poll would cost seconds each)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        server = sdk.compute.find_server(name_or_id, ignore_missing=False)
        if server.status == status and not server.task_state:
            return server
        time.sleep(0.3)
    raise AssertionError('%s stayed %s' % (name_or_id, server.status))


def _wait_gone(sdk, server_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sdk.compute.find_server(server_id) is None:
            return
        time.sleep(0.3)
    raise AssertionError('%s was not deleted' % server_id)


def test_flavors_and_keypairs(clis):
    admin, demo = clis['admin'], clis['demo']
    admin.run('flavor', 'create', '--ram', '64', '--vcpus', '1', '--disk', '0',
              '--id', 'nano', 'm1.nano')
    admin.run('flavor', 'create', '--ram', '128', '--vcpus', '2', '--disk', '1',
              '--id', 'small', 'm1.small')
    admin.run('flavor', 'create', '--ram', '32', '--vcpus', '1', '--disk', '0', 'scratch')
    admin.run('flavor', 'set', '--property', 'hw:cpu_policy=shared', 'scratch')
    shown = admin.json('flavor', 'show', 'scratch')
    assert shown['ram'] == 32 and 'hw:cpu_policy' in str(shown['properties'])
    names = {f['Name'] for f in demo.json('flavor', 'list')}
    assert {'m1.nano', 'm1.small', 'scratch'} <= names
    admin.run('flavor', 'delete', 'scratch')
    assert 'scratch' not in {f['Name'] for f in demo.json('flavor', 'list')}
    created = demo.run('keypair', 'create', 'demo-key')
    assert 'PRIVATE KEY' in created
    assert [k['Name'] for k in demo.json('keypair', 'list')] == ['demo-key']
    demo.run('keypair', 'create', 'spare')
    demo.run('keypair', 'delete', 'spare')
    assert [k['Name'] for k in demo.json('keypair', 'list')] == ['demo-key']
    assert clis['other'].json('keypair', 'list') == []


def test_server_lifecycle(clis, cloud, demo_sdk):
    demo = clis['demo']
    server = demo.json('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                       '--network', 'private', '--key-name', 'demo-key', '--wait', 'vm1')
    assert server['status'] == 'ACTIVE'
    assert '192.0.2.' in str(server['addresses'])
    listed = demo.json('server', 'list')
    assert [(s['Name'], s['Status']) for s in listed] == [('vm1', 'ACTIVE')]
    assert clis['other'].json('server', 'list') == []
    demo.run('server', 'set', '--name', 'web1', '--property', 'role=web', 'vm1')
    shown = demo.json('server', 'show', 'web1')
    assert 'role' in str(shown['properties'])
    demo.run('server', 'reboot', 'web1')
    _wait_status(demo_sdk, 'web1', 'ACTIVE')
    demo.run('server', 'stop', 'web1')
    _wait_status(demo_sdk, 'web1', 'SHUTOFF')
    demo.run('server', 'start', 'web1')
    _wait_status(demo_sdk, 'web1', 'ACTIVE')
    demo.run('server', 'pause', 'web1')
    _wait_status(demo_sdk, 'web1', 'PAUSED')
    demo.run('server', 'unpause', 'web1')
    _wait_status(demo_sdk, 'web1', 'ACTIVE')
    demo.run('server', 'suspend', 'web1')
    _wait_status(demo_sdk, 'web1', 'SUSPENDED')
    demo.run('server', 'resume', 'web1')
    _wait_status(demo_sdk, 'web1', 'ACTIVE')
    demo.run('server', 'resize', '--flavor', 'm1.small', 'web1')
    _wait_status(demo_sdk, 'web1', 'VERIFY_RESIZE')
    demo.run('server', 'resize', 'confirm', 'web1')
    shown = _wait_status(demo_sdk, 'web1', 'ACTIVE')
    assert shown.flavor['original_name'] == 'm1.small'
    demo.run('server', 'image', 'create', '--name', 'web1-snap', '--wait', 'web1')
    images = {i['Name']: i['Status'] for i in demo.json('image', 'list')}
    assert images.get('web1-snap') == 'active'
    log = demo.run('console', 'log', 'show', 'web1')
    assert 'Booting web1' in log or 'Booting vm1' in log
    console = demo.json('console', 'url', 'show', '--novnc', 'web1')
    assert console['type'] == 'novnc', console
    assert '/vnc_auto.html?path=%3Ftoken%3D' in console['url'], console
    events = demo.json('server', 'event', 'list', 'web1')
    assert {'create', 'reboot', 'stop', 'start', 'resize', 'createImage'} <= {
        e['Action'] for e in events}
    demo.run('server', 'delete', 'web1')
    _wait_gone(demo_sdk, shown.id)
    assert demo.json('server', 'list') == []


def test_bad_input_gives_nova_fault_bodies(cloud, demo_sdk):
    def create(**server):
        body = {'server': dict({'name': 'bad', 'imageRef': cloud.image_id,
                                'flavorRef': 'nano', 'networks': [{'uuid': cloud.network_id}]},
                               **server)}
        return demo_sdk.compute.post('/servers', json=body,
                                     microversion='2.53')
    resp = create(flavorRef='no-such-flavor')
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {'code': 400,
                                          'message': 'Invalid flavorRef provided.'}}
    resp = create(imageRef='3f1e0f86-9b4c-4d6e-8d43-1f6c3b9b7c11')
    assert resp.status_code == 400 and 'badRequest' in resp.json()
    resp = create(networks=[{'uuid': '3f1e0f86-9b4c-4d6e-8d43-1f6c3b9b7c11'}])
    assert resp.status_code == 400 and 'badRequest' in resp.json()
    resp = demo_sdk.compute.get('/servers/3f1e0f86-9b4c-4d6e-8d43-1f6c3b9b7c11')
    assert resp.status_code == 404 and 'itemNotFound' in resp.json()


def test_admin_views_services_and_hypervisors(clis, cloud):
    admin = clis['admin']
    services = admin.json('compute', 'service', 'list')
    by_binary = {}
    for row in services:
        by_binary.setdefault(row['Binary'], []).append(row)
    assert set(by_binary) == {'nova-conductor', 'nova-scheduler',
                              'nova-compute'}
    assert {r['Host'] for r in by_binary['nova-compute']} == {'cmp-a', 'cmp-b'}
    assert all(r['State'] == 'up' for r in services)
    hypervisors = admin.json('hypervisor', 'list')
    assert {h['Hypervisor Hostname'] for h in hypervisors} == {'cmp-a', 'cmp-b'}
    shown = admin.json('hypervisor', 'show', 'cmp-a')
    assert shown['hypervisor_hostname'] == 'cmp-a' and shown['state'] == 'up'
    assert shown['load_average'].count(',') == 2 and shown['uptime'] and shown['users']
    stats = admin.json('hypervisor', 'stats', 'show')
    assert stats['count'] == 2
    zones = admin.json('availability', 'zone', 'list', '--compute')
    assert {z['Zone Name'] for z in zones} == {'nova', 'internal'}


@pytest.mark.heavy
def test_aggregate_az_groups_and_load_sharing(clis, cloud, demo_sdk):
    admin, demo = clis['admin'], clis['demo']
    admin.run('aggregate', 'create', '--zone', 'az-b', 'agg-b')
    admin.run('aggregate', 'add', 'host', 'agg-b', 'cmp-b')
    server = demo.json('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                       '--network', 'private', '--availability-zone', 'az-b', 'in-b')
    _wait_status(demo_sdk, server['id'], 'ACTIVE')
    assert admin.json('server', 'show', server['id'])['OS-EXT-SRV-ATTR:host'] == 'cmp-b'
    demo.run('server', 'delete', 'in-b')
    _wait_gone(demo_sdk, server['id'])
    admin.run('aggregate', 'remove', 'host', 'agg-b', 'cmp-b')
    admin.run('aggregate', 'delete', 'agg-b')
    group = demo.json('server', 'group', 'create', '--policy', 'anti-affinity', 'spread')
    hosts = set()
    for name in ('g1', 'g2'):
        server = demo.json('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                           '--network', 'private', '--hint', 'group=%s' % group['id'],
                           name)
        _wait_status(demo_sdk, server['id'], 'ACTIVE')
        hosts.add(admin.json('server', 'show', server['id'])['OS-EXT-SRV-ATTR:host'])
    assert hosts == {'cmp-a', 'cmp-b'}
    failed = demo.json('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                       '--network', 'private', '--hint', 'group=%s' % group['id'], 'g3')
    shown = _wait_status(demo_sdk, failed['id'], 'ERROR')
    assert 'No valid host' in shown.fault['message']
    demo.run('server', 'delete', 'g1', 'g2', failed['id'])
    for server in list(demo_sdk.compute.servers()):
        _wait_gone(demo_sdk, server.id)


def _wait_ports(sdk, server_id, count, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        ports = list(sdk.network.ports(device_id=server_id))
        if len(ports) == count:
            return ports
        time.sleep(0.3)
    raise AssertionError('%s kept %d ports' % (server_id, len(ports)))


def test_port_interfaces(clis, cloud, demo_sdk):
    demo = clis['demo']
    extra = demo_sdk.network.create_network(name='extra')
    demo_sdk.network.create_subnet(network_id=extra.id, cidr='198.51.100.0/24', ip_version=4,
                                   name='extra-subnet')
    spare = demo_sdk.network.create_port(network_id=cloud.network_id, name='spare')
    server = demo.json('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                       '--network', 'private', '--wait', 'nic')
    demo.run('server', 'add', 'network', 'nic', 'extra')
    demo.run('server', 'add', 'port', 'nic', 'spare')
    ports = demo.json('port', 'list', '--server', 'nic')
    assert len(ports) == 3 and spare.id in {p['ID'] for p in ports}
    addresses = str(demo.json('server', 'show', 'nic')['addresses'])
    assert '198.51.100.' in addresses and spare.fixed_ips[0]['ip_address'] in addresses
    demo.run('server', 'remove', 'port', 'nic', 'spare')
    demo.run('server', 'remove', 'network', 'nic', 'extra')
    [left] = _wait_ports(demo_sdk, server['id'], 1)
    assert left.network_id == cloud.network_id
    kept = demo_sdk.network.get_port(spare.id)  # the user's port outlives the detach
    assert not kept.device_id and not kept.binding_host_id
    assert list(demo_sdk.network.ports(network_id=extra.id)) == []
    demo.run('server', 'delete', 'nic')
    _wait_gone(demo_sdk, server['id'])
    demo_sdk.network.delete_port(spare.id)
    demo_sdk.network.delete_network(extra.id)


@pytest.mark.heavy
def test_shelve_and_unshelve(clis, cloud, demo_sdk):
    admin, demo = clis['admin'], clis['demo']
    server = demo.json('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                       '--network', 'private', '--wait', 'shelf')
    demo.run('server', 'shelve', 'shelf')
    _wait_status(demo_sdk, server['id'], 'SHELVED')
    images = {i['Name']: i['Status'] for i in demo.json('image', 'list')}
    assert images.get('shelf-shelved') == 'active'
    demo.run('server', 'unshelve', 'shelf')
    _wait_status(demo_sdk, server['id'], 'ACTIVE')
    assert 'shelf-shelved' not in {i['Name'] for i in demo.json('image', 'list')}
    # Offloading is admin-only: shelve again, then take it off its host.
    admin.run('server', 'shelve', '--offload', server['id'])
    _wait_status(demo_sdk, server['id'], 'SHELVED_OFFLOADED')
    shown = admin.json('server', 'show', server['id'])
    assert shown['status'] == 'SHELVED_OFFLOADED'
    assert shown['OS-EXT-SRV-ATTR:host'] is None
    assert '192.0.2.' in str(shown['addresses'])
    demo.run('server', 'unshelve', 'shelf')
    _wait_status(demo_sdk, server['id'], 'ACTIVE')
    assert admin.json('server', 'show', server['id'])['OS-EXT-SRV-ATTR:host'] in (
        'cmp-a', 'cmp-b')
    events = {e['Action'] for e in demo.json('server', 'event', 'list', 'shelf')}
    assert {'shelve', 'shelveOffload', 'unshelve'} <= events
    demo.run('server', 'shelve', 'shelf')
    _wait_status(demo_sdk, server['id'], 'SHELVED')
    demo.run('server', 'delete', 'shelf')
    _wait_gone(demo_sdk, server['id'])
    assert 'shelf-shelved' not in {i['Name'] for i in demo.json('image', 'list')}


def test_quota_refuses_the_instance_over_the_limit(clis, cloud, image_server, demo_sdk):
    admin, demo = clis['admin'], clis['demo']
    admin.run('quota', 'set', '--instances', '1', image_server.projects['demo'])
    demo.run('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
             '--network', 'private', 'only-one')
    err = demo.run('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                   '--network', 'private', 'one-too-many', expect_fail=True)
    assert 'Quota exceeded' in err and '403' in err
    demo.run('server', 'delete', 'only-one')


def test_usage_list_and_show(clis, image_server):
    # Every server the demo project ran above, deleted ones included.
    demo_project = image_server.projects['demo']
    shown = clis['demo'].json('usage', 'show')
    assert shown['Project'] == demo_project
    # -f json gives the server usages themselves where the table counts them.
    names = {s['name'] for s in shown['Servers']}
    assert 'web1' in names and shown['RAM MB-Hours'] > 0
    assert {s['state'] for s in shown['Servers'] if s['name'] == 'web1'} == {'terminated'}
    rows = {r['Project']: r for r in clis['admin'].json('usage', 'list')}
    assert {s['name'] for s in rows[demo_project]['Servers']} == names


def test_stopped_compute_shows_down(clis, cloud):
    admin = clis['admin']
    cloud.stop_process('compute-cmp-b')
    deadline = time.time() + 30
    while time.time() < deadline:
        rows = admin.json('compute', 'service', 'list', '--service', 'nova-compute')
        state = {r['Host']: r['State'] for r in rows}
        if state.get('cmp-b') == 'down':
            break
        time.sleep(1)
    assert state == {'cmp-a': 'up', 'cmp-b': 'down'}


def test_network_proxies_against_the_real_network_service(cloud, identity_server, demo_sdk):
    """nova's proxies below 2.36 (and the floating IP actions up to 2.43),
    answered by the real network service with the demo user's token."""
    admin = openstack.connect(**identity_server.cloud_config())
    public = admin.network.create_network(name='public', is_router_external=True)
    admin.network.create_subnet(network_id=public.id, cidr='203.0.113.0/24', ip_version=4,
                                name='public-subnet')
    private_subnet = next(admin.network.subnets(network_id=cloud.network_id))
    router = admin.network.create_router(name='r1',
                                         external_gateway_info={'network_id': public.id})
    admin.network.add_interface_to_router(router, subnet_id=private_subnet.id)
    flavor = admin.compute.create_flavor(name='proxy.nano', ram=64, vcpus=1, disk=0)
    compute = demo_sdk.compute

    def call(method, url, status, version='2.35', **kwargs):
        resp = getattr(compute, method)(url, microversion=version, **kwargs)
        assert resp.status_code == status, (method, url, resp.status_code, resp.text)
        return resp.json() if resp.content else None

    try:
        group = call('post', '/os-security-groups', 200, json={'security_group': {
            'name': 'proxied', 'description': 'through compute'}})['security_group']
        rule = call('post', '/os-security-group-rules', 200, json={'security_group_rule': {
            'parent_group_id': group['id'], 'ip_protocol': 'tcp', 'from_port': 22,
            'to_port': 22}})['security_group_rule']
        assert rule['ip_range'] == {'cidr': '0.0.0.0/0'}
        shown = call('get', '/os-security-groups/%s' % group['id'], 200)['security_group']
        assert [r['id'] for r in shown['rules']] == [rule['id']]
        assert shown in call('get', '/os-security-groups', 200)['security_groups']
        call('get', '/os-security-groups', 404, version='2.36')

        server = compute.create_server(name='proxied', image_id=cloud.image_id,
                                       flavor_id=flavor.id,
                                       networks=[{'uuid': cloud.network_id}])
        _wait_status(demo_sdk, server.id, 'ACTIVE')
        action = '/servers/%s/action' % server.id
        call('post', action, 404, json={'addSecurityGroup': {'name': 'nope'}})
        call('post', action, 202, json={'addSecurityGroup': {'name': 'proxied'}})
        [port] = demo_sdk.network.ports(device_id=server.id)
        assert group['id'] in port.security_group_ids
        call('delete', '/os-security-groups/%s' % group['id'], 400)   # in use

        assert {'name': 'public'} in call('get', '/os-floating-ip-pools',
                                          200)['floating_ip_pools']
        fip = call('post', '/os-floating-ips', 200, json={'pool': 'public'})['floating_ip']
        call('post', action, 202, version='2.43', json={'addFloatingIp': {
            'address': fip['ip']}})
        shown = call('get', '/os-floating-ips/%s' % fip['id'], 200)['floating_ip']
        assert shown['instance_id'] == server.id
        assert shown['fixed_ip'] == port.fixed_ips[0]['ip_address']
        call('post', action, 404, version='2.44', json={'removeFloatingIp': {
            'address': fip['ip']}})
        call('post', action, 202, version='2.43', json={'removeFloatingIp': {
            'address': fip['ip']}})
        call('delete', '/os-floating-ips/%s' % fip['id'], 202)
        call('get', '/os-floating-ips/%s' % fip['id'], 404)

        call('post', action, 202, json={'removeSecurityGroup': {'name': 'proxied'}})
        call('post', action, 404, json={'removeSecurityGroup': {'name': 'proxied'}})
        call('delete', '/os-security-groups/%s' % group['id'], 202)

        labels = {n['label'] for n in call('get', '/os-networks', 200)['networks']}
        assert 'private' in labels
        tenant = call('get', '/os-tenant-networks/%s' % cloud.network_id, 200)['network']
        assert tenant == {'id': cloud.network_id, 'label': 'private', 'cidr': '192.0.2.0/24'}
        compute.delete_server(server.id)
        _wait_gone(demo_sdk, server.id)
    finally:
        admin.network.remove_interface_from_router(router, subnet_id=private_subnet.id)
        admin.network.delete_router(router)
        admin.network.delete_network(public.id)
        admin.compute.delete_flavor(flavor.id)
        admin.close()


def test_diagnostics_password_network_info_and_usage_audit(clis, cloud, demo_sdk,
                                                           identity_server):
    """Server diagnostics (both forms) with the real CLI, changePassword and
    injectNetworkInfo through the SDK, and the usage audit the compute hosts
    wrote, as os-instance_usage_audit_log reports it."""
    demo, admin = clis['demo'], clis['admin']
    server = demo.json('server', 'create', '--image', 'cirros', '--flavor', 'm1.nano',
                       '--network', 'private', '--wait', 'diag1')
    # The admin names the server by id: another project's names are not looked up.
    standard = admin.json('--os-compute-api-version', '2.48', 'server', 'show',
                          '--diagnostics', server['id'])
    assert standard['driver'] == 'fake' and standard['state'] == 'running', standard
    assert standard['num_nics'] == 1 and standard['nic_details'][0]['mac_address']
    demo.run('server', 'show', '--diagnostics', 'diag1', expect_fail=True)

    demo_sdk.compute.change_server_password(server['id'], 'n3w-Pass')
    _wait_status(demo_sdk, server['id'], 'ACTIVE')
    events = demo.json('server', 'event', 'list', 'diag1')
    assert 'changePassword' in {e['Action'] for e in events}

    admin_sdk = openstack.connect(**identity_server.cloud_config())
    try:
        # The CLI shows only the 2.48 fields; the flat body of 2.1 through the SDK.
        legacy = admin_sdk.compute.get('/servers/%s/diagnostics' % server['id'],
                                       microversion='2.1').json()
        assert {'cpu0_time', 'vda_read', 'memory'} <= set(legacy), legacy
        resp = admin_sdk.compute.post('/servers/%s/action' % server['id'],
                                      json={'injectNetworkInfo': None})
        assert resp.status_code == 202, resp.text
        resp = demo_sdk.compute.post('/servers/%s/action' % server['id'],
                                     json={'injectNetworkInfo': None})
        assert resp.status_code == 403, resp.text
        addresses = demo_sdk.compute.get_server(server['id']).addresses
        assert addresses['private'][0]['addr'].startswith('192.0.2.')

        deadline = time.time() + 30
        while True:
            report = admin_sdk.compute.get('/os-instance_usage_audit_log').json()[
                'instance_usage_audit_logs']
            if report['num_hosts_done'] == 2 or time.time() > deadline:
                break
            time.sleep(0.5)
        assert report['num_hosts'] == 2 and report['num_hosts_done'] == 2, report
        assert set(report['log']) == {'cmp-a', 'cmp-b'}
        assert report['overall_status'].startswith('ALL hosts done.')
        resp = admin_sdk.compute.get('/os-instance_usage_audit_log/yesterday')
        assert resp.status_code == 400, resp.text
    finally:
        admin_sdk.close()
    demo.run('server', 'delete', '--wait', 'diag1')
