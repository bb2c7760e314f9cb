"""The compute daemons as real processes: conductor, scheduler, API on a
free loopback port and one alto-compute per host name, over RabbitMQ with a
private exchange.

With ``identity`` (and image / network servers) they talk to the real
services with keystone tokens; without, the API runs with
``auth_strategy = noauth`` and the image/network clients are the
file-backed fakes (``[clients] backend = fake``) -- say so in any test that
uses that mode.
"""

import json
import pathlib
import secrets
import signal
import urllib.error
import urllib.request

from tests.functional import databases
from tests.functional import harness
from tests.functional.harness import free_port

SERVICE_PASSWORD = 'compute-service-secret'
IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
NETWORK_ID = '3cb9bc59-5699-4588-a4b1-b87f96708bc6'


class ComputeCloud:
    def __init__(self, workdir, connection, identity=None, hosts=('cmp1',),
                 service_down_time=6, extra=None, transport_url=None):
        self.workdir = pathlib.Path(workdir)
        self.connection = connection
        self.identity = identity
        self.hosts = list(hosts)
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d/v2.1' % self.port
        self.config_file = self.workdir / 'compute.conf'
        self.db_config_file = self.workdir / 'compute-db.conf'
        self.fake_dir = self.workdir / 'fake-services'
        self.service_down_time = service_down_time
        self.extra = extra or {}
        self.daemons = harness.Daemons()
        self.vhost = None
        # A broker of the test's own (tests/faults) instead of the shared one.
        self.transport_url = transport_url

    # -- set-up ---------------------------------------------------------------
    def register(self):
        """Service user and catalog entry, as deploy/lib/compute.sh does."""
        import openstack
        admin = openstack.connect(**self.identity.cloud_config())
        service_project = admin.identity.find_project('service') or \
            admin.identity.create_project(name='service', domain_id='default')
        user = admin.identity.find_user('nova') or admin.identity.create_user(
            name='nova', password=SERVICE_PASSWORD, domain_id='default')
        # The service role only, as deploy's ensure_service_user grants it:
        # service tokens count only with it (keystonemiddleware's
        # service_token_roles), and the policies grant the inter-service calls to it.
        service_role = admin.identity.find_role('service') or \
            admin.identity.create_role(name='service')
        admin.identity.assign_project_role_to_user(service_project, user, service_role)
        svc = admin.identity.create_service(name='nova', type='compute')
        for iface in ('public', 'internal', 'admin'):
            admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=self.url,
                                           region_id='RegionOne')
        admin.close()

    def write_config(self):
        sections = {
            'DEFAULT': {'state_path': self.workdir,
                        'transport_url': self.transport_url or
                        harness.RABBIT_URL + (self.vhost or ''),
                        'control_exchange': 'alto-cmp-%s' % secrets.token_hex(4),
                        'graceful_shutdown_timeout': 5},
            'api': {'bind_host': '127.0.0.1', 'bind_port': self.port,
                    'auth_strategy': 'keystone' if self.identity else 'noauth'},
            'service': {'report_interval': 1, 'service_down_time': self.service_down_time},
            'conductor': {'build_watchdog_interval': 2},
            'compute': {'resource_report_interval': 2, 'sync_power_state_interval': 5},
            'oslo_messaging_rabbit': {'heartbeat_timeout_threshold': 0},
        }
        if self.identity:
            auth = {'auth_url': self.identity.url, 'auth_type': 'password',
                    'username': 'nova', 'password': SERVICE_PASSWORD,
                    'project_name': 'service', 'user_domain_id': 'default',
                    'project_domain_id': 'default'}
            sections['clients'] = {'backend': 'rest'}
            sections['service_user'] = dict(auth)
            sections['keystone_authtoken'] = dict(auth, www_authenticate_uri=self.identity.url,
                                                  memcached_servers='',
                                                  region_name='RegionOne')
            sections['image'] = {'region_name': 'RegionOne'}
            sections['network'] = {'region_name': 'RegionOne'}
        else:
            sections['clients'] = {'backend': 'fake', 'fake_state_dir': self.fake_dir}
        for section, values in self.extra.items():
            sections.setdefault(section, {}).update(values)
        harness.write_ini(self.config_file, sections)
        harness.write_ini(self.db_config_file, {'database': {'connection': self.connection}})

    def seed_fakes(self):
        from services.compute.clients import fake
        fake.seed(str(self.fake_dir), images=[
            {'id': IMAGE_ID, 'name': 'cirros', 'visibility': 'public', 'status': 'active'}],
            networks=[{'id': NETWORK_ID, 'name': 'private', 'cidr': '198.18.0.0/20',
                       'shared': True}])

    def manage(self, *args):
        return harness.manage([self.config_file, self.db_config_file], 'compute', *args)

    def db_sync(self):
        return harness.db_sync([self.config_file, self.db_config_file], 'compute')

    def _spawn(self, name, binary, *extra_args):
        log = self.workdir / ('%s.log' % name)
        self.daemons.start(name, [harness.BIN / binary, '--config-file', self.config_file,
                                  '--log-file', log] + list(extra_args),
                           log_file=log, output_file=log.with_suffix('.err'))

    def start_compute(self, host, extra_conf=None):
        host_conf = self.workdir / ('host-%s.conf' % host)
        host_conf.write_text('[DEFAULT]\nhost = %s\n' % host)
        args = ['--config-file', str(host_conf)]
        if extra_conf:
            args += ['--config-file', str(extra_conf)]
        self._spawn('compute-%s' % host, 'alto-compute', *args)

    def create_vhost(self):
        self.vhost = harness.create_vhost('alto-compute')

    def delete_vhost(self):
        if self.vhost:
            harness.delete_vhost(self.vhost)
            self.vhost = None

    def start(self):
        if not self.transport_url:
            self.create_vhost()
        self.write_config()
        if not self.identity:
            self.seed_fakes()
        self.db_sync()
        # Only the conductor reads the file holding [database].
        self._spawn('conductor', 'alto-compute-conductor', '--config-file',
                    str(self.db_config_file))
        self._spawn('scheduler', 'alto-compute-scheduler')
        self._spawn('api', 'alto-compute-api')
        for host in self.hosts:
            self.start_compute(host)
        self.wait_ready()

    def wait_ready(self, timeout=60):
        """The API answers and every host's compute reports itself up."""
        def ready():
            urllib.request.urlopen(self.url + '/', timeout=2).read()
            return self.up_computes() >= len(self.hosts)
        self.daemons.wait_ready(ready, timeout=timeout, what='compute', log_of='api')

    def up_computes(self):
        if self.identity:
            import openstack
            conn = openstack.connect(**self.identity.cloud_config())
            try:
                return len([s for s in conn.compute.services()
                            if s.binary == 'nova-compute' and s.state == 'up'])
            finally:
                conn.close()
        body = self.request('GET', '/os-hypervisors/detail', project='admin',
                            roles='admin,member,reader')
        return len([h for h in body['hypervisors'] if h['state'] == 'up'])

    def stop_process(self, name, sig=signal.SIGTERM):
        self.daemons.stop_one(name, sig)

    def stop(self):
        self.daemons.stop()
        self.delete_vhost()

    def rss_kib(self):
        """Total RSS of every daemon and its worker children."""
        return sum(self.rss_by_daemon_kib().values())

    def rss_by_daemon_kib(self):
        """RSS of each daemon, its worker children included."""
        return self.daemons.rss_by_daemon_kib()

    def log_tail(self, name, lines=40):
        return self.daemons.log_tail(name, lines)

    # -- noauth REST helper ----------------------------------------------------
    def request(self, method, path, body=None, project='demo', roles='member,reader',
                version='2.53', expect=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={
            'Content-Type': 'application/json', 'X-User-Id': '%s-user' % project,
            'X-Project-Id': project, 'X-Roles': roles,
            'OpenStack-API-Version': 'compute %s' % version})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        if expect is not None:
            assert status == expect, (status, raw[:500])
        return json.loads(raw) if raw else {}


mysql_compute_db = databases.database_fixture('mysql_compute_db', 'mariadb', 'alto_compute')
