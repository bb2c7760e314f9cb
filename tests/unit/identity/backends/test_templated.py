"""The templated (file-based, read-only) catalog driver."""

import os

import pytest

from services.identity import exception
from services.identity.backends import templated

TEMPLATE = """\
# devstack-style catalog
catalog.RegionOne.identity.publicURL = http://127.0.0.1:5000/v3
catalog.RegionOne.identity.internalURL = http://127.0.0.1:5000/v3
catalog.RegionOne.identity.adminURL = http://127.0.0.1:5000/v3
catalog.RegionOne.identity.name = 'Identity Service'

catalog.RegionOne.compute.publicURL = http://127.0.0.1:8774/v2.1/$(project_id)s
catalog.RegionOne.compute.name = "Compute Service"
catalog.RegionTwo.compute.publicURL = http://10.0.0.2:8774/v2.1/$(project_id)s
catalog.RegionTwo.image.publicURL = http://10.0.0.2:9292
"""


@pytest.fixture
def template(tmp_path):
    path = tmp_path / 'default_catalog.templates'
    path.write_text(TEMPLATE)
    return path


def test_catalog_from_template(template):
    driver = templated.CatalogDriver(str(template))
    catalog = {s['type']: s for s in driver.get_catalog()}
    assert set(catalog) == {'identity', 'compute', 'image'}
    identity = catalog['identity']
    assert identity['name'] == 'Identity Service'
    assert sorted(e['interface'] for e in identity['endpoints']) == ['admin', 'internal', 'public']
    assert all(e['region'] == e['region_id'] == 'RegionOne' for e in identity['endpoints'])
    compute = catalog['compute']
    assert compute['name'] == 'Compute Service'
    assert {(e['region_id'], e['url']) for e in compute['endpoints']} == {
        ('RegionOne', 'http://127.0.0.1:8774/v2.1/$(project_id)s'),
        ('RegionTwo', 'http://10.0.0.2:8774/v2.1/$(project_id)s')}
    assert catalog['image']['name'] == 'image'


def test_reads_and_hints(template):
    driver = templated.CatalogDriver(str(template))
    assert {r['id'] for r in driver.list_regions()} == {'RegionOne', 'RegionTwo'}
    assert driver.get_region('RegionTwo') == {'id': 'RegionTwo', 'description': None,
                                              'parent_region_id': None}
    compute = driver.list_services({'type': 'compute'})
    assert len(compute) == 1
    assert driver.get_service(compute[0]['id']) == compute[0]
    endpoints = driver.list_endpoints({'service_id': compute[0]['id'], 'region_id': 'RegionTwo'})
    assert len(endpoints) == 1 and endpoints[0]['interface'] == 'public'
    assert driver.get_endpoint(endpoints[0]['id']) == endpoints[0]
    with pytest.raises(exception.RegionNotFound):
        driver.get_region('RegionThree')
    with pytest.raises(exception.ServiceNotFound):
        driver.get_service('ghost')
    with pytest.raises(exception.EndpointNotFound):
        driver.get_endpoint('ghost')


def test_ids_are_stable_across_loads(template):
    first = templated.CatalogDriver(str(template)).get_catalog()
    second = templated.CatalogDriver(str(template)).get_catalog()
    assert first == second


def test_writes_are_refused(template):
    driver = templated.CatalogDriver(str(template))
    for call in (lambda: driver.create_region({'id': 'R'}),
                 lambda: driver.update_region('RegionOne', {'description': 'x'}),
                 lambda: driver.delete_region('RegionOne'),
                 lambda: driver.create_service({'id': 's', 'type': 't'}),
                 lambda: driver.update_service('s', {}),
                 lambda: driver.delete_service('s'),
                 lambda: driver.create_endpoint({'id': 'e'}),
                 lambda: driver.update_endpoint('e', {}),
                 lambda: driver.delete_endpoint('e')):
        with pytest.raises(exception.CatalogReadOnly) as info:
            call()
        assert info.value.code == 403


def test_file_changes_are_picked_up(template):
    driver = templated.CatalogDriver(str(template))
    template.write_text(TEMPLATE + 'catalog.RegionOne.network.publicURL = http://127.0.0.1:9696\n')
    stat = os.stat(template)
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert 'network' in {s['type'] for s in driver.get_catalog()}
    # a broken edit keeps the last good catalog
    template.write_text('this is not a catalog line\n')
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert 'network' in {s['type'] for s in driver.get_catalog()}


@pytest.mark.parametrize('line', [
    'catalog.RegionOne.identity = http://x',
    'RegionOne.identity.publicURL = http://x',
    'catalog.RegionOne.identity.publicURL http://x',
    'catalog..identity.publicURL = http://x',
])
def test_malformed_lines_are_reported(tmp_path, line):
    path = tmp_path / 'bad.templates'
    path.write_text('# ok\n' + line + '\n')
    with pytest.raises(templated.TemplateError, match='line 2'):
        templated.CatalogDriver(str(path))


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(templated.TemplateError, match='cannot read'):
        templated.CatalogDriver(str(tmp_path / 'missing'))


def test_unknown_attributes_are_ignored(tmp_path):
    path = tmp_path / 'c.templates'
    path.write_text('catalog.R.identity.publicURL = http://x\ncatalog.R.identity.colour = red\n')
    [service] = templated.CatalogDriver(str(path)).get_catalog()
    assert [e['url'] for e in service['endpoints']] == ['http://x']
