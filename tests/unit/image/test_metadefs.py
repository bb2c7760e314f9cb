"""Metadata definitions: namespaces, objects, properties, tags, resource types,
their schemas, the default catalogue and who may do what."""

import pytest

from services.image import metadef_catalogue

from tests.unit.image.conftest import ADMIN, ALICE, BOB, message

NS = '/v2/metadefs/namespaces'
READER = {'X-Project-Id': 'proj-a', 'X-User-Id': 'rita', 'X-Roles': 'reader'}


@pytest.fixture
def catalogue(api):
    return metadef_catalogue.load()


def make_ns(api, name='Test::NS', headers=ADMIN, status=201, **fields):
    body = dict({'namespace': name}, **fields)
    return api.post_json(NS, body, headers=headers, status=status).json


@pytest.mark.parametrize('name,title', [
    ('namespace', 'namespace'), ('namespaces', 'namespaces'), ('object', 'object'),
    ('objects', 'objects'), ('property', 'property'), ('properties', 'properties'),
    ('tag', 'tag'), ('tags', 'tags'), ('resource_type', 'resource_type_association'),
    ('resource_types', 'resource_type_associations'),
])
def test_schemas(api, name, title):
    assert api.get('/v2/schemas/metadefs/%s' % name, headers=READER).json['name'] == title


def test_unknown_schema_is_404(api):
    api.get('/v2/schemas/metadefs/nothing', headers=READER, status=404)


def test_catalogue_loads_once_and_lists(api, catalogue):
    assert 'OS::Compute::Watchdog' in catalogue and len(catalogue) >= 8
    assert metadef_catalogue.load() == []  # idempotent: nothing new the second time
    types = [r['name'] for r in api.get('/v2/metadefs/resource_types',
                                        headers=READER).json['resource_types']]
    assert types[0] == 'OS::Cinder::Volume' and 'OS::Nova::Flavor' in types
    listed = api.get(NS + '?limit=100', headers=READER).json
    names = {n['namespace'] for n in listed['namespaces']}
    assert set(catalogue) <= names
    assert listed['schema'] == '/v2/schemas/metadefs/namespaces'
    flavor = api.get(NS + '?resource_types=OS::Nova::Flavor&limit=100',
                     headers=READER).json['namespaces']
    assert 'OS::Compute::CPUPinning' in {n['namespace'] for n in flavor}
    assert 'OS::Compute::LibvirtImage' not in {n['namespace'] for n in flavor}


def test_show_with_resource_type_prefix(api, catalogue):
    body = api.get(NS + '/OS::Compute::Watchdog?resource_type=OS::Nova::Flavor',
                   headers=READER).json
    assert 'hw:watchdog_action' in body['properties']
    body = api.get(NS + '/OS::Compute::Watchdog?resource_type=OS::Glance::Image',
                   headers=READER).json
    assert body['properties']['hw_watchdog_action']['enum'][0] == 'disabled'
    plain = api.get(NS + '/OS::Compute::Watchdog', headers=READER).json
    assert 'watchdog_action' in plain['properties']
    assert plain['protected'] is True and plain['visibility'] == 'public'
    assert {a['name'] for a in plain['resource_type_associations']} >= {
        'OS::Glance::Image', 'OS::Nova::Flavor'}
    # a protected catalogue namespace cannot be deleted
    api.delete(NS + '/OS::Compute::Watchdog', headers=ADMIN, status=403)


def test_namespace_lifecycle_as_tempest_does(api, catalogue):
    made = make_ns(api, 'tempest-ns', visibility='public', description='Tempest',
                   display_name='tempest-ns', protected=True,
                   resource_type_associations=[{'name': 'OS::Cinder::Volume'}])
    assert made['self'] == NS + '/tempest-ns'
    assert made['resource_type_associations'][0]['name'] == 'OS::Cinder::Volume'
    shown = api.get(NS + '/tempest-ns', headers=ADMIN).json
    assert shown['visibility'] == 'public' and shown['namespace'] == 'tempest-ns'
    api.delete(NS + '/tempest-ns', headers=ADMIN, status=403)
    updated = api.put_json(NS + '/tempest-ns', dict(shown, visibility='private',
                                                    protected=False), headers=ADMIN).json
    assert updated['visibility'] == 'private' and updated['protected'] is False
    api.delete(NS + '/tempest-ns', headers=ADMIN, status=204)
    api.get(NS + '/tempest-ns', headers=ADMIN, status=404)
    make_ns(api, 'twice')
    body = make_ns(api, 'twice', status=409)
    assert 'twice' in message(body)


def test_objects(api):
    make_ns(api)
    obj = api.post_json(NS + '/Test::NS/objects', {
        'name': 'Box', 'description': 'a box', 'required': ['size'],
        'properties': {'size': {'title': 'Size', 'type': 'integer', 'minimum': 1}}},
        headers=ADMIN, status=201).json
    assert obj['self'] == NS + '/Test::NS/objects/Box'
    assert obj['properties']['size']['minimum'] == 1
    listed = api.get(NS + '/Test::NS/objects', headers=ADMIN).json
    assert [o['name'] for o in listed['objects']] == ['Box']
    assert api.get(NS + '/Test::NS/objects/Box', headers=ADMIN).json['name'] == 'Box'
    api.post_json(NS + '/Test::NS/objects', {'name': 'Box'}, headers=ADMIN, status=409)
    renamed = api.put_json(NS + '/Test::NS/objects/Box', {'name': 'Crate'},
                           headers=ADMIN).json
    assert renamed['name'] == 'Crate' and renamed['properties'] == {}
    api.get(NS + '/Test::NS/objects/Box', headers=ADMIN, status=404)
    api.delete(NS + '/Test::NS/objects/Crate', headers=ADMIN, status=204)
    assert api.get(NS + '/Test::NS/objects', headers=ADMIN).json['objects'] == []
    api.post_json(NS + '/Test::NS/objects', {'name': 'x', 'bogus': 1}, headers=ADMIN,
                  status=400)
    api.post_json(NS + '/Test::NS/objects', {'name': 'a'}, headers=ADMIN, status=201)
    api.delete(NS + '/Test::NS/objects', headers=ADMIN, status=204)
    assert api.get(NS + '/Test::NS/objects', headers=ADMIN).json['objects'] == []


def test_properties_named_like_resource_types(api, catalogue):
    make_ns(api)
    rt = 'OS::Cinder::Volume'
    api.post_json(NS + '/Test::NS/resource_types', {'name': rt}, headers=ADMIN, status=201)
    enum = ['xen', 'qemu', 'kvm']
    made = api.post_json(NS + '/Test::NS/properties', {
        'name': rt, 'title': 'prop', 'type': 'string', 'enum': enum},
        headers=ADMIN, status=201).json
    assert made == {'name': rt, 'title': 'prop', 'type': 'string', 'enum': enum}
    assert api.get(NS + '/Test::NS/properties/' + rt, headers=ADMIN).json['name'] == rt
    updated = api.put_json(NS + '/Test::NS/properties/' + rt, {
        'name': rt, 'title': 'new', 'type': 'string', 'enum': enum}, headers=ADMIN).json
    assert updated['title'] == 'new'
    listed = api.get(NS + '/Test::NS/properties', headers=ADMIN).json
    assert listed['properties'][rt]['title'] == 'new'
    api.delete(NS + '/Test::NS/properties/' + rt, headers=ADMIN, status=204)
    assert api.get(NS + '/Test::NS/properties', headers=ADMIN).json['properties'] == {}
    api.post_json(NS + '/Test::NS/properties', {'name': 'p', 'type': 'string'},
                  headers=ADMIN, status=400)  # title is required
    api.post_json(NS + '/Test::NS/properties', {'name': 'p', 'title': 'p',
                                                'type': 'colour'}, headers=ADMIN, status=400)


def test_tags(api):
    make_ns(api)
    tags = [{'name': 'sample-tag1'}, {'name': 'sample-tag2'}, {'name': 'sample-tag3'}]
    made = api.post_json(NS + '/Test::NS/tags', {'tags': tags}, headers=ADMIN,
                         status=201).json
    assert [t['name'] for t in made['tags']] == ['sample-tag1', 'sample-tag2', 'sample-tag3']
    assert len(api.get(NS + '/Test::NS/tags', headers=ADMIN).json['tags']) == 3
    one = api.post(NS + '/Test::NS/tags/solo', headers=ADMIN, status=201).json
    assert one['name'] == 'solo' and 'created_at' in one
    api.post(NS + '/Test::NS/tags/solo', headers=ADMIN, status=409)
    assert api.get(NS + '/Test::NS/tags/solo', headers=ADMIN).json['name'] == 'solo'
    assert api.put_json(NS + '/Test::NS/tags/solo', {'name': 'duo'},
                        headers=ADMIN).json['name'] == 'duo'
    api.delete(NS + '/Test::NS/tags/duo', headers=ADMIN, status=204)
    api.get(NS + '/Test::NS/tags/duo', headers=ADMIN, status=404)
    # a bulk create replaces, unless X-Openstack-Append says to add
    api.post_json(NS + '/Test::NS/tags', {'tags': [{'name': 'only'}]}, headers=ADMIN)
    api.post_json(NS + '/Test::NS/tags', {'tags': [{'name': 'more'}]},
                  headers=dict(ADMIN, **{'X-Openstack-Append': 'True'}))
    names = [t['name'] for t in api.get(NS + '/Test::NS/tags', headers=ADMIN).json['tags']]
    assert names == ['more', 'only']
    api.post_json(NS + '/Test::NS/tags', {'tags': [{'name': 'a'}, {'name': 'a'}]},
                  headers=ADMIN, status=409)
    api.delete(NS + '/Test::NS/tags', headers=ADMIN, status=204)
    assert api.get(NS + '/Test::NS/tags', headers=ADMIN).json['tags'] == []


def test_resource_type_associations(api, catalogue):
    make_ns(api)
    made = api.post_json(NS + '/Test::NS/resource_types',
                         {'name': 'OS::Nova::Flavor', 'prefix': 'x:'},
                         headers=ADMIN, status=201).json
    assert made['name'] == 'OS::Nova::Flavor' and made['prefix'] == 'x:'
    api.post_json(NS + '/Test::NS/resource_types', {'name': 'OS::Nova::Flavor'},
                  headers=ADMIN, status=409)
    listed = api.get(NS + '/Test::NS/resource_types', headers=ADMIN).json
    assert [a['name'] for a in listed['resource_type_associations']] == ['OS::Nova::Flavor']
    api.delete(NS + '/Test::NS/resource_types/OS::Nova::Flavor', headers=ADMIN, status=204)
    api.delete(NS + '/Test::NS/resource_types/OS::Nova::Flavor', headers=ADMIN, status=404)
    assert api.get(NS + '/Test::NS/resource_types',
                   headers=ADMIN).json['resource_type_associations'] == []


def test_namespace_with_inline_definitions_and_cascade(api):
    make_ns(api, 'Inline', properties={'p': {'title': 'P', 'type': 'boolean'}},
            objects=[{'name': 'o', 'properties': {'q': {'title': 'Q', 'type': 'string'}}}],
            tags=[{'name': 't'}])
    shown = api.get(NS + '/Inline', headers=ADMIN).json
    assert shown['properties'] == {'p': {'title': 'P', 'type': 'boolean'}}
    assert shown['objects'][0]['name'] == 'o' and shown['tags'] == [{'name': 't'}]
    api.delete(NS + '/Inline', headers=ADMIN, status=204)
    make_ns(api, 'Inline')  # the old definitions went with the namespace
    assert api.get(NS + '/Inline/tags', headers=ADMIN).json['tags'] == []


def test_paging(api):
    for i in range(5):
        make_ns(api, 'page-%d' % i)
    seen, url = [], NS + '?limit=2&sort_key=namespace&sort_dir=asc'
    while url:
        body = api.get(url, headers=ADMIN).json
        seen += [n['namespace'] for n in body['namespaces']]
        url = body.get('next')
    assert seen == ['page-%d' % i for i in range(5)]
    api.get(NS + '?sort_key=bogus', headers=ADMIN, status=400)
    api.get(NS + '?marker=nope', headers=ADMIN, status=404)


# -- policy: admins write, readers read public and their own namespaces --------------

def test_private_namespace_is_invisible_to_other_projects(api):
    make_ns(api, 'secret', visibility='private', owner='proj-a')
    make_ns(api, 'open', visibility='public')
    assert api.get(NS + '/secret', headers=ALICE).json['namespace'] == 'secret'
    api.get(NS + '/secret', headers=BOB, status=404)
    api.get(NS + '/secret/objects', headers=BOB, status=404)
    names = {n['namespace'] for n in api.get(NS, headers=BOB).json['namespaces']}
    assert names == {'open'}
    names = {n['namespace'] for n in api.get(NS, headers=ALICE).json['namespaces']}
    assert names == {'open', 'secret'}


@pytest.mark.parametrize('method,path,body', [
    ('POST', NS, {'namespace': 'mine'}),
    ('PUT', NS + '/open', {'namespace': 'open', 'visibility': 'private'}),
    ('DELETE', NS + '/open', None),
    ('POST', NS + '/open/objects', {'name': 'o'}),
    ('POST', NS + '/open/properties', {'name': 'p', 'title': 'p', 'type': 'string'}),
    ('POST', NS + '/open/tags/t', None),
    ('POST', NS + '/open/tags', {'tags': [{'name': 't'}]}),
    ('DELETE', NS + '/open/tags', None),
    ('POST', NS + '/open/resource_types', {'name': 'OS::Glance::Image'}),
])
@pytest.mark.parametrize('who', [ALICE, READER])
def test_non_admins_cannot_write(api, method, path, body, who):
    make_ns(api, 'open', visibility='public', tags=[{'name': 'keep'}])
    if body is None:
        resp = api.request(path, method=method, headers=who, expect_errors=True)
    else:
        resp = api.request(path, method=method, headers=dict(
            who, **{'Content-Type': 'application/json'}), expect_errors=True,
            body=__import__('json').dumps(body).encode())
    assert resp.status_int == 403, resp.body
    shown = api.get(NS + '/open', headers=ADMIN).json
    assert shown['visibility'] == 'public' and shown['tags'] == [{'name': 'keep'}]
    assert 'objects' not in shown and 'properties' not in shown


def test_no_role_reads_nothing(api, catalogue):
    nobody = {'X-Project-Id': 'proj-c', 'X-User-Id': 'nobody', 'X-Roles': ''}
    api.get(NS, headers=nobody, status=403)
    api.get('/v2/metadefs/resource_types', headers=nobody, status=403)


def test_wrong_methods_are_405(api):
    make_ns(api)
    assert api.request(NS, method='DELETE', headers=ADMIN,
                       expect_errors=True).status_int == 405
    assert api.request('/v2/metadefs/resource_types', method='POST', headers=ADMIN,
                       expect_errors=True).status_int == 405


def test_db_sync_loads_the_catalogue(tmp_path):
    import subprocess
    import sys
    conf = tmp_path / 'image.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n[database]\nconnection = sqlite:///%s\n'
                    % (tmp_path, tmp_path / 'sync.sqlite'))
    cmd = [sys.executable, '-c', 'import sys; from common.cmd.manage import main; '
           'sys.argv[0] = "alto-manage"; main()', '--config-file', str(conf),
           'image', 'db', 'sync']
    import os
    import pathlib
    root = str(pathlib.Path(__file__).resolve().parents[3])
    env = dict(os.environ, PYTHONPATH=root)
    first = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=root)
    assert 'image database is at revision' in first.stdout
    assert '%d namespaces loaded' % len(metadef_catalogue.CATALOGUE) in first.stdout
    again = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env,
                           cwd=root)
    assert '0 namespaces loaded' in again.stdout
