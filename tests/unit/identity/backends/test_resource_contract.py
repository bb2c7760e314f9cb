"""Contract of ResourceDriver: domains and projects, on every backend."""

import pytest

from services.identity import exception
from tests.unit.identity.backends import factories as f

DOMAIN_FIELDS = {'id', 'name', 'description', 'enabled', 'tags'}
PROJECT_FIELDS = {'id', 'name', 'domain_id', 'parent_id', 'description', 'enabled', 'tags',
                  'extra'}


def test_domain_round_trip_fills_every_field(drivers):
    created = drivers.resource.create_domain({'id': 'd1', 'name': 'Default'})
    assert set(created) == DOMAIN_FIELDS
    assert created == {'id': 'd1', 'name': 'Default', 'description': None,
                       'enabled': True, 'tags': []}
    assert drivers.resource.get_domain('d1') == created
    assert drivers.resource.get_domain_by_name('Default') == created


def test_domain_not_found(drivers):
    with pytest.raises(exception.DomainNotFound):
        drivers.resource.get_domain('nope')
    with pytest.raises(exception.DomainNotFound):
        drivers.resource.get_domain_by_name('nope')
    with pytest.raises(exception.DomainNotFound):
        drivers.resource.update_domain('nope', {'name': 'x'})
    with pytest.raises(exception.DomainNotFound):
        drivers.resource.delete_domain('nope')


def test_domain_name_and_id_conflicts(drivers):
    d = drivers.resource.create_domain(f.domain(name='acme'))
    with pytest.raises(exception.Conflict, match='name acme'):
        drivers.resource.create_domain(f.domain(name='acme'))
    with pytest.raises(exception.Conflict, match='ID'):
        drivers.resource.create_domain(f.domain(id=d['id']))
    other = drivers.resource.create_domain(f.domain(name='other'))
    with pytest.raises(exception.Conflict, match='name acme'):
        drivers.resource.update_domain(other['id'], {'name': 'acme'})
    assert drivers.resource.get_domain(other['id'])['name'] == 'other'


def test_domain_names_are_case_sensitive(drivers):
    drivers.resource.create_domain(f.domain(name='Acme'))
    drivers.resource.create_domain(f.domain(name='acme'))
    assert drivers.resource.get_domain_by_name('acme')['name'] == 'acme'


def test_domain_update_returns_full_ref_and_keeps_other_fields(drivers):
    d = drivers.resource.create_domain(f.domain(description='old', tags=['a']))
    updated = drivers.resource.update_domain(d['id'], {'enabled': False, 'tags': ['b', 'c']})
    assert updated == dict(d, enabled=False, tags=['b', 'c'])
    assert drivers.resource.get_domain(d['id']) == updated
    assert drivers.resource.update_domain(d['id'], {'id': 'other'})['id'] == d['id']


def test_domain_list_hints_and_delete(drivers):
    a = drivers.resource.create_domain(f.domain(name='a'))
    b = drivers.resource.create_domain(f.domain(name='b', enabled=False))
    assert {d['id'] for d in drivers.resource.list_domains()} == {a['id'], b['id']}
    assert drivers.resource.list_domains({'enabled': False}) == [b]
    assert drivers.resource.list_domains({'name': 'a'}) == [a]
    assert drivers.resource.list_domains({'name': 'a', 'enabled': False}) == []
    drivers.resource.delete_domain(a['id'])
    assert drivers.resource.list_domains() == [b]


def test_returned_refs_are_copies(drivers):
    d = drivers.resource.create_domain(f.domain(tags=['x']))
    d['tags'].append('mutated')
    d['name'] = 'mutated'
    got = drivers.resource.get_domain(d['id'])
    assert got['tags'] == ['x'] and got['name'] != 'mutated'
    got['tags'].clear()
    assert drivers.resource.list_domains()[0]['tags'] == ['x']
    ref = f.project(d['id'], tags=['t'])
    drivers.resource.create_project(ref)
    ref['tags'].append('after')
    assert drivers.resource.get_project(ref['id'])['tags'] == ['t']


def test_tags_are_a_sorted_set(drivers):
    d = drivers.resource.create_domain(f.domain(tags=['b', 'a', 'b']))
    assert d['tags'] == ['a', 'b']
    p = drivers.resource.create_project(f.project(d['id'], tags=['z', 'y', 'z']))
    assert p['tags'] == ['y', 'z']
    assert drivers.resource.update_project(p['id'], {'tags': ['z', 'x']})['tags'] == ['x', 'z']
    assert drivers.resource.update_project(p['id'], {'tags': []})['tags'] == []


def test_project_round_trip(drivers):
    d = drivers.resource.create_domain(f.domain())
    ref = {'id': 'p1', 'name': 'demo', 'domain_id': d['id']}
    created = drivers.resource.create_project(ref)
    assert set(created) == PROJECT_FIELDS
    assert created == {'id': 'p1', 'name': 'demo', 'domain_id': d['id'], 'parent_id': None,
                       'description': None, 'enabled': True, 'tags': [], 'extra': {}}
    assert drivers.resource.get_project('p1') == created
    assert drivers.resource.get_project_by_name('demo', d['id']) == created
    with pytest.raises(exception.ProjectNotFound):
        drivers.resource.get_project_by_name('demo', 'other-domain')


def test_project_not_found(drivers):
    for call in (lambda: drivers.resource.get_project('x'),
                 lambda: drivers.resource.update_project('x', {'name': 'y'}),
                 lambda: drivers.resource.delete_project('x')):
        with pytest.raises(exception.ProjectNotFound):
            call()


def test_project_name_unique_per_domain(drivers):
    d1 = drivers.resource.create_domain(f.domain())
    d2 = drivers.resource.create_domain(f.domain())
    drivers.resource.create_project(f.project(d1['id'], name='demo'))
    drivers.resource.create_project(f.project(d2['id'], name='demo'))
    with pytest.raises(exception.Conflict, match='name demo at domain ID %s' % d1['id']):
        drivers.resource.create_project(f.project(d1['id'], name='demo'))
    p = drivers.resource.create_project(f.project(d1['id'], name='other'))
    with pytest.raises(exception.Conflict, match='demo'):
        drivers.resource.update_project(p['id'], {'name': 'demo'})
    assert drivers.resource.get_project(p['id'])['name'] == 'other'


def test_project_hierarchy_and_by_ids(drivers):
    d = drivers.resource.create_domain(f.domain())
    top = drivers.resource.create_project(f.project(d['id']))
    kid1 = drivers.resource.create_project(f.project(d['id'], parent_id=top['id']))
    kid2 = drivers.resource.create_project(f.project(d['id'], parent_id=top['id']))
    grandkid = drivers.resource.create_project(f.project(d['id'], parent_id=kid1['id']))
    children = drivers.resource.list_project_children(top['id'])
    assert {p['id'] for p in children} == {kid1['id'], kid2['id']}
    assert drivers.resource.list_project_children(grandkid['id']) == []
    by_ids = drivers.resource.list_projects_by_ids([top['id'], grandkid['id'], 'missing'])
    assert {p['id'] for p in by_ids} == {top['id'], grandkid['id']}
    assert drivers.resource.list_projects_by_ids([]) == []
    tops = drivers.resource.list_projects({'parent_id': None})
    assert [p['id'] for p in tops] == [top['id']]


def test_list_projects_hints(drivers):
    d1 = drivers.resource.create_domain(f.domain())
    d2 = drivers.resource.create_domain(f.domain())
    a = drivers.resource.create_project(f.project(d1['id'], name='a'))
    b = drivers.resource.create_project(f.project(d2['id'], name='a', enabled=False))
    assert {p['id'] for p in drivers.resource.list_projects({'name': 'a'})} == {a['id'], b['id']}
    assert drivers.resource.list_projects({'domain_id': d2['id']}) == [b]
    assert drivers.resource.list_projects({'enabled': True}) == [a]
    assert drivers.resource.list_projects({'name': 'a', 'domain_id': d1['id']}) == [a]
    # a filter on something a project does not have matches nothing
    assert drivers.resource.list_projects({'colour': 'blue'}) == []


def test_list_projects_tag_filters(drivers):
    d = drivers.resource.create_domain(f.domain())
    ab = drivers.resource.create_project(f.project(d['id'], tags=['a', 'b']))
    a = drivers.resource.create_project(f.project(d['id'], tags=['a']))
    c = drivers.resource.create_project(f.project(d['id'], tags=['c']))
    none = drivers.resource.create_project(f.project(d['id']))

    def ids(**kw):
        return {p['id'] for p in drivers.resource.list_projects(**kw)}

    assert ids(tags=['a']) == {ab['id'], a['id']}
    assert ids(tags=['a', 'b']) == {ab['id']}
    assert ids(tags_any=['b', 'c']) == {ab['id'], c['id']}
    assert ids(not_tags=['a', 'b']) == {a['id'], c['id'], none['id']}
    assert ids(not_tags_any=['a']) == {c['id'], none['id']}
    assert ids(tags=['a'], not_tags_any=['b']) == {a['id']}
    assert ids(tags_any=['a'], hints={'id': a['id']}) == {a['id']}


def test_project_update_and_delete(drivers):
    d = drivers.resource.create_domain(f.domain())
    p = drivers.resource.create_project(f.project(d['id'], tags=['keep']))
    updated = drivers.resource.update_project(p['id'], {'description': 'new', 'enabled': False})
    assert updated == dict(p, description='new', enabled=False)
    drivers.resource.delete_project(p['id'])
    with pytest.raises(exception.ProjectNotFound):
        drivers.resource.get_project(p['id'])
    # its tags went with it: a new project may reuse the id with other tags
    again = drivers.resource.create_project(f.project(d['id'], id=p['id'], tags=['new']))
    assert again['tags'] == ['new']
