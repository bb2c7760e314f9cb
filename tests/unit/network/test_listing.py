"""Listings: the packed wire format and the column-wise port listing, which
must show exactly what a single-port GET shows."""

import json

import pytest

from services.network.conductor import wire
from tests.unit.network.conftest import ADMIN
from tests.unit.network.conftest import member


def _columns():
    return wire.Columns(
        ['id', 'admin_state_up', 'fixed_ips', 'binding:profile', 'name', 'revision_number'],
        [['a', 'b'], [True, False],
         [[{'subnet_id': 's', 'ip_address': '10.0.0.2'}], []],
         [{'nested': {'k': [1, None]}}, {}], ['ünï', '\ud800'], [1, 2**70]])


def test_wire_round_trip_keeps_values_and_types():
    packed = wire.encode(wire.render(_columns()))
    assert all(isinstance(v, (int, str)) for v in packed.values())
    back = wire.decode(packed)
    assert (back.count, back.last_id) == (2, 'b')
    # Lone surrogates and huge integers fall back to the json module.
    assert back.items() == _columns().to_dicts()
    assert back.items()[0] == {'id': 'a', 'admin_state_up': True,
                               'fixed_ips': [{'subnet_id': 's', 'ip_address': '10.0.0.2'}],
                               'binding:profile': {'nested': {'k': [1, None]}},
                               'name': 'ünï', 'revision_number': 1}


def test_wire_render_shows_only_the_wanted_keys_but_keeps_the_marker():
    listing = wire.render(_columns(), wire.shown_keys(['name', 'fixed_ips'], ['fixed_ips']))
    assert listing.items() == [{'name': 'ünï'}, {'name': '\ud800'}]
    assert listing.last_id == 'b'
    nothing = wire.decode(wire.encode(wire.render(_columns(), wire.shown_keys(['nope']))))
    assert nothing.items() == [{}, {}] and nothing.count == 2
    empty = wire.decode(wire.encode(wire.render(wire.from_dicts([]))))
    assert (empty.items(), empty.count, empty.last_id) == ([], 0, None)


def test_wire_render_dicts_keeps_each_items_own_keys():
    items = [{'id': 'a', 'x': 1}, {'id': 'b', 'y': {'z'}}]
    listing = wire.render_dicts(items, wire.shown_keys(hidden=['x']))
    assert json.loads(listing.items_json) == [{'id': 'a'}, {'id': 'b', 'y': "{'z'}"}]
    assert wire.shown_keys() is None


@pytest.mark.parametrize('packed', [
    'text', {}, {'format': wire.FORMAT, 'count': 1, 'last_id': None, 'items': 'not b64!'},
    {'format': wire.FORMAT, 'count': 1, 'last_id': None, 'items': 'AAAA'},
    dict(wire.encode(wire.render(wire.from_dicts([]))), format=wire.FORMAT + 1)])
def test_wire_refuses_garbage(packed):
    with pytest.raises(ValueError):
        wire.decode(packed)


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        wire.Columns(['a', 'b'], [[1], [1, 2]])
    with pytest.raises(ValueError):
        wire.Columns(['a'], [[1], [2]])


def _busy_port(api):
    net = api.network()
    subnet = api.subnet(net['id'], cidr='10.9.0.0/24')
    subnet6 = api.subnet(net['id'], cidr='fd00:9::/64', ip_version=6)
    group = api.post('/security-groups', {'security_group': {'name': 'web'}}).json
    group_id = group['security_group']['id']
    port = api.port(net['id'], name='busy', device_id='vm-1', device_owner='compute:nova',
                    fixed_ips=[{'subnet_id': subnet6['id']},
                               {'subnet_id': subnet['id'], 'ip_address': '10.9.0.77'}],
                    security_groups=[group_id],
                    allowed_address_pairs=[{'ip_address': '10.9.0.0/28'}])
    api.put('/ports/%s' % port['id'], {'port': {'binding:host_id': 'host-1',
                                                'binding:profile': {'k': ['v']}}})
    return net, port


def test_listed_ports_match_single_port_reads(api):
    net, busy = _busy_port(api)
    plain = api.port(net['id'], fixed_ips=[])
    listed = {p['id']: p for p in api.get('/ports').json['ports']}
    for port_id in (busy['id'], plain['id']):
        assert listed[port_id] == api.get('/ports/%s' % port_id).json['port']
    assert [ip['ip_address'] for ip in listed[busy['id']]['fixed_ips']][1] == '10.9.0.77'
    assert listed[plain['id']]['fixed_ips'] == []
    assert listed[busy['id']]['binding:profile'] == {'k': ['v']}


def test_port_list_fields_hidden_attributes_and_pages(api):
    net, busy = _busy_port(api)
    for _ in range(3):
        api.port(net['id'])
    only = api.get('/ports?fields=fixed_ips&fields=name').json['ports']
    assert len(only) == 4 and all(set(p) == {'fixed_ips', 'name'} for p in only)
    assert api.get('/ports?fields=no_such_field').json['ports'] == [{}] * 4
    # Binding details are admin-only, also when asked for by name.
    project = busy['project_id']
    mine = api.get('/ports?fields=id&fields=binding:host_id', headers=member(project)).json
    assert len(mine['ports']) == 4 and all(set(p) == {'id'} for p in mine['ports'])
    assert 'binding:host_id' not in api.get('/ports', headers=member(project)).json[
        'ports'][0]
    # Keyset pages end to end, forward and with fields that leave out the id.
    seen, path = [], '/ports?limit=3&fields=name&sort_key=id'
    while path:
        page = api.get(path.replace('http://localhost/v2.0', '')).json
        seen += page['ports']
        assert all(set(p) == {'name'} for p in page['ports'])
        links = page.get('ports_links')
        path = links[0]['href'] if links else None
    assert len(seen) == 4
    back = api.get('/ports?limit=2&page_reverse=true&sort_key=id').json['ports']
    ids = sorted(p['id'] for p in api.get('/ports').json['ports'])
    assert [p['id'] for p in back] == ids[-2:]


def test_port_list_filters(api):
    net, busy = _busy_port(api)
    other = api.port(net['id'], name='other')
    by_ip = api.get('/ports?fixed_ips=ip_address%3D10.9.0.77').json['ports']
    assert [p['id'] for p in by_ip] == [busy['id']]
    by_name = api.get('/ports?name=other&fields=id').json['ports']
    assert by_name == [{'id': other['id']}]
    group = busy['security_groups'][0]
    assert [p['id'] for p in api.get('/ports?security_groups=%s' % group).json['ports']] \
        == [busy['id']]
    assert api.get('/ports?admin_state_up=maybe', status=400).json['NeutronError']
    assert api.get('/ports?device_id=vm-1', headers=ADMIN).json['ports'][0]['id'] \
        == busy['id']


def test_list_response_is_json(api):
    response = api.get('/networks')
    assert response.content_type == 'application/json'
    assert response.json == {'networks': []}
