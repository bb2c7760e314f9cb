"""A new server goes ACTIVE only once the network service reported its port
wired: real identity, image, network (conductor + API) and compute daemons
(fake hypervisor configured to wait as libvirt does) over RabbitMQ.

The port's status is reported through the agent RPC exactly as the Open
vSwitch agent reports it (``PluginAPI.update_device_up``); the network
conductor then sends ``network-vif-plugged`` to compute's
``os-server-external-events`` as its ``network`` service user.
"""

import pathlib
import subprocess
import sys
import time

import openstack
import pytest

from tests.functional.compute import fixtures
from tests.functional.network import fixtures as network_fixtures

pytestmark = pytest.mark.functional
HOST = 'cmp-vif'

#: the checkout, where ``python -m tests...`` finds the package
REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope='module')
def network(tmp_path_factory, identity_server):
    workdir = tmp_path_factory.mktemp('network-vif')
    auth = ['auth_type = password', 'auth_url = %s' % identity_server.url,
            'username = %s' % network_fixtures.SERVICE_USER,
            'password = %s' % network_fixtures.SERVICE_PASSWORD,
            'project_name = service', 'user_domain_id = default',
            'project_domain_id = default']
    server = network_fixtures.NetworkServer(
        workdir, 'sqlite:///%s/network.sqlite' % workdir, identity=identity_server,
        extra_lines=['[DEFAULT]', 'send_events_interval = 0',
                     '[nova]', 'region_name = RegionOne'] + auth)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, identity_server, image_server, network):
    registrar = openstack.connect(**identity_server.cloud_config())
    svc = registrar.identity.create_service(name='neutron', type='network')
    for iface in ('public', 'internal', 'admin'):
        registrar.identity.create_endpoint(service_id=svc.id, interface=iface,
                                           url=network.url, region_id='RegionOne')
    registrar.close()
    workdir = tmp_path_factory.mktemp('compute-vif')
    c = fixtures.ComputeCloud(workdir, 'sqlite:///%s/compute.sqlite' % workdir,
                              identity=identity_server, hosts=(HOST,),
                              extra={'compute': {'fake_wait_for_vif_plugged': True},
                                     'DEFAULT': {'vif_plugging_timeout': 120}})
    c.register()
    admin = None
    try:
        c.start()
        # After every registration: the catalog comes with the token.
        admin = openstack.connect(**identity_server.cloud_config())
        c.image = admin.image.create_image(name='vif-guest', data=b'guest disk\n' * 64,
                                           disk_format='raw', container_format='bare',
                                           visibility='public')
        c.net = admin.network.create_network(name='vif-net', shared=True)
        admin.network.create_subnet(network_id=c.net.id, cidr='198.51.100.0/24',
                                    ip_version=4)
        c.flavor = admin.compute.create_flavor(name='vif.nano', ram=64, vcpus=1, disk=0)
        c.sdk = admin
        yield c
    finally:
        c.stop()
        if admin is not None:
            admin.close()


def report(network, what, port_id):
    """``update_device_up`` / ``_down`` over the agent RPC, as the OVS agent does."""
    proc = subprocess.run(
        [sys.executable, '-m', 'tests.functional.network.agent_rpc', '--config-file',
         str(network.config_file), '--', what, HOST, port_id],
        capture_output=True, text=True, timeout=60, check=False, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == [port_id, 'True'], proc.stdout


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError('timed out waiting for %s' % what)


def test_server_goes_active_only_after_network_vif_plugged(cloud, network):
    sdk = cloud.sdk
    server = sdk.compute.create_server(name='vif-vm', image_id=cloud.image.id,
                                       flavor_id=cloud.flavor.id,
                                       networks=[{'uuid': cloud.net.id}])
    # Compute bound the port and waits: BUILD / spawning, the port DOWN.
    port = wait_for(lambda: next(iter(sdk.network.ports(device_id=server.id)), None), 60,
                    'the server port')
    wait_for(lambda: sdk.compute.get_server(server.id).task_state == 'spawning', 60,
             'spawning:\n' + cloud.log_tail('compute-%s' % HOST))
    port = sdk.network.get_port(port.id)
    assert port.binding_host_id == HOST and port.status == 'DOWN'
    time.sleep(2)
    shown = sdk.compute.get_server(server.id)
    assert (shown.status, shown.task_state) == ('BUILD', 'spawning')

    started = time.monotonic()
    report(network, 'up', port.id)
    assert sdk.network.get_port(port.id).status == 'ACTIVE'
    active = wait_for(lambda: (lambda s: s.status == 'ACTIVE' and s)(
        sdk.compute.get_server(server.id)), 30,
        'ACTIVE:\n%s\n%s' % (cloud.log_tail('compute-%s' % HOST), network.log_tail()))
    assert time.monotonic() - started < 30
    assert active.power_state == 1
    log = (cloud.workdir / ('compute-%s.log' % HOST)).read_text()
    assert 'network-vif-plugged:%s (completed) for %s delivered' % (port.id, server.id) in log

    # The guest going away: the conductor sends network-vif-unplugged, which
    # compute accepts (no build waits for it) and the server stays ACTIVE.
    report(network, 'down', port.id)
    api_log = cloud.workdir / 'api.log'
    wait_for(lambda: 'network-vif-unplugged:%s for %s' % (port.id, server.id)
             in api_log.read_text(), 30, 'the unplugged event:\n' + network.log_tail())
    assert sdk.compute.get_server(server.id).status == 'ACTIVE'
    sdk.compute.delete_server(server.id)
    wait_for(lambda: sdk.compute.find_server(server.id) is None, 60, 'the delete')
