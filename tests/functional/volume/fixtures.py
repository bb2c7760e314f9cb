"""The volume daemons as real processes: conductor, scheduler, API on a free
loopback port, alto-volume-backup and one alto-volume (file backend) per host, over RabbitMQ in
a private vhost, behind the real identity service (and image service for
volumes created from images)."""

import json
import pathlib
import secrets
import urllib.error
import urllib.request

from tests.functional import harness
from tests.functional.harness import free_port

SERVICE_PASSWORD = 'volume-service-secret'


class VolumeCloud:
    def __init__(self, workdir, connection, identity, hosts=('stor1',), extra=None):
        self.workdir = pathlib.Path(workdir)
        self.connection = connection
        self.identity = identity
        self.hosts = list(hosts)
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d/v3' % self.port
        self.config_file = self.workdir / 'volume.conf'
        self.db_config_file = self.workdir / 'volume-db.conf'
        self.volumes_dir = self.workdir / 'volumes'
        self.extra = extra or {}
        self.daemons = harness.Daemons()
        self.vhost = None

    def register(self):
        """Service user and catalog entries, as deploy/lib/volume.sh does."""
        import openstack
        admin = openstack.connect(**self.identity.cloud_config())
        project = admin.identity.find_project('service') or \
            admin.identity.create_project(name='service', domain_id='default')
        user = admin.identity.find_user('cinder') or admin.identity.create_user(
            name='cinder', password=SERVICE_PASSWORD, domain_id='default')
        role = admin.identity.find_role('service') or admin.identity.create_role(name='service')
        admin.identity.assign_project_role_to_user(project, user, role)
        url = 'http://127.0.0.1:%d/v3/$(project_id)s' % self.port
        for name, kind in (('cinderv3', 'volumev3'), ('cinder', 'block-storage')):
            svc = admin.identity.create_service(name=name, type=kind)
            for iface in ('public', 'internal', 'admin'):
                admin.identity.create_endpoint(service_id=svc.id, interface=iface, url=url,
                                               region_id='RegionOne')
        admin.close()

    def write_config(self):
        auth = {'auth_url': self.identity.url, 'auth_type': 'password', 'username': 'cinder',
                'password': SERVICE_PASSWORD, 'project_name': 'service',
                'user_domain_id': 'default', 'project_domain_id': 'default'}
        sections = {
            'DEFAULT': {'state_path': self.workdir,
                        'transport_url': harness.RABBIT_URL + (self.vhost or ''),
                        'control_exchange': 'alto-vol-%s' % secrets.token_hex(4),
                        'graceful_shutdown_timeout': 5},
            'api': {'bind_host': '127.0.0.1', 'bind_port': self.port,
                    'auth_strategy': 'keystone'},
            'service': {'report_interval': 1, 'service_down_time': 6},
            'volume': {'volumes_dir': self.volumes_dir, 'capacity_report_interval': 1},
            'backup': {'backup_posix_path': self.workdir / 'backup', 'backup_chunk_size': 4},
            'oslo_messaging_rabbit': {'heartbeat_timeout_threshold': 0},
            'service_user': dict(auth),
            'keystone_authtoken': dict(auth, www_authenticate_uri=self.identity.url,
                                       memcached_servers='', region_name='RegionOne'),
            'image': {'region_name': 'RegionOne'},
        }
        for section, values in self.extra.items():
            sections.setdefault(section, {}).update(values)
        harness.write_ini(self.config_file, sections)
        harness.write_ini(self.db_config_file, {'database': {'connection': self.connection}})

    def manage(self, *args):
        return harness.manage([self.config_file, self.db_config_file], 'volume', *args)

    def _spawn(self, name, binary, *extra_args):
        log = self.workdir / ('%s.log' % name)
        self.daemons.start(name, [harness.BIN / binary, '--config-file', self.config_file,
                                  '--log-file', log] + list(extra_args),
                           log_file=log, output_file=log.with_suffix('.err'))

    def start_volume(self, host, backend_name=None):
        """An alto-volume for ``host``; with ``backend_name``, a backend of that
        name with its own directory (``volumes-<backend_name>``)."""
        host_conf = self.workdir / ('host-%s.conf' % host)
        text = '[DEFAULT]\nhost = %s\n' % host
        if backend_name:
            text += '[volume]\nbackend_name = %s\nvolumes_dir = %s\n' % (
                backend_name, self.workdir / ('volumes-%s' % backend_name))
        host_conf.write_text(text)
        self._spawn('volume-%s' % host, 'alto-volume', '--config-file', host_conf)

    def create_vhost(self):
        self.vhost = harness.create_vhost('alto-volume')

    def delete_vhost(self):
        if self.vhost:
            harness.delete_vhost(self.vhost)
            self.vhost = None

    def start(self):
        self.create_vhost()
        self.write_config()
        self.manage('db', 'sync')
        # Only the conductor reads the file holding [database].
        self._spawn('conductor', 'alto-volume-conductor', '--config-file',
                    str(self.db_config_file))
        self._spawn('scheduler', 'alto-volume-scheduler')
        self._spawn('api', 'alto-volume-api')
        self._spawn('backup', 'alto-volume-backup')
        for host in self.hosts:
            self.start_volume(host)
        self.wait_ready()

    def wait_ready(self, timeout=60):
        """The API answers, every backend has reported its capacity and the
        backup service is up."""
        self.daemons.wait_ready(lambda: harness.answers(
            'http://127.0.0.1:%d/v3/' % self.port) and self.backends_up() >= len(self.hosts)
            and self.backends_up('cinder-backup') == 1,
            timeout=timeout, what='volume', log_of='api')

    def backends_up(self, binary='cinder-volume'):
        token, project = self.token()
        _, body = self.request('GET', '/%s/os-services?binary=%s' % (project, binary),
                               token=token)
        return len([s for s in body.get('services', []) if s['state'] == 'up'])

    def token(self, user=None, password=None, project=None):
        """A token and its project id (admin by default)."""
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'name': user or self.identity.admin_user, 'domain': {'id': 'default'},
            'password': password or self.identity.admin_password}}},
            'scope': {'project': {'name': project or self.identity.admin_project,
                                  'domain': {'id': 'default'}}}}}
        req = urllib.request.Request(self.identity.url + '/auth/tokens',
                                     data=json.dumps(body).encode(), method='POST',
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.headers['X-Subject-Token'], json.loads(resp.read())['token'][
                'project']['id']

    def request(self, method, path, body=None, token=None, version='3.44', expect=None,
                raw_body=None):
        """``(status, body)`` unless ``expect`` is given (then the body)."""
        data = raw_body if raw_body is not None else (
            json.dumps(body).encode() if body is not None else None)
        headers = {'Content-Type': 'application/json', 'X-Auth-Token': token or ''}
        if version:
            headers['OpenStack-API-Version'] = 'volume %s' % version
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        parsed = json.loads(raw) if raw else {}
        if expect is not None:
            assert status == expect, (method, path, status, raw[:500])
            return parsed
        return status, parsed

    def stop(self):
        self.daemons.stop()
        self.delete_vhost()

    def log_tail(self, name, lines=40):
        return self.daemons.log_tail(name, lines)
