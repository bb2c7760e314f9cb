"""The cloud the fuzz suite aims at: identity, image, network and compute as
real daemons with keystone auth and RabbitMQ, seeded with one resource of
every kind so item URLs and action URLs resolve.

Two callers get tokens: the bootstrap admin (project ``admin``) and
``demo-user``, a plain member of project ``demo``.  The member owns the
seeded network, port, router, security group, image, keypair, server group
and server; the admin owns the catalog entries, flavors and aggregates.
"""

import json
import time
import urllib.error
import urllib.request

import openstack

from tests.functional.compute import fixtures as compute_fixtures
from tests.functional.image import fixtures as image_fixtures

PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE8xlM4l0mx1Bf5wKrSk7rW1RVkHb0ysR8J9'
              '1cJ7xq5t fuzz@altostratus')


def _register(identity, name, kind, url):
    admin = openstack.connect(**identity.cloud_config())
    svc = admin.identity.create_service(name=name, type=kind)
    for iface in ('public', 'internal', 'admin'):
        admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=url,
                                       region_id='RegionOne')
    admin.close()


def token(identity, user, password, project):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': user, 'domain': {'id': 'default'}, 'password': password}}},
        'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}
    req = urllib.request.Request(identity.url + '/auth/tokens',
                                 data=json.dumps(body).encode(), method='POST',
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.headers['X-Subject-Token']


class FuzzStack:
    """URLs, tokens and the ids of the seeded resources (``ids``)."""

    def __init__(self, identity, image, network, compute):
        self.identity, self.image, self.network, self.compute = (
            identity, image, network, compute)
        self.roots = {'identity': identity.url.rsplit('/v3', 1)[0], 'image': image.url,
                      'network': network.url, 'compute': compute.url.rsplit('/v2.1', 1)[0]}
        self.tokens = {
            'admin': token(identity, identity.admin_user, identity.admin_password,
                           identity.admin_project),
            'member': token(identity, 'demo-user', image_fixtures.USER_PASSWORD, 'demo'),
        }
        self.ids = {}

    # -- plain JSON calls (set-up and settling, never judged) -------------------
    def call(self, service, method, path, body=None, who='admin', timeout=60):
        headers = {'X-Auth-Token': self.tokens[who], 'Accept': 'application/json'}
        if body is not None:
            headers['Content-Type'] = 'application/json'
        if service == 'compute':
            headers['OpenStack-API-Version'] = 'compute 2.53'
        req = urllib.request.Request(self.roots[service] + path, method=method,
                                     headers=headers, data=None if body is None else
                                     json.dumps(body).encode())
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, None

    def settle_server(self, timeout=60):
        """Give the compute tests an ACTIVE, unlocked server of the member's.

        Actions the fuzz run sends (shelve, resize, rescue, lock, ...) leave
        the seeded server in any state; one that waits out its last task
        and is still not ACTIVE is replaced, so every compute test starts
        from a server every action applies to.
        """
        self.call('compute', 'PUT', '/v2.1/os-quota-sets/%s' % self.ids['demo_project_id'],
                  {'quota_set': {'instances': 100, 'cores': 200, 'ram': 1024000}})
        self.call('compute', 'PUT', '/v2.1/os-services/%s' % self.ids['compute_service_id'],
                  {'status': 'enabled', 'forced_down': False})
        server = self._wait_task_done(self.ids['server_id'], timeout)
        if server and server['status'] == 'ACTIVE' and not server.get('locked'):
            return
        self.call('compute', 'DELETE', '/v2.1/servers/%s' % self.ids['server_id'])
        status, body = self.call('compute', 'POST', '/v2.1/servers', {'server': {
            'name': 'fuzz-server', 'imageRef': self.ids['public_image_id'],
            'flavorRef': self.ids['flavor_id'],
            'networks': [{'uuid': self.ids['shared_network_id']}]}}, who='member')
        assert status == 202, 'cannot replace the fuzz server: %s %s' % (status, body)
        self.ids['server_id'] = body['server']['id']
        deadline = time.time() + timeout
        while time.time() < deadline:
            server = self._wait_task_done(self.ids['server_id'], timeout)
            if server and server['status'] == 'ACTIVE':
                return
            if server and server['status'] == 'ERROR':
                break
            time.sleep(0.3)
        raise AssertionError('the replacement fuzz server is %s' % (server or {}).get('status'))

    def _wait_task_done(self, server_id, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status, body = self.call('compute', 'GET', '/v2.1/servers/%s' % server_id)
            if status != 200:
                return None
            server = body['server']
            if not server.get('OS-EXT-STS:task_state') and server['status'] != 'BUILD':
                return server
            time.sleep(0.3)
        return server

    def log_tails(self):
        """The daemons' last log lines, for a failure message."""
        return '\n'.join([
            '== identity', self.identity.log_tail(20),
            '== image', self.image.log_tail(20),
            '== network', self.network.log_tail(20),
            '== compute api', self.compute.log_tail('api', 20),
            '== compute conductor', self.compute.log_tail('conductor', 20)])

    # -- seeding -------------------------------------------------------------
    def seed(self):
        admin = openstack.connect(**self.identity.cloud_config())
        member = openstack.connect(**self.identity.cloud_config(
            'demo-user', image_fixtures.USER_PASSWORD, 'demo'))
        try:
            self._seed_identity(admin)
            self._seed_image(admin, member)
            self._seed_network(admin, member)
            self._seed_compute(admin, member)
        finally:
            admin.close()
            member.close()

    def _seed_identity(self, admin):
        ids = self.ids
        ident = admin.identity
        ids['domain_id'] = ident.create_domain(name='fuzz-domain', enabled=False).id
        ids['project_id'] = ident.create_project(name='fuzz-project',
                                                 domain_id='default').id
        ids['user_id'] = ident.create_user(name='fuzz-user', password='fuzz-user-secret',
                                           domain_id='default').id
        ids['group_id'] = ident.create_group(name='fuzz-group', domain_id='default').id
        ids['role_id'] = ident.create_role(name='fuzz-role').id
        ids['reader_role_id'] = ident.find_role('reader').id
        ids['region_id'] = ident.create_region(id='FuzzRegion').id
        service = ident.create_service(name='fuzz-service', type='fuzz')
        ids['service_id'] = service.id
        ids['endpoint_id'] = ident.create_endpoint(
            service_id=service.id, interface='public', url='http://192.0.2.1:9999/',
            region_id='RegionOne').id
        ids['credential_id'] = ident.create_credential(
            type='ec2', user_id=ids['user_id'], project_id=ids['project_id'],
            blob=json.dumps({'access': 'fuzz-access', 'secret': 'fuzz-secret'})).id
        ids['demo_project_id'] = ident.find_project('demo').id
        ids['other_project_id'] = ident.find_project('other').id
        ids['demo_user_id'] = ident.find_user('demo-user').id

    def _seed_image(self, admin, member):
        ids = self.ids
        ids['public_image_id'] = admin.image.create_image(
            name='cirros', data=b'fake guest disk\n' * 64, disk_format='raw',
            container_format='bare', visibility='public').id
        ids['image_id'] = member.image.create_image(
            name='fuzz-image', disk_format='raw', container_format='bare',
            visibility='shared', allow_duplicates=True).id
        member.image.add_member(ids['image_id'], member_id=ids['other_project_id'])
        member.image.add_tag(ids['image_id'], 'fuzz-tag')

    def _seed_network(self, admin, member):
        ids = self.ids
        net = admin.network
        public = net.create_network(name='public', is_router_external=True)
        net.create_subnet(network_id=public.id, cidr='203.0.113.0/24', ip_version=4,
                          name='public-subnet')
        ids['external_network_id'] = public.id
        ids['shared_network_id'] = net.create_network(name='private', shared=True).id
        net.create_subnet(network_id=ids['shared_network_id'], cidr='192.0.2.0/24',
                          ip_version=4, name='private-subnet')
        ids['subnetpool_id'] = net.create_subnet_pool(
            name='fuzz-pool', prefixes=['198.51.100.0/24'], default_prefix_length=28).id
        mine = member.network
        ids['network_id'] = mine.create_network(name='fuzz-net').id
        ids['subnet_id'] = mine.create_subnet(network_id=ids['network_id'],
                                              cidr='10.9.0.0/24', ip_version=4,
                                              name='fuzz-subnet').id
        ids['port_id'] = mine.create_port(network_id=ids['network_id'], name='fuzz-port').id
        ids['router_id'] = mine.create_router(name='fuzz-router').id
        sg = mine.create_security_group(name='fuzz-sg')
        ids['security_group_id'] = sg.id
        ids['security_group_rule_id'] = mine.create_security_group_rule(
            security_group_id=sg.id, direction='ingress', ethertype='IPv4',
            protocol='tcp', port_range_min=22, port_range_max=22).id
        ids['floatingip_id'] = mine.create_ip(floating_network_id=public.id).id

    def _seed_compute(self, admin, member):
        ids = self.ids
        flavor = admin.compute.create_flavor(name='fuzz.tiny', ram=64, vcpus=1, disk=1,
                                             flavorid='fuzz-tiny')
        ids['flavor_id'] = flavor.id
        ids['flavor_small_id'] = admin.compute.create_flavor(
            name='fuzz.small', ram=128, vcpus=1, disk=2, flavorid='fuzz-small').id
        ids['aggregate_id'] = admin.compute.create_aggregate(name='fuzz-agg').id
        ids['keypair_name'] = member.compute.create_keypair(
            name='fuzz-key', public_key=PUBLIC_KEY).name
        ids['server_group_id'] = member.compute.create_server_group(
            name='fuzz-group', policy='anti-affinity').id
        for key, name in (('server_id', 'fuzz-server'), ('admin_server_id', 'fuzz-admin')):
            server = member.compute.create_server(
                name=name, image_id=ids['public_image_id'], flavor_id=flavor.id,
                networks=[{'uuid': ids['shared_network_id']}])
            ids[key] = member.compute.wait_for_server(server, status='ACTIVE', wait=60).id
        services = [s for s in admin.compute.services() if s.binary == 'nova-compute']
        ids['compute_service_id'] = services[0].id
        ids['hypervisor_id'] = next(iter(admin.compute.hypervisors())).id
        ids['compute_host'] = services[0].host


def start(tmp_path_factory, identity, image, network):
    """Start compute beside the given services, register the catalog, seed."""
    _register(identity, 'neutron', 'network', network.url)
    workdir = tmp_path_factory.mktemp('compute')
    compute = compute_fixtures.ComputeCloud(
        workdir, 'sqlite:///%s/compute.sqlite' % workdir, identity=identity,
        hosts=('fuzz-cmp',))
    compute.register()
    compute.start()
    try:
        stack = FuzzStack(identity, image, network, compute)
        stack.seed()
    except Exception:
        compute.stop()
        raise
    return stack
