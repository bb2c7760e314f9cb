"""A query parameter given twice: the first value counts, never a 500."""

import pytest


@pytest.mark.parametrize('query', [
    '/v3/projects?tags=a&tags=b', '/v3/projects?parent_id=a&parent_id=b',
    '/v3/projects?name=admin&name=nope', '/v3/users?name=admin&name=nope',
    '/v3/role_assignments?scope.project.id=a&scope.project.id=b',
    '/v3/role_assignments?effective&effective', '/v3/regions?parent_region_id=a&parent_region_id=',
])
def test_repeated_query_parameter_is_not_a_500(cloud, query):
    assert cloud.call('GET', query).status_int < 500


def test_repeated_filter_takes_the_first_value(cloud):
    admin = cloud.call('GET', '/v3/users?name=admin').json['users'][0]
    first = cloud.call('GET', '/v3/role_assignments?user.id=%s&user.id=nobody' % admin['id'])
    assert first.status_int == 200
    assert first.json['role_assignments']
    assert {a['user']['id'] for a in first.json['role_assignments']} == {admin['id']}
    last = cloud.call('GET', '/v3/users?name=nobody&name=admin')
    assert last.json['users'] == []
