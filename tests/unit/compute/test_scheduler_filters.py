"""Host filters and weighers on hand-built host states (no RPC, no DB)."""

import datetime
import types

from oslo_config import cfg

from services.compute.objects import request_spec
from services.compute.scheduler import filters
from services.compute.scheduler import host_state
from services.compute.scheduler import weighers

CONF = cfg.CONF


def _host(env, name, ram=1024, vcpus=4, disk=10, disabled=False, seen=0, aggregates=()):
    node = types.SimpleNamespace(
        host=name, hypervisor_hostname=name, hypervisor_type='fake',
        cpu_info={'arch': 'x86_64'}, vcpus=vcpus, memory_mb=ram, local_gb=disk,
        cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
        free_vcpus=vcpus, free_ram_mb=ram, free_disk_gb=disk, running_vms=0)
    service = types.SimpleNamespace(
        disabled=disabled, forced_down=False,
        last_seen_at=datetime.datetime.utcnow() - datetime.timedelta(seconds=seen))
    return host_state.HostState(node, service, list(aggregates))


def _spec(**extra):
    return request_spec.RequestSpec(
        flavor={'name': 'f', 'vcpus': 1, 'memory_mb': 512, 'root_gb': 1,
                'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}, **extra)


def _passes(name, host, spec):
    return filters.ALL_FILTERS[name]().host_passes(host, spec)


def test_compute_filter_needs_enabled_and_up(env):
    assert _passes('ComputeFilter', _host(env, 'a'), _spec())
    assert not _passes('ComputeFilter', _host(env, 'a', disabled=True), _spec())
    assert not _passes('ComputeFilter', _host(env, 'a', seen=3600), _spec())


def test_resource_filters(env):
    small = _host(env, 'a', ram=256, vcpus=1, disk=0)
    assert not _passes('RamFilter', small, _spec())
    assert not _passes('DiskFilter', small, _spec())
    assert _passes('CoreFilter', small, _spec())
    big = _host(env, 'b')
    big.consume(_spec())
    big.consume(_spec())
    assert not _passes('RamFilter', big, _spec())


def test_aggregate_filters(env):
    agg = types.SimpleNamespace(metadata={'availability_zone': 'z1', 'ssd': 'true'})
    in_zone = _host(env, 'a', aggregates=[agg])
    plain = _host(env, 'b')
    assert _passes('AvailabilityZoneFilter', in_zone, _spec(availability_zone='z1'))
    assert not _passes('AvailabilityZoneFilter', plain, _spec(availability_zone='z1'))
    assert plain.availability_zone == CONF.compute.default_availability_zone
    spec = _spec()
    spec.flavor['extra_specs'] = {'aggregate_instance_extra_specs:ssd': 'true',
                                  'hw:cpu_policy': 'shared'}
    assert _passes('AggregateInstanceExtraSpecsFilter', in_zone, spec)
    assert not _passes('AggregateInstanceExtraSpecsFilter', plain, spec)


def test_image_properties_filter(env):
    host = _host(env, 'a')
    assert _passes('ImagePropertiesFilter', host, _spec(image={'properties': {
        'hw_architecture': 'x86_64', 'img_hv_type': 'fake'}}))
    assert not _passes('ImagePropertiesFilter', host, _spec(image={'properties': {
        'hw_architecture': 'aarch64'}}))


def test_group_filters(env):
    host_a, host_b = _host(env, 'a'), _host(env, 'b')
    affinity = _spec(group={'policy': 'affinity', 'hosts': ['a']})
    assert _passes('ServerGroupAffinityFilter', host_a, affinity)
    assert not _passes('ServerGroupAffinityFilter', host_b, affinity)
    anti = _spec(group={'policy': 'anti-affinity', 'hosts': ['a'], 'rules': {}})
    assert not _passes('ServerGroupAntiAffinityFilter', host_a, anti)
    assert _passes('ServerGroupAntiAffinityFilter', host_b, anti)
    anti.group['rules'] = {'max_server_per_host': 2}
    assert _passes('ServerGroupAntiAffinityFilter', host_a, anti)


def test_weighers_prefer_free_resources(env):
    hosts = [_host(env, 'a', ram=512), _host(env, 'b', ram=4096), _host(env, 'c', ram=1024)]
    ranked = weighers.weigh(weighers.load(['RAMWeigher']), hosts, _spec())
    assert [h.host for h in ranked] == ['b', 'c', 'a']
