"""The soak's non-compute services: real identity, image and network
daemons and the cycles the soak drives against them with keystone tokens.

:class:`MixServices` starts alto-identity-api, alto-image-api and
alto-network-conductor + alto-network-api through the functional fixtures
(``tests/functional/{identity,image,network}/fixtures.py``), gives the soak
a project and a member user of its own and a network with a subnet in it,
and reports the RSS of each daemon (its workers included).  The cycles,
one call after the other, each call timed and counted by the soak's
tally (:class:`tools.bench.soak.Tally`):

- tokens: ``POST /v3/auth/tokens`` (password, project scope), then
  ``GET /v3/auth/tokens`` validating it with itself;
- ports: create on the soak's network, show, delete;
- images: create, upload a small blob, download it (the bytes must come
  back), delete.

Image and network validate tokens against identity, so either needs it.
"""

import secrets
import threading
import time

from tests.faults import client
from tests.functional import harness
from tests.functional.identity import fixtures as identity_fixtures
from tests.functional.image import fixtures as image_fixtures
from tests.functional.network import fixtures as network_fixtures

SERVICES = ('compute', 'network', 'image', 'identity')
#: the services that check tokens, so need identity running
NEEDS_IDENTITY = ('network', 'image')
PROJECT = 'soak'
USER = 'soak-user'
PASSWORD = 'soak-user-secret'
#: the soak's own network (benchmark addresses: nothing is ever sent to them)
SUBNET_CIDR = '198.18.64.0/18'
#: bytes uploaded and read back by each image cycle
BLOB_BYTES = 4096
#: a token issued for the port and image cycles is re-issued after this
#: (well inside identity's one-hour expiry)
TOKEN_REFRESH_S = 900


def parse_services(text):
    """``'compute,image'`` -> ``('compute', 'image')`` in :data:`SERVICES`
    order; ValueError for an unknown name, none, or image/network without
    identity."""
    names = [name.strip() for name in text.split(',') if name.strip()]
    unknown = sorted(set(names) - set(SERVICES))
    if unknown:
        raise ValueError('unknown service(s) %s: choose among %s'
                         % (', '.join(unknown), ','.join(SERVICES)))
    if not names:
        raise ValueError('no service given: choose among %s' % ','.join(SERVICES))
    needing = [name for name in NEEDS_IDENTITY if name in names]
    if needing and 'identity' not in names:
        raise ValueError('%s validate tokens: add identity' % ' and '.join(needing))
    return tuple(name for name in SERVICES if name in names)


def daemon_name(service, name):
    """A daemon's name in the soak's samples: ``identity-api``,
    ``network-conductor`` (the fixtures call them ``api`` or
    ``alto-network-conductor``)."""
    short = name[len('alto-%s-' % service):] if name.startswith('alto-%s-' % service) \
        else name
    return '%s-%s' % (service, short)


def header(answer, name):
    """A header of ``answer`` whatever its case (None when absent)."""
    wanted = name.lower()
    return next((v for k, v in answer.headers.items() if k.lower() == wanted), None)


def password_auth(user, password, project):
    return {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': user, 'domain': {'id': 'default'}, 'password': password}}},
        'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}


class MixServices:
    """Identity, and image and/or network as asked, started in ``workdir``.

    ``identity_db`` and ``network_db`` are database URLs (image keeps the
    SQLite file its fixture gives it); ``transport_url`` the broker the
    network daemons use (default: the shared one, private topics)."""

    def __init__(self, workdir, services, identity_db, network_db=None, transport_url=None):
        self.workdir = workdir
        self.services = services
        self.identity = identity_fixtures.IdentityServer(
            self._dir('identity'), harness.free_port(), identity_db)
        self.image = (image_fixtures.ImageServer(self._dir('image'), harness.free_port(),
                                                 self.identity)
                      if 'image' in services else None)
        self.network = (network_fixtures.NetworkServer(
            self._dir('network'), network_db, identity=self.identity,
            transport_url=transport_url) if 'network' in services else None)
        self.network_id = None
        self.tokens = None

    def _dir(self, name):
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def running(self):
        """``{service: fixture}`` of what runs, identity first."""
        found = {'identity': self.identity, 'image': self.image, 'network': self.network}
        return {name: server for name, server in found.items() if server is not None}

    def start(self):
        """Start every daemon, then make the soak's project, user and
        network.  A failed start stops what had started."""
        try:
            self.identity.prepare()
            self.identity.start()
            self.make_user()
            if self.image:
                self.image.register()
                self.image.write_config()
                self.image.start()
            if self.network:
                self.network.start()
            self.tokens = TokenSource(self.identity.url)
            if self.network:
                self.network_id = self.make_network()
        except Exception:
            self.stop()
            raise
        return self

    def make_user(self):
        import openstack
        admin = openstack.connect(**self.identity.cloud_config())
        try:
            project = admin.identity.create_project(name=PROJECT, domain_id='default')
            user = admin.identity.create_user(name=USER, password=PASSWORD,
                                              domain_id='default')
            member = admin.identity.find_role('member') or admin.identity.create_role(
                name='member')
            admin.identity.assign_project_role_to_user(project, user, member)
        finally:
            admin.close()

    def make_network(self):
        headers = self.tokens.headers()
        network = client.send('POST', self.network.url + '/v2.0/networks', {
            'network': {'name': 'soak-net'}}, headers=headers, timeout=60)
        if network is None or network.status != 201:
            raise RuntimeError('the soak network: %s' % (network and network.text))
        network_id = network.json()['network']['id']
        subnet = client.send('POST', self.network.url + '/v2.0/subnets', {
            'subnet': {'network_id': network_id, 'cidr': SUBNET_CIDR, 'ip_version': 4,
                       'name': 'soak-subnet'}}, headers=headers, timeout=60)
        if subnet is None or subnet.status != 201:
            raise RuntimeError('the soak subnet: %s' % (subnet and subnet.text))
        return network_id

    def stop(self):
        for server in reversed(list(self.running().values())):
            server.stop()

    def rss_by_daemon_kib(self):
        """RSS of each daemon, its worker children included."""
        return {daemon_name(service, name): kib
                for service, server in self.running().items()
                for name, kib in server.daemons.rss_by_daemon_kib().items()}

    def cycles(self, tally):
        """``{kind: cycle(index, stop)}`` for what runs."""
        found = {'tokens': TokenCycle(tally, self.identity.url)}
        if self.network:
            found['ports'] = PortCycle(tally, self.network.url, self.tokens, self.network_id)
        if self.image:
            found['images'] = ImageCycle(tally, self.image.url, self.tokens)
        return found

    def left(self):
        """What the cycles made and is still there, ``[(what, status)]``;
        None when a listing did not answer."""
        left = []
        headers = self.tokens.headers()
        if self.network:
            answer = client.send('GET', self.network.url + '/v2.0/ports?network_id=%s'
                                 % self.network_id, headers=headers, timeout=60)
            if answer is None or answer.status != 200:
                return None
            left += [('port %s' % p['id'], p['status']) for p in answer.json()['ports']
                     if p['name'].startswith('soak-port')]
        if self.image:
            answer = client.send('GET', self.image.url + '/v2/images?limit=1000',
                                 headers=headers, timeout=60)
            if answer is None or answer.status != 200:
                return None
            left += [('image %s' % i['id'], i['status']) for i in answer.json()['images']
                     if (i.get('name') or '').startswith('soak-image')]
        return left


class TokenSource:
    """The soak user's token for the port and image cycles, re-issued
    every :data:`TOKEN_REFRESH_S` (not counted: the token cycle measures
    issuing)."""

    def __init__(self, identity_url):
        self.identity_url = identity_url
        self.lock = threading.Lock()
        self.token = None
        self.issued_at = 0.0

    def headers(self):
        with self.lock:
            if self.token is None or time.time() - self.issued_at > TOKEN_REFRESH_S:
                answer = client.send('POST', self.identity_url + '/auth/tokens',
                                     password_auth(USER, PASSWORD, PROJECT), timeout=60)
                if answer is None or answer.status != 201:
                    raise RuntimeError('no token for the soak user: %s'
                                       % (answer and answer.text[:200]))
                self.token = header(answer, 'X-Subject-Token')
                self.issued_at = time.time()
            return {'X-Auth-Token': self.token}


class TokenCycle:
    def __init__(self, tally, identity_url):
        self.tally = tally
        self.url = identity_url + '/auth/tokens'

    def __call__(self, index, stop):
        issued = self.tally.call('POST /v3/auth/tokens', 'POST', self.url,
                                 password_auth(USER, PASSWORD, PROJECT), expect=(201,))
        if issued is None or issued.status != 201:
            return False
        token = header(issued, 'X-Subject-Token')
        if not token:
            self.tally.fail('POST /v3/auth/tokens -> 201 without X-Subject-Token')
            return False
        self.tally.call('GET /v3/auth/tokens', 'GET', self.url, expect=(200,),
                        headers={'X-Auth-Token': token, 'X-Subject-Token': token})
        return True


class PortCycle:
    def __init__(self, tally, network_url, tokens, network_id):
        self.tally = tally
        self.url = network_url + '/v2.0/ports'
        self.tokens = tokens
        self.network_id = network_id

    def __call__(self, index, stop):
        headers = self.tokens.headers()
        made = self.tally.call('POST /v2.0/ports', 'POST', self.url, {'port': {
            'network_id': self.network_id, 'name': 'soak-port-%d' % index}},
            headers=headers, expect=(201,))
        if made is None or made.status != 201:
            return False
        port_url = '%s/%s' % (self.url, made.json()['port']['id'])
        shown = self.tally.call('GET /v2.0/ports/{id}', 'GET', port_url, headers=headers,
                                expect=(200,))
        if shown is not None and shown.status == 200 and not shown.json()['port'].get(
                'fixed_ips'):
            self.tally.fail('port %s has no address' % port_url.rsplit('/', 1)[1])
        deleted = self.tally.call('DELETE /v2.0/ports/{id}', 'DELETE', port_url,
                                  headers=headers, expect=(204,))
        return deleted is not None and deleted.status == 204


class ImageCycle:
    def __init__(self, tally, image_url, tokens):
        self.tally = tally
        self.url = image_url + '/v2/images'
        self.tokens = tokens

    def __call__(self, index, stop):
        headers = self.tokens.headers()
        made = self.tally.call('POST /v2/images', 'POST', self.url, {
            'name': 'soak-image-%d' % index, 'disk_format': 'raw',
            'container_format': 'bare'}, headers=headers, expect=(201,))
        if made is None or made.status != 201:
            return False
        image_url = '%s/%s' % (self.url, made.json()['id'])
        # ASCII so the client's text decoding gives the very bytes back
        blob = secrets.token_hex(BLOB_BYTES // 2)
        uploaded = self.tally.call(
            'PUT /v2/images/{id}/file', 'PUT', image_url + '/file', data=blob.encode(),
            headers=dict(headers, **{'Content-Type': 'application/octet-stream'}),
            expect=(204,))
        if uploaded is not None and uploaded.status == 204:
            read = self.tally.call('GET /v2/images/{id}/file', 'GET', image_url + '/file',
                                   headers=headers, expect=(200,))
            if read is not None and read.status == 200 and read.text != blob:
                self.tally.fail('image %s read back %d bytes other than the %d sent'
                                % (image_url.rsplit('/', 1)[1], len(read.text), len(blob)))
        deleted = self.tally.call('DELETE /v2/images/{id}', 'DELETE', image_url,
                                  headers=headers, expect=(204,))
        return deleted is not None and deleted.status == 204
