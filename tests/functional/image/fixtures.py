"""A real alto-image-api behind the real identity service, on a free loopback port."""

import pathlib
import secrets

import openstack
import pytest

from tests.functional import harness
from tests.functional.harness import free_port

SERVICE_PASSWORD = 'image-service-secret'
USER_PASSWORD = 'image-user-secret'
#: the cap the server runs with: a 1 GiB image fits, "2 GiB" is refused
SIZE_CAP = (1 << 30) + (64 << 20)


class ImageServer:

    def __init__(self, workdir, port, identity):
        self.workdir = pathlib.Path(workdir)
        self.port = port
        self.identity = identity
        self.url = 'http://127.0.0.1:%d' % port
        self.config_file = self.workdir / 'image.conf'
        self.log_file = self.workdir / 'image-api.log'
        self.datadir = self.workdir / 'images'
        #: the [store] section (the objectstore suite changes the driver)
        self.store_options = {'filesystem_datadir': self.datadir}
        self.daemons = harness.Daemons()

    def register(self):
        """Service user, catalog entry, and two ordinary projects with a user each."""
        admin = openstack.connect(**self.identity.cloud_config())
        service = admin.identity.find_project('service') or \
            admin.identity.create_project(name='service', domain_id='default')
        user = admin.identity.create_user(name='image', password=SERVICE_PASSWORD,
                                          domain_id='default')
        # The service role only, as deploy's ensure_service_user grants it.
        role_service = admin.identity.find_role('service') or \
            admin.identity.create_role(name='service')
        admin.identity.assign_project_role_to_user(service, user, role_service)
        svc = admin.identity.create_service(name='glance', type='image')
        for iface in ('public', 'internal', 'admin'):
            admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=self.url,
                                           region_id='RegionOne')
        member = admin.identity.find_role('member') or admin.identity.create_role(
            name='member')
        self.projects = {}
        for name in ('demo', 'other'):
            project = admin.identity.create_project(name=name, domain_id='default')
            person = admin.identity.create_user(name='%s-user' % name, password=USER_PASSWORD,
                                                domain_id='default')
            admin.identity.assign_project_role_to_user(project, person, member)
            self.projects[name] = project.id
        admin.close()

    def clouds(self):
        clouds = {}
        for name in ('demo', 'other'):
            cfg = self.identity.cloud_config('%s-user' % name, USER_PASSWORD, name)
            clouds['alto-%s' % name] = cfg
        return clouds

    def write_config(self):
        ident = self.identity
        self.config_file.write_text(
            '[DEFAULT]\nstate_path = %(dir)s\ncontrol_exchange = alto-%(rand)s\n'
            'log_file = %(log)s\n%(revocation)s'
            '[api]\nbind_host = 127.0.0.1\nbind_port = %(port)d\nauth_strategy = keystone\n'
            '[database]\nconnection = sqlite:///%(dir)s/image.sqlite\n'
            '[store]\n%(store)s'
            '[image]\nimage_size_cap = %(cap)d\n'
            '[keystone_authtoken]\nwww_authenticate_uri = %(auth)s\nauth_url = %(auth)s\n'
            'auth_type = password\nproject_domain_id = default\nuser_domain_id = default\n'
            'project_name = service\nusername = image\npassword = %(pw)s\n'
            'memcached_servers =\nregion_name = RegionOne\n'
            % {'dir': self.workdir, 'rand': secrets.token_hex(4), 'log': self.log_file,
               'port': self.port, 'cap': SIZE_CAP, 'store': ''.join(
                   '%s = %s\n' % item for item in self.store_options.items()),
               'auth': ident.url, 'pw': SERVICE_PASSWORD,
               'revocation': ident.revocation_config()})

    @property
    def process(self):
        return self.daemons['api'].process if 'api' in self.daemons else None

    def start(self):
        harness.db_sync([self.config_file], 'image')
        self.daemons.start('api', [harness.BIN / 'alto-image-api',
                                   '--config-file', self.config_file],
                           log_file=self.log_file, output_file=self.workdir / 'image-api.err')
        self.daemons.wait_ready(lambda: harness.answers(self.url + '/versions', timeout=1),
                                timeout=30, interval=0.2, what='alto-image-api')

    def rss_kib(self):
        """RSS of the API process alone (not its workers)."""
        with open('/proc/%d/status' % self.process.pid) as status:
            for line in status:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.daemons.stop()

    def log_tail(self, lines=40):
        return self.daemons.log_tail('api', lines)


@pytest.fixture(scope='module')
def image_server(identity_server, tmp_path_factory):
    server = ImageServer(tmp_path_factory.mktemp('image'), free_port(), identity_server)
    server.register()
    server.write_config()
    server.start()
    try:
        yield server
    finally:
        server.stop()
