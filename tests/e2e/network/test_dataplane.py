"""Boot to ping over the network data plane.

Real daemons as processes over RabbitMQ: alto-network-conductor (SQLite) and
alto-network-api (noauth) from the functional harness, alto-ovs-agent and
alto-dhcp-agent against the host's Open vSwitch with an integration bridge of
the test's own. A port is created on a tenant network through the API and a
QEMU guest booted by the libvirt driver with that port on the bridge, paused
as a build starts it: the OVS agent tags it and reports it ACTIVE (only then
is the guest resumed), the DHCP agent's dnsmasq in
qdhcp-<network> gives the guest its fixed address (seen on the console),
and the guest answers ping from that namespace. Nothing is routed: the
network exists only on the test's bridge and namespace.
"""

import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import types
import urllib.request
import uuid

import pytest
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from tests.e2e import libvirt_guests
from tests.e2e.compute.conftest import BOOT_TIMEOUT, record_figure
from tests.e2e.libvirt_guests import wait_for
from tests.functional import harness
from tests.functional.network.fixtures import NetworkServer

pytestmark = pytest.mark.e2e

ADMIN = {'X-Project-Id': 'e2e-admin', 'X-User-Id': 'admin',
         'X-Roles': 'admin,member,reader'}
FLAVOR = {'name': 'e2e.tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': 1}


class Cloud:
    """The network service plus the two agents on one "host"."""

    def __init__(self, workdir, bridge):
        self.workdir = workdir
        self.bridge = bridge
        self.server = NetworkServer(workdir, 'sqlite:///%s/network.sqlite' % workdir)
        self.agent_conf = workdir / 'agents.conf'
        self.agents = {}
        self.starts = 0

    def start(self):
        self.server.start()
        self.host = next(line.split('=', 1)[1].strip() for line in
                         self.server.config_file.read_text().splitlines()
                         if line.startswith('host ='))
        self.agent_conf.write_text('\n'.join([
            '[agent]', 'report_interval = 2',
            '[ovs]', 'integration_bridge = %s' % self.bridge, 'polling_interval = 1',
            '[dhcp_agent]', 'state_dir = %s' % (self.workdir / 'dhcp'),
            'resync_interval = 2']) + '\n')
        for name in ('ovs_agent', 'dhcp_agent'):
            self.start_agent(name)

    def start_agent(self, name):
        """``python -m`` (cwd on the path): the agents of the tree under test."""
        self.starts += 1
        self.agents[name] = harness.Daemon(
            name, [sys.executable, '-m', 'services.network.cmd.%s' % name,
                   '--config-file', self.server.config_file, '--config-file', self.agent_conf],
            output_file=self.workdir / ('%s.%d.log' % (name, self.starts))).start()

    def stop_agent(self, name):
        self.agents.pop(name).stop()

    def stop(self):
        for name in list(self.agents):
            self.stop_agent(name)
        self.server.stop()
        # dnsmasq outlives its agent by design; this test's go now.
        for pid_file in (self.workdir / 'dhcp').glob('*/pid'):
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (OSError, ValueError):
                pass

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server.url + '/v2.0' + path, data=data,
                                     method=method,
                                     headers=dict(ADMIN, **{'Content-Type': 'application/json'}))
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def logs(self):
        out = [self.server.log_tail()]
        for path in sorted(self.workdir.glob('*_agent.*.log')):
            out += ['== ' + path.name] + path.read_text().splitlines()[-40:]
        return '\n'.join(out)


@pytest.fixture
def cloud(openvswitch, test_bridge):
    # dnsmasq rereads its files as nobody: not under pytest's 0700 tmp dirs.
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-e2e-dataplane-', dir='/var/tmp'))
    workdir.chmod(0o755)
    cloud = Cloud(workdir, test_bridge)
    namespaces = set()
    try:
        cloud.start()
        cloud.namespaces = namespaces
        yield cloud
    finally:
        cloud.stop()
        for ns in namespaces:
            subprocess.run(['ip', 'netns', 'delete', ns], capture_output=True, check=False)
        if os.environ.get('ALTO_E2E_KEEP') is None:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def driver(libvirtd, guest_image, test_bridge):  # noqa: F811
    """A LibvirtDriver whose guests' NICs join the test's bridge."""

    from common import config
    from services.compute import conf as compute_conf
    from services.compute.virt.libvirt import driver as libvirt_driver_mod

    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-e2e-net-', dir='/var/tmp'))
    workdir.chmod(0o755)
    conf = cfg.CONF
    config.register_common_opts(conf)
    compute_conf.register_opts(conf, with_clients=False)
    fixture = config_fixture.Config(conf)
    fixture.setUp()
    conf([], project='altostratus', default_config_files=[])
    prefix = 'alto-e2e-%s-' % uuid.uuid4().hex[:8]
    fixture.config(state_path=str(workdir))
    fixture.config(group='libvirt', connection_uri=libvirtd, domain_prefix=prefix,
                   instances_path=str(workdir / 'instances'), vif_bridge=test_bridge)
    drv = libvirt_driver_mod.LibvirtDriver()
    drv.init_host('e2e')
    base = workdir / 'instances' / '_base'
    base.mkdir(parents=True)
    for key in ('kernel', 'ramdisk', 'disk'):
        shutil.copy(guest_image[key], base / key)
    drv.e2e_base = base
    try:
        yield drv
    finally:
        libvirt_guests.remove_domains(libvirtd, prefix)
        fixture.cleanUp()
        conf.reset()
        shutil.rmtree(workdir, ignore_errors=True)


def _ns_run(namespace, *argv, timeout=30):
    return subprocess.run(['ip', 'netns', 'exec', namespace] + list(argv),
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.e2e_light
def test_guest_gets_its_address_by_dhcp_and_answers_ping(cloud, driver):
    third = random.randint(1, 254)
    cidr = '10.%d.%d.0/24' % (random.randint(100, 199), third)
    prefix = cidr.rsplit('.', 1)[0]
    net = cloud.request('POST', '/networks', {'network': {'name': 'e2e-net'}})['network']
    ns = 'qdhcp-' + net['id']
    cloud.namespaces.add(ns)
    subnet = cloud.request('POST', '/subnets', {'subnet': {
        'network_id': net['id'], 'cidr': cidr, 'ip_version': 4,
        'gateway_ip': prefix + '.1', 'dns_nameservers': ['192.0.2.53']}})['subnet']

    # Both agents report in.
    def agents_alive():
        agents = cloud.request('GET', '/agents')['agents']
        types_ = {a['agent_type'] for a in agents if a['alive'] and a['host'] == cloud.host}
        return types_ >= {'Open vSwitch agent', 'DHCP agent'} and agents
    agents = wait_for(agents_alive, 60, 'agents to report:\n' + cloud.logs())
    assert {a['binary'] for a in agents} >= {'neutron-openvswitch-agent', 'neutron-dhcp-agent'}

    # The DHCP port exists, is ACTIVE (wired by the OVS agent) and answers in its namespace.
    def dhcp_port_active():
        ports = cloud.request('GET', '/ports?network_id=%s&device_owner=network:dhcp'
                              % net['id'])['ports']
        return ports and ports[0]['status'] == 'ACTIVE' and ports[0]
    dhcp_port = wait_for(dhcp_port_active, 60, 'the DHCP port:\n' + cloud.logs())
    dhcp_ip = dhcp_port['fixed_ips'][0]['ip_address']
    assert _ns_run(ns, 'ip', '-o', '-4', 'addr').stdout.count(dhcp_ip) == 1

    port = cloud.request('POST', '/ports', {'port': {
        'network_id': net['id'], 'device_owner': 'compute:nova',
        'device_id': str(uuid.uuid4()), 'binding:host_id': cloud.host}})['port']
    assert port['status'] == 'DOWN'
    guest_ip = port['fixed_ips'][0]['ip_address']
    # The port is in the project's default group, which admits only its members:
    # ping from the DHCP namespace needs a rule, as with neutron.
    cloud.request('POST', '/security-group-rules', {'security_group_rule': {
        'security_group_id': port['security_groups'][0], 'direction': 'ingress',
        'ethertype': 'IPv4', 'protocol': 'icmp'}})
    wait_for(lambda: guest_ip in (cloud.workdir / 'dhcp' / net['id'] / 'host').read_text(),
             30, 'the guest in the hosts file')

    instance = types.SimpleNamespace(uuid=port['device_id'], display_name='e2e-dhcp')
    image = {'id': 'disk', 'name': 'alto-guest', 'disk_format': 'qcow2',
             'properties': {'kernel_id': 'kernel', 'ramdisk_id': 'ramdisk',
                            'os_command_line': 'console=tty0 console=ttyS0',
                            'hw_vif_model': 'virtio'},
             'kernel_path': str(driver.e2e_base / 'kernel'),
             'ramdisk_path': str(driver.e2e_base / 'ramdisk')}
    vif = {'port_id': port['id'], 'mac_address': port['mac_address'],
           'network_id': net['id'], 'fixed_ips': port['fixed_ips'], 'active': False}
    # As a build does: the guest starts paused, its NIC joins the bridge, the OVS
    # agent wires it and reports it ACTIVE (what the conductor sends compute as
    # network-vif-plugged), and only then does the guest run.
    assert driver.vif_plugged_events([vif]) == [port['id']]
    states_while_wired = []

    def wait_for_network():
        dom = driver._domain(instance)
        wait_for(lambda: cloud.request('GET', '/ports/%s' % port['id'])['port']['status']
                 == 'ACTIVE', 60, 'the paused guest port ACTIVE:\n' + cloud.logs())
        states_while_wired.append(dom.state()[0])
    start = time.monotonic()
    driver.spawn(None, instance, image, str(driver.e2e_base / 'disk'), [vif], FLAVOR,
                 wait_for_network=wait_for_network)
    assert states_while_wired == [3]  # VIR_DOMAIN_PAUSED until the port was wired
    record_figure('spawn (paused) -> guest port ACTIVE -> resumed', time.monotonic() - start)

    # The OVS agent wires the guest's NIC: the port goes ACTIVE, tagged like the DHCP port.
    wait_for(lambda: cloud.request('GET', '/ports/%s' % port['id'])['port']['status']
             == 'ACTIVE', 60, 'the guest port ACTIVE:\n' + cloud.logs())
    record_figure('spawn -> guest port ACTIVE', time.monotonic() - start)
    tags = subprocess.run(
        ['ovs-vsctl', '--format=json', '--', '--columns=name,tag', 'list', 'Port'],
        capture_output=True, text=True, check=True).stdout
    by_name = {row[0]: row[1] for row in json.loads(tags)['data']}
    guest_tap = subprocess.run(
        ['ovs-vsctl', '--bare', '--columns=name', 'find', 'Interface',
         'external_ids:iface-id=%s' % port['id']], capture_output=True, text=True,
        check=True).stdout.strip()
    dhcp_tap = ('tap' + dhcp_port['id'])[:14]
    assert by_name[guest_tap] == by_name[dhcp_tap] != 4095

    line = 'alto-guest: eth0 %s/' % guest_ip
    wait_for(lambda: line in driver.get_console_output(None, instance), BOOT_TIMEOUT,
             'the DHCP lease on the console:\n%s\n%s' % (
                 driver.get_console_output(None, instance)[-3000:], cloud.logs()))
    record_figure('spawn -> DHCP lease on the console', time.monotonic() - start)
    leases = (cloud.workdir / 'dhcp' / net['id'] / 'leases').read_text()
    assert port['mac_address'] in leases and guest_ip in leases
    assert 'host-%s' % guest_ip.replace('.', '-') in (
        cloud.workdir / 'dhcp' / net['id'] / 'host').read_text()

    wait_for(lambda: _ns_run(ns, 'ping', '-c', '1', '-W', '2', guest_ip).returncode == 0,
             60, 'a ping answer from %s' % guest_ip)
    record_figure('spawn -> ping from qdhcp', time.monotonic() - start)
    assert subnet['gateway_ip'] == prefix + '.1'

    # A dnsmasq that dies is restarted (and keeps its leases file).
    pid = int((cloud.workdir / 'dhcp' / net['id'] / 'pid').read_text())
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: _dnsmasq_pid(cloud, net['id']) not in (None, pid), 30,
             'dnsmasq restarted:\n' + cloud.logs())
    assert guest_ip in (cloud.workdir / 'dhcp' / net['id'] / 'leases').read_text()

    # An OVS agent restart resyncs and keeps the guest's tag; the guest stays reachable.
    cloud.stop_agent('ovs_agent')
    cloud.start_agent('ovs_agent')
    time.sleep(4)
    assert _ns_run(ns, 'ping', '-c', '1', '-W', '2', guest_ip).returncode == 0
    tags_after = json.loads(subprocess.run(
        ['ovs-vsctl', '--format=json', '--', '--columns=name,tag', 'list', 'Port'],
        capture_output=True, text=True, check=True).stdout)['data']
    assert dict((r[0], r[1]) for r in tags_after)[guest_tap] == by_name[guest_tap]

    # A DHCP agent restart finds its dnsmasq again and keeps it (same pid, leases kept).
    pid = _dnsmasq_pid(cloud, net['id'])
    dnsmasq_log = cloud.workdir / 'dhcp' / net['id'] / 'dnsmasq.log'
    rereads = dnsmasq_log.read_text().count('/host')
    cloud.stop_agent('dhcp_agent')
    cloud.start_agent('dhcp_agent')
    # Its full sync sends the running dnsmasq SIGHUP: it rereads the hosts file.
    wait_for(lambda: dnsmasq_log.read_text().count('/host') > rereads, 60,
             'the restarted DHCP agent to reload dnsmasq:\n' + cloud.logs())
    assert _dnsmasq_pid(cloud, net['id']) == pid
    assert _ns_run(ns, 'ping', '-c', '1', '-W', '2', guest_ip).returncode == 0

    # Destroy: the NIC leaves the bridge and the port goes DOWN.
    driver.destroy(None, instance, [vif])
    wait_for(lambda: cloud.request('GET', '/ports/%s' % port['id'])['port']['status']
             == 'DOWN', 60, 'the guest port DOWN:\n' + cloud.logs())


def _dnsmasq_pid(cloud, network_id):
    try:
        pid = int((cloud.workdir / 'dhcp' / network_id / 'pid').read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None
