"""A real network service: alto-network-conductor + alto-network-api as
processes on a free loopback port, RabbitMQ with a private exchange, and
SQLite in a temp dir or a throw-away MariaDB database.

Files as deploy/lib/network.sh writes them: ``network.conf`` for both
daemons and ``network-db.conf`` (``[database]`` only) for the conductor and
alto-manage; with identity, the API validates tokens as a ``network``
service user holding only the ``service`` role."""

import json
import pathlib
import secrets
import urllib.error
import urllib.request

import pytest

from tests.functional import databases
from tests.functional import harness
from tests.functional.harness import free_port

SERVICE_USER = 'network'
SERVICE_PASSWORD = 'network-service-secret'


class NetworkServer:
    def __init__(self, workdir, connection, identity=None, conductor_workers=1,
                 extra_lines=(), transport_url=None):
        self.workdir = pathlib.Path(workdir)
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.connection = connection
        self.identity = identity
        self.conductor_workers = conductor_workers
        self.extra_lines = list(extra_lines)
        self.transport_url = transport_url or harness.RABBIT_URL
        self.config_file = self.workdir / 'network.conf'
        self.db_config_file = self.workdir / 'network-db.conf'
        self.daemons = harness.Daemons(stop_timeout=5)
        self._ready_token = None

    def register(self):
        """The service user, as deploy's ensure_service_user makes it."""
        import openstack
        admin = openstack.connect(**self.identity.cloud_config())
        project = admin.identity.find_project('service') or \
            admin.identity.create_project(name='service', domain_id='default')
        user = admin.identity.find_user(SERVICE_USER) or admin.identity.create_user(
            name=SERVICE_USER, password=SERVICE_PASSWORD, domain_id='default')
        role = admin.identity.find_role('service') or \
            admin.identity.create_role(name='service')
        admin.identity.assign_project_role_to_user(project, user, role)
        admin.close()

    def write_config(self):
        lines = [
            '[DEFAULT]', 'state_path = %s' % self.workdir,
            'transport_url = %s' % self.transport_url,
            'control_exchange = alto-net-%s' % secrets.token_hex(4),
            'host = functional-%s' % secrets.token_hex(2),
            '[api]', 'bind_host = 127.0.0.1', 'bind_port = %d' % self.port,
            'auth_strategy = %s' % ('keystone' if self.identity else 'noauth'),
            # Queues are named after topics whatever the exchange: a private
            # topic keeps this server's calls away from other test runs.
            '[network_conductor]', 'workers = %d' % self.conductor_workers,
            'topic = network-conductor-%s' % secrets.token_hex(4),
            'agent_notification_topic = network-agents-%s' % secrets.token_hex(4),
            '[oslo_messaging_rabbit]', 'heartbeat_timeout_threshold = 0',
        ]
        if self.identity:
            lines += ['[keystone_authtoken]',
                      'www_authenticate_uri = %s' % self.identity.url,
                      'auth_url = %s' % self.identity.url, 'auth_type = password',
                      'username = %s' % SERVICE_USER, 'password = %s' % SERVICE_PASSWORD,
                      'project_name = service',
                      'user_domain_id = default', 'project_domain_id = default']
        self.config_file.write_text('\n'.join(lines + self.extra_lines) + '\n')
        self.db_config_file.write_text('[database]\nconnection = %s\n' % self.connection)

    def _spawn(self, name, extra_conf=None):
        args = [harness.BIN / name, '--config-file', self.config_file]
        if extra_conf:
            args += ['--config-file', extra_conf]
        # no log_file in network.conf: the daemons log to stderr, kept here
        log = self.workdir / ('%s.log' % name)
        return self.daemons.start(name, args, log_file=log, output_file=log).process

    def start(self):
        if self.identity:
            self.register()
        self.write_config()
        harness.db_sync([self.config_file, self.db_config_file], 'network')
        # Only the conductor reads the file holding [database].
        self._spawn('alto-network-conductor', self.db_config_file)
        self.api_process = self._spawn('alto-network-api')
        self.wait_ready()

    def _admin_token(self):
        """A token of the identity's admin, for the readiness listing."""
        body = json.dumps({'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': self.identity.admin_user, 'domain': {'id': 'default'},
                'password': self.identity.admin_password}}},
            'scope': {'project': {'name': self.identity.admin_project,
                                  'domain': {'id': 'default'}}}}}).encode()
        req = urllib.request.Request(self.identity.url + '/auth/tokens', data=body,
                                     method='POST',
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.headers['X-Subject-Token']

    def _answers(self):
        """True once a network listing has gone through the conductor: the
        API answering is not enough, a call sent before the conductor's
        queue exists is never answered (the API gives up after its RPC
        timeout with a 503).  Each try waits a few seconds only."""
        headers = {}
        if self.identity:
            if self._ready_token is None:
                self._ready_token = self._admin_token()
            headers['X-Auth-Token'] = self._ready_token
        req = urllib.request.Request(self.url + '/v2.0/networks', headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                resp.read()
                return True
        except urllib.error.HTTPError:
            return False

    def wait_ready(self, timeout=90):
        """Wait until the API answers and the conductor serves its calls."""
        self._ready_token = None
        self.daemons.wait_ready(self._answers, timeout=timeout,
                                what='the network API and conductor')

    def stop(self):
        self.daemons.stop()

    def log_tail(self, lines=30):
        return '\n'.join('== %s.log\n%s' % (name, self.daemons.log_tail(name, lines))
                         for name in ('alto-network-conductor', 'alto-network-api'))


mysql_database = databases.database_fixture('mysql_database', 'mariadb', 'alto_network')


@pytest.fixture(scope='module')
def network_server_mysql_noauth(tmp_path_factory, mysql_database):
    """MariaDB and two conductor worker processes (several DB writers)."""
    server = NetworkServer(tmp_path_factory.mktemp('network'), mysql_database,
                           conductor_workers=2)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='module')
def network_server(tmp_path_factory, identity_server):
    workdir = tmp_path_factory.mktemp('network')
    server = NetworkServer(workdir, 'sqlite:///%s/network.sqlite' % workdir,
                           identity=identity_server)
    try:
        server.start()
        yield server
    finally:
        server.stop()
