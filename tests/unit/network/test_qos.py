"""QoS policies and their bandwidth-limit, DSCP-marking and minimum-bandwidth
rules; rule types."""

from tests.unit.network.conftest import member

DEMO = member('demo')
OTHER = member('other')


def _fault(resp):
    return resp.json['NeutronError']


def test_policies_and_rules(api):
    policy = api.post('/qos/policies', {'policy': {'name': 'gold', 'description': 'd',
                                                   'project_id': 'demo'}}).json['policy']
    assert {k: policy[k] for k in ('name', 'shared', 'is_default', 'rules', 'project_id')} \
        == {'name': 'gold', 'shared': False, 'is_default': False, 'rules': [],
            'project_id': 'demo'}
    base = '/qos/policies/%s/' % policy['id']
    bw = api.post(base + 'bandwidth_limit_rules', {'bandwidth_limit_rule': {
        'max_kbps': 1000, 'max_burst_kbps': 100}}).json['bandwidth_limit_rule']
    assert {k: bw[k] for k in ('max_kbps', 'max_burst_kbps', 'direction')} == {
        'max_kbps': 1000, 'max_burst_kbps': 100, 'direction': 'egress'}
    ingress = api.post(base + 'bandwidth_limit_rules', {'bandwidth_limit_rule': {
        'max_kbps': 500, 'direction': 'ingress'}}).json['bandwidth_limit_rule']
    resp = api.post(base + 'bandwidth_limit_rules', {'bandwidth_limit_rule': {
        'max_kbps': 1}}, status=409)
    assert _fault(resp)['type'] == 'QoSRulesConflict'
    dscp = api.post(base + 'dscp_marking_rules', {'dscp_marking_rule': {
        'dscp_mark': 26}}).json['dscp_marking_rule']
    api.post(base + 'dscp_marking_rules', {'dscp_marking_rule': {'dscp_mark': 7}},
             status=400)
    minimum = api.post(base + 'minimum_bandwidth_rules', {'minimum_bandwidth_rule': {
        'min_kbps': 200}}).json['minimum_bandwidth_rule']
    api.post(base + 'minimum_bandwidth_rules', {'minimum_bandwidth_rule': {}}, status=400)
    shown = api.get('/qos/policies/%s' % policy['id'], DEMO).json['policy']
    assert sorted((r['type'], r['id']) for r in shown['rules']) == sorted([
        ('bandwidth_limit', bw['id']), ('bandwidth_limit', ingress['id']),
        ('dscp_marking', dscp['id']), ('minimum_bandwidth', minimum['id'])])
    listed = api.get(base + 'bandwidth_limit_rules', DEMO).json['bandwidth_limit_rules']
    assert sorted(r['id'] for r in listed) == sorted([bw['id'], ingress['id']])
    assert api.get(base + 'bandwidth_limit_rules/%s' % bw['id'], DEMO).json[
        'bandwidth_limit_rule'] == bw
    api.get(base + 'dscp_marking_rules/%s' % bw['id'], DEMO, status=404)
    bw = api.put(base + 'bandwidth_limit_rules/%s' % bw['id'], {'bandwidth_limit_rule': {
        'max_kbps': 2000}}).json['bandwidth_limit_rule']
    assert bw['max_kbps'] == 2000 and bw['max_burst_kbps'] == 100
    # Rules are the admin's to change; the project reads them; others see nothing.
    api.put(base + 'bandwidth_limit_rules/%s' % bw['id'], {'bandwidth_limit_rule': {
        'max_kbps': 1}}, DEMO, status=403)
    api.get(base + 'bandwidth_limit_rules', OTHER, status=404)
    api.delete(base + 'dscp_marking_rules/%s' % dscp['id'])
    api.get(base + 'dscp_marking_rules/%s' % dscp['id'], status=404)
    policy = api.put('/qos/policies/%s' % policy['id'], {'policy': {'shared': True}}).json[
        'policy']
    assert api.get('/qos/policies/%s' % policy['id'], OTHER).json['policy']['shared']
    api.put('/qos/policies/%s/tags/fast' % policy['id'], None, status=201)
    assert api.get('/qos/policies?tags=fast', OTHER).json['policies'][0]['id'] == \
        policy['id']
    api.delete('/qos/policies/%s' % policy['id'], DEMO, status=403)
    api.delete('/qos/policies/%s' % policy['id'])
    api.get(base + 'bandwidth_limit_rules/%s' % bw['id'], status=404)


def test_policy_writes_are_the_admins_and_one_default(api):
    api.post('/qos/policies', {'policy': {'name': 'mine'}}, DEMO, status=403)
    api.post('/qos/policies', {'policy': {'name': 'a', 'is_default': True,
                                          'project_id': 'demo'}})
    resp = api.post('/qos/policies', {'policy': {'name': 'b', 'is_default': True,
                                                 'project_id': 'demo'}}, status=409)
    assert _fault(resp)['type'] == 'QoSPolicyDefaultAlreadyExists'
    types = api.get('/qos/rule-types', DEMO).json['rule_types']
    assert sorted(t['type'] for t in types) == ['bandwidth_limit', 'dscp_marking',
                                                'minimum_bandwidth']
    assert api.get('/qos/rule-types/dscp_marking', DEMO).json['rule_type']['type'] == \
        'dscp_marking'
    aliases = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert {'qos', 'qos-bw-limit-direction', 'qos-default', 'qos-rule-type-details',
            'qos-bw-minimum-ingress'} <= aliases


def test_ports_and_networks_take_a_policy(api):
    mine = api.post('/qos/policies', {'policy': {'name': 'm', 'project_id': 'demo'}}).json[
        'policy']
    theirs = api.post('/qos/policies', {'policy': {'name': 't', 'project_id': 'other'}}
                      ).json['policy']
    shared = api.post('/qos/policies', {'policy': {'name': 's', 'shared': True}}).json[
        'policy']
    net = api.network(DEMO, qos_policy_id=mine['id'])
    assert net['qos_policy_id'] == mine['id']
    assert api.get('/networks/%s' % net['id'], DEMO).json['network']['qos_policy_id'] == \
        mine['id']
    api.subnet(net['id'], headers=DEMO)
    port = api.port(net['id'], DEMO, qos_policy_id=shared['id'])
    assert port['qos_policy_id'] == shared['id']
    listed = api.get('/ports?id=%s' % port['id'], DEMO).json['ports'][0]
    assert listed['qos_policy_id'] == shared['id']
    api.put('/ports/%s' % port['id'], {'port': {'qos_policy_id': theirs['id']}}, DEMO,
            status=404)
    resp = api.delete('/qos/policies/%s' % shared['id'], status=409)
    assert _fault(resp)['type'] == 'QosPolicyInUse'
    port = api.put('/ports/%s' % port['id'], {'port': {'qos_policy_id': None}},
                   DEMO).json['port']
    assert port['qos_policy_id'] is None
    api.delete('/qos/policies/%s' % shared['id'])
    api.put('/networks/%s' % net['id'], {'network': {'qos_policy_id': None}}, DEMO)
    api.delete('/qos/policies/%s' % mine['id'])
