"""A real network service: alto-network-conductor + alto-network-api as
processes on a free loopback port, RabbitMQ with a private exchange, and
SQLite in a temp dir or a throw-away MariaDB database.

Files as deploy/lib/network.sh writes them: ``network.conf`` for both
daemons and ``network-db.conf`` (``[database]`` only) for the conductor and
alto-manage; with identity, the API validates tokens as a ``network``
service user holding only the ``service`` role."""

import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

BIN = pathlib.Path(sys.executable).parent
MYSQL_BASE = 'mysql+pymysql://root@127.0.0.1:3306'
SERVICE_USER = 'network'
SERVICE_PASSWORD = 'network-service-secret'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class NetworkServer:
    def __init__(self, workdir, connection, identity=None, conductor_workers=1):
        self.workdir = pathlib.Path(workdir)
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.connection = connection
        self.identity = identity
        self.conductor_workers = conductor_workers
        self.config_file = self.workdir / 'network.conf'
        self.db_config_file = self.workdir / 'network-db.conf'
        self.processes = []

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
            'transport_url = rabbit://guest:guest@127.0.0.1:5672/',
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
        self.config_file.write_text('\n'.join(lines) + '\n')
        self.db_config_file.write_text('[database]\nconnection = %s\n' % self.connection)

    def _spawn(self, name, extra_conf=None):
        log = open(self.workdir / ('%s.log' % name), 'w')
        args = [str(BIN / name), '--config-file', str(self.config_file)]
        if extra_conf:
            args += ['--config-file', str(extra_conf)]
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.processes.append(proc)
        return proc

    def start(self):
        if self.identity:
            self.register()
        self.write_config()
        subprocess.run([str(BIN / 'alto-manage'), '--config-file', str(self.config_file),
                        '--config-file', str(self.db_config_file),
                        'network', 'db', 'sync'], check=True, capture_output=True,
                       timeout=120)
        # Only the conductor reads the file holding [database].
        self._spawn('alto-network-conductor', self.db_config_file)
        self.api_process = self._spawn('alto-network-api')
        self.wait_ready()

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for proc in self.processes:
                if proc.poll() is not None:
                    raise RuntimeError('a network daemon exited: %s' % self.log_tail())
            try:
                req = urllib.request.Request(self.url + '/v2.0/extensions')
                urllib.request.urlopen(req, timeout=2).read()
                if not self.identity:
                    urllib.request.urlopen(self.url + '/v2.0/networks', timeout=5).read()
                return
            except urllib.error.HTTPError as exc:
                if exc.code == 401:
                    return
                time.sleep(0.3)
            except OSError:
                time.sleep(0.3)
        raise RuntimeError('network API did not answer: %s' % self.log_tail())

    def stop(self):
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.processes = []

    def log_tail(self, lines=30):
        out = []
        for name in ('alto-network-conductor.log', 'alto-network-api.log'):
            try:
                out += ['== ' + name] + (self.workdir / name).read_text().splitlines()[-lines:]
            except OSError:
                pass
        return '\n'.join(out)


@pytest.fixture(scope='module')
def mysql_database():
    import pymysql
    name = 'alto_network_%s' % secrets.token_hex(4)
    try:
        conn = pymysql.connect(host='127.0.0.1', user='root', port=3306)
    except pymysql.err.OperationalError as exc:
        pytest.skip('MariaDB is not reachable: %s' % exc)
    with conn.cursor() as cur:
        cur.execute('CREATE DATABASE %s CHARACTER SET utf8mb4' % name)
    try:
        yield '%s/%s?charset=utf8mb4' % (MYSQL_BASE, name)
    finally:
        with conn.cursor() as cur:
            cur.execute('DROP DATABASE IF EXISTS %s' % name)
        conn.close()


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
