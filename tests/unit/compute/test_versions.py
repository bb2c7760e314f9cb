"""Version discovery as nova answers it: ``GET /`` lists v2.0 (SUPPORTED, no
microversions) then v2.1 (CURRENT); each self link answers its own version
document, without a token."""

from tests.unit.compute.conftest import DEMO, headers

PUBLIC = {'X-Roles': ''}


def test_root_lists_v2_0_then_v2_1(app):
    versions = app.get('/', headers=PUBLIC).json['versions']
    assert [v['id'] for v in versions] == ['v2.0', 'v2.1']
    v20, v21 = versions
    assert v20 == {'id': 'v2.0', 'status': 'SUPPORTED', 'version': '', 'min_version': '',
                   'updated': '2011-01-21T11:33:21Z',
                   'links': [{'rel': 'self', 'href': 'http://localhost/v2/'}]}
    assert v21 == {'id': 'v2.1', 'status': 'CURRENT', 'version': '2.100',
                   'min_version': '2.1', 'updated': '2013-07-23T11:33:21Z',
                   'links': [{'rel': 'self', 'href': 'http://localhost/v2.1/'}]}


def test_each_self_link_answers_its_version_document(app):
    for listed in app.get('/', headers=PUBLIC).json['versions']:
        path = listed['links'][0]['href'][len('http://localhost'):]
        for url in (path, path.rstrip('/')):
            document = app.get(url, headers=PUBLIC).json['version']
            assert document['id'] == listed['id']
            assert [link for link in document['links'] if link['rel'] == 'self'] == \
                listed['links']
            assert {k: document[k] for k in ('status', 'version', 'min_version')} == \
                {k: listed[k] for k in ('status', 'version', 'min_version')}
    v20 = app.get('/v2/', headers=PUBLIC).json['version']
    assert v20['media-types'] == [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=2'}]
    app.post('/v2/', headers=headers(DEMO), status=405)
    app.get('/v2/servers', headers=headers(DEMO), status=404)
