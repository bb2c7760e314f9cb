"""Seeded, bounded fuzz of the APIs added for conformance: random JSON
bodies, ids and query values at every verb and path never get a 5xx."""

import json
import random

import pytest

SEED = 20261126
ROUNDS = 800

_SCALARS = [None, True, False, 0, -1, 2 ** 31, 2 ** 70, 1.5, '', 'x', 'a' * 300, '\u00e9\u2603',
            '../', '%00', 'AWS4-HMAC-SHA256', '2001-01-01T00:00:00Z', 'bad.123Z']


def _value(rng, depth=0):
    kind = rng.randrange(6 if depth < 3 else 1)
    if kind == 0:
        return rng.choice(_SCALARS)
    if kind in (1, 2):
        return {rng.choice(_KEYS): _value(rng, depth + 1) for _ in range(rng.randrange(5))}
    if kind == 3:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return rng.choice(_SCALARS)


_KEYS = ['id', 'name', 'description', 'trust', 'trustor_user_id', 'trustee_user_id',
         'project_id', 'domain_id', 'impersonation', 'roles', 'expires_at', 'remaining_uses',
         'registered_limits', 'limits', 'limit', 'registered_limit', 'service_id',
         'region_id', 'resource_name', 'default_limit', 'resource_limit', 'policy', 'type',
         'blob', 'tenant_id', 'credentials', 'ec2Credentials', 'access', 'signature', 'host',
         'verb', 'path', 'params', 'headers', 'body_hash', 'token', 'endpoint_group',
         'filters', 'interface', 'consumer', 'config', 'identity', 'ldap', 'driver', 'url',
         'application_credential', 'access_rules', 'service', 'method', 'is_domain',
         'project', 'tags', 'enabled', 'SignatureVersion', 'Timestamp']


def _paths(ids):
    u, p, t, e, g = ids['user'], ids['project'], ids['trust'], ids['endpoint'], ids['group']
    return [
        '/v3/OS-TRUST/trusts', '/v3/OS-TRUST/trusts/%s' % t, '/v3/OS-TRUST/trusts/%s/roles' % t,
        '/v3/OS-TRUST/trusts/%s/roles/x' % t, '/v3/OS-TRUST/trusts/nope',
        '/v3/registered_limits', '/v3/registered_limits/nope', '/v3/limits', '/v3/limits/x',
        '/v3/limits/model', '/v3/policies', '/v3/policies/nope',
        '/v3/users/%s/credentials/OS-EC2' % u, '/v3/users/%s/credentials/OS-EC2/x' % u,
        '/v3/ec2tokens', '/v3/s3tokens',
        '/v3/OS-EP-FILTER/endpoint_groups', '/v3/OS-EP-FILTER/endpoint_groups/%s' % g,
        '/v3/OS-EP-FILTER/endpoint_groups/%s/projects/%s' % (g, p),
        '/v3/OS-EP-FILTER/endpoint_groups/%s/endpoints' % g,
        '/v3/OS-EP-FILTER/projects/%s/endpoints/%s' % (p, e),
        '/v3/OS-EP-FILTER/projects/%s/endpoint_groups' % p,
        '/v3/OS-EP-FILTER/endpoints/%s/projects' % e,
        '/v3/OS-OAUTH1/consumers', '/v3/OS-OAUTH1/consumers/x',
        '/v3/domains/default/config', '/v3/domains/default/config/ldap',
        '/v3/domains/default/config/ldap/url', '/v3/domains/config/default',
        '/v3/domains/config/ldap/url/default', '/v3/users/%s/access_rules' % u,
        '/v3/users/%s/access_rules/x' % u, '/v3/users/%s/application_credentials' % u,
        # (not the member's project itself: deleting it would end the member's token)
        '/v3/projects', '/v3/projects/nope', '/v3/groups', '/v3/endpoints',
    ]


@pytest.fixture
def ids(cloud):
    call = cloud.call
    user, project = cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    trust = call('POST', '/v3/OS-TRUST/trusts', {'trust': {
        'trustor_user_id': user['id'], 'trustee_user_id': cloud.boot['user']['id'],
        'project_id': project['id'], 'impersonation': False,
        'roles': [{'name': 'member'}]}}, token=token, status=201).json['trust']
    service = call('POST', '/v3/services', {'service': {'type': 'x'}}).json['service']
    endpoint = call('POST', '/v3/endpoints', {'endpoint': {
        'service_id': service['id'], 'interface': 'public', 'url': 'http://x/'}}).json[
        'endpoint']
    group = call('POST', '/v3/OS-EP-FILTER/endpoint_groups', {'endpoint_group': {
        'name': 'g', 'filters': {'interface': 'public'}}}).json['endpoint_group']
    return {'user': user['id'], 'project': project['id'], 'trust': trust['id'],
            'endpoint': endpoint['id'], 'group': group['id'], 'member_token': token,
            'service': service['id']}


def _templates(ids):
    """Valid bodies per path prefix; the fuzz mutates one field of them."""
    return {
        '/v3/OS-TRUST/trusts': {'trust': {
            'trustor_user_id': ids['user'], 'trustee_user_id': ids['user'],
            'project_id': ids['project'], 'impersonation': True,
            'roles': [{'name': 'member'}], 'expires_at': None, 'remaining_uses': 2}},
        '/v3/registered_limits': {'registered_limits': [{
            'service_id': ids['service'], 'resource_name': 'cores', 'default_limit': 3}]},
        '/v3/limits': {'limits': [{'service_id': ids['service'], 'resource_name': 'cores',
                                   'project_id': ids['project'], 'resource_limit': 2}]},
        '/v3/policies': {'policy': {'type': 't', 'blob': 'b'}},
        '/v3/users/%s/credentials/OS-EC2' % ids['user']: {'tenant_id': ids['project']},
        '/v3/ec2tokens': {'credentials': {
            'access': 'a', 'signature': 's', 'host': 'h', 'verb': 'GET', 'path': '/',
            'params': {'SignatureVersion': '2', 'Timestamp': '2030-01-01T00:00:00Z'},
            'headers': {'Authorization': 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e'}}},
        '/v3/s3tokens': {'credentials': {'access': 'a', 'signature': 's', 'token': 'QUJD'}},
        '/v3/OS-EP-FILTER/endpoint_groups': {'endpoint_group': {
            'name': 'g', 'filters': {'interface': 'public'}}},
        '/v3/OS-OAUTH1/consumers': {'consumer': {'description': 'd'}},
        '/v3/domains/default/config': {'config': {'ldap': {'url': 'ldap://x'}}},
        '/v3/users/%s/application_credentials' % ids['user']: {'application_credential': {
            'name': 'n', 'access_rules': [{'service': 's', 'path': '/p', 'method': 'GET'}]}},
        '/v3/projects': {'project': {'name': 'p', 'is_domain': True}},
    }


def _mutate(rng, body):
    body = json.loads(json.dumps(body))
    node = body
    while isinstance(node, dict) and node and rng.random() < 0.7:
        key = rng.choice(sorted(node))
        child = node[key]
        if isinstance(child, list) and child and isinstance(child[0], dict):
            child = child[0]
        if not isinstance(child, dict) or not child or rng.random() < 0.4:
            node[key] = _value(rng)
            return body
        node = child
    if isinstance(node, dict):
        node[rng.choice(_KEYS)] = _value(rng)
    return body


def test_no_server_errors(cloud, ids):
    rng = random.Random(SEED)
    paths = _paths(ids)
    templates = _templates(ids)
    tokens = [None, ids['member_token']]
    seen = set()
    for _ in range(ROUNDS):
        method = rng.choice(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
        path = rng.choice(paths)
        if rng.random() < 0.3:
            path += '?' + rng.choice(['is_domain=true', 'trustor_user_id=x', 'type=%00',
                                      'resource_name=' + 'r' * 300, 'name=%E2%98%83'])
        token = rng.choice(tokens)
        body = None
        if method in ('POST', 'PUT', 'PATCH'):
            template = next((b for prefix, b in templates.items()
                             if path.split('?')[0].startswith(prefix)), None)
            if template is not None and rng.random() < 0.6:
                body = _mutate(rng, template)
            elif rng.random() < 0.5:
                body = _value(rng)
            else:
                body = {rng.choice(_KEYS): _value(rng)}
        raw = json.dumps(body).encode() if body is not None else None
        hdrs = {'X-Auth-Token': token or cloud.admin_token}
        if raw is not None:
            hdrs['Content-Type'] = 'application/json'
        resp = cloud.app.request(path, method=method, body=raw, headers=hdrs, expect_errors=True)
        seen.add(resp.status_int)
        assert resp.status_int < 500, (method, path, body, resp.body[:300])
    assert {200, 400, 404} & seen

