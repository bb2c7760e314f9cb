"""Routers, floating IPs and metadata over the real data plane.

Real daemons as processes over RabbitMQ: alto-network-conductor (SQLite) and
alto-network-api (noauth), alto-ovs-agent with a provider bridge of the
test's own mapped to the flat external network, alto-l3-agent and
alto-metadata-agent. Two namespaces stand in for machines: "outside" sits on
the external bridge (it holds the external subnet's gateway address and has
no route to the private subnet), "guest" is a port of the private network on
the integration bridge (an OVS internal port with the port's iface-id, MAC
and address). The guest reaches the outside through the router's SNAT, the
outside reaches the guest through its floating IP, and the guest's
metadata request reaches a signature-checking stand-in for the compute
metadata service on 127.0.0.1 with the right headers. Nothing leaves the
test's bridges and namespaces.
"""

import hmac
import http.server
import json
import os
import pathlib
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

import pytest

from services.compute.metadata import handler as compute_metadata
from tests.e2e.compute.conftest import record_figure
from tests.e2e.libvirt_guests import wait_for
from tests.functional import harness
from tests.functional.network.fixtures import NetworkServer

pytestmark = pytest.mark.e2e

ADMIN = {'X-Project-Id': 'e2e-admin', 'X-User-Id': 'admin',
         'X-Roles': 'admin,member,reader'}
SECRET = 'e2e-metadata-' + secrets.token_hex(8)
EXT_PREFIX = '198.51.100'  # documentation range, only on the test's bridge
AGENTS = ('ovs_agent', 'l3_agent', 'metadata_agent', 'dhcp_agent')


class FakeComputeMetadata:
    """Answers like alto-compute-metadata's signature check: 403 unless
    X-Instance-ID-Signature is the HMAC of X-Instance-ID; records headers."""

    def __init__(self):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                headers = {k: self.headers.get(k) for k in (
                    'X-Instance-ID', 'X-Tenant-ID', 'X-Forwarded-For',
                    'X-Instance-ID-Signature')}
                outer.requests.append((self.path, headers))
                good = headers['X-Instance-ID'] and hmac.compare_digest(
                    compute_metadata.sign(SECRET, headers['X-Instance-ID']),
                    headers['X-Instance-ID-Signature'] or '')
                body = (headers['X-Instance-ID'] if good else 'bad signature').encode()
                self.send_response(200 if good else 403)
                self.send_header('Content-Type', 'text/plain')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Cloud:
    def __init__(self, workdir, bridge, ext_bridge, metadata_port):
        self.workdir = workdir
        self.bridge = bridge
        self.ext_bridge = ext_bridge
        self.metadata_port = metadata_port
        self.server = NetworkServer(workdir, 'sqlite:///%s/network.sqlite' % workdir)
        self.agent_conf = workdir / 'agents.conf'
        self.agents = {}

    def start(self):
        self.server.start()
        self.host = next(line.split('=', 1)[1].strip() for line in
                         self.server.config_file.read_text().splitlines()
                         if line.startswith('host ='))
        harness.write_ini(self.agent_conf, {
            'agent': {'report_interval': '2'},
            'ovs': {'integration_bridge': self.bridge, 'polling_interval': '1',
                    'bridge_mappings': 'public:%s' % self.ext_bridge},
            'l3_agent': {'state_dir': str(self.workdir / 'l3'), 'resync_interval': '5'},
            'dhcp_agent': {'state_dir': str(self.workdir / 'dhcp'), 'resync_interval': '2',
                           'enable_metadata_route': 'true'},
            'metadata_agent': {'metadata_proxy_socket': str(self.workdir / 'metadata.sock'),
                               'metadata_proxy_shared_secret': SECRET,
                               'nova_metadata_host': '127.0.0.1',
                               'nova_metadata_port': str(self.metadata_port)}})
        for name in AGENTS:
            self.start_agent(name)

    def start_agent(self, name):
        """``python -m`` (cwd on the path): the agents of the tree under test."""
        self.agents[name] = harness.Daemon(
            name, [sys.executable, '-m', 'services.network.cmd.%s' % name,
                   '--config-file', self.server.config_file, '--config-file', self.agent_conf],
            output_file=self.workdir / ('%s.log' % name)).start()

    def stop(self):
        for daemon in self.agents.values():
            daemon.stop()
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
        for path in sorted(self.workdir.glob('*_agent.log')) + \
                sorted(self.workdir.glob('*/*/metadata-proxy.log')):
            out += ['== ' + path.name] + path.read_text().splitlines()[-40:]
        return '\n'.join(out)


def _run(*argv, check=True):
    return subprocess.run(list(argv), capture_output=True, text=True, check=check, timeout=30)


def _ns(namespace, *argv, timeout=30):
    return subprocess.run(['ip', 'netns', 'exec', namespace] + list(argv),
                          capture_output=True, text=True, timeout=timeout, check=False)


def _kill_namespace(namespace):
    """Stop what runs in ``namespace`` (the test's own or its router's) and delete it."""
    pids = _run('ip', 'netns', 'pids', namespace, check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    _run('ip', 'netns', 'delete', namespace, check=False)


def _plug(bridge, namespace, device, address, mac=None, iface_id=None, gateway=None):
    """An OVS internal port of ``bridge`` moved into a new ``namespace``."""
    _run('ip', 'netns', 'add', namespace)
    argv = ['ovs-vsctl', '--', 'add-port', bridge, device, '--', 'set', 'Interface', device,
            'type=internal']
    if iface_id:
        argv += ['external_ids:iface-id=%s' % iface_id, 'external_ids:attached-mac=%s' % mac,
                 '--', 'set', 'Port', device, 'tag=4095']  # dead until the agent tags it
    _run(*argv)
    wait_for(lambda: _run('ip', 'link', 'show', device, check=False).returncode == 0, 10,
             'device %s' % device)
    _run('ip', 'link', 'set', device, 'netns', namespace)
    if mac:
        _ns(namespace, 'ip', 'link', 'set', device, 'address', mac)
    _ns(namespace, 'ip', 'addr', 'add', address, 'dev', device)
    _ns(namespace, 'ip', 'link', 'set', device, 'up')
    _ns(namespace, 'ip', 'link', 'set', 'lo', 'up')
    if gateway:
        _ns(namespace, 'ip', 'route', 'add', 'default', 'via', gateway)


UDP_SERVER = ('import socket,sys\n'
              's=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n'
              's.bind(("0.0.0.0",int(sys.argv[1])))\n'
              's.settimeout(20)\n'
              'data,peer=s.recvfrom(100)\n'
              'print(peer[0])\n')
UDP_CLIENT = ('import socket,sys,time\n'
              's=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n'
              'for _ in range(10):\n'
              '    s.sendto(b"hello",(sys.argv[1],int(sys.argv[2])))\n'
              '    time.sleep(0.3)\n')
METADATA_GET = ('import urllib.request,sys\n'
                'print(urllib.request.urlopen("http://169.254.169.254"+sys.argv[1],'
                'timeout=10).read().decode())\n')


def _source_seen_outside(outside, guest, outside_ip):
    """The source address the outside namespace sees on a datagram from the guest."""
    port = str(random.randint(20000, 30000))
    server = subprocess.Popen(['ip', 'netns', 'exec', outside, sys.executable, '-c',
                               UDP_SERVER, port], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        _ns(guest, sys.executable, '-c', UDP_CLIENT, outside_ip, port)
        out, _ = server.communicate(timeout=25)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    return out.strip()


@pytest.fixture(scope='module')
def cloud(openvswitch):
    """The service and its agents, shared by this module's tests (a start costs ~30 s)."""
    suffix = uuid.uuid4().hex[:6]
    bridge, ext_bridge = 'br-e2e' + suffix, 'br-x' + suffix
    # dnsmasq rereads its files as nobody: not under pytest's 0700 tmp dirs.
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-e2e-l3-', dir='/var/tmp'))
    workdir.chmod(0o755)
    metadata = FakeComputeMetadata()
    cloud = Cloud(workdir, bridge, ext_bridge, metadata.port)
    cloud.metadata = metadata
    cloud.namespaces = []  # the routers' and DHCP's: the agents remove them, here too if not
    try:
        cloud.start()
        yield cloud
    finally:
        cloud.stop()
        metadata.stop()
        for namespace in cloud.namespaces:
            _kill_namespace(namespace)
        for name in (bridge, ext_bridge):
            _run('ovs-vsctl', '--if-exists', 'del-br', name, check=False)
        if os.environ.get('ALTO_E2E_KEEP') is None:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def env(cloud):
    """Per test: names of the outside and guest namespaces and devices, removed after."""
    suffix = uuid.uuid4().hex[:6]
    names = {'outside': 'alto-e2e-out-' + suffix, 'guest': 'alto-e2e-guest-' + suffix,
             'outside_dev': 'o-' + suffix, 'guest_dev': 'g-' + suffix}
    try:
        yield cloud, cloud.metadata, names, cloud.namespaces
    finally:
        for namespace in (names['outside'], names['guest']):
            _kill_namespace(namespace)
        for device in (names['outside_dev'], names['guest_dev']):
            _run('ovs-vsctl', '--if-exists', 'del-port', device, check=False)


@pytest.mark.e2e_light
def test_router_snat_floating_ip_and_metadata(env):
    cloud, metadata, names, namespaces = env
    start = time.monotonic()
    outside, guest = names['outside'], names['guest']
    private_prefix = '10.%d.%d' % (random.randint(100, 199), random.randint(1, 254))

    public = cloud.request('POST', '/networks', {'network': {
        'name': 'e2e-public', 'router:external': True, 'provider:network_type': 'flat',
        'provider:physical_network': 'public'}})['network']
    cloud.request('POST', '/subnets', {'subnet': {
        'network_id': public['id'], 'cidr': EXT_PREFIX + '.0/24', 'ip_version': 4,
        'gateway_ip': EXT_PREFIX + '.1', 'enable_dhcp': False,
        'allocation_pools': [{'start': EXT_PREFIX + '.10', 'end': EXT_PREFIX + '.99'}]}})
    net = cloud.request('POST', '/networks', {'network': {'name': 'e2e-private'}})['network']
    subnet = cloud.request('POST', '/subnets', {'subnet': {
        'network_id': net['id'], 'cidr': private_prefix + '.0/24', 'ip_version': 4,
        'gateway_ip': private_prefix + '.1', 'enable_dhcp': False}})['subnet']
    router = cloud.request('POST', '/routers', {'router': {
        'name': 'e2e-router', 'external_gateway_info': {'network_id': public['id']}}})['router']
    namespaces.append('qrouter-' + router['id'])
    cloud.request('PUT', '/routers/%s/add_router_interface' % router['id'],
                  {'subnet_id': subnet['id']})
    gateway_ip = router['external_gateway_info']['external_fixed_ips'][0]['ip_address']

    # The outside world: the external subnet's gateway, on the provider bridge.
    wait_for(lambda: _run('ovs-vsctl', 'br-exists', cloud.ext_bridge,
                          check=False).returncode == 0, 30,
             'the provider bridge:\n' + cloud.logs())
    _plug(cloud.ext_bridge, outside, names['outside_dev'], EXT_PREFIX + '.1/24')

    port = cloud.request('POST', '/ports', {'port': {
        'network_id': net['id'], 'device_owner': 'compute:nova',
        'device_id': str(uuid.uuid4()), 'binding:host_id': cloud.host}})['port']
    guest_ip = port['fixed_ips'][0]['ip_address']
    # The project's default group admits only its members: the outside's ping to
    # the floating IP needs a rule, as with neutron.
    cloud.request('POST', '/security-group-rules', {'security_group_rule': {
        'security_group_id': port['security_groups'][0], 'direction': 'ingress',
        'ethertype': 'IPv4', 'protocol': 'icmp'}})
    _plug(cloud.bridge, guest, names['guest_dev'], guest_ip + '/24', port['mac_address'],
          port['id'], gateway=subnet['gateway_ip'])

    # Every agent reports; the router's ports and the guest's are wired.
    def agents_alive():
        agents = cloud.request('GET', '/agents')['agents']
        return {a['agent_type'] for a in agents if a['alive']} >= {
            'Open vSwitch agent', 'L3 agent', 'Metadata agent'}
    wait_for(agents_alive, 60, 'the agents to report:\n' + cloud.logs())

    def all_active():
        ports = cloud.request('GET', '/ports?network_id=%s' % net['id'])['ports'] + \
            cloud.request('GET', '/ports?device_id=%s' % router['id'])['ports']
        return len(ports) >= 3 and all(p['status'] == 'ACTIVE' for p in ports)
    wait_for(all_active, 60, 'router and guest ports ACTIVE:\n' + cloud.logs())
    record_figure('router created -> its ports and the guest ACTIVE', time.monotonic() - start)

    # SNAT: the outside has no route to the private subnet, yet answers the guest.
    wait_for(lambda: _ns(guest, 'ping', '-c', '1', '-W', '1', EXT_PREFIX + '.1').returncode
             == 0, 60, 'a ping from the guest to the outside:\n' + cloud.logs())
    assert _ns(outside, 'ip', 'route', 'get', guest_ip).returncode != 0
    assert _source_seen_outside(outside, guest, EXT_PREFIX + '.1') == gateway_ip

    # A floating IP: the outside reaches the guest at it; the guest leaves from it.
    fip = cloud.request('POST', '/floatingips', {'floatingip': {
        'floating_network_id': public['id'], 'port_id': port['id']}})['floatingip']
    associated = time.monotonic()
    floating = fip['floating_ip_address']
    wait_for(lambda: cloud.request('GET', '/floatingips/%s' % fip['id'])['floatingip']
             ['status'] == 'ACTIVE', 30, 'the floating IP ACTIVE:\n' + cloud.logs())
    record_figure('floating IP associated -> ACTIVE', time.monotonic() - associated)
    wait_for(lambda: _ns(outside, 'ping', '-c', '1', '-W', '1', floating).returncode == 0,
             30, 'a ping answer from %s:\n%s' % (floating, cloud.logs()))
    assert _source_seen_outside(outside, guest, EXT_PREFIX + '.1') == floating

    # An L3 agent restart resyncs in place: the floating IP keeps answering, the
    # namespace's metadata proxy is the same process.
    pid_file = cloud.workdir / 'l3' / router['id'] / 'metadata-proxy.pid'
    proxy_pid = int(pid_file.read_text())
    cloud.agents.pop('l3_agent').stop()
    cloud.start_agent('l3_agent')
    wait_for(lambda: 'RPC service' in (cloud.workdir / 'l3_agent.log').read_text(), 30,
             'the L3 agent to start again:\n' + cloud.logs())
    assert _ns(outside, 'ping', '-c', '1', '-W', '2', floating).returncode == 0
    assert int(pid_file.read_text()) == proxy_pid

    # Metadata: the guest asks 169.254.169.254; the request arrives signed.
    answer = wait_for(lambda: _ns(guest, sys.executable, '-c', METADATA_GET,
                                  '/latest/meta-data/instance-id').stdout.strip(), 30,
                      'a metadata answer:\n' + cloud.logs())
    assert answer == port['device_id']
    path, headers = metadata.requests[-1]
    assert path == '/latest/meta-data/instance-id'
    assert headers == {'X-Instance-ID': port['device_id'], 'X-Tenant-ID': port['project_id'],
                       'X-Forwarded-For': guest_ip,
                       'X-Instance-ID-Signature': compute_metadata.sign(SECRET,
                                                                        port['device_id'])}

    # Disassociated: the floating IP goes DOWN and stops answering.
    cloud.request('PUT', '/floatingips/%s' % fip['id'], {'floatingip': {'port_id': None}})
    wait_for(lambda: _ns(outside, 'ping', '-c', '1', '-W', '1', floating).returncode != 0,
             10, 'the floating IP to stop answering')
    assert cloud.request('GET', '/floatingips/%s' % fip['id'])['floatingip']['status'] == \
        'DOWN'

    # The router goes: its namespace and metadata proxy with it.
    cloud.request('DELETE', '/floatingips/%s' % fip['id'])
    cloud.request('PUT', '/routers/%s/remove_router_interface' % router['id'],
                  {'subnet_id': subnet['id']})
    cloud.request('DELETE', '/routers/%s' % router['id'])
    namespace = 'qrouter-' + router['id']
    wait_for(lambda: namespace not in _run('ip', 'netns', 'list').stdout, 10,
             'the router namespace removed:\n' + cloud.logs())
    assert not pathlib.Path('/proc/%d' % proxy_pid).exists()
    record_figure('router, SNAT, floating IP and metadata checks', time.monotonic() - start)
    assert time.monotonic() - start < 180


def test_metadata_through_the_dhcp_namespace_of_a_network_without_router(env):
    cloud, metadata, names, namespaces = env
    guest = names['guest']
    prefix = '10.%d.%d' % (random.randint(100, 199), random.randint(1, 254))
    net = cloud.request('POST', '/networks', {'network': {'name': 'e2e-isolated'}})['network']
    namespaces.append('qdhcp-' + net['id'])
    cloud.request('POST', '/subnets', {'subnet': {
        'network_id': net['id'], 'cidr': prefix + '.0/24', 'ip_version': 4}})
    port = cloud.request('POST', '/ports', {'port': {
        'network_id': net['id'], 'device_owner': 'compute:nova',
        'device_id': str(uuid.uuid4()), 'binding:host_id': cloud.host}})['port']
    guest_ip = port['fixed_ips'][0]['ip_address']

    def dhcp_port_active():
        ports = cloud.request('GET', '/ports?network_id=%s&device_owner=network:dhcp'
                              % net['id'])['ports']
        return ports and ports[0]['status'] == 'ACTIVE' and ports[0]
    dhcp_port = wait_for(dhcp_port_active, 60, 'the DHCP port:\n' + cloud.logs())
    dhcp_ip = dhcp_port['fixed_ips'][0]['ip_address']
    # The route dnsmasq hands out; the guest here is configured by hand with it.
    opts = cloud.workdir / 'dhcp' / net['id'] / 'opts'
    assert '169.254.169.254/32,%s' % dhcp_ip in opts.read_text()
    _plug(cloud.bridge, guest, names['guest_dev'], guest_ip + '/24', port['mac_address'],
          port['id'])
    _ns(guest, 'ip', 'route', 'add', '169.254.169.254/32', 'via', dhcp_ip)
    answer = wait_for(lambda: _ns(guest, sys.executable, '-c', METADATA_GET,
                                  '/latest/meta-data/instance-id').stdout.strip(), 60,
                      'a metadata answer:\n' + cloud.logs())
    assert answer == port['device_id']
    path, headers = metadata.requests[-1]
    assert headers['X-Forwarded-For'] == guest_ip
    assert headers['X-Tenant-ID'] == port['project_id']
    assert headers['X-Instance-ID-Signature'] == compute_metadata.sign(SECRET,
                                                                       port['device_id'])
