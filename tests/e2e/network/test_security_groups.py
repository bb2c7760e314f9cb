"""Security groups enforced by alto-ovs-agent's OpenFlow firewall.

alto-network-conductor and alto-network-api (noauth, SQLite) from the
functional harness and alto-ovs-agent on an integration bridge of the
test's own. Two "guests" are namespaces on OVS internal ports carrying the
``iface-id`` of ports created through the API (in one security group,
guest A with an allowed address pair); guest B listens on two TCP ports.
Checked: ping allowed by an ICMP rule (and IPv6 ping by an ICMPv6 one) and cut within a second of deleting
it (the figure is printed), TCP only to the port a rule opens for the
group's members (A's address pair counts as a member address, as in
neutron), a spoofed
source dropped, the address pair passing, and an established TCP
connection surviving an agent restart (a full resync). Nothing leaves the
test's namespaces and bridge.
"""

import json
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import pytest

from tests.e2e.compute.conftest import record_figure
from tests.e2e.libvirt_guests import wait_for
from tests.functional import harness
from tests.functional.network.fixtures import NetworkServer

pytestmark = pytest.mark.e2e

ADMIN = {'X-Project-Id': 'e2e-admin', 'X-User-Id': 'admin',
         'X-Roles': 'admin,member,reader'}

ECHO_SERVER = '''
import socket, sys, threading
def echo(conn):
    while True:
        data = conn.recv(100)
        if not data:
            return
        conn.sendall(data)
def serve(port):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('0.0.0.0', port))
    sock.listen(8)
    while True:
        threading.Thread(target=echo, args=(sock.accept()[0],), daemon=True).start()
for port in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(port),), daemon=True).start()
print('listening', flush=True)
threading.Event().wait()
'''
ECHO_ONCE = '''
import socket, sys
sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
sock.sendall(b'x')
assert sock.recv(1) == b'x'
'''
# Connects, echoes once, then echoes once more per line on stdin.
ECHO_HELD = '''
import socket, sys
sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
for line in iter(sys.stdin.readline, ''):
    sock.sendall(b'y')
    try:
        print('echo' if sock.recv(1) == b'y' else 'bad', flush=True)
    except OSError as exc:
        print('lost %s' % exc, flush=True)
'''


class Cloud:
    def __init__(self, workdir, bridge):
        self.workdir = workdir
        self.bridge = bridge
        self.server = NetworkServer(workdir, 'sqlite:///%s/network.sqlite' % workdir)
        self.agent_conf = workdir / 'agent.conf'
        self.agent = None
        self.starts = 0

    def start(self):
        self.server.start()
        self.host = next(line.split('=', 1)[1].strip() for line in
                         self.server.config_file.read_text().splitlines()
                         if line.startswith('host ='))
        self.agent_conf.write_text('[agent]\nreport_interval = 2\n[ovs]\n'
                                   'integration_bridge = %s\npolling_interval = 1\n'
                                   % self.bridge)
        self.start_agent()

    def start_agent(self):
        self.starts += 1
        self.agent = harness.Daemon(
            'ovs_agent', [sys.executable, '-m', 'services.network.cmd.ovs_agent',
                          '--config-file', self.server.config_file,
                          '--config-file', self.agent_conf],
            output_file=self.workdir / ('ovs_agent.%d.log' % self.starts)).start()

    def stop_agent(self):
        self.agent.stop()
        self.agent = None

    def stop(self):
        if self.agent is not None:
            self.stop_agent()
        self.server.stop()

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
        for path in sorted(self.workdir.glob('ovs_agent.*.log')):
            out += ['== ' + path.name] + path.read_text().splitlines()[-40:]
        return '\n'.join(out)


@pytest.fixture
def cloud(openvswitch, test_bridge):
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-e2e-sg-', dir='/var/tmp'))
    cloud = Cloud(workdir, test_bridge)
    cloud.namespaces = []
    cloud.processes = []
    try:
        cloud.start()
        yield cloud
    finally:
        for proc in cloud.processes:
            proc.kill()
            proc.wait()
        cloud.stop()
        for ns in cloud.namespaces:
            subprocess.run(['ip', 'netns', 'delete', ns], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def ns_run(namespace, *argv, timeout=30):
    return subprocess.run(['ip', 'netns', 'exec', namespace] + [str(a) for a in argv],
                          capture_output=True, text=True, timeout=timeout, check=False)


def plug_guest(cloud, port, cidr_bits):
    """A namespace on an internal port of the bridge carrying ``port``'s
    iface-id and MAC, with its fixed address."""
    name = 'sg%s' % uuid.uuid4().hex[:8]
    dev = ('fw' + port['id'])[:14]
    cloud.namespaces.append(name)
    subprocess.run(['ip', 'netns', 'add', name], check=True)
    subprocess.run(['ovs-vsctl', 'add-port', cloud.bridge, dev, '--', 'set', 'Interface', dev,
                    'type=internal', 'external_ids:iface-id=%s' % port['id'],
                    'external_ids:attached-mac=%s' % port['mac_address'],
                    'external_ids:iface-status=active'], check=True, timeout=30)
    wait_for(lambda: subprocess.run(['ip', 'link', 'show', dev], capture_output=True)
             .returncode == 0, 10, 'the internal port %s' % dev)
    ip = next(a['ip_address'] for a in port['fixed_ips'] if ':' not in a['ip_address'])
    argvs = [['ip', 'link', 'set', dev, 'netns', name],
             ['ip', '-n', name, 'link', 'set', dev, 'address', port['mac_address']],
             ['ip', '-n', name, 'addr', 'add', '%s/%d' % (ip, cidr_bits), 'dev', dev]]
    argvs += [['ip', '-n', name, 'addr', 'add', '%s/64' % a['ip_address'], 'dev', dev, 'nodad']
              for a in port['fixed_ips'] if ':' in a['ip_address']]
    argvs += [['ip', '-n', name, 'link', 'set', dev, 'up'],
              ['ip', '-n', name, 'link', 'set', 'lo', 'up']]
    for argv in argvs:
        subprocess.run(argv, check=True)
    return name, dev, ip


def ping(namespace, target, source=None):
    argv = ['ping', '-c', '1', '-W', '1', target] + (['-I', source] if source else [])
    return ns_run(namespace, *argv).returncode == 0


def pings_soon(namespace, target, source=None, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ping(namespace, target, source):
            return True
    return False


def tcp_ok(namespace, target, port):
    return ns_run(namespace, sys.executable, '-c', ECHO_ONCE, target, port).returncode == 0


def port_flows(bridge, dev):
    ofport = int(subprocess.run(['ovs-vsctl', 'get', 'Interface', dev, 'ofport'],
                                capture_output=True, text=True, check=True).stdout)
    out = subprocess.run(['ovs-ofctl', '-O', 'OpenFlow15', '--no-stats', 'dump-flows', bridge,
                          'cookie=%#x/-1' % ((0xa1f0 << 48) | (1 << 32) | ofport)],
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if 'cookie=' in line]


@pytest.mark.e2e_light
def test_security_groups_filter_guest_traffic(cloud):
    second = random.randint(100, 199)
    prefix = '10.%d.%d' % (second, random.randint(1, 254))
    net = cloud.request('POST', '/networks', {'network': {'name': 'e2e-sg'}})['network']
    cloud.request('POST', '/subnets', {'subnet': {
        'network_id': net['id'], 'cidr': prefix + '.0/24', 'ip_version': 4,
        'enable_dhcp': False, 'gateway_ip': None}})
    v6_prefix = 'fd%02x:%04x::' % (random.randint(0, 255), random.randint(0, 0xffff))
    cloud.request('POST', '/subnets', {'subnet': {
        'network_id': net['id'], 'cidr': v6_prefix + '/64', 'ip_version': 6,
        'enable_dhcp': False, 'gateway_ip': None}})
    group = cloud.request('POST', '/security-groups', {'security_group': {
        'name': 'e2e-fw-%s' % uuid.uuid4().hex[:6]}})['security_group']
    allowed_tcp, closed_tcp = 5000 + random.randint(0, 999), 6000 + random.randint(0, 999)

    def add_rule(**body):
        body.update(security_group_id=group['id'], direction='ingress', ethertype='IPv4')
        return cloud.request('POST', '/security-group-rules',
                             {'security_group_rule': body})['security_group_rule']
    icmp = add_rule(protocol='icmp', remote_ip_prefix='0.0.0.0/0')
    # TCP from the group's own members (a remote-group rule: a conjunction in OpenFlow).
    add_rule(protocol='tcp', port_range_min=allowed_tcp, port_range_max=allowed_tcp,
             remote_group_id=group['id'])

    def make_port(**extra):
        return cloud.request('POST', '/ports', {'port': dict({
            'network_id': net['id'], 'device_owner': 'compute:nova',
            'device_id': str(uuid.uuid4()), 'binding:host_id': cloud.host,
            'security_groups': [group['id']]}, **extra)})['port']
    pair_ip = prefix + '.200'
    port_a = make_port(allowed_address_pairs=[{'ip_address': pair_ip}])
    port_b = make_port()
    wait_for(lambda: subprocess.run(['ovs-vsctl', 'br-exists', cloud.bridge]).returncode == 0,
             30, 'the agent to create its bridge:\n' + cloud.logs())
    ns_a, dev_a, ip_a = plug_guest(cloud, port_a, 24)
    ns_b, dev_b, ip_b = plug_guest(cloud, port_b, 24)
    for port in (port_a, port_b):
        wait_for(lambda: cloud.request('GET', '/ports/%s' % port['id'])['port']['status']
                 == 'ACTIVE', 60, 'port %s ACTIVE:\n%s' % (port['id'], cloud.logs()))
    wait_for(lambda: port_flows(cloud.bridge, dev_a) and port_flows(cloud.bridge, dev_b), 30,
             'firewall flows:\n' + cloud.logs())

    server = subprocess.Popen(['ip', 'netns', 'exec', ns_b, sys.executable, '-c', ECHO_SERVER,
                               str(allowed_tcp), str(closed_tcp)], stdout=subprocess.PIPE,
                              text=True)
    cloud.processes.append(server)
    assert server.stdout.readline().strip() == 'listening'

    # ICMP by its rule; TCP only to the port a rule opens.
    assert pings_soon(ns_a, ip_b), 'no ping A -> B:\n' + cloud.logs()
    assert tcp_ok(ns_a, ip_b, allowed_tcp)
    assert not tcp_ok(ns_a, ip_b, closed_tcp)

    # IPv6: neighbour discovery passes the anti-spoofing flows; echo needs an ICMPv6 rule.
    ip6_b = next(a['ip_address'] for a in port_b['fixed_ips'] if ':' in a['ip_address'])
    assert not any(ns_run(ns_a, 'ping', '-6', '-c', '1', '-W', '1', ip6_b).returncode == 0
                   for _ in range(2))
    cloud.request('POST', '/security-group-rules', {'security_group_rule': {
        'security_group_id': group['id'], 'direction': 'ingress', 'ethertype': 'IPv6',
        'protocol': 'ipv6-icmp'}})
    wait_for(lambda: ns_run(ns_a, 'ping', '-6', '-c', '1', '-W', '1', ip6_b).returncode == 0,
             10, 'ping6 A -> B once ICMPv6 is allowed:\n' + cloud.logs())

    # A spoofed source address is dropped; the allowed address pair passes.
    spoofed = prefix + '.77'
    ns_run(ns_a, 'ip', 'addr', 'add', spoofed + '/32', 'dev', dev_a)
    ns_run(ns_a, 'ip', 'addr', 'add', pair_ip + '/32', 'dev', dev_a)
    assert pings_soon(ns_a, ip_b, source=pair_ip), 'the address pair did not pass'
    assert ns_run(ns_a, sys.executable, '-c', ECHO_ONCE.replace(
        'create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)',
        'create_connection((sys.argv[1], int(sys.argv[2])), timeout=2, '
        'source_address=(sys.argv[3], 0))'), ip_b, allowed_tcp, pair_ip).returncode == 0
    assert not any(ping(ns_a, ip_b, source=spoofed) for _ in range(3))

    # An established TCP connection survives an agent restart (a full resync).
    held = subprocess.Popen(['ip', 'netns', 'exec', ns_a, sys.executable, '-c', ECHO_HELD,
                             ip_b, str(allowed_tcp)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    cloud.processes.append(held)

    def echo_held():
        held.stdin.write('\n')
        held.stdin.flush()
        return held.stdout.readline().strip()
    assert echo_held() == 'echo'
    cloud.stop_agent()
    cloud.start_agent()
    log = cloud.workdir / ('ovs_agent.%d.log' % cloud.starts)
    wait_for(lambda: 'Firewall flows of' in log.read_text(), 60,
             'the restarted agent to rebuild the flows:\n' + cloud.logs())
    assert echo_held() == 'echo'

    # Deleting the ICMP rule cuts a running ping (same ICMP id: an established
    # connection in conntrack) within a second.
    pinger = subprocess.Popen(['ip', 'netns', 'exec', ns_a, 'ping', '-D', '-i', '0.05', ip_b],
                              stdout=subprocess.PIPE, text=True)
    cloud.processes.append(pinger)
    time.sleep(1)
    deleted_at = time.time()
    cloud.request('DELETE', '/security-group-rules/%s' % icmp['id'])
    time.sleep(3)
    pinger.terminate()
    out = pinger.communicate(timeout=10)[0]
    replies = [float(m) for m in re.findall(r'^\[(\d+\.\d+)\] \d+ bytes from', out, re.M)]
    assert replies and replies[0] < deleted_at, out[-2000:]
    cut = max(replies) - deleted_at
    record_figure('security group rule delete -> ping cut', max(cut, 0.0))
    print('rule delete -> last ping reply: %.3f s' % cut)
    assert cut < 1.0, 'ping still answered %.2f s after the rule went:\n%s' % (cut, out[-2000:])
    assert not ping(ns_a, ip_b)
    # TCP on its own rule is not affected; the held connection still echoes.
    assert tcp_ok(ns_a, ip_b, allowed_tcp)
    assert echo_held() == 'echo'

    # The rule back: ping passes again (the marked conntrack entry is cleared).
    add_rule(protocol='icmp')
    assert pings_soon(ns_a, ip_b, timeout=5)

    # The port leaves the bridge: its flows go.
    ofport_b = int(subprocess.run(['ovs-vsctl', 'get', 'Interface', dev_b, 'ofport'],
                                  capture_output=True, text=True).stdout)
    subprocess.run(['ovs-vsctl', 'del-port', cloud.bridge, dev_b], check=True)
    cookie = '%#x' % ((0xa1f0 << 48) | (1 << 32) | ofport_b)
    wait_for(lambda: cookie not in subprocess.run(
        ['ovs-ofctl', '-O', 'OpenFlow15', 'dump-flows', cloud.bridge],
        capture_output=True, text=True).stdout, 10, 'the flows of the removed port to go')
