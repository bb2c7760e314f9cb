"""Smaller answers shaped as the Compute API reference has them: a flavor
created with a JSON integer id, a new aggregate without hosts and metadata,
and a server's addresses through /servers/{id}/ips."""

from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud


def test_flavor_id_may_be_a_json_integer(app):
    body = {'flavor': {'name': 'int-id', 'ram': 64, 'vcpus': 1, 'disk': 0, 'id': 545782485}}
    flavor = app.post_json('/v2.1/flavors', body, headers=headers(ADMIN)).json['flavor']
    assert flavor['id'] == '545782485'
    assert app.get('/v2.1/flavors/545782485', headers=headers(DEMO)).json['flavor'][
        'name'] == 'int-id'
    zero = dict(body['flavor'], name='zero', id=0)
    assert app.post_json('/v2.1/flavors', {'flavor': zero},
                         headers=headers(ADMIN)).json['flavor']['id'] == '0'
    for bad in (-1, 1.5, True, 2 ** 31):
        app.post_json('/v2.1/flavors', {'flavor': dict(zero, name='bad', id=bad)},
                      headers=headers(ADMIN), status=400)


def test_new_aggregate_is_shown_without_hosts_and_metadata(app):
    created = app.post_json('/v2.1/os-aggregates', {'aggregate': {
        'name': 'a1', 'availability_zone': 'z1'}}, headers=headers(ADMIN)).json['aggregate']
    assert 'hosts' not in created and 'metadata' not in created
    assert created['availability_zone'] == 'z1'
    shown = app.get('/v2.1/os-aggregates/%s' % created['id'],
                    headers=headers(ADMIN)).json['aggregate']
    assert shown['hosts'] == [] and shown['metadata'] == {'availability_zone': 'z1'}


def test_server_ips(env, app):
    cloud = Cloud(env, app)
    cloud.flavor()
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    addresses = app.get('/v2.1/servers/%s/ips' % server_id,
                        headers=headers(DEMO)).json['addresses']
    assert list(addresses) == ['private']
    [entry] = addresses['private']
    assert set(entry) == {'version', 'addr'} and entry['version'] == 4
    assert app.get('/v2.1/servers/%s/ips/private' % server_id,
                   headers=headers(DEMO)).json == {'private': [entry]}
    missing = app.get('/v2.1/servers/%s/ips/public' % server_id, headers=headers(DEMO),
                      status=404).json
    assert missing['itemNotFound']['message'] == 'Instance is not a member of specified network'
    other = {'X-User-Id': 'u', 'X-Project-Id': 'other', 'X-Roles': 'member,reader'}
    app.get('/v2.1/servers/%s/ips' % server_id, headers=headers(other), status=404)
    cloud.settle()


def test_aggregate_and_extra_spec_deletes_answer_an_empty_200(app):
    created = app.post_json('/v2.1/os-aggregates', {'aggregate': {'name': 'gone'}},
                            headers=headers(ADMIN)).json['aggregate']
    resp = app.delete('/v2.1/os-aggregates/%s' % created['id'], headers=headers(ADMIN),
                      status=200)
    assert resp.body == b''
    body = {'flavor': {'name': 'specs', 'ram': 64, 'vcpus': 1, 'disk': 0, 'id': 'specs'}}
    app.post_json('/v2.1/flavors', body, headers=headers(ADMIN))
    app.post_json('/v2.1/flavors/specs/os-extra_specs', {'extra_specs': {'a': 'b'}},
                  headers=headers(ADMIN))
    resp = app.delete('/v2.1/flavors/specs/os-extra_specs/a', headers=headers(ADMIN),
                      status=200)
    assert resp.body == b''
    app.delete('/v2.1/flavors/specs', headers=headers(ADMIN), status=202)
