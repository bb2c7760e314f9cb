"""Trunks (``trunk``): parent port rules, subports with vlan / inherit
segmentation, the member actions, status, and what a trunk keeps in use."""

from tests.unit.network.conftest import member

DEMO = member('demo')
OTHER = member('other')


def _fault(resp):
    return resp.json['NeutronError']['type']


def _trunk(api, port, headers=DEMO, status=201, **attrs):
    return api.post('/trunks', {'trunk': dict({'port_id': port['id']}, **attrs)}, headers,
                    status=status)


def _subports(api, trunk, action, sub_ports, headers=DEMO, status=200):
    return api.put('/trunks/%s/%s' % (trunk['id'], action), {'sub_ports': sub_ports},
                   headers, status=status)


def _setup(api):
    net = api.network(DEMO)
    api.subnet(net['id'], headers=DEMO)
    return net, [api.port(net['id'], DEMO) for _ in range(4)]


def test_trunk_lifecycle(api):
    net, (parent, one, two, _) = _setup(api)
    trunk = _trunk(api, parent, name='t', sub_ports=[
        {'port_id': one['id'], 'segmentation_type': 'vlan', 'segmentation_id': 100}]
    ).json['trunk']
    assert trunk['port_id'] == parent['id'] and trunk['status'] == 'DOWN'
    assert trunk['admin_state_up'] is True and trunk['project_id'] == 'demo'
    assert trunk['sub_ports'] == [{'port_id': one['id'], 'segmentation_type': 'vlan',
                                   'segmentation_id': 100}]
    sub = api.get('/ports/%s' % one['id'], DEMO).json['port']
    assert (sub['device_owner'], sub['device_id']) == ('trunk:subport', trunk['id'])
    updated = _subports(api, trunk, 'add_subports', [
        {'port_id': two['id'], 'segmentation_type': 'vlan', 'segmentation_id': 200}]).json
    assert [s['segmentation_id'] for s in updated['sub_ports']] == [100, 200]
    got = api.get('/trunks/%s/get_subports' % trunk['id'], DEMO).json
    assert got == {'sub_ports': updated['sub_ports']}
    removed = _subports(api, trunk, 'remove_subports', [{'port_id': one['id']}]).json
    assert [s['port_id'] for s in removed['sub_ports']] == [two['id']]
    assert api.get('/ports/%s' % one['id'], DEMO).json['port']['device_owner'] == ''
    assert _fault(_subports(api, trunk, 'remove_subports', [{'port_id': one['id']}],
                            status=404)) == 'SubPortNotFound'
    listed = api.get('/trunks?name=t', DEMO).json['trunks']
    assert [t['id'] for t in listed] == [trunk['id']]
    api.put('/trunks/%s' % trunk['id'], {'trunk': {'name': 'u'}}, DEMO)
    # Another project finds none of it.
    assert api.get('/trunks', OTHER).json['trunks'] == []
    api.get('/trunks/%s' % trunk['id'], OTHER, status=404)
    # The ports stay while on the trunk.
    assert _fault(api.delete('/ports/%s' % parent['id'], DEMO,
                             status=409)) == 'PortInUseAsTrunkParent'
    assert _fault(api.delete('/ports/%s' % two['id'], DEMO, status=409)) == \
        'PortInUseAsSubPort'
    api.delete('/trunks/%s' % trunk['id'], DEMO)
    api.get('/trunks/%s' % trunk['id'], DEMO, status=404)
    assert api.get('/ports/%s' % two['id'], DEMO).json['port']['device_id'] == ''
    api.delete('/ports/%s' % parent['id'], DEMO)


def test_parent_port_rules(api):
    net, (parent, one, _, _) = _setup(api)
    trunk = _trunk(api, parent).json['trunk']
    assert _fault(_trunk(api, parent, status=409)) == 'TrunkPortInUse'
    _subports(api, trunk, 'add_subports', [
        {'port_id': one['id'], 'segmentation_type': 'vlan', 'segmentation_id': 5}])
    assert _fault(_trunk(api, one, status=409)) == 'PortInUseAsSubPort'
    dhcp = api.port(net['id'], DEMO, device_owner='network:dhcp')
    assert _fault(_trunk(api, dhcp, status=409)) == 'ParentPortInUse'
    _trunk(api, {'id': '6b1f2b7e-4b53-4e0b-9d52-3f5f3d7c0a11'}, status=404)
    # Another project's port is not found.
    mine = api.port(net['id'], DEMO)
    _trunk(api, mine, headers=OTHER, status=404)


def test_subport_validation(api):
    net, (parent, one, two, three) = _setup(api)
    trunk = _trunk(api, parent).json['trunk']
    bad = [
        ({'port_id': one['id']}, 400),
        ({'port_id': one['id'], 'segmentation_type': 'vxlan', 'segmentation_id': 5}, 400),
        ({'port_id': one['id'], 'segmentation_type': 'vlan'}, 400),
        ({'port_id': one['id'], 'segmentation_type': 'vlan', 'segmentation_id': 0}, 400),
        ({'port_id': one['id'], 'segmentation_type': 'vlan', 'segmentation_id': 4095}, 400),
        ({'port_id': one['id'], 'segmentation_type': 'inherit', 'segmentation_id': 5}, 400),
        # The project network is not a VLAN network: nothing to inherit.
        ({'port_id': one['id'], 'segmentation_type': 'inherit'}, 400),
        ({'port_id': parent['id'], 'segmentation_type': 'vlan', 'segmentation_id': 5}, 409),
        ({'port_id': '6b1f2b7e-4b53-4e0b-9d52-3f5f3d7c0a11', 'segmentation_type': 'vlan',
          'segmentation_id': 5}, 404),
    ]
    for sub, status in bad:
        _subports(api, trunk, 'add_subports', [sub], status=status)
    _subports(api, trunk, 'add_subports', [
        {'port_id': one['id'], 'segmentation_type': 'vlan', 'segmentation_id': 7}])
    assert _fault(_subports(api, trunk, 'add_subports', [
        {'port_id': two['id'], 'segmentation_type': 'vlan', 'segmentation_id': 7}],
        status=409)) == 'DuplicateSubPort'
    # A port in use by an instance is no subport; nor another trunk's parent.
    api.put('/ports/%s' % three['id'], {'port': {'device_id': 'vm-1'}}, DEMO)
    assert _fault(_subports(api, trunk, 'add_subports', [
        {'port_id': three['id'], 'segmentation_type': 'vlan', 'segmentation_id': 8}],
        status=409)) == 'PortInUse'
    other_trunk = _trunk(api, two).json['trunk']
    assert _fault(_subports(api, trunk, 'add_subports', [
        {'port_id': two['id'], 'segmentation_type': 'vlan', 'segmentation_id': 9}],
        status=409)) == 'PortInUseAsTrunkParent'
    assert _fault(_subports(api, other_trunk, 'add_subports', [
        {'port_id': one['id'], 'segmentation_type': 'vlan', 'segmentation_id': 9}],
        status=409)) == 'PortInUseAsSubPort'
    # Bodies the schema refuses.
    api.put('/trunks/%s/add_subports' % trunk['id'], {'sub_ports': 'x'}, DEMO, status=400)
    api.put('/trunks/%s/bogus' % trunk['id'], {'sub_ports': []}, DEMO, status=404)


def test_inherit_takes_the_vlan_of_the_network(api):
    vlan_net = api.network(**{'provider:network_type': 'vlan',
                              'provider:physical_network': 'physnet1',
                              'provider:segmentation_id': 321, 'shared': True})
    api.subnet(vlan_net['id'])
    net, (parent, _, _, _) = _setup(api)
    trunk = _trunk(api, parent).json['trunk']
    sub = api.port(vlan_net['id'], DEMO)
    trunk = _subports(api, trunk, 'add_subports', [
        {'port_id': sub['id'], 'segmentation_type': 'inherit'}]).json
    assert trunk['sub_ports'] == [{'port_id': sub['id'], 'segmentation_type': 'inherit',
                                   'segmentation_id': 321}]


def test_disabled_and_in_use_trunks(api):
    net, (parent, one, _, _) = _setup(api)
    trunk = _trunk(api, parent, admin_state_up=False).json['trunk']
    assert _fault(_subports(api, trunk, 'add_subports', [
        {'port_id': one['id'], 'segmentation_type': 'vlan', 'segmentation_id': 5}],
        status=409)) == 'TrunkDisabled'
    assert _fault(api.delete('/trunks/%s' % trunk['id'], DEMO, status=409)) == \
        'TrunkDisabled'
    api.put('/trunks/%s' % trunk['id'], {'trunk': {'admin_state_up': True}}, DEMO)
    api.put('/ports/%s' % parent['id'], {'port': {'device_id': 'vm-1',
                                                  'device_owner': 'compute:nova'}}, DEMO)
    assert _fault(api.delete('/trunks/%s' % trunk['id'], DEMO, status=409)) == 'TrunkInUse'


def test_trunk_tags_and_extension(api):
    net, (parent, _, _, _) = _setup(api)
    trunk = _trunk(api, parent, tags=['a']).json['trunk']
    assert trunk['tags'] == ['a']
    api.put('/trunks/%s/tags/b' % trunk['id'], None, DEMO, status=201)
    assert api.get('/trunks?tags=b', DEMO).json['trunks'][0]['id'] == trunk['id']
    assert api.get('/extensions/trunk', DEMO).json['extension']['alias'] == 'trunk'
