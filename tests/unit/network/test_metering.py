"""Metering labels and rules, and service providers."""

from tests.unit.network.conftest import member

DEMO = member('demo')


def _fault(resp):
    return resp.json['NeutronError']


def test_metering_labels_and_rules(api):
    label = api.post('/metering/metering-labels', {'metering_label': {
        'name': 'l', 'description': 'd'}}).json['metering_label']
    assert {k: label[k] for k in ('name', 'description', 'shared', 'project_id')} == {
        'name': 'l', 'description': 'd', 'shared': False, 'project_id': 'admin-project'}
    assert api.get('/metering/metering-labels/%s' % label['id']).json['metering_label'] == \
        label
    assert [x['id'] for x in api.get('/metering/metering-labels?name=l').json[
        'metering_labels']] == [label['id']]
    base = '/metering/metering-label-rules'
    rule = api.post(base, {'metering_label_rule': {
        'metering_label_id': label['id'], 'direction': 'ingress',
        'remote_ip_prefix': '10.0.0.0/24'}}).json['metering_label_rule']
    assert rule['excluded'] is False and rule['remote_ip_prefix'] == '10.0.0.0/24'
    assert rule['source_ip_prefix'] is None and rule['destination_ip_prefix'] is None
    assert api.get('%s/%s' % (base, rule['id'])).json['metering_label_rule'] == rule
    listed = api.get('%s?metering_label_id=%s' % (base, label['id'])).json
    assert [r['id'] for r in listed['metering_label_rules']] == [rule['id']]
    resp = api.post(base, {'metering_label_rule': {
        'metering_label_id': label['id'], 'direction': 'ingress',
        'remote_ip_prefix': '10.0.0.128/25'}}, status=409)
    assert _fault(resp)['type'] == 'MeteringLabelRuleOverlaps'
    egress = api.post(base, {'metering_label_rule': {
        'metering_label_id': label['id'], 'direction': 'egress', 'excluded': True,
        'source_ip_prefix': '10.0.0.0/24', 'destination_ip_prefix': '0.0.0.0/0'}}).json[
        'metering_label_rule']
    assert egress['excluded'] is True and egress['remote_ip_prefix'] is None
    for bad in ({'remote_ip_prefix': '10.1.0.0/24', 'source_ip_prefix': '10.2.0.0/24'},
                {}, {'remote_ip_prefix': 'banana'}):
        api.post(base, {'metering_label_rule': dict(
            {'metering_label_id': label['id'], 'direction': 'ingress'}, **bad)}, status=400)
    resp = api.post(base, {'metering_label_rule': {
        'metering_label_id': 'f' * 36, 'direction': 'ingress',
        'remote_ip_prefix': '10.0.0.0/24'}}, status=404)
    assert _fault(resp)['type'] == 'MeteringLabelNotFound'
    api.put('/metering/metering-labels/%s' % label['id'],
            {'metering_label': {'name': 'x'}}, status=405)
    # Admin only: others neither list, see nor create.
    assert api.get('/metering/metering-labels', DEMO).json == {'metering_labels': []}
    api.get('/metering/metering-labels/%s' % label['id'], DEMO, status=404)
    api.post('/metering/metering-labels', {'metering_label': {'name': 'm'}}, DEMO,
             status=403)
    api.delete('%s/%s' % (base, rule['id']), DEMO, status=404)
    api.delete('%s/%s' % (base, rule['id']))
    api.get('%s/%s' % (base, rule['id']), status=404)
    api.delete('/metering/metering-labels/%s' % label['id'])
    api.get('%s/%s' % (base, egress['id']), status=404)
    assert api.get('/metering/metering-labels').json == {'metering_labels': []}


def test_service_providers(api):
    providers = api.get('/service-providers', DEMO).json['service_providers']
    assert providers == [{'service_type': 'L3_ROUTER_NAT', 'name': 'single_node',
                          'default': True}]
    aliases = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert {'metering', 'metering_source_and_destination_fields', 'service-type'} <= aliases
