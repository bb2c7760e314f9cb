"""Reusable fixtures: a real alto-identity-api on a free loopback port.

Other services' functional tests import ``identity_server`` (SQLite) and
``identity_server_mysql`` from here.  The fixture runs ``alto-manage
identity db sync / fernet-setup / credential_setup / bootstrap`` the way
deploy/lib/identity.sh does, starts the daemon, and kills it on teardown.
"""

import json
import os
import pathlib
import secrets

import pytest

from tests.functional import databases
from tests.functional import harness

ADMIN_PASSWORD = 'functional-admin'


class IdentityServer:
    """A running identity API: ``url`` (…/v3), admin credentials, helpers."""

    def __init__(self, workdir, port, connection, hash_rounds=6, revocation=False):
        self.hash_rounds = hash_rounds
        self.workdir = pathlib.Path(workdir)
        self.port = port
        self.connection = connection
        self.url = 'http://127.0.0.1:%d/v3' % port
        self.admin_user = 'admin'
        self.admin_password = ADMIN_PASSWORD
        self.admin_project = 'admin'
        self.config_file = self.workdir / 'identity.conf'
        # with revocation, APIs started against this identity listen on its
        # (private) topic; without, nothing is published nor listened to
        self.revocation_topic = 'revocation-%s' % secrets.token_hex(4) if revocation else None
        self.log_file = self.workdir / 'identity-api.log'
        self.daemons = harness.Daemons()

    # -- lifecycle ---------------------------------------------------------
    def write_config(self):
        self.config_file.write_text(
            '[DEFAULT]\nstate_path = %s\ncontrol_exchange = alto-%s\n'
            'log_file = %s\n%s'
            '[api]\nbind_host = 127.0.0.1\nbind_port = %d\n'
            '[database]\nconnection = %s\n'
            # a cheaper bcrypt cost keeps the CLI-heavy tests quick
            '[identity]\npassword_hash_rounds = %d\n'
            '[token]\nrevoke_refresh_interval = 0.5\n'
            % (self.workdir, secrets.token_hex(4), self.log_file, self.revocation_config(),
               self.port,
               self.connection, self.hash_rounds))

    def revocation_config(self):
        """Config lines for identity and the APIs that use it."""
        if not self.revocation_topic:
            return '[revocation]\nenabled = false\n'
        return ('transport_url = rabbit://guest:guest@127.0.0.1:5672/\n'
                '[revocation]\ntopic = %s\n' % self.revocation_topic)

    def manage(self, *args):
        return harness.manage([self.config_file], 'identity', *args)

    def prepare(self):
        self.write_config()
        harness.db_sync([self.config_file], 'identity')
        self.manage('fernet-setup')
        self.manage('credential_setup')
        self.manage('bootstrap', '--bootstrap-password', ADMIN_PASSWORD,
                    '--bootstrap-region-id', 'RegionOne',
                    '--bootstrap-public-url', self.url,
                    '--bootstrap-internal-url', self.url,
                    '--bootstrap-admin-url', self.url)

    @property
    def process(self):
        return self.daemons['api'].process if 'api' in self.daemons else None

    def start(self):
        self.daemons.start('api', [harness.BIN / 'alto-identity-api',
                                   '--config-file', self.config_file],
                           log_file=self.log_file,
                           output_file=self.workdir / 'identity-api.err')
        self.daemons.wait_ready(lambda: harness.answers(self.url, timeout=1), timeout=30,
                                interval=0.2, what='alto-identity-api')

    def stop(self):
        self.daemons.stop()

    def log_tail(self, lines=40):
        return self.daemons.log_tail('api', lines)

    # -- clients -------------------------------------------------------------
    def cloud_config(self, user=None, password=None, project=None):
        return {'auth': {'auth_url': self.url, 'username': user or self.admin_user,
                         'password': password or self.admin_password,
                         'project_name': project or self.admin_project,
                         'user_domain_id': 'default', 'project_domain_id': 'default'},
                'region_name': 'RegionOne', 'identity_api_version': 3,
                'interface': 'public'}

    def write_clouds_yaml(self, path=None, extra_clouds=None):
        """Write clouds.yaml (JSON is valid YAML) with ``altostratus-admin``."""
        path = pathlib.Path(path or self.workdir / 'clouds.yaml')
        clouds = {'altostratus-admin': self.cloud_config()}
        clouds.update(extra_clouds or {})
        path.write_text(json.dumps({'clouds': clouds}, indent=2))
        return path

    def cli_env(self, cloud='altostratus-admin', clouds_yaml=None):
        env = dict(os.environ)
        for key in list(env):
            if key.startswith('OS_'):
                del env[key]
        env['OS_CLIENT_CONFIG_FILE'] = str(clouds_yaml or self.write_clouds_yaml())
        env['OS_CLOUD'] = cloud
        return env


def _start(tmp_path_factory, connection_for, **kwargs):
    workdir = tmp_path_factory.mktemp('identity')
    port = harness.free_port()
    server = IdentityServer(workdir, port, connection_for(workdir), **kwargs)
    server.prepare()
    server.start()
    return server


@pytest.fixture(scope='module')
def identity_server(tmp_path_factory):
    server = _start(tmp_path_factory, lambda d: 'sqlite:///%s/identity.sqlite' % d)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='module')
def identity_server_mysql(tmp_path_factory):
    with databases.scratch_database('mariadb', 'alto_identity') as url:
        server = None
        try:
            server = _start(tmp_path_factory, lambda d: url)
            yield server
        finally:
            if server is not None:
                server.stop()
