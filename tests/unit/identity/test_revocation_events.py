"""Identity publishes an event for every change that invalidates tokens,
and lists recent events at GET /v3/OS-REVOKE/events (services and admins)."""

import pytest
import webtest

from common.revocation import model
from services.identity.api import app as identity_app
from services.identity.backends import load_drivers
from tests.unit.identity.conftest import Cloud


class RecordingPublisher:
    def __init__(self):
        self.events = []

    def publish(self, event):
        self.events.append(event)


@pytest.fixture
def pcloud(conf, monkeypatch):
    """The usual cloud, built with a publisher that records what it is given."""
    publisher = RecordingPublisher()
    real_build = identity_app.build
    monkeypatch.setattr(identity_app, 'build', lambda c, d: real_build(c, d, publisher))
    cloud = Cloud(conf)
    cloud.publisher = publisher
    return cloud


def _keys(event):
    return {k: v for k, v in event.items() if k in model.MATCH_KEYS and v is not None}


def test_every_invalidating_change_is_published(pcloud):
    m = pcloud.managers
    user, project = pcloud.make_member('bob', 'proj-b')
    token = pcloud.password_token('bob', 'pw-alice', project='proj-b')
    info = pcloud.call('GET', '/v3/auth/tokens', headers={'X-Subject-Token': token}).json
    published = pcloud.publisher.events
    member = m.assignment.get_role_by_name('member')
    role = m.assignment.create_role({'name': 'temp'})
    cred, _secret = m.app_cred.create(user['id'], project, [member['id']], {'name': 'c'})
    domain = m.resource.create_domain({'name': 'dom'})

    steps = [
        (lambda: pcloud.call('DELETE', '/v3/auth/tokens', headers={'X-Subject-Token': token},
                             status=204),
         {'audit_id': info['token']['audit_ids'][0]}),
        (lambda: m.identity.update_user(user['id'], {'enabled': False}),
         {'user_id': user['id']}),
        (lambda: m.identity.update_user(user['id'], {'password': 'new'}),
         {'user_id': user['id']}),
        (lambda: m.assignment.delete_grant(member['id'], 'user', user['id'], 'project',
                                           project['id']),
         {'user_id': user['id'], 'project_id': project['id']}),
        (lambda: m.app_cred.delete(cred['id']), {'app_cred_id': cred['id']}),
        (lambda: m.assignment.delete_role(role['id']), {'role_id': role['id']}),
        (lambda: m.resource.update_project(project['id'], {'enabled': False}),
         {'project_id': project['id']}),
        (lambda: m.resource.update_domain(domain['id'], {'enabled': False}),
         {'domain_id': domain['id']}),
        (lambda: m.identity.delete_user(user['id']), {'user_id': user['id']}),
    ]
    for change, keys in steps:
        before = len(published)
        change()
        assert [_keys(e) for e in published[before:]] == [keys]
        # what travels is what identity stored, to the microsecond
        assert model.from_wire(model.to_wire(published[-1]))['issued_before'] == \
            published[-1]['issued_before']


def test_app_credential_event_spares_the_users_own_tokens(cloud):
    m = cloud.managers
    user, project = cloud.make_member('carol', 'proj-c')
    member = m.assignment.get_role_by_name('member')
    cred, secret = m.app_cred.create(user['id'], project, [member['id']], {'name': 'c'})
    own = cloud.password_token('carol', 'pw-alice', project='proj-c')
    body = {'auth': {'identity': {'methods': ['application_credential'],
                                  'application_credential': {'id': cred['id'],
                                                             'secret': secret}}}}
    via_cred = cloud.app.post_json('/v3/auth/tokens', body).headers['X-Subject-Token']
    m.app_cred.delete(cred['id'])
    (event,) = [e for e in m.revoke.list_events() if e['app_cred_id'] == cred['id']]
    provider_check = {t: cloud.call('GET', '/v3/auth/tokens',
                                    headers={'X-Subject-Token': t}).status_int
                      for t in (own, via_cred)}
    assert provider_check == {own: 200, via_cred: 404}
    assert event['issued_before'] is not None


def test_os_revoke_events_listing(cloud):
    cloud.make_member('dave', 'proj-d')
    member_token = cloud.password_token('dave', 'pw-alice', project='proj-d')
    cloud.call('GET', '/v3/OS-REVOKE/events', token=member_token, status=403)
    assert cloud.call('GET', '/v3/OS-REVOKE/events', status=200).json['events'] == []

    cloud.call('DELETE', '/v3/auth/tokens', headers={'X-Subject-Token': member_token},
               status=204)
    body = cloud.call('GET', '/v3/OS-REVOKE/events', status=200).json
    (event,) = body['events']
    assert set(event) == {'audit_id', 'issued_before', 'revoked_at'}
    assert event['issued_before'].endswith('Z') and '.' in event['issued_before']
    assert body['links']['self'].endswith('/v3/OS-REVOKE/events')

    since = event['revoked_at']
    assert cloud.call('GET', '/v3/OS-REVOKE/events?since=%s' % since,
                      status=200).json['events'] == []
    assert len(cloud.call('GET', '/v3/OS-REVOKE/events?since=2020-01-01T00:00:00Z',
                          status=200).json['events']) == 1
    bad = cloud.call('GET', '/v3/OS-REVOKE/events?since=yesterday', status=400)
    assert bad.json['error']['code'] == 400
    cloud.call('POST', '/v3/OS-REVOKE/events', body={}, status=405)


def test_service_role_may_list_events(cloud):
    m = cloud.managers
    svc_user, svc_project = cloud.make_member('glance', 'service')
    service_role = m.assignment.create_role({'name': 'service'})
    m.assignment.create_grant(service_role['id'], 'user', svc_user['id'], 'project',
                              svc_project['id'])
    svc_token = cloud.password_token('glance', 'pw-alice', project='service')
    cloud.call('GET', '/v3/OS-REVOKE/events', token=svc_token, status=200)


def test_build_without_publisher_sends_nothing(conf):
    app, managers = identity_app.build(conf, load_drivers(conf))
    assert managers.revoke.publisher is None
    webtest.TestApp(app).get('/v3', status=200)
