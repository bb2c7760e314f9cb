"""VXLAN tenant networks between two hosts on this machine.

Each "host" is an Open vSwitch of its own (ovsdb-server and ovs-vswitchd with
their own database and run directory, ovs-vswitchd inside a network
namespace of the test's) and an alto-ovs-agent with ``[ovs] local_ip``. The
two hosts' tunnel endpoints (192.0.2.1 and .2, a documentation range) sit
on a ``br-phy`` bridge of each Open vSwitch, joined by a veth pair: the
userspace datapath routes the VXLAN packets itself. The conductor and the
API run once (the functional harness, SQLite, noauth). Two VXLAN networks
with the same CIDR get a port on each host (OVS internal ports moved into
namespaces of the test's): the ports of one network ping each other across
the hosts, and nothing reaches the other network. Nothing is routed: every
address lives in the test's namespaces.
"""

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid

import pytest

from tests.e2e.libvirt_guests import wait_for
from tests.e2e.network import api
from tests.functional import harness
from tests.functional.network.fixtures import NetworkServer

pytestmark = pytest.mark.e2e

SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'
HOSTS = ('a', 'b')
ENDPOINTS = {'a': '192.0.2.1', 'b': '192.0.2.2'}


def _run(*argv, **kwargs):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          timeout=60, **kwargs)


def _ok(*argv, **kwargs):
    result = _run(*argv, **kwargs)
    assert result.returncode == 0, (argv, result.stdout, result.stderr)
    return result.stdout


class Host:
    """One Open vSwitch (own database, run directory and network namespace)."""

    def __init__(self, tag, name, rundir):
        self.name = name
        self.ns = '%s-%s' % (tag, name)
        self.rundir = rundir
        self.db = 'unix:%s/db.sock' % rundir

    def start(self):
        self.rundir.mkdir()
        _ok('ovsdb-tool', 'create', self.rundir / 'conf.db', SCHEMA)
        _ok('ovsdb-server', self.rundir / 'conf.db', '--remote=punix:%s/db.sock' % self.rundir,
            '--pidfile=%s/ovsdb-server.pid' % self.rundir, '--unixctl=%s/ovsdb.ctl' % self.rundir,
            '--log-file=%s/ovsdb-server.log' % self.rundir, '--detach')
        self.vsctl('--no-wait', 'init')
        _ok('ip', 'netns', 'add', self.ns)
        _ok('ip', 'netns', 'exec', self.ns, 'ip', 'link', 'set', 'lo', 'up')
        _ok('ip', 'netns', 'exec', self.ns, 'ovs-vswitchd', self.db,
            '--pidfile=%s/ovs-vswitchd.pid' % self.rundir,
            '--unixctl=%s/vswitchd.ctl' % self.rundir,
            '--log-file=%s/ovs-vswitchd.log' % self.rundir, '--detach',
            env=dict(os.environ, OVS_RUNDIR=str(self.rundir)))

    def vsctl(self, *args):
        return _ok('ovs-vsctl', '--db=%s' % self.db, '--timeout=30', *args)

    def in_ns(self, *argv):
        return _ok('ip', 'netns', 'exec', self.ns, *argv)

    def stop(self):
        for daemon in ('ovs-vswitchd', 'ovsdb-server'):
            try:
                pid = int((self.rundir / ('%s.pid' % daemon)).read_text().strip())
                os.kill(pid, signal.SIGTERM)
            except (OSError, ValueError):
                pass
        _run('ip', 'netns', 'delete', self.ns)


class Cloud:
    def __init__(self, workdir, tag):
        self.workdir = workdir
        self.tag = tag
        self.server = NetworkServer(workdir, 'sqlite:///%s/network.sqlite' % workdir)
        self.hosts = {h: Host(tag, h, workdir / h) for h in HOSTS}
        self.agents = {}
        self.namespaces = []

    def start(self):
        for host in self.hosts.values():
            host.start()
        self._underlay()
        self.server.start()
        for name, host in self.hosts.items():
            conf = self.workdir / ('agent-%s.conf' % name)
            conf.write_text('\n'.join([
                '[DEFAULT]', 'host = %s-%s' % (self.tag, name),
                '[agent]', 'report_interval = 2',
                '[securitygroup]', 'firewall_driver = noop',
                '[ovs]', 'ovsdb_connection = %s' % host.db, 'polling_interval = 1',
                'local_ip = %s' % ENDPOINTS[name]]) + '\n')
            # ovs-ofctl finds this host's bridges through OVS_RUNDIR.
            self.agents[name] = harness.Daemon(
                'ovs-agent-' + name,
                ['env', 'OVS_RUNDIR=%s' % host.rundir, sys.executable, '-m',
                 'services.network.cmd.ovs_agent', '--config-file', self.server.config_file,
                 '--config-file', conf],
                output_file=self.workdir / ('ovs-agent-%s.log' % name)).start()

    def _underlay(self):
        """br-phy on each host with the tunnel endpoint, joined by a veth pair."""
        veth = {h: '%s-v%s' % (self.tag, h) for h in HOSTS}
        _ok('ip', 'link', 'add', veth['a'], 'type', 'veth', 'peer', 'name', veth['b'])
        for name, host in self.hosts.items():
            _ok('ip', 'link', 'set', veth[name], 'netns', host.ns)
            host.in_ns('ip', 'link', 'set', veth[name], 'up')
            host.vsctl('add-br', 'br-phy', '--', 'set', 'bridge', 'br-phy',
                       'datapath_type=netdev', '--', 'add-port', 'br-phy', veth[name])
            host.in_ns('ip', 'addr', 'add', ENDPOINTS[name] + '/24', 'dev', 'br-phy')
            host.in_ns('ip', 'link', 'set', 'br-phy', 'up')

    def stop(self):
        for agent in self.agents.values():
            agent.stop()
        self.server.stop()
        for ns in self.namespaces:
            _run('ip', 'netns', 'delete', ns)
        for host in self.hosts.values():
            host.stop()

    def request(self, method, path, body=None):
        return api.request(self.server.url, method, path, body)

    def plug(self, host_name, port):
        """An OVS internal port for ``port`` on the host's br-int, moved into a
        namespace of its own with the port's MAC and address."""
        host = self.hosts[host_name]
        device = ('tap' + port['id'])[:14]
        ns = '%s-%s' % (self.tag, port['id'][:8])
        _ok('ip', 'netns', 'add', ns)
        self.namespaces.append(ns)
        host.vsctl('add-port', 'br-int', device, '--', 'set', 'interface', device,
                   'type=internal', 'external_ids:iface-id=%s' % port['id'],
                   'external_ids:attached-mac=%s' % port['mac_address'])
        wait_for(lambda: _run('ip', 'netns', 'exec', host.ns, 'ip', 'link', 'show',
                              device).returncode == 0, 30, 'device %s' % device)
        host.in_ns('ip', 'link', 'set', device, 'netns', ns)
        _ok('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', device, 'address',
            port['mac_address'])
        _ok('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add',
            port['fixed_ips'][0]['ip_address'] + '/24', 'dev', device)
        _ok('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', device, 'up')
        return ns

    def logs(self):
        out = [self.server.log_tail()]
        for name in HOSTS:
            path = self.workdir / ('ovs-agent-%s.log' % name)
            out += ['== ' + path.name] + path.read_text().splitlines()[-40:]
        return '\n'.join(out)


@pytest.fixture
def cloud():
    for binary in ('ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ip', 'ping'):
        if shutil.which(binary) is None:
            pytest.skip('%s is not installed' % binary)
    if os.geteuid() != 0:
        pytest.skip('namespaces and Open vSwitch need root')
    tag = 'vx%s' % uuid.uuid4().hex[:5]
    # Short paths: the daemons' UNIX sockets live there.
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-%s-' % tag, dir='/var/tmp'))
    cloud = Cloud(workdir, tag)
    try:
        cloud.start()
        yield cloud
    finally:
        cloud.stop()
        if os.environ.get('ALTO_E2E_KEEP') is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _ping(ns, address):
    return _run('ip', 'netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', address).returncode == 0


def test_vxlan_networks_between_two_hosts_ping_and_stay_apart(cloud):
    def agents_up():
        agents = cloud.request('GET', '/agents')['agents']
        return len([a for a in agents if a['alive']
                    and a['configurations'].get('tunneling_ip')]) == 2
    wait_for(agents_up, 60, 'both Open vSwitch agents:\n' + cloud.logs())
    ports = {}
    for net_name in ('red', 'blue'):
        net = cloud.request('POST', '/networks', {'network': {'name': net_name}})['network']
        assert net['provider:network_type'] == 'vxlan' and net['provider:segmentation_id']
        subnet = cloud.request('POST', '/subnets', {'subnet': {
            'network_id': net['id'], 'cidr': '10.91.0.0/24', 'ip_version': 4,
            'enable_dhcp': False}})['subnet']
        for number, host_name in enumerate(HOSTS):
            # Distinct addresses across the networks: a reply can only come
            # from the network the ping was sent on.
            ip = '10.91.0.%d' % (10 * len(ports) + number + 10)
            ports[net_name, host_name] = cloud.request('POST', '/ports', {'port': {
                'network_id': net['id'], 'binding:host_id': '%s-%s' % (cloud.tag, host_name),
                'fixed_ips': [{'subnet_id': subnet['id'], 'ip_address': ip}]}})['port']
    namespaces = {key: cloud.plug(key[1], port) for key, port in ports.items()}
    for port in ports.values():
        wait_for(lambda: cloud.request('GET', '/ports/%s' % port['id'])['port']['status']
                 == 'ACTIVE', 60, 'port %s ACTIVE:\n%s' % (port['id'], cloud.logs()))

    def address(key):
        return ports[key]['fixed_ips'][0]['ip_address']
    # Each network's ports reach each other across the hosts.
    for net_name in ('red', 'blue'):
        wait_for(lambda: _ping(namespaces[net_name, 'a'], address((net_name, 'b'))), 30,
                 '%s a -> b:\n%s' % (net_name, cloud.logs()))
        assert _ping(namespaces[net_name, 'b'], address((net_name, 'a')))
    # Nothing crosses between the networks (same CIDR: ARP would answer).
    for source, target in ((('red', 'a'), ('blue', 'b')), (('blue', 'b'), ('red', 'a')),
                           (('red', 'a'), ('blue', 'a'))):
        assert not _ping(namespaces[source], address(target)), (source, target)
