"""Server lifecycle through API, conductor, scheduler and compute managers,
all in-process over the fake RPC transport, with the DB poisoned outside
the conductor."""

import time

import pytest
from oslo_config import cfg

from common import objects as common_objects
from services.compute.compute import manager as compute_manager
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.conductor import manager as conductor_manager
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.objects import base as obj_base
from services.compute.scheduler import manager as scheduler_manager
from services.compute.scheduler import rpcapi as scheduler_rpcapi
from tests.unit.compute import fixtures
from tests.unit.compute.conftest import ADMIN, DEMO, headers

CONF = cfg.CONF


class Cloud:
    def __init__(self, env, app):
        self.env = env
        self.app = app
        self.computes = {}
        self.conductor = conductor_manager.ConductorManager('ctl')
        env.serve(conductor_rpcapi.TOPIC, 'ctl', self.conductor)
        self.scheduler = scheduler_manager.SchedulerManager('ctl')
        env.serve(scheduler_rpcapi.TOPIC, 'ctl', self.scheduler)
        self.conductor.report_state()
        self.scheduler.report_state()

    def add_compute(self, host):
        manager = compute_manager.ComputeManager(host)
        manager.init_host()
        self.env.serve(compute_rpcapi.TOPIC, host, manager)
        manager.report_state()  # the service's first heartbeat, once it listens
        self.computes[host] = manager
        return manager

    def flavor(self, name='m1.nano', ram=64, vcpus=1, disk=0, flavor_id=None, **extra):
        body = {'flavor': dict({'name': name, 'ram': ram, 'vcpus': vcpus, 'disk': disk,
                                'id': flavor_id or name}, **extra)}
        return self.app.post_json('/v2.1/flavors', body, headers=ADMIN).json['flavor']

    def boot(self, name='vm', flavor='m1.nano', who=DEMO, status=202, hints=None, **server):
        body = {'server': dict({'name': name, 'imageRef': fixtures.IMAGE_ID,
                                'flavorRef': flavor, 'networks': 'auto'}, **server)}
        if hints:
            body['os:scheduler_hints'] = hints
        return self.app.post_json('/v2.1/servers', body, headers=headers(who),
                                  status=status).json

    def show(self, server_id, who=ADMIN):
        return self.app.get('/v2.1/servers/%s' % server_id, headers=headers(who)).json['server']

    def wait(self, server_id, status, who=ADMIN, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.show(server_id, who)
            if server['status'] == status and server['OS-EXT-STS:task_state'] is None:
                return server
            time.sleep(0.05)
        raise AssertionError('server %s stuck in %s/%s' % (
            server_id, server['status'], server['OS-EXT-STS:task_state']))

    def settle(self, timeout=30):
        """Wait until no server is building or has a task running: the
        conductor runs those flows off its RPC executor, so they would
        outlive the test and write into the next test's database."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            servers = self.app.get('/v2.1/servers/detail?all_tenants=1',
                                   headers=headers(ADMIN)).json['servers']
            if all(s['OS-EXT-STS:task_state'] is None and s['status'] != 'BUILD'
                   for s in servers):
                return
            time.sleep(0.1)

    def action(self, server_id, body, status=202, who=DEMO):
        return self.app.post_json('/v2.1/servers/%s/action' % server_id, body,
                                  headers=headers(who), status=status)


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    return c


def test_boot_to_active_and_delete(cloud):
    cloud.add_compute('node1')
    server_id = cloud.boot()['server']['id']
    server = cloud.wait(server_id, 'ACTIVE', who=DEMO)
    assert server['OS-EXT-STS:power_state'] == 1
    assert server['addresses']['private'][0]['addr'].startswith('192.0.2.')
    assert server['flavor']['original_name'] == 'm1.nano'
    assert 'OS-EXT-SRV-ATTR:host' not in server
    admin_view = cloud.show(server_id)
    assert admin_view['OS-EXT-SRV-ATTR:host'] == 'node1'
    assert admin_view['host_status'] == 'UP'
    node = cloud.app.get('/v2.1/os-hypervisors/detail', headers=headers()).json
    assert node['hypervisors'][0]['memory_mb_used'] == 64
    assert node['hypervisors'][0]['running_vms'] == 1
    events = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                           headers=headers(DEMO)).json['instanceActions']
    assert [a['action'] for a in events] == ['create']
    detail = cloud.app.get('/v2.1/servers/%s/os-instance-actions/%s' % (
        server_id, events[0]['request_id']), headers=headers(DEMO)).json['instanceAction']
    assert {'conductor_schedule_and_build_instances', 'compute_build_and_run_instance'} <= {
        e['event'] for e in detail['events']}
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        resp = cloud.app.get('/v2.1/servers/%s' % server_id, headers=ADMIN, expect_errors=True)
        if resp.status_int == 404:
            break
        time.sleep(0.05)
    assert resp.json['itemNotFound']['code'] == 404
    node = cloud.app.get('/v2.1/os-hypervisors/detail', headers=headers()).json
    assert node['hypervisors'][0]['memory_mb_used'] == 0
    assert cloud.computes['node1'].driver.list_instance_uuids() == []


def test_no_host_gives_error_with_fault(cloud):
    server_id = cloud.boot()['server']['id']
    server = cloud.wait(server_id, 'ERROR', who=DEMO)
    assert 'No valid host' in server['fault']['message']
    assert server['fault']['code'] == 500


def test_scheduler_timeout_gives_error_with_fault(cloud, monkeypatch):
    import oslo_messaging as messaging

    def no_answer(*args, **kwargs):
        raise messaging.MessagingTimeout('no reply')
    cloud.add_compute('node1')
    monkeypatch.setattr(cloud.conductor.build_task.scheduler_api, 'select_destinations',
                        no_answer)
    server = cloud.wait(cloud.boot()['server']['id'], 'ERROR', who=DEMO)
    assert server['fault']['message'] == 'The scheduler did not answer in time'


def test_bad_requests_have_nova_fault_bodies(cloud):
    cloud.add_compute('node1')
    resp = cloud.boot(flavor='nope', status=400)
    assert resp['badRequest']['message'] == 'Invalid flavorRef provided.'
    resp = cloud.boot(imageRef='6b2cf13e-6f57-4b4c-9d0e-3c3a1a3c0d11', status=400)
    assert 'could not be found' in resp['badRequest']['message']
    resp = cloud.boot(networks=[{'uuid': '6b2cf13e-6f57-4b4c-9d0e-3c3a1a3c0d11'}], status=400)
    assert 'badRequest' in resp
    resp = cloud.boot(key_name='missing', status=400)
    assert resp['badRequest']['message'] == 'Invalid key_name provided.'
    del_resp = cloud.app.post_json('/v2.1/servers', {'server': {'name': 'x', 'flavorRef': 'm1.nano',
                                                               'imageRef': fixtures.IMAGE_ID}},
                                   headers=headers(DEMO), status=400)
    assert 'networks' in del_resp.json['badRequest']['message']


def test_reschedule_then_error_after_max_attempts(cloud, env):
    CONF.set_override('max_attempts', 2, group='scheduler')
    CONF.set_override('fake_fail_spawn_images', [fixtures.IMAGE_ID], group='compute')
    cloud.add_compute('node1')
    cloud.add_compute('node2')
    server_id = cloud.boot()['server']['id']
    server = cloud.wait(server_id, 'ERROR')
    assert 'Exceeded maximum number of retries' in server['fault']['message']
    assert 'fake driver refuses' in server['fault']['details']
    hypervisors = cloud.app.get('/v2.1/os-hypervisors/detail', headers=headers()).json
    assert [h['memory_mb_used'] for h in hypervisors['hypervisors']] == [0, 0]


def test_reschedule_lands_on_working_host(cloud):
    good = cloud.add_compute('good')
    bad = cloud.add_compute('bad')

    def failing_spawn(*args, **kwargs):
        raise RuntimeError('disk on fire')
    bad.driver.spawn = failing_spawn
    bad.driver.get_available_resource = lambda: dict(
        good.driver.get_available_resource(), memory_mb=10 ** 7)
    bad.report_resources()
    server_id = cloud.boot()['server']['id']
    server = cloud.wait(server_id, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'good'


@pytest.mark.parametrize('caps,kind', [
    ({}, 'RequestSpec'),
    ({'conductor': '1.1', 'scheduler': '1.0', 'compute': '1.2'}, 'dict'),
], ids=['object', 'capped'])
def test_builds_and_reschedules_with_the_spec_each_cap_allows(env, app, caps, kind):
    """The request spec travels as the RequestSpec object; in a rolling
    upgrade, with [upgrade_levels] below conductor 1.2, scheduler 1.1 and
    compute 1.3, every client sends the dict of before instead, and the
    managers build (and reschedule) from it all the same."""
    for name, version in caps.items():
        CONF.set_override(name, version, group='upgrade_levels')
    try:
        cloud = Cloud(env, app)
        cloud.flavor()
        good, bad = cloud.add_compute('good'), cloud.add_compute('bad')

        def failing_spawn(*args, **kwargs):
            raise RuntimeError('disk on fire')
        bad.driver.spawn = failing_spawn
        bad.driver.get_available_resource = lambda: dict(
            good.driver.get_available_resource(), memory_mb=10 ** 7)
        bad.report_resources()
        seen = []

        def spy(manager, method):
            real = getattr(manager, method)

            def record(*args, **kwargs):
                seen.append((method, type(kwargs['request_spec']).__name__))
                return real(*args, **kwargs)
            setattr(manager, method, record)

        for manager, method in ((cloud.conductor, 'build_instances'),
                                (cloud.conductor, 'reschedule_instance'),
                                (cloud.scheduler, 'select_destinations'),
                                (good, 'build_and_run_instance'),
                                (bad, 'build_and_run_instance')):
            spy(manager, method)
        server_id = cloud.boot()['server']['id']
        assert cloud.wait(server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'good'
        assert {name for name, _ in seen} == {'build_instances', 'reschedule_instance',
                                              'select_destinations',
                                              'build_and_run_instance'}
        assert {sent for _, sent in seen} == {kind}
    finally:
        for name in caps:
            CONF.clear_override(name, group='upgrade_levels')


def test_dead_compute_building_servers_go_to_error(cloud, env):
    compute = cloud.add_compute('node1')
    compute.build_and_run_instance = lambda *a, **k: None  # the host dies mid-build
    server_id = cloud.boot()['server']['id']
    deadline = time.time() + 5
    while cloud.show(server_id)['OS-EXT-SRV-ATTR:host'] is None and time.time() < deadline:
        time.sleep(0.05)
    assert cloud.show(server_id)['status'] == 'BUILD'
    services = cloud.app.get('/v2.1/os-services?binary=nova-compute', headers=headers()).json
    service_id = services['services'][0]['id']
    cloud.app.put_json('/v2.1/os-services/%s' % service_id, {'forced_down': True},
                       headers=headers())
    cloud.conductor.fail_builds_on_dead_hosts()
    server = cloud.show(server_id)
    assert server['status'] == 'ERROR'
    assert 'stopped responding' in server['fault']['message']


def test_actions_lifecycle(cloud):
    cloud.add_compute('node1')
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'os-stop': None})
    assert cloud.wait(server_id, 'SHUTOFF')['OS-EXT-STS:power_state'] == 4
    resp = cloud.action(server_id, {'pause': None}, status=409)
    assert resp.json['conflictingRequest']['code'] == 409
    cloud.action(server_id, {'os-start': None})
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'reboot': {'type': 'HARD'}})
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'pause': None})
    cloud.wait(server_id, 'PAUSED')
    cloud.action(server_id, {'unpause': None})
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'suspend': None})
    cloud.wait(server_id, 'SUSPENDED')
    cloud.action(server_id, {'resume': None})
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.small'}})
    server = cloud.wait(server_id, 'VERIFY_RESIZE')
    assert server['flavor']['original_name'] == 'm1.small'
    cloud.action(server_id, {'confirmResize': None}, status=204)
    server = cloud.wait(server_id, 'ACTIVE')
    hyp = cloud.app.get('/v2.1/os-hypervisors/detail', headers=headers()).json['hypervisors']
    assert hyp[0]['memory_mb_used'] == 128 and hyp[0]['vcpus_used'] == 2
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.nano'}})
    cloud.wait(server_id, 'VERIFY_RESIZE')
    cloud.action(server_id, {'revertResize': None})
    server = cloud.wait(server_id, 'ACTIVE')
    assert server['flavor']['original_name'] == 'm1.small'
    hyp = cloud.app.get('/v2.1/os-hypervisors/detail', headers=headers()).json['hypervisors']
    assert hyp[0]['memory_mb_used'] == 128
    output = cloud.action(server_id, {'os-getConsoleOutput': {'length': 50}}, status=200)
    assert 'Booting vm' in output.json['output']
    image = cloud.action(server_id, {'createImage': {'name': 'snap'}}).json
    cloud.wait(server_id, 'ACTIVE')
    from services.compute import clients
    assert clients.image_client().get(cloud.env.admin_context(),
                                      image['image_id'])['status'] == 'active'
    cloud.action(server_id, {'lock': None})
    resp = cloud.action(server_id, {'os-stop': None}, status=409, who=DEMO)
    assert 'locked' in resp.json['conflictingRequest']['message']
    cloud.action(server_id, {'unlock': None})
    cloud.action(server_id, {'rebuild': {'imageRef': fixtures.IMAGE_ID, 'name': 'again'}})
    assert cloud.wait(server_id, 'ACTIVE')['name'] == 'again'
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers(DEMO)).json['instanceActions']
    assert {'create', 'stop', 'start', 'reboot', 'resize', 'confirmResize', 'revertResize',
            'createImage', 'rebuild'} <= {a['action'] for a in actions}


def test_metadata_tags_update_and_filters(cloud):
    cloud.add_compute('node1')
    a = cloud.boot(name='alpha', metadata={'k': 'v'})['server']['id']
    b = cloud.boot(name='beta')['server']['id']
    cloud.wait(a, 'ACTIVE')
    cloud.wait(b, 'ACTIVE')
    app = cloud.app
    app.post_json('/v2.1/servers/%s/metadata' % a, {'metadata': {'x': '1'}},
                  headers=headers(DEMO))
    assert app.get('/v2.1/servers/%s/metadata' % a, headers=headers(DEMO)).json == {
        'metadata': {'k': 'v', 'x': '1'}}
    app.delete('/v2.1/servers/%s/metadata/k' % a, headers=headers(DEMO), status=204)
    app.put('/v2.1/servers/%s/tags/web' % a, headers=headers(DEMO), status=201)
    assert app.get('/v2.1/servers/%s/tags' % a, headers=headers(DEMO)).json == {
        'tags': ['web']}
    app.get('/v2.1/servers/%s/tags/db' % a, headers=headers(DEMO), status=404)
    names = [s['name'] for s in app.get('/v2.1/servers?tags=web',
                                        headers=headers(DEMO)).json['servers']]
    assert names == ['alpha']
    names = [s['name'] for s in app.get('/v2.1/servers?name=^be',
                                        headers=headers(DEMO)).json['servers']]
    assert names == ['beta']
    app.put_json('/v2.1/servers/%s' % b, {'server': {'name': 'gamma', 'description': 'd'}},
                 headers=headers(DEMO))
    assert cloud.show(b)['description'] == 'd'
    assert app.get('/v2.1/servers', headers=headers(ADMIN)).json['servers'] == []
    everyone = app.get('/v2.1/servers/detail?all_tenants=1', headers=headers(ADMIN)).json
    assert len(everyone['servers']) == 2
    app.get('/v2.1/servers?all_tenants=1', headers=headers(DEMO), status=403)
    page = app.get('/v2.1/servers?limit=1', headers=headers(DEMO)).json
    assert len(page['servers']) == 1 and 'servers_links' in page
    app.get('/v2.1/servers/%s' % a, headers=headers({'X-User-Id': 'o', 'X-Project-Id': 'other',
                                                     'X-Roles': 'member,reader'}), status=404)


def test_quota_refuses_instance_over_limit(cloud):
    cloud.add_compute('node1')
    cloud.app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': {'instances': 1}},
                       headers=headers())
    cloud.boot()
    resp = cloud.boot(status=403)
    assert 'Quota exceeded for instances' in resp['forbidden']['message']
    detail = cloud.app.get('/v2.1/os-quota-sets/demo/detail', headers=headers()).json
    assert detail['quota_set']['instances'] == {'limit': 1, 'in_use': 1, 'reserved': 0}
    limits = cloud.app.get('/v2.1/limits', headers=headers(DEMO)).json['limits']['absolute']
    assert limits['maxTotalInstances'] == 1 and limits['totalInstancesUsed'] == 1


def test_server_groups_affinity_and_anti_affinity(cloud):
    for host in ('n1', 'n2', 'n3'):
        cloud.add_compute(host)
    app = cloud.app

    def group(policy):
        return app.post_json('/v2.1/os-server-groups', {'server_group': {
            'name': policy, 'policies': [policy]}}, headers=headers(DEMO)).json[
            'server_group']['id']

    anti = group('anti-affinity')
    hosts = set()
    for index in range(3):
        sid = cloud.boot(name='anti%d' % index, hints={'group': anti})['server']['id']
        hosts.add(cloud.wait(sid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'])
    assert hosts == {'n1', 'n2', 'n3'}
    sid = cloud.boot(name='anti-too-many', hints={'group': anti})['server']['id']
    assert 'No valid host' in cloud.wait(sid, 'ERROR')['fault']['message']
    aff = group('affinity')
    hosts = set()
    for index in range(3):
        sid = cloud.boot(name='aff%d' % index, hints={'group': aff})['server']['id']
        hosts.add(cloud.wait(sid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'])
    assert len(hosts) == 1
    members = app.get('/v2.1/os-server-groups/%s' % aff, headers=headers(DEMO)).json
    assert len(members['server_group']['members']) == 3


def test_soft_server_group_policies_steer_placement(cloud):
    for host in ('n1', 'n2', 'n3'):
        cloud.add_compute(host)

    def boot_members(policy, count):
        group = cloud.app.post_json('/v2.1/os-server-groups', {'server_group': {
            'name': policy, 'policies': [policy]}}, headers=headers(DEMO)).json[
            'server_group']['id']
        hosts = []
        for index in range(count):
            sid = cloud.boot(name='%s%d' % (policy, index), hints={'group': group})[
                'server']['id']
            hosts.append(cloud.wait(sid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'])
        return hosts

    # Free resources alone would spread these; the soft policy keeps them together.
    assert len(set(boot_members('soft-affinity', 3))) == 1
    # Four members over three hosts: spread first, then one host takes a
    # second member instead of failing as anti-affinity would.
    spread = boot_members('soft-anti-affinity', 4)
    assert set(spread[:3]) == {'n1', 'n2', 'n3'}
    assert spread[3] in {'n1', 'n2', 'n3'}


def test_aggregate_az_and_extra_specs_scheduling(cloud):
    for host in ('n1', 'n2'):
        cloud.add_compute(host)
    app = cloud.app
    agg = app.post_json('/v2.1/os-aggregates', {'aggregate': {
        'name': 'fast', 'availability_zone': 'zone-fast'}}, headers=headers()).json['aggregate']
    app.post_json('/v2.1/os-aggregates/%s/action' % agg['id'], {'add_host': {'host': 'n2'}},
                  headers=headers())
    app.post_json('/v2.1/os-aggregates/%s/action' % agg['id'],
                  {'set_metadata': {'metadata': {'ssd': 'true'}}}, headers=headers())
    zones = app.get('/v2.1/os-availability-zone', headers=headers(DEMO)).json
    assert {z['zoneName'] for z in zones['availabilityZoneInfo']} == {'nova', 'zone-fast'}
    sid = cloud.boot(availability_zone='zone-fast')['server']['id']
    server = cloud.wait(sid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'n2'
    assert server['OS-EXT-AZ:availability_zone'] == 'zone-fast'
    cloud.flavor(name='ssd', flavor_id='ssd')
    app.post_json('/v2.1/flavors/ssd/os-extra_specs', {'extra_specs': {
        'aggregate_instance_extra_specs:ssd': 'true'}}, headers=headers())
    for index in range(3):
        sid = cloud.boot(name='ssd%d' % index, flavor='ssd')['server']['id']
        assert cloud.wait(sid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'n2'
    app.post_json('/v2.1/os-aggregates/%s/action' % agg['id'],
                  {'add_host': {'host': 'nowhere'}}, headers=headers(), status=404)


def test_two_computes_share_the_load(cloud):
    cloud.add_compute('n1')
    cloud.add_compute('n2')
    resp = cloud.boot(min_count=6, max_count=6, return_reservation_id=True)
    assert resp['reservation_id'].startswith('r-')
    servers = cloud.app.get('/v2.1/servers?reservation_id=%s' % resp['reservation_id'],
                            headers=headers(DEMO)).json['servers']
    assert len(servers) == 6
    hosts = [cloud.wait(s['id'], 'ACTIVE')['OS-EXT-SRV-ATTR:host'] for s in servers]
    assert hosts.count('n1') == 3 and hosts.count('n2') == 3


def test_services_hypervisors_and_stats(cloud):
    cloud.add_compute('n1')
    services = cloud.app.get('/v2.1/os-services', headers=headers()).json['services']
    assert {s['binary'] for s in services} == {'nova-conductor',
                                               'nova-scheduler', 'nova-compute'}
    assert all(s['state'] == 'up' for s in services)
    compute = [s for s in services if s['binary'] == 'nova-compute'][0]
    assert compute['zone'] == 'nova'
    updated = cloud.app.put_json('/v2.1/os-services/%s' % compute['id'], {
        'status': 'disabled', 'disabled_reason': 'maintenance'}, headers=headers()).json
    assert updated['service']['status'] == 'disabled'
    sid = cloud.boot()['server']['id']
    assert 'No valid host' in cloud.wait(sid, 'ERROR')['fault']['message']
    legacy = cloud.app.put_json('/v2.1/os-services/enable', {
        'host': 'n1', 'binary': 'nova-compute'}, headers=headers(version='2.1')).json
    assert legacy['service']['status'] == 'enabled'
    stats = cloud.app.get('/v2.1/os-hypervisors/statistics',
                          headers=headers()).json['hypervisor_statistics']
    assert stats['count'] == 1 and stats['vcpus'] == CONF.compute.fake_vcpus
    hyp = cloud.app.get('/v2.1/os-hypervisors', headers=headers(version='2.1')).json
    assert isinstance(hyp['hypervisors'][0]['id'], int)


def test_compute_restart_reconciles(cloud):
    compute = cloud.add_compute('node1')
    sid = cloud.boot()['server']['id']
    cloud.wait(sid, 'ACTIVE')
    from services.compute.objects import instance as inst_obj
    instance = inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), sid)
    compute.driver.crash(instance)
    compute.driver.spawn(None, inst_obj.Instance(cloud.env.admin_context(),
                                                 uuid='0c4ff8a9-5f7c-4a42-9f8e-000000000000',
                                                 display_name='orphan', hostname='o'),
                         {}, None, [], {'vcpus': 1, 'memory_mb': 1})
    restarted = compute_manager.ComputeManager('node1')
    restarted.init_host()
    assert cloud.show(sid)['status'] == 'SHUTOFF'
    assert restarted.driver.list_instance_uuids() == [sid]


def test_db_is_poisoned_outside_the_conductor(env):
    from services.compute.objects import base
    with pytest.raises(fixtures.DBPoisoned):
        base.db().instance_get('x')
    assert isinstance(obj_base.ComputeObject.indirection_api,
                      common_objects.ovo_base.VersionedObjectIndirectionAPI)


def _ports_of(cloud, server_id):
    from services.compute import clients
    ports = clients.network_client().ports.read().values()
    return [p for p in ports if p['device_id'] == server_id]


def test_ports_get_security_groups_and_follow_the_server(cloud):
    cloud.add_compute('node1')
    server_id = cloud.boot(security_groups=[{'name': 'web'}])['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    [port] = _ports_of(cloud, server_id)
    assert port['security_groups'] == ['web']
    assert port['binding:host_id'] == 'node1'
    cloud.add_compute('node2')
    cloud.action(server_id, {'migrate': None}, who=ADMIN)
    assert cloud.wait(server_id, 'VERIFY_RESIZE')['OS-EXT-SRV-ATTR:host'] == 'node2'
    assert _ports_of(cloud, server_id)[0]['binding:host_id'] == 'node2'
    cloud.action(server_id, {'revertResize': None}, who=ADMIN)
    assert cloud.wait(server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'node1'
    assert _ports_of(cloud, server_id)[0]['binding:host_id'] == 'node1'


def test_a_server_without_ports_shows_no_security_groups(cloud):
    """As nova: the groups are the ports'; asked for with no network, the
    server has none and its body no ``security_groups`` key."""
    cloud.add_compute('node1')
    with_port = cloud.boot(name='a')['server']['id']
    without = cloud.boot(name='b', networks='none', security_groups=[{'name': 'web'}],
                         status=202)['server']['id']
    assert cloud.wait(with_port, 'ACTIVE')['security_groups'] == [{'name': 'default'}]
    assert 'security_groups' not in cloud.wait(without, 'ACTIVE')
    assert _ports_of(cloud, without) == []


def test_resize_refused_by_a_driver_without_it_keeps_the_guest(cloud, monkeypatch):
    from services.compute.virt import fake
    monkeypatch.setattr(fake.FakeDriver, 'supports_resize', False)
    cloud.add_compute('node1')
    cloud.flavor(name='m1.small', ram=128, vcpus=2)
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')

    def used():
        return cloud.app.get('/v2.1/os-hypervisors/statistics', headers=headers()).json[
            'hypervisor_statistics']['vcpus_used']
    before = used()
    cloud.action(server_id, {'resize': {'flavorRef': 'm1.small'}})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        server = cloud.show(server_id)
        if server['OS-EXT-STS:task_state'] is None:
            break
        time.sleep(0.1)
    assert server['OS-EXT-STS:task_state'] is None
    assert server['status'] == 'ACTIVE' and server['OS-EXT-STS:power_state'] == 1
    assert server['flavor']['original_name'] != 'm1.small'
    assert used() == before  # the destination's claim was given back


def test_config_drive_asked_for_or_forced(cloud):
    cloud.add_compute('node1')
    asked = cloud.boot(config_drive=True)['server']['id']
    plain = cloud.boot()['server']['id']
    assert cloud.wait(asked, 'ACTIVE', who=DEMO)['config_drive'] == 'True'
    assert cloud.wait(plain, 'ACTIVE', who=DEMO)['config_drive'] == ''
    CONF.set_override('force_config_drive', True)
    forced = cloud.boot()['server']['id']
    assert cloud.wait(forced, 'ACTIVE', who=DEMO)['config_drive'] == 'True'
    cloud.settle()


def test_list_filtered_by_fixed_ip(cloud):
    """``ip`` / ``ip6`` are regular expressions matched at the start of a
    fixed IP, for members too (nova's user filters)."""
    cloud.add_compute('node1')
    ids = [cloud.boot(name='vm%d' % i)['server']['id'] for i in range(3)]
    ips = {cloud.wait(i, 'ACTIVE')['addresses']['private'][0]['addr']: i for i in ids}

    def listed(query):
        return {s['id'] for s in cloud.app.get('/v2.1/servers?' + query,
                                               headers=headers(DEMO)).json['servers']}

    for address, server_id in ips.items():
        assert listed('ip=%s$' % address.replace('.', r'\.')) == {server_id}
    assert listed('ip=192.0.2.') == set(ids)
    assert listed('ip=10.') == set()
    assert listed('ip6=2001:db8') == set()
