"""Contract: a project's extra properties round-trip through every driver."""

from tests.unit.identity.backends import factories as f


def test_project_extra_round_trip(drivers):
    d = drivers.resource.create_domain(f.domain())
    ref = f.project(d['id'], extra={'colour': 'blue', 'n': [1, 2]})
    created = drivers.resource.create_project(ref)
    assert created['extra'] == {'colour': 'blue', 'n': [1, 2]}
    assert drivers.resource.get_project(ref['id'])['extra'] == created['extra']
    updated = drivers.resource.update_project(ref['id'], {'extra': {'colour': 'red'}})
    assert updated['extra'] == {'colour': 'red'}
    listed = drivers.resource.list_projects({'name': ref['name']})
    assert listed[0]['extra'] == {'colour': 'red'}
    # a project made without extra has an empty one
    plain = drivers.resource.create_project(f.project(d['id']))
    assert plain['extra'] == {}
