"""Resource tags (standard-attr-tag) on every taggable resource, tag list
filters, tags on create, and who may tag."""

import pytest

from tests.unit.network.conftest import member

OWNER = member('tag-owner')
OTHER = member('tag-other')


def _resources(api):
    """One of each taggable resource, owned by OWNER: (collection, id)."""
    public = api.network(name='public', **{'router:external': True})
    api.subnet(public['id'], cidr='203.0.113.0/24', enable_dhcp=False)
    net = api.network(headers=OWNER)
    subnet = api.subnet(net['id'], headers=OWNER)
    port = api.port(net['id'], OWNER)
    router = api.post('/routers', {'router': {'name': 'r'}}, OWNER).json['router']
    fip = api.post('/floatingips', {'floatingip': {'floating_network_id': public['id']}},
                   OWNER).json['floatingip']
    group = api.post('/security-groups', {'security_group': {'name': 'g'}},
                     OWNER).json['security_group']
    pool = api.post('/subnetpools', {'subnetpool': {'name': 'p',
                                                    'prefixes': ['10.200.0.0/16']}},
                    OWNER).json['subnetpool']
    return [('networks', net['id']), ('subnets', subnet['id']), ('ports', port['id']),
            ('routers', router['id']), ('floatingips', fip['id']),
            ('security-groups', group['id']), ('subnetpools', pool['id'])]


def _single(collection):
    return {'security-groups': 'security_group'}.get(collection, collection[:-1])


def test_tags_on_every_taggable_resource(api):
    for collection, rid in _resources(api):
        path = '/%s/%s' % (collection, rid)
        resp = api.put(path + '/tags', {'tags': ['red', 'blue', 'red']}, OWNER)
        assert resp.json == {'tags': ['blue', 'red']}, collection
        assert api.get(path + '/tags', OWNER).json == {'tags': ['blue', 'red']}
        item = api.get(path, OWNER).json[_single(collection)]
        assert item['tags'] == ['blue', 'red'] and item['revision_number'] >= 2
        resp = api.put(path + '/tags/green', None, OWNER, status=201)
        assert resp.body == b''
        api.get(path + '/tags/green', OWNER, status=204)
        api.get(path + '/tags/yellow', OWNER, status=404)
        api.delete(path + '/tags/blue', OWNER)
        resp = api.delete(path + '/tags/blue', OWNER, status=404)
        assert resp.json['NeutronError']['type'] == 'TagNotFound'
        assert api.get(path + '/tags', OWNER).json == {'tags': ['green', 'red']}
        listed = api.get('/%s?tags=green' % collection, OWNER).json
        assert [i['id'] for i in listed[collection.replace('-', '_')]] == [rid], collection
        api.delete(path + '/tags', OWNER)
        assert api.get(path, OWNER).json[_single(collection)]['tags'] == []


def test_tag_filters(api):
    ids = {}
    for name, tags in (('a', ['x', 'y']), ('b', ['x']), ('c', ['z']), ('d', [])):
        ids[name] = api.network(OWNER, name=name, tags=tags)['id']
        assert api.get('/networks/%s' % ids[name], OWNER).json['network']['tags'] == tags

    def names(query):
        nets = api.get('/networks?' + query, OWNER).json['networks']
        return sorted(n['name'] for n in nets)
    assert names('tags=x,y') == ['a']
    assert names('tags=x&tags=y') == ['a']
    assert names('tags-any=y,z') == ['a', 'c']
    assert names('not-tags=x,y') == ['b', 'c', 'd']
    assert names('not-tags-any=x,z') == ['d']
    assert names('tags=x&not-tags=y') == ['b']


def test_ports_listing_carries_tags(api):
    net = api.network(OWNER)
    api.subnet(net['id'], headers=OWNER)
    port = api.port(net['id'], OWNER, tags=['vm'])
    assert port['tags'] == ['vm']
    other = api.port(net['id'], OWNER)
    listed = api.get('/ports?network_id=%s' % net['id'], OWNER).json['ports']
    assert {p['id']: p['tags'] for p in listed} == {port['id']: ['vm'], other['id']: []}
    assert [p['id'] for p in api.get('/ports?tags-any=vm', OWNER).json['ports']] == [
        port['id']]
    assert api.get('/ports?fields=tags&fields=id&tags=vm', OWNER).json['ports'] == [
        {'id': port['id'], 'tags': ['vm']}]


def test_who_may_tag(api):
    net = api.network(OWNER, tags=['mine'])
    shared = api.network(name='shared', shared=True)
    path = '/networks/%s/tags' % net['id']
    # Unseen: 404 whatever the verb; seen but not one's own: 403.
    api.get(path, OTHER, status=404)
    api.put(path + '/x', None, OTHER, status=404)
    api.put('/networks/%s/tags/x' % shared['id'], None, OTHER, status=403)
    reader = {'X-Project-Id': 'tag-owner', 'X-User-Id': 'r', 'X-Roles': 'reader'}
    assert api.get(path, reader).json == {'tags': ['mine']}
    api.put(path, {'tags': []}, reader, status=403)
    api.delete(path + '/mine', reader, status=403)
    assert api.get(path, OWNER).json == {'tags': ['mine']}


@pytest.mark.parametrize('body', [{'tags': 'x'}, {'tags': ['a,b']}, {'tags': ['']},
                                  {'tags': ['x' * 256]}, {'nottags': []}])
def test_bad_tags(api, body):
    net = api.network(OWNER)
    resp = api.put('/networks/%s/tags' % net['id'], body, OWNER, status=400)
    assert resp.json['NeutronError']['type'] in ('InvalidInput', 'HTTPBadRequest')


def test_deleting_a_network_drops_its_tags_and_its_subnets(api, database):
    import sqlalchemy

    net = api.network(OWNER, tags=['n'])
    subnet = api.subnet(net['id'], headers=OWNER, tags=['s'])
    assert subnet['tags'] == ['s']
    api.delete('/networks/%s' % net['id'], OWNER)
    engine = sqlalchemy.create_engine(database)
    with engine.connect() as conn:
        assert conn.execute(sqlalchemy.text('SELECT count(*) FROM tags')).scalar() == 0
    engine.dispose()


def test_extensions_announce_tags(api):
    aliases = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert 'standard-attr-tag' in aliases
    api.get('/extensions/standard-attr-tag')
