"""A change that invalidates a token reaches another API within a second.

Real alto-identity-api and alto-image-api on RabbitMQ: a token is used at
the image API (so keystonemiddleware caches it for 300 s), then identity
invalidates it (revoke, disable, delete, remove a role, ...); the image API
must refuse it within DEADLINE, and keep accepting a bystander's token.
"""

import secrets
import time

import pytest
import requests

from tests.functional.identity import fixtures as identity_fixtures
from tests.functional.harness import free_port
from tests.functional.image.fixtures import ImageServer
from tests.functional.image.fixtures import image_server  # noqa: F401

pytestmark = pytest.mark.functional

DEADLINE = 1.0
PASSWORD = 'revocation-pw-1'


class Identity:
    """Just enough of the identity API, over plain HTTP."""

    def __init__(self, server):
        self.url = server.url
        self.admin = self.token('admin', server.admin_password, project_name='admin')
        self.member_role = self.call('GET', '/roles?name=member').json()['roles'][0]['id']

    def token(self, name, password, project_name=None, project_id=None, domain='default'):
        auth = {'identity': {'methods': ['password'], 'password': {
            'user': {'name': name, 'domain': {'id': domain}, 'password': password}}}}
        if project_id:
            auth['scope'] = {'project': {'id': project_id}}
        elif project_name:
            auth['scope'] = {'project': {'name': project_name, 'domain': {'id': domain}}}
        return self._issue({'auth': auth})

    def app_cred_token(self, cred_id, secret):
        return self._issue({'auth': {'identity': {
            'methods': ['application_credential'],
            'application_credential': {'id': cred_id, 'secret': secret}}}})

    def _issue(self, body):
        resp = requests.post(self.url + '/auth/tokens', json=body, timeout=10)
        assert resp.status_code == 201, resp.text
        return resp.headers['X-Subject-Token']

    def call(self, method, path, body=None, token=None, headers=None, status=None):
        hdrs = {'X-Auth-Token': token or self.admin}
        hdrs.update(headers or {})
        resp = requests.request(method, self.url + path, json=body, headers=hdrs, timeout=10)
        if status is not None:
            assert resp.status_code == status, resp.text
        else:
            assert resp.status_code < 300, resp.text
        return resp

    def member(self, domain_id='default'):
        """A new project with a new member: ``(user_id, project_id, name)``."""
        name = 'rv-%s' % secrets.token_hex(4)
        project = self.call('POST', '/projects', {'project': {
            'name': name, 'domain_id': domain_id}}).json()['project']
        user = self.call('POST', '/users', {'user': {
            'name': name, 'password': PASSWORD, 'domain_id': domain_id}}).json()['user']
        self.call('PUT', '/projects/%s/users/%s/roles/%s'
                  % (project['id'], user['id'], self.member_role))
        return user['id'], project['id'], name


@pytest.fixture(scope='module')
def identity_server(tmp_path_factory):
    """Identity publishing revocation events on a private topic (the image
    fixtures below listen on it)."""
    server = identity_fixtures._start(
        tmp_path_factory, lambda d: 'sqlite:///%s/identity.sqlite' % d, revocation=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='module')
def identity(identity_server):  # noqa: F811
    return Identity(identity_server)


def image_status(image_server, token):  # noqa: F811
    return requests.get(image_server.url + '/v2/images', headers={'X-Auth-Token': token},
                        timeout=10).status_code


def delay_until_refused(image_server, token):  # noqa: F811
    start = time.monotonic()
    while True:
        status = image_status(image_server, token)
        elapsed = time.monotonic() - start
        if status == 401:
            return elapsed
        assert status == 200, status
        if elapsed > 10:
            pytest.fail('the image API still accepts the token after %.1f s' % elapsed)
        time.sleep(0.02)


def refusals(image_server):  # noqa: F811
    """Tokens the revocation check refused so far (keystonemiddleware would
    have accepted them from its cache)."""
    try:
        return image_server.log_file.read_text().count('Refused a revoked token')
    except OSError:
        return 0


def _revoke_token(identity, user_id, project_id, name, token):
    identity.call('DELETE', '/auth/tokens', headers={'X-Subject-Token': token})


def _disable_user(identity, user_id, project_id, name, token):
    identity.call('PATCH', '/users/%s' % user_id, {'user': {'enabled': False}})


def _delete_user(identity, user_id, project_id, name, token):
    identity.call('DELETE', '/users/%s' % user_id)


def _change_password(identity, user_id, project_id, name, token):
    identity.call('POST', '/users/%s/password' % user_id, {'user': {
        'original_password': PASSWORD, 'password': PASSWORD + 'x'}}, token=token)


def _remove_role(identity, user_id, project_id, name, token):
    identity.call('DELETE', '/projects/%s/users/%s/roles/%s'
                  % (project_id, user_id, identity.member_role))


def _disable_project(identity, user_id, project_id, name, token):
    identity.call('PATCH', '/projects/%s' % project_id, {'project': {'enabled': False}})


def _delete_project(identity, user_id, project_id, name, token):
    identity.call('DELETE', '/projects/%s' % project_id)


CHANGES = [_revoke_token, _disable_user, _delete_user, _change_password, _remove_role,
           _disable_project, _delete_project]


@pytest.fixture(scope='module')
def bystander(identity, image_server):  # noqa: F811
    user_id, project_id, name = identity.member()
    token = identity.token(name, PASSWORD, project_id=project_id)
    assert image_status(image_server, token) == 200
    yield token
    # nothing above revoked more than it should
    assert image_status(image_server, token) == 200


@pytest.mark.parametrize('change', CHANGES, ids=lambda f: f.__name__.strip('_'))
def test_invalidated_token_refused_within_a_second(identity, image_server,  # noqa: F811
                                                   bystander, change):
    user_id, project_id, name = identity.member()
    token = identity.token(name, PASSWORD, project_id=project_id)
    assert image_status(image_server, token) == 200   # now in the token cache
    assert image_status(image_server, token) == 200
    refused = refusals(image_server)
    change(identity, user_id, project_id, name, token)
    delay = delay_until_refused(image_server, token)
    print('%s: refused by the image API %.0f ms after identity answered'
          % (change.__name__.strip('_'), delay * 1000))
    assert delay < DEADLINE
    # the event refused it, not a new validation: the cache still held it
    assert refusals(image_server) > refused
    assert image_status(image_server, token) == 401    # and stays refused


def test_disabled_domain_and_deleted_app_credential(identity, image_server,  # noqa: F811
                                                    bystander):
    domain = identity.call('POST', '/domains', {'domain': {
        'name': 'rv-%s' % secrets.token_hex(4)}}).json()['domain']
    user_id, project_id, name = identity.member(domain_id=domain['id'])
    token = identity.token(name, PASSWORD, project_id=project_id, domain=domain['id'])
    cred = identity.call('POST', '/users/%s/application_credentials' % user_id, {
        'application_credential': {'name': 'rv'}}, token=token).json()['application_credential']
    cred_token = identity.app_cred_token(cred['id'], cred['secret'])
    for each in (token, cred_token):
        assert image_status(image_server, each) == 200

    identity.call('DELETE', '/users/%s/application_credentials/%s' % (user_id, cred['id']),
                  token=token)
    delay = delay_until_refused(image_server, cred_token)
    print('app credential deleted: refused %.0f ms after' % (delay * 1000))
    assert delay < DEADLINE
    # only the credential's tokens: the user's own token still works
    assert image_status(image_server, token) == 200

    identity.call('PATCH', '/domains/%s' % domain['id'], {'domain': {'enabled': False}})
    delay = delay_until_refused(image_server, token)
    print('domain disabled: refused %.0f ms after' % (delay * 1000))
    assert delay < DEADLINE


def test_revocation_events_listed_for_services_only(identity, image_server):  # noqa: F811
    user_id, project_id, name = identity.member()
    token = identity.token(name, PASSWORD, project_id=project_id)
    identity.call('GET', '/OS-REVOKE/events', token=token, status=403)
    identity.call('DELETE', '/auth/tokens', headers={'X-Subject-Token': token})
    events = identity.call('GET', '/OS-REVOKE/events').json()['events']
    assert any(e.get('audit_id') for e in events)
    assert all('issued_before' in e and 'revoked_at' in e for e in events)


@pytest.fixture(scope='module')
def image_two_workers(identity_server, image_server, tmp_path_factory):  # noqa: F811
    """A second image API, with two worker processes (the service user and
    catalog are image_server's)."""
    server = ImageServer(tmp_path_factory.mktemp('image2'), free_port(), identity_server)
    server.write_config()
    with open(server.config_file, 'a') as conf:
        conf.write('[api]\nworkers = 2\n')
    server.start()
    try:
        yield server
    finally:
        server.stop()


def listening_pids(server):
    pids = set()
    for line in server.log_file.read_text().splitlines():
        if 'Revocation listener consuming' in line:
            pids.add(line.split()[2])
    return pids


def test_every_worker_refuses(identity, image_two_workers):
    server = image_two_workers
    deadline = time.monotonic() + 20
    while len(listening_pids(server)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(listening_pids(server)) == 2      # one listener, one queue per worker
    user_id, project_id, name = identity.member()
    token = identity.token(name, PASSWORD, project_id=project_id)
    for _ in range(40):   # new connections: both workers validate and cache it
        assert image_status(server, token) == 200
    identity.call('DELETE', '/auth/tokens', headers={'X-Subject-Token': token})
    delay = delay_until_refused(server, token)
    statuses = [image_status(server, token) for _ in range(40)]
    print('two workers: refused %.0f ms after' % (delay * 1000))
    assert delay < DEADLINE and set(statuses) == {401}
    lines = server.log_file.read_text().splitlines()
    refused_by = {line.split()[2] for line in lines if 'Refused a revoked token' in line}
    received_by = {line.split()[2] for line in lines
                   if 'Revocation event received from the bus' in line}
    # every worker got the event on its own queue; the ones the kernel gave
    # connections to (on a loaded machine possibly just one) refused from it
    assert received_by == listening_pids(server)
    assert refused_by and refused_by <= received_by


@pytest.fixture(scope='module')
def image_off_the_bus(identity_server, image_server, tmp_path_factory):  # noqa: F811
    """An image API listening on a topic identity never casts to: it learns
    of revocations only by fetching them from identity, every second."""
    server = ImageServer(tmp_path_factory.mktemp('image3'), free_port(), identity_server)
    server.write_config()
    with open(server.config_file, 'a') as conf:
        conf.write('[revocation]\ntopic = unheard-%s\nresync_interval = 1\n'
                   % secrets.token_hex(4))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_events_the_bus_did_not_bring_are_fetched_from_identity(identity,
                                                               image_off_the_bus):
    server = image_off_the_bus
    user_id, project_id, name = identity.member()
    token = identity.token(name, PASSWORD, project_id=project_id)
    assert image_status(server, token) == 200
    identity.call('PATCH', '/users/%s' % user_id, {'user': {'enabled': False}})
    delay = delay_until_refused(server, token)
    print('off the bus: refused %.0f ms after (resync every 1 s)' % (delay * 1000))
    assert delay < 2.5
    assert 'Refused a revoked token' in server.log_file.read_text()
