"""Role x operation -> status for the APIs added for conformance: trusts,
limits, policies, OS-EC2, OS-EP-FILTER, OAuth1 consumers, domain
configuration and access rules.  Same personas as test_policy_table; every
denied write is checked to have changed nothing."""

import pytest

from tests.unit.identity.test_policy_table import PERSONAS
from tests.unit.identity.test_policy_table import World


class DelegationWorld(World):

    def __init__(self, tmp_path):
        super().__init__(tmp_path)
        call = self.cloud.call
        a = self.users['member_a']['id']
        self.service = call('POST', '/v3/services', {'service': {'type': 'compute'}},
                            status=201).json['service']
        self.endpoint = call('POST', '/v3/endpoints', {'endpoint': {
            'service_id': self.service['id'], 'interface': 'public',
            'url': 'http://compute/'}}, status=201).json['endpoint']
        call('POST', '/v3/registered_limits', {'registered_limits': [{
            'service_id': self.service['id'], 'resource_name': 'cores',
            'default_limit': 10}]}, status=201)
        self.limit = call('POST', '/v3/limits', {'limits': [{
            'service_id': self.service['id'], 'resource_name': 'cores',
            'project_id': self.project_a['id'], 'resource_limit': 5}]},
            status=201).json['limits'][0]
        self.trust = call('POST', '/v3/OS-TRUST/trusts', {'trust': {
            'trustor_user_id': a, 'trustee_user_id': self.users['member_b']['id'],
            'project_id': self.project_a['id'], 'impersonation': False,
            'roles': [{'name': 'member'}]}}, token=self.tokens['member_a'],
            status=201).json['trust']

    def snapshot(self):
        m = self.m
        records = {kind: sorted((r['id'], str(sorted(r.items()))) for r in driver.list({}))
                   for kind, driver in self.record_drivers().items()}
        return dict(super().snapshot(), trusts=sorted(t['id'] for t in m.trust.list()),
                    **records)

    def record_drivers(self):
        m = self.m
        return {'registered_limit': m.limit.registered, 'limit': m.limit.limits,
                'policy': m.policy.driver, 'endpoint_group': m.endpoint_filter.groups,
                'project_endpoint': m.endpoint_filter.direct, 'consumer': m.oauth1.driver,
                'domain_config': m.domain_config.driver, 'access_rule': m.access_rule.rules}


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    return DelegationWorld(tmp_path_factory.mktemp('identity-delegation-table'))


def _ops(w):
    a = w.users['member_a']['id']
    b = w.users['member_b']['id']
    trust = '/v3/OS-TRUST/trusts/%s' % w.trust['id']
    return {
        'list_trusts': ('GET', '/v3/OS-TRUST/trusts', None),
        'list_trusts_of_a': ('GET', '/v3/OS-TRUST/trusts?trustor_user_id=%s' % a, None),
        'get_trust': ('GET', trust, None),
        'trust_roles': ('GET', trust + '/roles', None),
        'create_trust_as_a': ('POST', '/v3/OS-TRUST/trusts', {'trust': {
            'trustor_user_id': a, 'trustee_user_id': b, 'impersonation': False,
            'project_id': w.project_a['id'], 'roles': [{'name': 'reader'}]}}),
        'delete_trust': ('DELETE', trust, None),
        'list_registered_limits': ('GET', '/v3/registered_limits', None),
        'create_registered_limit': ('POST', '/v3/registered_limits', {'registered_limits': [{
            'service_id': w.service['id'], 'resource_name': 'ram', 'default_limit': 1}]}),
        'list_limits': ('GET', '/v3/limits', None),
        'get_limit_a': ('GET', '/v3/limits/%s' % w.limit['id'], None),
        'update_limit_a': ('PATCH', '/v3/limits/%s' % w.limit['id'],
                           {'limit': {'resource_limit': 99}}),
        'list_policies': ('GET', '/v3/policies', None),
        'create_policy': ('POST', '/v3/policies', {'policy': {'type': 't', 'blob': 'b'}}),
        'list_ec2_a': ('GET', '/v3/users/%s/credentials/OS-EC2' % a, None),
        'create_ec2_a': ('POST', '/v3/users/%s/credentials/OS-EC2' % a,
                         {'tenant_id': w.project_a['id']}),
        'list_endpoint_groups': ('GET', '/v3/OS-EP-FILTER/endpoint_groups', None),
        'create_endpoint_group': ('POST', '/v3/OS-EP-FILTER/endpoint_groups', {
            'endpoint_group': {'name': 'g', 'filters': {'interface': 'public'}}}),
        'filter_endpoint_to_a': ('PUT', '/v3/OS-EP-FILTER/projects/%s/endpoints/%s' % (
            w.project_a['id'], w.endpoint['id']), None),
        'list_consumers': ('GET', '/v3/OS-OAUTH1/consumers', None),
        'create_consumer': ('POST', '/v3/OS-OAUTH1/consumers', {'consumer': {}}),
        'default_domain_config': ('GET', '/v3/domains/config/default', None),
        'put_domain_config': ('PUT', '/v3/domains/default/config', {'config': {
            'identity': {'driver': 'ldap'}}}),
        'list_access_rules_a': ('GET', '/v3/users/%s/access_rules' % a, None),
    }


Y, N = 200, 403
TABLE = {
    #                          admin mem_a rdr_a mem_b none  svc   sysr  domr
    'list_trusts':             (Y,    N,    N,    N,    N,    N,    Y,    N),
    'list_trusts_of_a':        (Y,    Y,    N,    N,    N,    N,    Y,    N),
    'get_trust':               (Y,    Y,    N,    Y,    N,    N,    Y,    N),
    'trust_roles':             (Y,    Y,    N,    Y,    N,    N,    Y,    N),
    'create_trust_as_a':       (N,    None, N,    N,    N,    N,    N,    N),
    'delete_trust':            (None, None, N,    N,    N,    N,    N,    N),
    'list_registered_limits':  (Y,    Y,    Y,    Y,    N,    Y,    Y,    Y),
    'create_registered_limit': (None, N,    N,    N,    N,    N,    N,    N),
    'list_limits':             (Y,    Y,    Y,    Y,    N,    Y,    Y,    Y),
    'get_limit_a':             (Y,    Y,    Y,    N,    N,    N,    Y,    Y),
    'update_limit_a':          (None, N,    N,    N,    N,    N,    N,    N),
    'list_policies':           (Y,    N,    N,    N,    N,    N,    Y,    N),
    'create_policy':           (None, N,    N,    N,    N,    N,    N,    N),
    'list_ec2_a':              (Y,    Y,    N,    N,    N,    N,    Y,    N),
    'create_ec2_a':            (None, None, N,    N,    N,    N,    N,    N),
    'list_endpoint_groups':    (Y,    N,    N,    N,    N,    N,    Y,    N),
    'create_endpoint_group':   (None, N,    N,    N,    N,    N,    N,    N),
    'filter_endpoint_to_a':    (None, N,    N,    N,    N,    N,    N,    N),
    'list_consumers':          (Y,    N,    N,    N,    N,    N,    Y,    N),
    'create_consumer':         (None, N,    N,    N,    N,    N,    N,    N),
    'default_domain_config':   (Y,    N,    N,    N,    N,    N,    Y,    N),
    'put_domain_config':       (None, N,    N,    N,    N,    N,    N,    N),
    'list_access_rules_a':     (Y,    Y,    N,    N,    N,    N,    Y,    N),
}
CASES = [(op, persona, expected)
         for op, row in TABLE.items()
         for persona, expected in zip(PERSONAS, row) if expected is not None]


def test_table_covers_every_persona_and_op(world):
    assert all(len(row) == len(PERSONAS) for row in TABLE.values())
    assert set(TABLE) == set(_ops(world))


@pytest.mark.parametrize('op,persona,expected', CASES,
                         ids=['%s-%s' % (op, persona) for op, persona, _ in CASES])
def test_policy_table(world, op, persona, expected):
    method, path, body = _ops(world)[op]
    before = world.snapshot()
    resp = world.cloud.call(method, path, body, token=world.tokens[persona])
    if expected == Y:
        assert resp.status_int in (200, 204), resp.body
    else:
        assert resp.status_int == expected, resp.body
        assert resp.json['error']['code'] == expected
        assert world.snapshot() == before


def test_limit_listing_is_filtered(world):
    seen = world.cloud.call('GET', '/v3/limits', token=world.tokens['member_b'])
    assert seen.json['limits'] == []
    mine = world.cloud.call('GET', '/v3/limits', token=world.tokens['reader_a'])
    assert [l['id'] for l in mine.json['limits']] == [world.limit['id']]
