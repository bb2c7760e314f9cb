"""Contract of CatalogDriver: regions, services, endpoints, the token catalog."""

import pytest

from services.identity import exception


def _service(drivers, sid='s1', **kw):
    ref = {'id': sid, 'type': 'compute', 'name': 'nova', 'description': None, 'enabled': True}
    ref.update(kw)
    return drivers.catalog.create_service(ref)


def _endpoint(drivers, eid, service_id='s1', interface='public', region_id=None, **kw):
    ref = {'id': eid, 'service_id': service_id, 'interface': interface,
           'url': 'http://127.0.0.1:8774/v2.1', 'region_id': region_id, 'enabled': True}
    ref.update(kw)
    return drivers.catalog.create_endpoint(ref)


def test_regions(drivers):
    one = drivers.catalog.create_region({'id': 'RegionOne'})
    assert one == {'id': 'RegionOne', 'description': None, 'parent_region_id': None}
    two = drivers.catalog.create_region({'id': 'RegionTwo', 'description': 'child',
                                         'parent_region_id': 'RegionOne'})
    assert drivers.catalog.get_region('RegionTwo') == two
    with pytest.raises(exception.Conflict):
        drivers.catalog.create_region({'id': 'RegionOne'})
    with pytest.raises(exception.RegionNotFound):
        drivers.catalog.create_region({'id': 'Orphan', 'parent_region_id': 'ghost'})
    assert drivers.catalog.list_regions({'parent_region_id': 'RegionOne'}) == [two]
    assert drivers.catalog.list_regions({'parent_region_id': None}) == [one]
    updated = drivers.catalog.update_region('RegionTwo', {'description': 'moved'})
    assert updated == dict(two, description='moved')
    with pytest.raises(exception.RegionNotFound):
        drivers.catalog.update_region('RegionTwo', {'parent_region_id': 'ghost'})
    for call in (lambda: drivers.catalog.get_region('ghost'),
                 lambda: drivers.catalog.update_region('ghost', {'description': 'x'}),
                 lambda: drivers.catalog.delete_region('ghost')):
        with pytest.raises(exception.RegionNotFound):
            call()


def test_region_delete_refused_while_referenced(drivers):
    drivers.catalog.create_region({'id': 'R1'})
    drivers.catalog.create_region({'id': 'R2', 'parent_region_id': 'R1'})
    with pytest.raises(exception.Conflict, match='child regions'):
        drivers.catalog.delete_region('R1')
    _service(drivers)
    _endpoint(drivers, 'e1', region_id='R2')
    with pytest.raises(exception.Conflict, match='endpoints'):
        drivers.catalog.delete_region('R2')
    drivers.catalog.delete_endpoint('e1')
    drivers.catalog.delete_region('R2')
    drivers.catalog.delete_region('R1')
    assert drivers.catalog.list_regions() == []


def test_services(drivers):
    s = _service(drivers, description='compute service')
    assert s == {'id': 's1', 'type': 'compute', 'name': 'nova',
                 'description': 'compute service', 'enabled': True}
    assert drivers.catalog.get_service('s1') == s
    with pytest.raises(exception.Conflict):
        _service(drivers)
    t = _service(drivers, 's2', type='image', name='glance', enabled=False)
    assert drivers.catalog.list_services({'type': 'image'}) == [t]
    assert drivers.catalog.list_services({'enabled': True}) == [s]
    assert drivers.catalog.update_service('s2', {'enabled': True}) == dict(t, enabled=True)
    for call in (lambda: drivers.catalog.get_service('ghost'),
                 lambda: drivers.catalog.update_service('ghost', {'name': 'x'}),
                 lambda: drivers.catalog.delete_service('ghost')):
        with pytest.raises(exception.ServiceNotFound):
            call()


def test_endpoints(drivers):
    drivers.catalog.create_region({'id': 'RegionOne'})
    _service(drivers)
    e = _endpoint(drivers, 'e1', region_id='RegionOne')
    assert e == {'id': 'e1', 'service_id': 's1', 'interface': 'public',
                 'url': 'http://127.0.0.1:8774/v2.1', 'region_id': 'RegionOne', 'enabled': True}
    assert drivers.catalog.get_endpoint('e1') == e
    with pytest.raises(exception.Conflict):
        _endpoint(drivers, 'e1')
    with pytest.raises(exception.ServiceNotFound):
        _endpoint(drivers, 'e2', service_id='ghost')
    with pytest.raises(exception.RegionNotFound):
        _endpoint(drivers, 'e2', region_id='ghost')
    i = _endpoint(drivers, 'e2', interface='internal')
    assert drivers.catalog.list_endpoints({'interface': 'internal'}) == [i]
    assert drivers.catalog.list_endpoints({'region_id': 'RegionOne'}) == [e]
    assert drivers.catalog.list_endpoints({'service_id': 's1', 'region_id': None}) == [i]
    updated = drivers.catalog.update_endpoint('e2', {'url': 'http://h/', 'enabled': False})
    assert updated == dict(i, url='http://h/', enabled=False)
    with pytest.raises(exception.RegionNotFound):
        drivers.catalog.update_endpoint('e2', {'region_id': 'ghost'})
    drivers.catalog.delete_endpoint('e2')
    for call in (lambda: drivers.catalog.get_endpoint('e2'),
                 lambda: drivers.catalog.update_endpoint('e2', {'url': 'x'}),
                 lambda: drivers.catalog.delete_endpoint('e2')):
        with pytest.raises(exception.EndpointNotFound):
            call()


def test_deleting_service_deletes_its_endpoints(drivers):
    _service(drivers)
    _service(drivers, 's2', type='image')
    _endpoint(drivers, 'e1')
    _endpoint(drivers, 'e2', interface='admin')
    _endpoint(drivers, 'e3', service_id='s2')
    drivers.catalog.delete_service('s1')
    assert [e['id'] for e in drivers.catalog.list_endpoints()] == ['e3']


def test_catalog_lists_enabled_services_and_endpoints(drivers):
    drivers.catalog.create_region({'id': 'RegionOne'})
    _service(drivers, 's1', type='compute', name='nova')
    _service(drivers, 's2', type='image', name='glance')
    _service(drivers, 's3', type='volumev3', name='cinder', enabled=False)
    _endpoint(drivers, 'e1', 's1', 'public', 'RegionOne')
    _endpoint(drivers, 'e2', 's1', 'internal', 'RegionOne', enabled=False)
    _endpoint(drivers, 'e3', 's3', 'public', 'RegionOne')
    catalog = {s['id']: s for s in drivers.catalog.get_catalog()}
    assert set(catalog) == {'s1', 's2'}
    assert catalog['s1'] == {'id': 's1', 'type': 'compute', 'name': 'nova', 'endpoints': [
        {'id': 'e1', 'interface': 'public', 'region': 'RegionOne', 'region_id': 'RegionOne',
         'url': 'http://127.0.0.1:8774/v2.1'}]}
    assert catalog['s2']['endpoints'] == []
