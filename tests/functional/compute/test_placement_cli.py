"""The Placement API as osc-placement drives it: the real ``openstack
resource provider ...`` commands against alto-placement-api, which answers
from the compute conductor's claim data (real daemons, real identity,
image and network services)."""

import sys
import time

import openstack
import pytest

from tests.functional import harness
from tests.functional.compute import fixtures
from tests.functional.compute.test_cli import _register_network
from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional


def _start_placement(cloud):
    """alto-placement-api (by module when the venv's scripts predate it)."""
    script = harness.BIN / 'alto-placement-api'
    command = [script] if script.exists() else \
        [sys.executable, '-m', 'services.compute.cmd.placement_api']
    log = cloud.workdir / 'placement.log'
    cloud.daemons.start('placement', command + ['--config-file', cloud.config_file,
                                                '--log-file', log],
                        log_file=log, output_file=log.with_suffix('.err'))


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, identity_server, image_server, network_server):
    _register_network(identity_server, network_server.url)
    workdir = tmp_path_factory.mktemp('placement')
    port = harness.free_port()
    c = fixtures.ComputeCloud(workdir, 'sqlite:///%s/compute.sqlite' % workdir,
                              identity=identity_server, hosts=('cmp-p',),
                              extra={'placement_api': {'bind_host': '127.0.0.1',
                                                       'bind_port': port}})
    c.register()
    admin = openstack.connect(**identity_server.cloud_config())
    svc = admin.identity.create_service(name='placement', type='placement')
    for iface in ('public', 'internal', 'admin'):
        admin.identity.create_endpoint(service_id=svc.id, interface=iface,
                                       url='http://127.0.0.1:%d' % port, region_id='RegionOne')
    try:
        c.start()
        _start_placement(c)
        admin.image.create_image(name='cirros', data=b'fake guest disk\n' * 64,
                                 disk_format='raw', container_format='bare',
                                 visibility='public')
        net = admin.network.create_network(name='private', shared=True)
        admin.network.create_subnet(network_id=net.id, cidr='192.0.2.0/24', ip_version=4,
                                    name='private-subnet')
        yield c
    finally:
        admin.close()
        c.stop()


@pytest.fixture(scope='module')
def cli(cloud, identity_server, image_server):
    path = identity_server.write_clouds_yaml(cloud.workdir / 'clouds.yaml',
                                             image_server.clouds())
    admin = CLI(identity_server, 'altostratus-admin', path)
    for _ in range(100):  # the placement daemon waits for the conductor first
        try:
            admin.run('resource', 'provider', 'list')
            break
        except Exception:
            time.sleep(0.3)
    return admin


def test_resource_providers_inventories_usages(cloud, cli):
    providers = cli.json('resource', 'provider', 'list')
    assert [p['name'] for p in providers] == ['cmp-p']
    rp = providers[0]['uuid']
    shown = cli.json('resource', 'provider', 'show', rp)
    assert shown['name'] == 'cmp-p'
    inventory = {i['resource_class']: i
                 for i in cli.json('resource', 'provider', 'inventory', 'list', rp)}
    assert set(inventory) == {'VCPU', 'MEMORY_MB', 'DISK_GB'}
    usage = {u['resource_class']: u['usage']
             for u in cli.json('resource', 'provider', 'usage', 'show', rp)}
    assert usage == {'VCPU': 0, 'MEMORY_MB': 0, 'DISK_GB': 0}

    cli.run('flavor', 'create', '--ram', '64', '--vcpus', '1', '--disk', '1', 'p1.tiny')
    server = cli.json('server', 'create', '--image', 'cirros', '--flavor', 'p1.tiny',
                      '--network', 'private', '--wait', 'placed')
    assert server['status'] == 'ACTIVE'
    usage = {u['resource_class']: u['usage']
             for u in cli.json('resource', 'provider', 'usage', 'show', rp)}
    assert usage == {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}
    allocations = cli.json('resource', 'provider', 'allocation', 'show', server['id'])
    assert allocations[0]['resource_provider'] == rp
    assert allocations[0]['resources'] == {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}

    # An operator reserves every VCPU: no candidate, and the scheduler agrees.
    total = inventory['VCPU']['total']
    cli.run('resource', 'provider', 'inventory', 'set', rp, '--amend',
            '--resource', 'VCPU:reserved=%d' % total)
    vcpu = cli.json('resource', 'provider', 'inventory', 'show', rp, 'VCPU')
    assert vcpu['reserved'] == total
    assert cli.json('allocation', 'candidate', 'list', '--resource', 'VCPU=1') == []
    cli.run('resource', 'provider', 'inventory', 'set', rp, '--amend',
            '--resource', 'VCPU:reserved=0')
    candidates = cli.json('allocation', 'candidate', 'list', '--resource', 'VCPU=1')
    assert [c['resource provider'] for c in candidates] == [rp]


@pytest.mark.heavy
def test_traits_and_resource_classes(cloud, cli):
    rp = cli.json('resource', 'provider', 'list')[0]['uuid']
    traits = [t['name'] for t in cli.json('trait', 'list')]
    assert 'COMPUTE_ARCH_X86_64' in traits
    cli.run('trait', 'create', 'CUSTOM_FAST_DISK')
    cli.run('resource', 'provider', 'trait', 'set', rp, '--trait', 'CUSTOM_FAST_DISK')
    assert [t['name'] for t in cli.json('resource', 'provider', 'trait', 'list', rp)] == [
        'CUSTOM_FAST_DISK']
    cli.run('resource', 'provider', 'trait', 'delete', rp)
    assert cli.json('resource', 'provider', 'trait', 'list', rp) == []
    cli.run('trait', 'delete', 'CUSTOM_FAST_DISK')
    assert 'CUSTOM_FAST_DISK' not in [t['name'] for t in cli.json('trait', 'list')]
    classes = [c['name'] for c in cli.json('resource', 'class', 'list')]
    assert 'VCPU' in classes
    cli.run('resource', 'class', 'create', 'CUSTOM_BAREMETAL_GOLD')
    assert cli.json('resource', 'class', 'show', 'CUSTOM_BAREMETAL_GOLD')['name'] == \
        'CUSTOM_BAREMETAL_GOLD'
    cli.run('resource', 'class', 'delete', 'CUSTOM_BAREMETAL_GOLD')


@pytest.mark.heavy
def test_provider_aggregates_are_the_host_aggregates(cloud, cli):
    rp = cli.json('resource', 'provider', 'list')[0]['uuid']
    assert cli.json('resource', 'provider', 'aggregate', 'list', rp) == []
    agg = cli.json('aggregate', 'create', 'fast-hosts')
    cli.run('aggregate', 'add', 'host', 'fast-hosts', 'cmp-p')
    listed = cli.json('resource', 'provider', 'aggregate', 'list', rp)
    assert [a['uuid'] for a in listed] == [agg['uuid']]
    members = cli.json('resource', 'provider', 'list', '--aggregate-uuid', agg['uuid'])
    assert [p['uuid'] for p in members] == [rp]
