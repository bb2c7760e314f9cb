"""Trust-scoped tokens cached by another API are refused within a second
when the trust is deleted, its trustor is disabled or loses the delegated
role (real alto-identity-api and alto-image-api on RabbitMQ)."""

import pytest
import requests

from tests.functional.identity.test_revocation_bus import DEADLINE
from tests.functional.identity.test_revocation_bus import PASSWORD
from tests.functional.identity.test_revocation_bus import delay_until_refused
from tests.functional.identity.test_revocation_bus import identity  # noqa: F401
from tests.functional.identity.test_revocation_bus import identity_server  # noqa: F401
from tests.functional.identity.test_revocation_bus import image_status
from tests.functional.identity.test_revocation_bus import refusals
from tests.functional.image.fixtures import image_server  # noqa: F401

pytestmark = pytest.mark.functional


def _trust_token(identity, trustee_name, trust_id):  # noqa: F811
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': trustee_name, 'domain': {'id': 'default'}, 'password': PASSWORD}}},
        'scope': {'OS-TRUST:trust': {'id': trust_id}}}}
    resp = requests.post(identity.url + '/auth/tokens', json=body, timeout=10)
    assert resp.status_code == 201, resp.text
    return resp.headers['X-Subject-Token']


def _delete_trust(identity, trust, trustor_id, project_id, trustor_token):  # noqa: F811
    identity.call('DELETE', '/OS-TRUST/trusts/%s' % trust['id'], token=trustor_token)


def _disable_trustor(identity, trust, trustor_id, project_id, trustor_token):  # noqa: F811
    identity.call('PATCH', '/users/%s' % trustor_id, {'user': {'enabled': False}})


def _trustor_loses_role(identity, trust, trustor_id, project_id, trustor_token):  # noqa: F811
    identity.call('DELETE', '/projects/%s/users/%s/roles/%s'
                  % (project_id, trustor_id, identity.member_role))


@pytest.mark.parametrize('change', [_delete_trust, _disable_trustor, _trustor_loses_role],
                         ids=lambda f: f.__name__.strip('_'))
def test_trust_token_refused_within_a_second(identity, image_server, change):  # noqa: F811
    trustor_id, project_id, trustor_name = identity.member()
    trustee_id, _, trustee_name = identity.member()
    trustor_token = identity.token(trustor_name, PASSWORD, project_id=project_id)
    # not impersonating: the token's user is the trustee, so a change to the
    # trustor reaches the image API only through the trust's audit chain
    trust = identity.call('POST', '/OS-TRUST/trusts', {'trust': {
        'trustor_user_id': trustor_id, 'trustee_user_id': trustee_id,
        'project_id': project_id, 'impersonation': False,
        'roles': [{'id': identity.member_role}]}}, token=trustor_token).json()['trust']
    token = _trust_token(identity, trustee_name, trust['id'])
    assert image_status(image_server, token) == 200   # now in the token cache
    assert image_status(image_server, token) == 200
    trustee_own = identity.token(trustee_name, PASSWORD)
    refused = refusals(image_server)
    change(identity, trust, trustor_id, project_id, trustor_token)
    delay = delay_until_refused(image_server, token)
    print('%s: refused by the image API %.0f ms after identity answered'
          % (change.__name__.strip('_'), delay * 1000))
    assert delay < DEADLINE
    assert refusals(image_server) > refused
    # the trustee itself is not affected
    identity.call('GET', '/auth/tokens', headers={'X-Subject-Token': trustee_own},
                  status=200)
