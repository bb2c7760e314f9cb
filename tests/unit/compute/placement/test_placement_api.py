"""The Placement API over the conductor's claim data, in-process: the
compute API boots servers, placement shows the claims, and an inventory
edit changes what the scheduler accepts."""

import pytest
import webtest

from services.compute import exception
from services.compute.conductor import placement
from services.compute.placement import app as placement_app
from services.compute.placement import policies as placement_policies
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO
from tests.unit.compute.test_server_flow import Cloud

SERVICE = {'X-User-Id': 'nova', 'X-Project-Id': 'service', 'X-Roles': 'service'}


def ph(base=ADMIN, version='1.39'):
    values = dict(base)
    values['OpenStack-API-Version'] = 'placement %s' % version
    return values


@pytest.fixture
def cloud(env, app):
    cloud = Cloud(env, app)
    serve = cloud.conductor.placement

    def placement_in_conductor(context, operation, args):
        # The harness's DB works only inside a conductor call; this RPC
        # method is one, served by the conductor that owns the DB.
        with fixtures.in_conductor():
            return serve(context, operation, args)

    cloud.conductor.placement = placement_in_conductor
    cloud.add_compute('node1')
    yield cloud
    cloud.settle()


@pytest.fixture
def papp(env):
    from common import config
    placement_policies.reset()
    yield webtest.TestApp(placement_app.build(config.CONF))
    placement_policies.reset()


def _provider(papp):
    rps = papp.get('/resource_providers', headers=ph()).json['resource_providers']
    assert len(rps) == 1
    return rps[0]


def test_version_discovery_and_microversion_errors(papp, cloud):
    root = papp.get('/').json
    assert root['versions'][0]['max_version'] == '1.39'
    assert root['versions'][0]['min_version'] == '1.0'
    resp = papp.get('/', headers=ph(version='1.99'), status=406)
    error = resp.json['errors'][0]
    assert error['max_version'] == '1.39' and error['status'] == 406
    assert error['request_id'] == resp.headers['x-openstack-request-id']
    resp = papp.get('/resource_providers', headers=ph(version='1.29'))
    assert resp.headers['OpenStack-API-Version'] == 'placement 1.29'
    papp.get('/resource_providers', headers=ph(version='one'), status=400)


def test_error_body_and_policy(papp, cloud):
    resp = papp.get('/resource_providers/%s' % 'a' * 3, headers=ph(), status=404)
    error = resp.json['errors'][0]
    assert set(error) == {'status', 'title', 'detail', 'code', 'request_id'}
    assert error['code'] == 'placement.undefined_code'
    papp.get('/resource_providers', headers=ph(DEMO), status=403)
    papp.get('/resource_providers', headers=ph(SERVICE))
    papp.get('/traits', headers=ph(version='1.5'), status=404)


def test_provider_inventory_and_usage_follow_the_claims(papp, cloud):
    rp = _provider(papp)
    assert rp['name'] == 'node1'
    assert rp['root_provider_uuid'] == rp['uuid']
    assert {link['rel'] for link in rp['links']} >= {'self', 'inventories', 'usages',
                                                     'traits', 'allocations'}
    inv = papp.get('/resource_providers/%s/inventories' % rp['uuid'],
                   headers=ph()).json
    assert set(inv['inventories']) == {'VCPU', 'MEMORY_MB', 'DISK_GB'}
    assert inv['inventories']['VCPU']['reserved'] == 0
    cloud.flavor('m1.small', ram=256, vcpus=2, disk=1)
    server = cloud.boot(flavor='m1.small')['server']
    cloud.wait(server['id'], 'ACTIVE')
    usages = papp.get('/resource_providers/%s/usages' % rp['uuid'], headers=ph()).json
    assert usages['usages'] == {'VCPU': 2, 'MEMORY_MB': 256, 'DISK_GB': 1}
    allocs = papp.get('/allocations/%s' % server['id'], headers=ph()).json
    assert allocs['allocations'][rp['uuid']]['resources'] == usages['usages']
    assert allocs['project_id'] == 'demo' and allocs['consumer_generation'] == 1
    by_rp = papp.get('/resource_providers/%s/allocations' % rp['uuid'], headers=ph()).json
    assert list(by_rp['allocations']) == [server['id']]
    project = papp.get('/usages?project_id=demo', headers=ph()).json
    assert project['usages'] == usages['usages']


def test_reserving_capacity_is_honoured_by_the_scheduler(papp, cloud):
    rp = _provider(papp)
    url = '/resource_providers/%s/inventories' % rp['uuid']
    inv = papp.get(url, headers=ph()).json
    vcpus = inv['inventories']['VCPU']['total']
    ratio = inv['inventories']['VCPU']['allocation_ratio']
    body = {'resource_provider_generation': inv['resource_provider_generation'],
            'inventories': {rc: dict(v) for rc, v in inv['inventories'].items()}}
    body['inventories']['VCPU'].update(reserved=vcpus, allocation_ratio=ratio)
    done = papp.put_json(url, body, headers=ph()).json
    assert done['inventories']['VCPU']['reserved'] == vcpus
    assert done['resource_provider_generation'] == rp['generation'] + 1
    # A stale generation is placement's concurrent-update conflict.
    resp = papp.put_json(url, body, headers=ph(), status=409)
    assert resp.json['errors'][0]['code'] == 'placement.concurrent_update'
    # No candidate and no server fits any more.
    found = papp.get('/allocation_candidates?resources=VCPU:1', headers=ph()).json
    assert found['allocation_requests'] == []
    cloud.flavor('m1.tiny', ram=64, vcpus=1, disk=0)
    server = cloud.boot(flavor='m1.tiny')['server']
    cloud.wait(server['id'], 'ERROR')
    # The compute's next report keeps what the operator set.
    cloud.computes['node1'].report_resources()
    again = papp.get(url, headers=ph()).json['inventories']['VCPU']
    assert again['reserved'] == vcpus


def test_inventory_rules(papp, cloud):
    rp = _provider(papp)
    url = '/resource_providers/%s/inventories' % rp['uuid']
    inv = papp.get(url, headers=ph()).json
    gen = inv['resource_provider_generation']
    only_vcpu = {'resource_provider_generation': gen,
                 'inventories': {'VCPU': inv['inventories']['VCPU']}}
    papp.put_json(url, only_vcpu, headers=ph(), status=409)
    wrong_total = {'resource_provider_generation': gen, 'inventories': inv['inventories']}
    wrong_total['inventories']['DISK_GB']['total'] += 1
    papp.put_json(url, wrong_total, headers=ph(), status=400)
    one = papp.put_json(url + '/VCPU', {'resource_provider_generation': gen,
                                        'total': inv['inventories']['VCPU']['total'],
                                        'reserved': 1, 'max_unit': 2},
                        headers=ph()).json
    assert one['reserved'] == 1 and one['max_unit'] == 2 and one['allocation_ratio'] == 1.0
    # The ratio set here outlives the compute's next report of its configured one.
    cloud.computes['node1'].report_resources()
    kept = papp.get(url + '/VCPU', headers=ph()).json
    assert kept['allocation_ratio'] == 1.0 and kept['reserved'] == 1
    assert papp.get(url + '/MEMORY_MB', headers=ph()).json['allocation_ratio'] == \
        inv['inventories']['MEMORY_MB']['allocation_ratio']
    found = papp.get('/allocation_candidates?resources=VCPU:3', headers=ph()).json
    assert found['allocation_requests'] == []
    found = papp.get('/allocation_candidates?resources=VCPU:2,MEMORY_MB:64',
                     headers=ph()).json
    assert found['allocation_requests'] == [
        {'allocations': {rp['uuid']: {'resources': {'VCPU': 2, 'MEMORY_MB': 64}}},
         'mappings': {'': [rp['uuid']]}}]
    summary = found['provider_summaries'][rp['uuid']]
    assert summary['resources']['VCPU']['used'] == 0
    old = papp.get('/allocation_candidates?resources=VCPU:2', headers=ph(version='1.10')).json
    assert old['allocation_requests'][0]['allocations'][0]['resource_provider'] == {
        'uuid': rp['uuid']}


def test_traits_resource_classes_aggregates(papp, cloud):
    rp = _provider(papp)
    assert 'COMPUTE_ARCH_X86_64' in papp.get('/traits', headers=ph()).json['traits']
    papp.put('/traits/CUSTOM_GOLD', headers=ph(), status=201)
    papp.put('/traits/CUSTOM_GOLD', headers=ph(), status=204)
    papp.put('/traits/lower', headers=ph(), status=400)
    url = '/resource_providers/%s/traits' % rp['uuid']
    traits = papp.get(url, headers=ph()).json
    assert traits['traits'] == []
    papp.put_json(url, {'resource_provider_generation': traits['resource_provider_generation'],
                        'traits': ['CUSTOM_GOLD']}, headers=ph())
    assert papp.get(url, headers=ph()).json['traits'] == ['CUSTOM_GOLD']
    papp.delete('/traits/CUSTOM_GOLD', headers=ph(), status=409)
    found = papp.get('/resource_providers?required=CUSTOM_GOLD', headers=ph()).json
    assert [p['uuid'] for p in found['resource_providers']] == [rp['uuid']]
    found = papp.get('/resource_providers?required=!CUSTOM_GOLD', headers=ph()).json
    assert found['resource_providers'] == []
    found = papp.get('/allocation_candidates?resources=VCPU:1&required=CUSTOM_GOLD',
                     headers=ph()).json
    assert found['provider_summaries'][rp['uuid']]['traits'] == ['CUSTOM_GOLD']
    classes = papp.get('/resource_classes', headers=ph()).json['resource_classes']
    assert 'VCPU' in [c['name'] for c in classes]
    papp.post_json('/resource_classes', {'name': 'CUSTOM_FPGA'}, headers=ph(), status=201)
    papp.post_json('/resource_classes', {'name': 'CUSTOM_FPGA'}, headers=ph(), status=409)
    papp.get('/resource_classes/CUSTOM_FPGA', headers=ph())
    papp.delete('/resource_classes/CUSTOM_FPGA', headers=ph(), status=204)
    papp.delete('/resource_classes/VCPU', headers=ph(), status=400)
    aggs = papp.get('/resource_providers/%s/aggregates' % rp['uuid'], headers=ph()).json
    assert aggs == {'aggregates': [], 'resource_provider_generation': rp['generation'] + 1}


def test_operations_table_is_what_the_api_sends():
    import ast
    import pathlib
    root = pathlib.Path(placement_app.__file__).parent / 'controllers'
    sent = set()
    for path in root.glob('*.py'):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, 'attr', None) == 'call'
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)):
                sent.add(node.args[1].value)
    assert sent == set(placement.OPERATIONS)


def test_unknown_operation_is_refused():
    with pytest.raises(exception.PlacementBadRequest):
        placement.dispatch(None, 'drop_everything', {})


def test_every_rule_the_controllers_enforce_is_in_the_table():
    import ast
    import pathlib
    root = pathlib.Path(placement_app.__file__).parent / 'controllers'
    enforced = set()
    for path in root.glob('*.py'):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, 'attr', None) == 'authorize'
                    and isinstance(node.args[1], ast.Constant)):
                enforced.add(node.args[1].value)
    assert enforced == {name for name, _check, _desc, _ops in placement_policies.TABLE}


def test_compute_node_backports_to_1_0():
    from services.compute.objects import compute_node
    node = compute_node.ComputeNode(vcpus_reserved=1, memory_mb_reserved=2, local_gb_reserved=3,
                                    vcpus=4)
    primitive = node.obj_to_primitive(target_version='1.0')['versioned_object.data']
    assert 'vcpus_reserved' not in primitive and primitive['vcpus'] == 4
