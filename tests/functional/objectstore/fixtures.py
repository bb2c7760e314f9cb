"""A real object store cluster behind the real identity service.

Two storage nodes on loopback, each an account, container and object server
with its own ports and devices directory: node ``a`` serves devices d1 (zone
1) and d2 (zone 2), node ``b`` d3 (zone 3) and d4 (zone 4).  The three rings
(3 replicas, part power 6) are built with ``alto-manage objectstore ring``;
``alto-objectstore-proxy`` routes by them.  Everything lives under the
test's temporary directory.
"""

import json
import pathlib
import secrets
import time
import urllib.request

import openstack
import pytest
import requests

from services.objectstore.ring import builder
from services.objectstore.ring import ringfile
from tests.functional import harness
from tests.functional.harness import free_port
from tests.functional.identity import fixtures as identity_fixtures

SERVICE_PASSWORD = 'objectstore-service-secret'
USER_PASSWORD = 'objectstore-user-secret'
NODES = {'a': (('d1', 1), ('d2', 2)), 'b': (('d3', 3), ('d4', 4))}
SERVERS = ('account', 'container', 'object')


class ObjectStore:
    #: start each node's alto-objectstore-updater too
    updaters = True

    def __init__(self, workdir, identity):
        self.workdir = pathlib.Path(workdir)
        self.identity = identity
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.config_file = self.workdir / 'objectstore.conf'
        self.ring_dir = self.workdir / 'rings'
        self.ports = {(node, server): free_port() for node in NODES for server in SERVERS}
        self.daemons = harness.Daemons()
        self.projects = {}
        self.users = {}

    # -- identity ------------------------------------------------------------
    def register(self):
        """Service user and catalog entry; projects demo and other with a
        member each, and a reader in demo."""
        admin = openstack.connect(**self.identity.cloud_config())
        self.register_service(admin)
        self.register_people(admin)
        admin.close()

    def register_service(self, admin):
        """The service user and the object-store catalog entry only (the
        image suite shares the identity service with its own projects)."""
        service = admin.identity.find_project('service') or \
            admin.identity.create_project(name='service', domain_id='default')
        user = admin.identity.create_user(name='swift', password=SERVICE_PASSWORD,
                                          domain_id='default')
        role_service = admin.identity.find_role('service') or \
            admin.identity.create_role(name='service')
        admin.identity.assign_project_role_to_user(service, user, role_service)
        svc = admin.identity.create_service(name='swift', type='object-store')
        for iface in ('public', 'internal', 'admin'):
            admin.identity.create_endpoint(
                service_id=svc.id, interface=iface, region_id='RegionOne',
                url=self.url + '/v1/AUTH_$(project_id)s')

    def register_people(self, admin):
        member = admin.identity.find_role('member')
        reader = admin.identity.find_role('reader')
        for name in ('demo', 'other'):
            project = admin.identity.create_project(name=name, domain_id='default')
            self.projects[name] = project.id
        for name, project, role in (('demo-user', 'demo', member),
                                    ('other-user', 'other', member),
                                    ('demo-reader', 'demo', reader)):
            person = admin.identity.create_user(name=name, password=USER_PASSWORD,
                                                domain_id='default')
            admin.identity.assign_project_role_to_user(self.projects[project], person, role)
            self.users[name] = person.id
        self.projects['admin'] = admin.current_project_id

    def cloud_config(self, user):
        project = {'demo-user': 'demo', 'other-user': 'other',
                   'demo-reader': 'demo'}[user]
        return self.identity.cloud_config(user, USER_PASSWORD, project)

    def clouds(self):
        return {'alto-%s' % user: self.cloud_config(user)
                for user in ('demo-user', 'other-user', 'demo-reader')}

    def account(self, project):
        return 'AUTH_%s' % self.projects[project]

    # -- configuration -------------------------------------------------------
    def write_config(self):
        ident = self.identity
        harness.write_ini(self.config_file, {
            'DEFAULT': {'state_path': self.workdir, 'log_dir': self.workdir,
                        'control_exchange': 'alto-%s' % secrets.token_hex(4)},
            'objectstore': {'hash_path_suffix': secrets.token_hex(8),
                            'ring_dir': self.ring_dir, 'ring_reload_interval': 1},
            'api': {'bind_host': '127.0.0.1', 'bind_port': self.port},
            'proxy': {'node_timeout': 5, 'conn_timeout': 0.5},
            'keystone_authtoken': {
                'www_authenticate_uri': ident.url, 'auth_url': ident.url,
                'auth_type': 'password', 'project_domain_id': 'default',
                'user_domain_id': 'default', 'project_name': 'service',
                'username': 'swift', 'password': SERVICE_PASSWORD,
                'memcached_servers': '', 'region_name': 'RegionOne'},
        })
        with open(self.config_file, 'a') as f:
            f.write(ident.revocation_config())
        for node, devices in NODES.items():
            root = self.workdir / ('node-%s' % node)
            for device, _ in devices:
                (root / device).mkdir(parents=True, exist_ok=True)
            harness.write_ini(self.node_config(node), {'storage': {
                'devices': root, 'fsync': 'false',
                # account totals follow the objects within a second (tests wait for them)
                'updater_interval': 1, 'container_report_interval': 0.5,
                'account_port': self.ports[(node, 'account')],
                'container_port': self.ports[(node, 'container')],
                'object_port': self.ports[(node, 'object')]}})

    def node_config(self, node):
        return self.workdir / ('node-%s.conf' % node)

    def manage(self, *args):
        return harness.manage([self.config_file], 'objectstore', *args)

    def specs(self, server):
        return ['r1z%d-127.0.0.1:%d/%s' % (zone, self.ports[(node, server)], device)
                for node, devices in NODES.items() for device, zone in devices]

    def build_rings(self):
        """The object ring with ``alto-manage objectstore ring`` as an operator
        would; the account and container rings with the same builder in
        process (each alto-manage run costs seconds of interpreter start-up)."""
        self.manage('ring', 'create', 'object', '--part-power', '6', '--replicas', '3')
        self.manage('ring', 'add', 'object', *self.specs('object'), '--weight', '100')
        self.manage('ring', 'rebalance', 'object')
        for server in ('account', 'container'):
            ring = builder.RingBuilder(6, 3)
            for node, devices in NODES.items():
                for device, zone in devices:
                    ring.add_device(1, zone, '127.0.0.1', self.ports[(node, server)], device,
                                    100)
            ring.rebalance()
            ring.save(ringfile.builder_path(self.ring_dir, server))
            ring.write_ring(ringfile.ring_path(self.ring_dir, server))

    # -- daemons ---------------------------------------------------------------
    def start_server(self, node, server):
        return self._start('%s-%s' % (server, node), 'alto-%s-server' % server, node)

    def start_updater(self, node):
        """The node's alto-objectstore-updater (async pendings, container
        reports to the accounts)."""
        return self._start('updater-%s' % node, 'alto-objectstore-updater', node)

    def _start(self, name, binary, node):
        self.daemons.start(name, [harness.BIN / binary,
                                  '--config-file', self.config_file,
                                  '--config-file', self.node_config(node),
                                  '--log-file', self.workdir / ('%s.log' % name)],
                           log_file=self.workdir / ('%s.log' % name),
                           output_file=self.workdir / ('%s.err' % name))
        return name

    def server_answers(self, node, server):
        return harness.answers('http://127.0.0.1:%d/' % self.ports[(node, server)],
                               timeout=1, accept=(400,))

    def start(self):
        for node in NODES:
            for server in SERVERS:
                self.start_server(node, server)
            if self.updaters:
                self.start_updater(node)
        self.daemons.start('proxy', [harness.BIN / 'alto-objectstore-proxy',
                                     '--config-file', self.config_file,
                                     '--log-file', self.workdir / 'proxy.log'],
                           log_file=self.workdir / 'proxy.log',
                           output_file=self.workdir / 'proxy.err')
        self.daemons.wait_ready(
            lambda: harness.answers(self.url + '/info', timeout=1) and all(
                self.server_answers(n, s) for n in NODES for s in SERVERS),
            timeout=60, interval=0.2, what='the object store daemons')

    def stop(self):
        self.daemons.stop()

    def info(self):
        with urllib.request.urlopen(self.url + '/info', timeout=5) as resp:
            return json.loads(resp.read())


def identity_service(tmp_path_factory):
    """An identity service on SQLite, stopped when the fixture ends."""
    server = identity_fixtures._start(tmp_path_factory,
                                      lambda d: 'sqlite:///%s/identity.sqlite' % d)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='package')
def identity(tmp_path_factory):
    yield from identity_service(tmp_path_factory)


@pytest.fixture(scope='package')
def objectstore(identity, tmp_path_factory):
    store = ObjectStore(tmp_path_factory.mktemp('objectstore'), identity)
    store.register()
    store.write_config()
    store.build_rings()
    store.start()
    try:
        yield store
    finally:
        store.stop()


@pytest.fixture(scope='module')
def tokens(objectstore):
    """Tokens of the project users, and of the cloud admin (a reseller admin)."""
    out = {}
    for user in ('demo-user', 'other-user', 'demo-reader'):
        conn = openstack.connect(**objectstore.cloud_config(user))
        out[user] = conn.auth_token
        conn.close()
    admin = openstack.connect(**objectstore.identity.cloud_config())
    out['admin'] = admin.auth_token
    admin.close()
    return out


def account_totals(call):
    head = call('HEAD')
    return (int(head.headers['X-Account-Object-Count']),
            int(head.headers['X-Account-Bytes-Used']))


def settled_account_totals(call, changed_from=None, quiet=2.0, timeout=30):
    """``(objects, bytes)`` of the account ``call`` speaks to (the ``api``
    fixture's callable) once they stopped changing for ``quiet`` seconds
    (and, with ``changed_from``, differ from it first): the containers
    report their totals to the account every ``container_report_interval``,
    off the write path.  (Not compared with the containers' own totals: a
    container replica reports to its paired account replica, and replicas
    that missed a write catch up by replication, which these tests do not
    run.)"""
    deadline = time.time() + timeout
    last, since = None, time.time()
    while time.time() < deadline:
        now = account_totals(call)
        if changed_from is not None and now == tuple(changed_from):
            pass
        elif now != last:
            last, since = now, time.time()
        elif time.time() - since >= quiet:
            return now
        time.sleep(0.2)
    raise AssertionError('account totals did not settle: %s (from %s)' % (last, changed_from))


@pytest.fixture(scope='module')
def api(objectstore, tokens):
    """Plain HTTP on the demo project's account as ``user`` (None: anonymous)."""
    base = '%s/v1/%s' % (objectstore.url, objectstore.account('demo'))

    def call(method, path='', user='demo-user', **kwargs):
        headers = dict(kwargs.pop('headers', {}))
        if user:
            headers['X-Auth-Token'] = tokens[user]
        return requests.request(method, base + path, headers=headers, timeout=30, **kwargs)
    return call
