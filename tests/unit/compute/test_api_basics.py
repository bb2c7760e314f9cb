from tests.unit.compute.conftest import ADMIN, DEMO, headers


def test_version_discovery_is_public(app):
    resp = app.get('/', headers={'X-Roles': ''})
    version = resp.json['versions'][1]
    assert version['id'] == 'v2.1'
    assert version['version'] == '2.100' and version['min_version'] == '2.1'
    assert app.get('/v2.1/').json['version']['status'] == 'CURRENT'


def test_microversion_headers(app):
    resp = app.get('/v2.1/flavors', headers=headers(version='2.47'))
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.47'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.47'
    resp = app.get('/v2.1/flavors', headers={'X-OpenStack-Nova-API-Version': 'latest'})
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.100'
    resp = app.get('/v2.1/flavors', headers=headers(version='2.999'), status=406)
    assert resp.json['notAcceptable']['code'] == 406
    resp = app.get('/v2.1/flavors', headers=headers(version='two'), status=400)
    assert 'badRequest' in resp.json


def test_unknown_path_is_item_not_found(app):
    resp = app.get('/v2.1/nothing-here', status=404)
    assert resp.json == {'itemNotFound': {'code': 404,
                                          'message': 'The resource could not be found.'}}


def test_wrong_method_is_405(app):
    resp = app.delete('/v2.1/flavors', status=405)
    assert resp.json['badMethod']['code'] == 405


def test_an_empty_id_is_404_not_the_collections_405(app):
    # Tempest's test_delete_security_group_without_passing_id: DELETE .../os-security-groups/
    for path in ('/v2.1/os-security-groups/', '/v2.1/flavors/'):
        resp = app.delete(path, headers=ADMIN, status=404)
        assert resp.json['itemNotFound']['code'] == 404


def test_malformed_json_is_bad_request(app):
    resp = app.post('/v2.1/flavors', 'not json', headers=ADMIN,
                    content_type='application/json', status=400)
    assert resp.json['badRequest']['code'] == 400


def _flavor(app, name='m1.test', flavor_id='42', **extra):
    body = {'flavor': dict({'name': name, 'ram': 512, 'vcpus': 1, 'disk': 1,
                            'id': flavor_id}, **extra)}
    return app.post_json('/v2.1/flavors', body, headers=ADMIN)


def test_flavor_crud_and_extra_specs(app):
    flavor = _flavor(app).json['flavor']
    assert flavor['ram'] == 512 and flavor['os-flavor-access:is_public'] is True
    assert flavor['swap'] == ''
    assert app.get('/v2.1/flavors/42', headers=DEMO).json['flavor']['name'] == 'm1.test'
    dup = app.post_json('/v2.1/flavors', {'flavor': {'name': 'm1.test', 'ram': 1,
                                                    'vcpus': 1, 'disk': 0}},
                        headers=ADMIN, status=409)
    assert dup.json['conflictingRequest']['code'] == 409
    specs = {'extra_specs': {'hw:cpu_policy': 'shared', 'ssd': 'true'}}
    app.post_json('/v2.1/flavors/42/os-extra_specs', specs, headers=ADMIN)
    assert app.get('/v2.1/flavors/42/os-extra_specs/ssd', headers=ADMIN).json == {
        'ssd': 'true'}
    app.delete('/v2.1/flavors/42/os-extra_specs/ssd', headers=ADMIN, status=200)
    assert app.get('/v2.1/flavors/42/os-extra_specs', headers=ADMIN).json == {
        'extra_specs': {'hw:cpu_policy': 'shared'}}
    app.delete('/v2.1/flavors/42', headers=ADMIN, status=202)
    resp = app.get('/v2.1/flavors/42', headers=ADMIN, status=404)
    assert resp.json['itemNotFound']['message'] == 'Flavor 42 could not be found.'


def test_flavor_create_needs_admin(app):
    resp = app.post_json('/v2.1/flavors', {'flavor': {'name': 'x', 'ram': 1, 'vcpus': 1,
                                                      'disk': 0}}, headers=DEMO, status=403)
    assert resp.json['forbidden']['code'] == 403


def test_flavor_bad_input(app):
    resp = app.post_json('/v2.1/flavors', {'flavor': {'name': 'x', 'ram': -1, 'vcpus': 1,
                                                      'disk': 0}}, headers=ADMIN, status=400)
    assert 'badRequest' in resp.json


def test_private_flavor_access(app):
    _flavor(app, name='private', flavor_id='p1', **{'os-flavor-access:is_public': False})
    assert app.get('/v2.1/flavors/p1', headers=DEMO, status=404)
    names = [f['name'] for f in app.get('/v2.1/flavors', headers=DEMO).json['flavors']]
    assert 'private' not in names
    app.post_json('/v2.1/flavors/p1/action', {'addTenantAccess': {'tenant': 'demo'}},
                  headers=ADMIN)
    names = [f['name'] for f in app.get('/v2.1/flavors', headers=DEMO).json['flavors']]
    assert 'private' in names
    access = app.get('/v2.1/flavors/p1/os-flavor-access', headers=ADMIN).json
    assert access == {'flavor_access': [{'flavor_id': 'p1', 'tenant_id': 'demo'}]}


def test_flavor_pagination(app):
    for index in range(5):
        _flavor(app, name='f%d' % index, flavor_id=str(index + 1))
    page = app.get('/v2.1/flavors?limit=2', headers=ADMIN).json
    assert [f['id'] for f in page['flavors']] == ['1', '2']
    assert 'marker=2' in page['flavors_links'][0]['href']
    page = app.get('/v2.1/flavors?limit=2&marker=2', headers=ADMIN).json
    assert [f['id'] for f in page['flavors']] == ['3', '4']


def test_keypair_generate_import_and_delete(app):
    resp = app.post_json('/v2.1/os-keypairs', {'keypair': {'name': 'gen'}},
                         headers=headers(DEMO), status=201)
    key = resp.json['keypair']
    assert key['private_key'].startswith('-----BEGIN RSA PRIVATE KEY-----')
    assert key['public_key'].startswith('ssh-rsa ') and key['type'] == 'ssh'
    assert len(key['fingerprint'].split(':')) == 16
    imported = app.post_json('/v2.1/os-keypairs', {'keypair': {
        'name': 'imp', 'public_key': key['public_key']}}, headers=headers(DEMO)).json
    assert imported['keypair']['fingerprint'] == key['fingerprint']
    assert 'private_key' not in imported['keypair']
    x509 = app.post_json('/v2.1/os-keypairs', {'keypair': {'name': 'cert', 'type': 'x509'}},
                         headers=headers(DEMO)).json['keypair']
    assert x509['public_key'].startswith('-----BEGIN CERTIFICATE-----')
    listed = app.get('/v2.1/os-keypairs', headers=headers(DEMO)).json['keypairs']
    assert sorted(k['keypair']['name'] for k in listed) == ['cert', 'gen', 'imp']
    assert app.get('/v2.1/os-keypairs', headers=headers(ADMIN)).json['keypairs'] == []
    app.delete('/v2.1/os-keypairs/gen', headers=headers(DEMO), status=204)
    resp = app.get('/v2.1/os-keypairs/gen', headers=headers(DEMO), status=404)
    assert 'itemNotFound' in resp.json
    bad = app.post_json('/v2.1/os-keypairs', {'keypair': {'name': 'bad',
                                                          'public_key': 'ssh-rsa nope'}},
                        headers=headers(DEMO), status=400)
    assert 'badRequest' in bad.json
    dup = app.post_json('/v2.1/os-keypairs', {'keypair': {'name': 'imp',
                                                          'public_key': key['public_key']}},
                        headers=headers(DEMO), status=409)
    assert 'conflictingRequest' in dup.json


def test_keypair_quota(app, env):
    from oslo_config import cfg
    cfg.CONF.set_override('key_pairs', 1, group='quota')
    app.post_json('/v2.1/os-keypairs', {'keypair': {'name': 'one'}}, headers=DEMO)
    resp = app.post_json('/v2.1/os-keypairs', {'keypair': {'name': 'two'}}, headers=DEMO,
                         status=403)
    assert 'forbidden' in resp.json


def test_every_answer_carries_the_compute_request_id(app):
    # novaclient and tempest read X-Compute-Request-ID; errors carry it too
    for resp in (app.get('/v2.1/flavors', headers=headers()),
                 app.get('/v2.1/nothing-here', status=404)):
        rid = resp.headers['X-OpenStack-Request-ID']
        assert rid.startswith('req-') and resp.headers['X-Compute-Request-ID'] == rid
