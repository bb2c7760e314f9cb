"""Shelve, shelveOffload and unshelve through API, conductor, scheduler and
compute managers, in-process over the fake RPC transport."""

import time

import pytest
from oslo_config import cfg

from services.compute import clients
from services.compute.objects import instance as inst_obj
from tests.unit.compute.conftest import ADMIN, DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

CONF = cfg.CONF


@pytest.fixture
def cloud(env, app):
    c = Cloud(env, app)
    c.flavor()
    c.node1 = c.add_compute('node1')
    return c


def _instance(cloud, server_id):
    return inst_obj.Instance.get_by_uuid(cloud.env.admin_context(), server_id)


def _images():
    return clients.image_client().images.read()


def _ports(server_id):
    return [p for p in clients.network_client().ports.read().values()
            if p['device_id'] == server_id]


def _expect(func, expected, timeout=10):
    """Assert ``func()`` comes to equal ``expected``: the last steps of a flow
    (claim release, event records) may land just after the new status."""
    deadline = time.time() + timeout
    value = func()
    while value != expected and time.time() < deadline:
        time.sleep(0.05)
        value = func()
    assert value == expected


def _usage(cloud):
    hypervisors = cloud.app.get('/v2.1/os-hypervisors/detail',
                                headers=headers()).json['hypervisors']
    return {h['hypervisor_hostname']: (h['memory_mb_used'], h['running_vms'])
            for h in hypervisors}


def _expect_used(cloud, expected):
    _expect(lambda: _usage(cloud), expected)


def _event_results(cloud, server_id, action):
    actions = cloud.app.get('/v2.1/servers/%s/os-instance-actions' % server_id,
                            headers=headers(ADMIN)).json['instanceActions']
    found = [a for a in actions if a['action'] == action][0]
    detail = cloud.app.get('/v2.1/servers/%s/os-instance-actions/%s' % (
        server_id, found['request_id']), headers=headers(ADMIN)).json['instanceAction']
    return {e['event']: e['result'] for e in detail['events']}


def _expect_events(cloud, server_id, action, expected):
    _expect(lambda: _event_results(cloud, server_id, action), expected)


def _active(cloud, name='vm'):
    server_id = cloud.boot(name=name)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    return server_id


def test_shelve_offloads_at_once_and_unshelve_places_it_again(cloud):
    server_id = _active(cloud, 'web')
    [port] = _ports(server_id)
    cloud.action(server_id, {'shelve': None}, who=ADMIN)  # the owner unshelves below
    server = cloud.wait(server_id, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-STS:vm_state'] == 'shelved_offloaded'
    assert server['OS-EXT-STS:power_state'] == inst_obj.SHUTDOWN
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] is None
    # The ports stay the server's (unbound), so its addresses do too.
    assert server['addresses']['private'][0]['addr'] == port['fixed_ips'][0]['ip_address']
    assert _ports(server_id)[0]['binding:host_id'] is None
    assert cloud.node1.driver.list_instance_uuids() == []
    _expect_used(cloud, {'node1': (0, 0)})
    image_id = _instance(cloud, server_id).system_metadata['shelved_image_id']
    image = _images()[image_id]
    assert (image['name'], image['status'], image['owner']) == ('web-shelved', 'active',
                                                                'demo')
    assert image['properties']['instance_uuid'] == server_id
    _expect_events(cloud, server_id, 'shelve', {
        'compute_shelve_instance': 'Success', 'compute_shelve_offload_instance': 'Success'})
    # Shelved servers still count against the quota.
    limits = cloud.app.get('/v2.1/limits', headers=headers(DEMO)).json['limits']['absolute']
    assert limits['totalInstancesUsed'] == 1 and limits['totalRAMUsed'] == 64
    listed = cloud.app.get('/v2.1/servers?status=SHELVED_OFFLOADED',
                           headers=headers(DEMO)).json['servers']
    assert [s['id'] for s in listed] == [server_id]

    node2 = cloud.add_compute('node2')
    cloud.action(server_id, {'unshelve': None})
    server = cloud.wait(server_id, 'ACTIVE')
    host = server['OS-EXT-SRV-ATTR:host']
    assert host in ('node1', 'node2')
    assert server['OS-EXT-STS:power_state'] == inst_obj.RUNNING
    guest = (cloud.node1 if host == 'node1' else node2).driver._guests[server_id]
    assert guest['image'] == image_id and guest['vifs'] == [port['id']]
    assert _ports(server_id)[0]['binding:host_id'] == host
    _expect(lambda: _usage(cloud)[host], (64, 1))
    assert image_id not in _images()
    instance = _instance(cloud, server_id)
    assert not set(inst_obj.SHELVED_KEYS) & set(instance.system_metadata)
    assert instance.image_ref == server['image']['id'] != image_id
    _expect_events(cloud, server_id, 'unshelve', {
        'schedule_instances': 'Success', 'compute_unshelve_instance': 'Success'})


def test_shelve_in_place_offload_on_request_and_delete(cloud):
    CONF.set_override('shelved_offload_time', -1, group='compute')
    server_id = _active(cloud)
    cloud.action(server_id, {'shelve': None})
    server = cloud.wait(server_id, 'SHELVED')
    assert server['OS-EXT-SRV-ATTR:host'] == 'node1'
    assert server['OS-EXT-STS:power_state'] == inst_obj.SHUTDOWN
    assert cloud.node1.driver.list_instance_uuids() == [server_id]
    _expect_used(cloud, {'node1': (64, 1)})
    first_image = _instance(cloud, server_id).system_metadata['shelved_image_id']

    # Unshelve of a server still on its host powers it on there.
    cloud.action(server_id, {'unshelve': None})
    server = cloud.wait(server_id, 'ACTIVE')
    assert server['OS-EXT-STS:power_state'] == inst_obj.RUNNING
    assert first_image not in _images()
    _expect_used(cloud, {'node1': (64, 1)})

    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED')
    image_id = _instance(cloud, server_id).system_metadata['shelved_image_id']
    resp = cloud.action(server_id, {'shelveOffload': None}, status=403, who=DEMO)
    assert 'os-shelve:shelve_offload' in resp.json['forbidden']['message']
    cloud.action(server_id, {'shelveOffload': None}, who=ADMIN)
    cloud.wait(server_id, 'SHELVED_OFFLOADED')
    _expect_used(cloud, {'node1': (0, 0)})
    assert cloud.node1.driver.list_instance_uuids() == []

    # No host: the API deletes it, its port and its shelved image.
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    cloud.app.get('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=404)
    assert _ports(server_id) == []
    assert image_id not in _images()
    _expect_used(cloud, {'node1': (0, 0)})


def test_deleting_a_shelved_server_on_its_host(cloud):
    CONF.set_override('shelved_offload_time', -1, group='compute')
    server_id = _active(cloud)
    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED')
    image_id = _instance(cloud, server_id).system_metadata['shelved_image_id']
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    deadline = time.time() + 10
    while time.time() < deadline and cloud.app.get(
            '/v2.1/servers/%s' % server_id, headers=headers(DEMO),
            expect_errors=True).status_int != 404:
        time.sleep(0.05)
    assert cloud.node1.driver.list_instance_uuids() == []
    assert image_id not in _images()
    _expect_used(cloud, {'node1': (0, 0)})


def test_periodic_offload_after_shelved_offload_time(cloud):
    CONF.set_override('shelved_offload_time', 1, group='compute')
    server_id = _active(cloud)
    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED')
    cloud.node1.offload_shelved_instances()
    assert cloud.show(server_id)['status'] == 'SHELVED'
    time.sleep(1.1)
    cloud.node1.offload_shelved_instances()
    server = cloud.wait(server_id, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-SRV-ATTR:host'] is None
    _expect_used(cloud, {'node1': (0, 0)})


def test_shelve_refusals(cloud):
    server_id = _active(cloud)
    for action in ('unshelve', 'shelveOffload'):
        resp = cloud.action(server_id, {action: None}, status=409, who=ADMIN)
        assert 'vm_state active' in resp.json['conflictingRequest']['message']
    cloud.action(server_id, {'lock': None}, who=ADMIN)
    resp = cloud.action(server_id, {'shelve': None}, status=409)
    assert 'locked' in resp.json['conflictingRequest']['message']
    cloud.action(server_id, {'unlock': None}, who=ADMIN)
    cloud.action(server_id, {'pause': None})
    cloud.wait(server_id, 'PAUSED')
    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED_OFFLOADED')
    for body in ({'shelve': None}, {'shelveOffload': None}, {'os-start': None},
                 {'resize': {'flavorRef': 'm1.nano'}}, {'createImage': {'name': 'x'}},
                 {'os-getConsoleOutput': {}}):
        resp = cloud.action(server_id, body, status=409, who=ADMIN)
        assert resp.json['conflictingRequest']['code'] == 409
    resp = cloud.app.post_json('/v2.1/servers/%s/os-interface' % server_id,
                               {'interfaceAttachment': {}}, headers=headers(DEMO),
                               status=409)
    assert "Cannot 'attach_interface'" in resp.json['conflictingRequest']['message']
    cloud.action(server_id, {'lock': None}, who=ADMIN)
    resp = cloud.action(server_id, {'unshelve': None}, status=409)
    assert 'locked' in resp.json['conflictingRequest']['message']
    # The quota keeps counting the shelved server.
    cloud.app.put_json('/v2.1/os-quota-sets/demo', {'quota_set': {'instances': 1}},
                       headers=headers())
    resp = cloud.boot(name='second', status=403)
    assert 'Quota exceeded for instances' in resp['forbidden']['message']


def test_unshelve_with_no_host_stays_offloaded(cloud):
    server_id = _active(cloud)
    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED_OFFLOADED')
    service = cloud.app.get('/v2.1/os-services?binary=nova-compute',
                            headers=headers()).json['services'][0]
    cloud.app.put_json('/v2.1/os-services/%s' % service['id'], {'status': 'disabled'},
                       headers=headers())
    cloud.action(server_id, {'unshelve': None})
    server = cloud.wait(server_id, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-SRV-ATTR:host'] is None
    _expect_events(cloud, server_id, 'unshelve', {'schedule_instances': 'Error'})
    _expect_used(cloud, {'node1': (0, 0)})
    cloud.app.put_json('/v2.1/os-services/%s' % service['id'], {'status': 'enabled'},
                       headers=headers())
    cloud.action(server_id, {'unshelve': None})
    assert cloud.wait(server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'node1'


def test_failed_unshelve_gives_the_host_back(cloud):
    server_id = _active(cloud)
    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED_OFFLOADED')
    real_spawn = cloud.node1.driver.spawn

    def failing_spawn(*args, **kwargs):
        raise RuntimeError('disk on fire')
    cloud.node1.driver.spawn = failing_spawn
    cloud.action(server_id, {'unshelve': None})
    server = cloud.wait(server_id, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-SRV-ATTR:host'] is None
    _expect_used(cloud, {'node1': (0, 0)})
    assert _ports(server_id)[0]['binding:host_id'] is None
    _expect(lambda: _event_results(cloud, server_id, 'unshelve').get(
        'compute_unshelve_instance'), 'Error')
    image_id = _instance(cloud, server_id).system_metadata['shelved_image_id']
    assert image_id in _images()

    # Without its shelved image the server cannot come back: ERROR, as nova.
    cloud.node1.driver.spawn = real_spawn
    clients.image_client().delete(cloud.env.admin_context(), image_id)
    cloud.action(server_id, {'unshelve': None})
    server = cloud.wait(server_id, 'ERROR')
    assert server['fault']['message'] == (
        'Unshelve attempted but the image %s cannot be found.' % image_id)
    _expect_used(cloud, {'node1': (0, 0)})
    cloud.app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    cloud.app.get('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=404)


def test_delete_that_raced_an_offload_gives_back_no_claim_twice(cloud):
    CONF.set_override('shelved_offload_time', -1, group='compute')
    shelved = _active(cloud, 'shelved')
    _active(cloud, 'neighbour')
    cloud.action(shelved, {'shelve': None})
    cloud.wait(shelved, 'SHELVED')
    context = cloud.env.admin_context()
    instance = _instance(cloud, shelved)
    instance.task_state = 'shelving_offloading'
    instance.save()
    cloud.node1.shelve_offload_instance(context, shelved)
    _expect_used(cloud, {'node1': (64, 1)})
    # A delete cast to the host while the server was still on it arrives late.
    cloud.node1.terminate_instance(context, shelved)
    cloud.app.get('/v2.1/servers/%s' % shelved, headers=headers(DEMO), status=404)
    assert _usage(cloud) == {'node1': (64, 1)}


def test_capped_rpc_refuses_before_touching_the_server(cloud):
    """During a rolling upgrade ([upgrade_levels] below 1.1) the new actions
    are refused up front instead of leaving a server stuck mid-task."""
    server_id = _active(cloud)
    CONF.set_override('compute', '1.0', group='upgrade_levels')
    images = set(_images())
    for body in ({'shelve': None}, {'shelveOffload': None}):
        resp = cloud.action(server_id, body, status=409, who=ADMIN)
        assert 'RPC API 1.1' in resp.json['conflictingRequest']['message']
    resp = cloud.app.post_json('/v2.1/servers/%s/os-interface' % server_id,
                               {'interfaceAttachment': {}}, headers=headers(DEMO),
                               status=409)
    assert 'compute RPC API 1.1' in resp.json['conflictingRequest']['message']
    server = cloud.show(server_id)
    assert (server['status'], server['OS-EXT-STS:task_state']) == ('ACTIVE', None)
    assert set(_images()) == images
    CONF.clear_override('compute', group='upgrade_levels')
    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED_OFFLOADED')
    CONF.set_override('conductor', '1.0', group='upgrade_levels')
    resp = cloud.action(server_id, {'unshelve': None}, status=409)
    assert 'conductor RPC API 1.1' in resp.json['conflictingRequest']['message']
    server = cloud.show(server_id)
    assert (server['status'], server['OS-EXT-STS:task_state']) == ('SHELVED_OFFLOADED', None)


KERNEL = '3f0c6e1a-55b2-4c57-9d44-1f2c7b8a9e01'
RAMDISK = '3f0c6e1a-55b2-4c57-9d44-1f2c7b8a9e02'
KERNEL_BOOT = '3f0c6e1a-55b2-4c57-9d44-1f2c7b8a9e03'


def test_a_kernel_boot_server_unshelves_with_its_kernel(cloud):
    """The shelve snapshot keeps how the server's image boots (as nova's
    snapshots keep the image's properties): the unshelved guest gets the
    kernel and ramdisk again, not a disk with no boot loader."""
    from services.compute.clients import fake as fake_clients
    fake_clients.seed(str(cloud.env.tmp_path / 'fake'), images=[
        {'id': KERNEL, 'name': 'k', 'visibility': 'public', 'status': 'active',
         'properties': {}},
        {'id': RAMDISK, 'name': 'r', 'visibility': 'public', 'status': 'active',
         'properties': {}},
        {'id': KERNEL_BOOT, 'name': 'guest', 'visibility': 'public', 'status': 'active',
         'properties': {'kernel_id': KERNEL, 'ramdisk_id': RAMDISK,
                        'os_command_line': 'console=ttyS0', 'hw_disk_bus': 'virtio',
                        'img_signature': 'c2ln', 'owner_specified.openstack.md5': 'x'}}])
    server_id = cloud.boot(name='ami', imageRef=KERNEL_BOOT)['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    cloud.action(server_id, {'shelve': None})
    cloud.wait(server_id, 'SHELVED_OFFLOADED')
    image_id = _instance(cloud, server_id).system_metadata['shelved_image_id']
    props = _images()[image_id]['properties']
    assert (props['kernel_id'], props['ramdisk_id'], props['os_command_line'],
            props['hw_disk_bus']) == (KERNEL, RAMDISK, 'console=ttyS0', 'virtio')
    assert props['instance_uuid'] == server_id and props['base_image_ref'] == KERNEL_BOOT
    assert 'img_signature' not in props and 'owner_specified.openstack.md5' not in props
    cloud.action(server_id, {'unshelve': None})
    cloud.wait(server_id, 'ACTIVE')
    files = cloud.node1.driver._guests[server_id]['files']
    assert any(KERNEL in f for f in files) and any(RAMDISK in f for f in files), files
    # createImage keeps them too; the caller's metadata still wins.
    snap = cloud.action(server_id, {'createImage': {
        'name': 'snap', 'metadata': {'os_command_line': 'quiet'}}}).json['image_id']
    props = _images()[snap]['properties']
    assert (props['kernel_id'], props['os_command_line']) == (KERNEL, 'quiet')
