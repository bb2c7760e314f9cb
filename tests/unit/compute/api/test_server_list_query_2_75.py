"""Microversion 2.75: GET /servers and /servers/detail refuse (400) a query
parameter nova's list schema does not name, and a sort_key outside the
columns it lets clients sort by; below 2.75 both are ignored."""

import pytest

from tests.unit.compute.conftest import ADMIN, DEMO, headers


@pytest.fixture
def server(cloud):
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def _list(cloud, query, version, status=200, who=DEMO, detail=False):
    path = '/v2.1/servers' + ('/detail' if detail else '') + '?' + query
    return cloud.app.get(path, headers=headers(who, version), status=status)


@pytest.mark.parametrize('detail', [False, True])
@pytest.mark.parametrize('query', ['foo=bar', 'name=x&bogus=1', 'sort_key=id',
                                   'sort_key=display_name&sort_key=memory_mb', '_private=1'])
def test_unknown_parameters_and_sort_keys_are_a_400_from_2_75(cloud, server, detail, query):
    resp = _list(cloud, query, '2.75', status=400, detail=detail)
    assert resp.json['badRequest']['code'] == 400
    _list(cloud, query, '2.100', status=400, who=ADMIN, detail=detail)


@pytest.mark.parametrize('query', ['foo=bar', 'sort_key=id', '_private=1'])
def test_below_2_75_they_are_ignored(cloud, server, query):
    ids = {s['id'] for s in _list(cloud, query, '2.74').json['servers']}
    assert ids == {server}


def test_parameters_of_a_later_version_are_unknown_before_it(cloud, server):
    # changes-before arrives with 2.66, locked with 2.73: at 2.75 both are known ...
    _list(cloud, 'changes-before=2999-01-01T00:00:00Z&locked=false', '2.75')
    # ... and a named parameter still filters.
    assert _list(cloud, 'name=^nothing-like-this$', '2.75').json['servers'] == []


def test_every_documented_parameter_is_accepted_at_2_75(cloud, server):
    query = ('limit=5&sort_key=display_name&sort_dir=asc&status=ACTIVE&name=.&ip=10.'
             '&tags=a&tags-any=a,b&not-tags=c&not-tags-any=d&changes-since=2000-01-01T00:00:00Z'
             '&image=x&flavor=y&reservation_id=r&deleted=false')
    _list(cloud, query, '2.75', detail=True)
    listed = _list(cloud, 'all_tenants=1&host=node1&node=node1&project_id=demo&sort_key=locked',
                   '2.75', who=ADMIN).json['servers']
    assert [s['id'] for s in listed] == [server]
