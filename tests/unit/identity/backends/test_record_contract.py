"""Contract of RecordDriver, for every record kind."""

import pytest

from services.identity import exception
from services.identity.backends import base
from tests.unit.identity.backends import factories as f

SAMPLES = {
    'registered_limit': {'service_id': 's1', 'region_id': None, 'resource_name': 'cores',
                         'default_limit': 10, 'description': 'd'},
    'limit': {'project_id': 'p1', 'domain_id': None, 'service_id': 's1',
              'region_id': 'r1', 'resource_name': 'cores', 'resource_limit': 5,
              'description': None},
    'policy': {'type': 'application/json', 'blob': '{"x": 1}', 'extra': {'k': 'v'}},
    'endpoint_group': {'name': 'eg', 'description': 'd',
                       'filters': {'interface': 'public', 'service_id': 's1'}},
    'project_endpoint': {'endpoint_id': 'e1', 'project_id': 'p1'},
    'project_endpoint_group': {'endpoint_group_id': 'g1', 'project_id': 'p1'},
    'access_rule': {'user_id': 'u1', 'service': 'compute', 'path': '/v2.1/servers',
                    'method': 'GET'},
    'app_cred_access_rule': {'application_credential_id': 'a1', 'access_rule_id': 'r1'},
    'consumer': {'description': 'd', 'secret': 's', 'extra': {'k': 1}},
    'domain_config': {'config': {'ldap': {'url': 'ldap://x'}}},
}


def _check_kind(drivers, kind):
    driver = drivers.records[kind]
    ref = dict(SAMPLES[kind], id=f.new_id())
    assert driver.create(ref) == ref
    assert driver.get(ref['id']) == ref
    with pytest.raises(exception.Conflict):
        driver.create(ref)
    other = driver.create(dict(SAMPLES[kind], id=f.new_id(),
                               **({'project_id': 'p2'} if 'project_id' in ref else {})))
    assert sorted(r['id'] for r in driver.list({})) == sorted([ref['id'], other['id']])
    if 'project_id' in ref:
        assert [r['id'] for r in driver.list({'project_id': 'p2'})] == [other['id']]
    field = next(k for k in ('description', 'blob', 'resource_name', 'endpoint_id',
                             'endpoint_group_id', 'path', 'access_rule_id', 'config')
                 if k in ref)
    value = {'identity': {'driver': 'sql'}} if field == 'config' else 'changed'
    updated = driver.update(ref['id'], {field: value, 'id': 'ignored'})
    assert updated[field] == value and updated['id'] == ref['id']
    driver.delete(ref['id'])
    with pytest.raises(exception.RecordNotFound):
        driver.get(ref['id'])
    with pytest.raises(exception.NotFound):
        driver.delete(ref['id'])


def test_record_kinds(drivers):
    assert set(drivers.records) == set(base.RECORD_KINDS)
    for kind in base.RECORD_KINDS:
        _check_kind(drivers, kind)
