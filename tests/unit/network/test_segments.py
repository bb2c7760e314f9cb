"""Segments (``segment``): CRUD by the admin, the network's provider
attributes in step with its segments."""

from tests.unit.network.conftest import member

DEMO = member('demo')


def _segment(api, net, status=201, **attrs):
    body = dict({'network_id': net['id'], 'network_type': 'vlan',
                 'physical_network': 'physnet1'}, **attrs)
    return api.post('/segments', {'segment': body}, status=status)


def test_segments_follow_the_network(api):
    net = api.network(**{'provider:network_type': 'vlan',
                         'provider:physical_network': 'physnet1',
                         'provider:segmentation_id': 101})
    listed = api.get('/segments?network_id=%s' % net['id']).json['segments']
    assert len(listed) == 1
    first = listed[0]
    assert (first['network_type'], first['physical_network'], first['segmentation_id']) == (
        'vlan', 'physnet1', 101)
    assert first['name'] == '' and first['revision_number'] == 0
    second = _segment(api, net, segmentation_id=102, name='s2').json['segment']
    assert second['segmentation_id'] == 102 and second['name'] == 's2'
    shown = api.get('/networks/%s' % net['id']).json['network']
    assert shown['provider:network_type'] is None
    assert [s['provider:segmentation_id'] for s in shown['segments']] == [101, 102]
    # A member sees neither the segments nor the network's segments list.
    api.get('/segments', DEMO, status=200)
    assert api.get('/segments', DEMO).json['segments'] == []
    updated = api.put('/segments/%s' % second['id'],
                      {'segment': {'name': 'renamed', 'description': 'd'}}).json['segment']
    assert updated['name'] == 'renamed' and updated['revision_number'] == 1
    api.put('/segments/%s' % second['id'], {'segment': {'segmentation_id': 5}}, status=400)
    api.delete('/segments/%s' % second['id'])
    shown = api.get('/networks/%s' % net['id']).json['network']
    assert shown['provider:segmentation_id'] == 101 and 'segments' not in shown
    # The last segment stays.
    fault = api.delete('/segments/%s' % first['id'], status=409).json['NeutronError']
    assert fault['type'] == 'SegmentInUse'
    # The segments go with their network.
    api.delete('/networks/%s' % net['id'])
    api.get('/segments/%s' % first['id'], status=404)


def test_segment_validation_and_policy(api):
    net = api.network(**{'provider:network_type': 'vlan',
                         'provider:physical_network': 'physnet1',
                         'provider:segmentation_id': 201})
    # The same VLAN twice, a VLAN out of range, a VXLAN with a physnet.
    assert _segment(api, net, status=409, segmentation_id=201).json[
        'NeutronError']['type'] == 'SegmentationIdInUse'
    _segment(api, net, status=400, segmentation_id=5000)
    _segment(api, net, status=400, network_type='vxlan')
    _segment(api, net, status=400, network_type='bogus')
    # A VXLAN id is chosen when none is given.
    vx = _segment(api, net, network_type='vxlan', physical_network=None).json['segment']
    assert vx['segmentation_id'] and vx['physical_network'] is None
    api.post('/segments', {'segment': {'network_id': net['id'], 'network_type': 'vxlan'}},
             DEMO, status=403)
    api.get('/segments/%s' % vx['id'], DEMO, status=404)
    api.post('/segments', {'segment': {
        'network_id': '6b1f2b7e-4b53-4e0b-9d52-3f5f3d7c0a11', 'network_type': 'vxlan'}},
        status=404)
