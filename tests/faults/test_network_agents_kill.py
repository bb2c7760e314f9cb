"""Network agents SIGKILLed and restarted while ports keep being made.

The network API and conductor run as processes (the scenario's own broker
vhost and database), the OVS agent and the DHCP agent for real against the
host's Open vSwitch, on an integration bridge of the scenario's own.  Each
port stands for a guest NIC: an OVS internal port carrying the port's id
(``external_ids:iface-id``) and MAC, as libvirt plugs a guest's.  One of
them, made during the outage, is moved into a namespace of its own and
asks dnsmasq for its address (``busybox udhcpc``), then pings the DHCP
port: the guest's view of the recovery.

Both agents are SIGKILLed once the first ports are ACTIVE; ports keep being
created (and plugged) while they are down, until ``/v2.0/agents`` shows both
dead; then both are started again.  Figures: seconds from the restart until
every port is ACTIVE, until dnsmasq's hosts file lists exactly the ports of
the network, until both agents are alive again (recover_s is the last of the
three).  Stuck: ports not ACTIVE, hosts-file lines missing or extra, agents
not alive, at the end."""

import os
import pathlib
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

from tests.faults import client
from tests.faults import figures
from tests.functional import harness
from tests.functional.network import fixtures as network_fixtures

pytestmark = [pytest.mark.faults, pytest.mark.scenario('network-agent-kill')]
HEADERS = {'X-Project-Id': 'faults', 'X-User-Id': 'faults-user', 'X-Roles': 'admin,member'}
OVS_CTL = '/usr/share/openvswitch/scripts/ovs-ctl'
AGENTS = ('ovs_agent', 'dhcp_agent')
AGENT_TYPES = {'Open vSwitch agent', 'DHCP agent'}
#: seconds without a heartbeat before /agents shows an agent dead (default 75)
AGENT_DOWN_TIME = 6


def _ovs_up():
    return subprocess.run(['ovs-vsctl', '--timeout=5', 'show'], capture_output=True,
                          check=False).returncode == 0


@pytest.fixture
def bridge():
    for binary in ('ovs-vsctl', 'dnsmasq', 'ip', 'busybox'):
        if shutil.which(binary) is None:
            pytest.skip('%s is not installed (openvswitch-switch, dnsmasq-base, iproute2, '
                        'busybox-static)' % binary)
    if os.geteuid() != 0:
        pytest.skip('namespaces and Open vSwitch need root')
    if not _ovs_up():
        subprocess.run([OVS_CTL, 'start', '--system-id=random'], capture_output=True,
                       check=True, timeout=60)
    deadline = time.monotonic() + 30
    while not _ovs_up():
        assert time.monotonic() < deadline, 'Open vSwitch did not start'
        time.sleep(0.5)
    name = 'br-fa%s' % secrets.token_hex(3)
    yield name
    subprocess.run(['ovs-vsctl', '--if-exists', 'del-br', name], capture_output=True,
                   check=False, timeout=60)


def _run(*argv, timeout=30, check=True):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout,
                          check=check)


class Cloud:
    def __init__(self, workdir, connection, transport_url, bridge):
        self.workdir = workdir
        self.bridge = bridge
        self.server = network_fixtures.NetworkServer(
            workdir, connection, transport_url=transport_url,
            extra_lines=['[agent]', 'agent_down_time = %d' % AGENT_DOWN_TIME])
        self.agent_conf = workdir / 'agents.conf'
        self.agents = {}
        self.starts = 0
        self.guest_devices = []
        self.namespaces = []

    def start(self):
        self.server.start()
        self.host = next(line.split('=', 1)[1].strip() for line in
                         self.server.config_file.read_text().splitlines()
                         if line.startswith('host ='))
        self.agent_conf.write_text('\n'.join([
            '[agent]', 'report_interval = 1',
            '[ovs]', 'integration_bridge = %s' % self.bridge, 'polling_interval = 1',
            '[dhcp_agent]', 'state_dir = %s' % (self.workdir / 'dhcp'),
            'resync_interval = 2']) + '\n')
        for name in AGENTS:
            self.start_agent(name)
        return self

    def start_agent(self, name):
        self.starts += 1
        self.agents[name] = harness.Daemon(
            name, [sys.executable, '-m', 'services.network.cmd.%s' % name,
                   '--config-file', self.server.config_file, '--config-file', self.agent_conf],
            output_file=self.workdir / ('%s.%d.log' % (name, self.starts))).start()

    def kill_agent(self, name):
        self.agents.pop(name).stop(signal.SIGKILL)

    def stop(self):
        for name in list(self.agents):
            self.agents.pop(name).stop()
        self.server.stop()
        for pid_file in (self.workdir / 'dhcp').glob('*/pid'):
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (OSError, ValueError):
                pass
        for ns in self.namespaces:
            _run('ip', 'netns', 'delete', ns, check=False)

    def call(self, method, path, body=None, tally=None):
        answer = client.send(method, self.server.url + '/v2.0' + path, body, headers=HEADERS)
        if tally is not None:
            tally.record(answer, '%s %s' % (method, path.split('?')[0]))
        return answer

    def get(self, path):
        answer = self.call('GET', path)
        assert answer is not None and answer.status == 200, (path, answer)
        return answer.json()

    def plug(self, port):
        """An OVS internal port standing for the port's guest NIC."""
        device = ('fg' + port['id'])[:14]
        _run('ovs-vsctl', '--timeout=30', '--', 'add-port', self.bridge, device, '--', 'set',
             'Interface', device, 'type=internal',
             'external_ids:iface-id=%s' % port['id'],
             'external_ids:attached-mac=%s' % port['mac_address'],
             'external_ids:iface-status=active', 'mac="%s"' % port['mac_address'])
        _run('ip', 'link', 'set', device, 'address', port['mac_address'], check=False)
        self.guest_devices.append(device)
        return device

    def alive_agents(self):
        agents = self.get('/agents')['agents']
        return {a['agent_type'] for a in agents if a['alive'] and a['host'] == self.host}

    def logs(self):
        out = [self.server.log_tail()]
        for path in sorted(self.workdir.glob('*_agent.*.log')):
            out += ['== ' + path.name] + path.read_text().splitlines()[-30:]
        return '\n'.join(out)


def _wait(check, timeout, what, cloud):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = check()
        if result:
            return time.time()
        time.sleep(0.3)
    raise AssertionError('%s within %ss:\n%s' % (what, timeout, cloud.logs()))


def _hosts_mismatch(cloud, net_id):
    """Lines of dnsmasq's hosts file missing, plus lines it has that no port
    of the network matches (``mac,name,ip``)."""
    ports = cloud.get('/ports?network_id=%s' % net_id)['ports']
    wanted = {(p['mac_address'], ip['ip_address']) for p in ports for ip in p['fixed_ips']}
    try:
        text = (cloud.workdir / 'dhcp' / net_id / 'host').read_text()
    except FileNotFoundError:
        return len(wanted), 0
    have = set()
    for line in text.splitlines():
        fields = line.split(',')
        if len(fields) >= 3:
            have.add((fields[0], fields[-1]))
    return len(wanted - have), len(have - wanted)


@pytest.fixture
def cloud(tmp_path, rabbit_url, suite_mariadb, bridge):
    # dnsmasq rereads its files as nobody: not under pytest's 0700 tmp dirs
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-faults-agents-', dir='/var/tmp'))
    workdir.chmod(0o755)
    cloud = Cloud(workdir, suite_mariadb.create_database(), rabbit_url, bridge)
    try:
        yield cloud.start()
    finally:
        cloud.stop()
        if os.environ.get('ALTO_FAULTS_KEEP') is None:
            shutil.rmtree(workdir, ignore_errors=True)


def test_network_agents_killed_and_restarted(cloud):
    tally = figures.Tally()
    total = figures.size('ports')
    before_kill = total * 2 // 3
    second = os.getpid() % 150 + 50
    cidr = '10.%d.%d.0/24' % (second, secrets.randbelow(250) + 1)
    net = cloud.call('POST', '/networks', {'network': {'name': 'faults-agents'}}, tally)
    assert net.status == 201, net
    net_id = net.json()['network']['id']
    cloud.namespaces.append('qdhcp-' + net_id)
    subnet = cloud.call('POST', '/subnets', {'subnet': {
        'network_id': net_id, 'cidr': cidr, 'ip_version': 4}}, tally)
    assert subnet.status == 201, subnet

    ports = []

    def make_port(i):
        while True:
            answer = cloud.call('POST', '/ports', {'port': {
                'network_id': net_id, 'name': 'g%d' % i, 'device_owner': 'compute:nova',
                'device_id': str(uuid.uuid4()), 'binding:host_id': cloud.host}}, tally)
            if answer is not None and answer.status == 503:
                time.sleep(min(answer.retry_after(), 5))
                continue
            assert answer is not None and answer.status == 201, answer
            port = answer.json()['port']
            cloud.plug(port)
            ports.append(port)
            return port

    def statuses():
        listed = cloud.get('/ports?network_id=%s&device_owner=compute:nova' % net_id)['ports']
        return {p['id']: p['status'] for p in listed}

    _wait(lambda: cloud.alive_agents() >= AGENT_TYPES, 60, 'both agents alive', cloud)
    for i in range(before_kill):
        make_port(i)
    start = time.time()
    _wait(lambda: all(s == 'ACTIVE' for s in statuses().values()), 120,
          'the first ports ACTIVE', cloud)
    first_active_s = time.time() - start
    # the guest's ping target: the DHCP port, ACTIVE too
    dhcp_ports = cloud.get('/ports?network_id=%s&device_owner=network:dhcp' % net_id)['ports']
    assert dhcp_ports, cloud.logs()
    dhcp_ip = dhcp_ports[0]['fixed_ips'][0]['ip_address']
    rule = cloud.call('POST', '/security-group-rules', {'security_group_rule': {
        'security_group_id': ports[0]['security_groups'][0], 'direction': 'ingress',
        'ethertype': 'IPv4', 'protocol': 'icmp'}}, tally)
    assert rule.status in (201, 409), rule

    killed_at = time.time()
    for name in AGENTS:
        cloud.kill_agent(name)
    during = 0
    outage_end = killed_at + figures.size('outage')
    i = before_kill
    dead_at = None
    while i < total or time.time() < outage_end or dead_at is None:
        if dead_at is None:
            if not cloud.alive_agents() & AGENT_TYPES:
                dead_at = time.time()
            elif time.time() - killed_at > AGENT_DOWN_TIME + 60:
                raise AssertionError('the killed agents still show alive:\n' + cloud.logs())
        if i < total:
            make_port(i)
            i += 1
            during += 1
        else:
            time.sleep(0.3)
    seen_dead_s = dead_at - killed_at
    left_down = sum(1 for s in statuses().values() if s != 'ACTIVE')

    # the guest of the last port made while the agents were down
    guest = ports[-1]
    namespace = 'fguest-%s' % secrets.token_hex(3)
    _run('ip', 'netns', 'add', namespace)
    cloud.namespaces.append(namespace)
    device = ('fg' + guest['id'])[:14]
    _run('ip', 'link', 'set', device, 'netns', namespace)
    _run('ip', 'netns', 'exec', namespace, 'ip', 'link', 'set', device, 'up')

    for name in AGENTS:
        cloud.start_agent(name)
    back_at = time.time()
    # the three checks in one loop: each figure is when its own check first held
    checks = {'every port ACTIVE': lambda: all(s == 'ACTIVE' for s in statuses().values()),
              'the hosts file matching the ports':
                  lambda: _hosts_mismatch(cloud, net_id) == (0, 0),
              'both agents alive': lambda: cloud.alive_agents() >= AGENT_TYPES}
    held = {}
    while len(held) < len(checks):
        if time.time() - back_at > 240:
            raise AssertionError('%s within 240 s:\n%s' % (
                ', '.join(sorted(set(checks) - set(held))), cloud.logs()))
        for what, check in checks.items():
            if what not in held and check():
                held[what] = time.time()
        time.sleep(0.3)
    active_at, hosts_at, alive_at = (held[what] for what in checks)
    # the guest's view: a lease from dnsmasq, then the DHCP port answers
    guest_ip = guest['fixed_ips'][0]['ip_address']
    lease_at = None
    for _ in range(20):
        udhcpc = _run('ip', 'netns', 'exec', namespace, 'busybox', 'udhcpc', '-i', device,
                      '-n', '-q', '-f', '-t', '3', '-T', '1', '-s', '/bin/true',
                      timeout=30, check=False)
        if guest_ip in udhcpc.stdout + udhcpc.stderr:
            lease_at = time.time()
            break
        time.sleep(0.5)
    assert lease_at, 'no lease of %s:\n%s\n%s' % (guest_ip, udhcpc.stdout + udhcpc.stderr,
                                                  cloud.logs())
    prefix = subnet.json()['subnet']['cidr'].split('/')[1]
    _run('ip', 'netns', 'exec', namespace, 'ip', 'addr', 'add',
         '%s/%s' % (guest_ip, prefix), 'dev', device)
    ping_at = None
    for _ in range(30):
        if _run('ip', 'netns', 'exec', namespace, 'ping', '-c', '1', '-W', '1', dhcp_ip,
                check=False).returncode == 0:
            ping_at = time.time()
            break
    final = statuses()
    not_active = sum(1 for s in final.values() if s != 'ACTIVE')
    missing, extra = _hosts_mismatch(cloud, net_id)
    dead = len(AGENT_TYPES - cloud.alive_agents())
    recover_s = max(active_at, hosts_at, alive_at) - back_at
    fig = tally.figures(
        'network-agent-kill', stuck=not_active + missing + extra + dead, recover_s=recover_s,
        detail='OVS + DHCP agents SIGKILLed, down %.0fs (seen dead after %.0fs); %d ports, %d '
               'made during the outage, %d not ACTIVE at the restart; after it: all ACTIVE '
               '%.1fs, hosts file matches %.1fs, agents alive %.1fs, guest lease %.1fs, '
               'guest ping %s; first %d ports ACTIVE in %.1fs' % (
                   back_at - killed_at, seen_dead_s, len(final), during, left_down,
                   active_at - back_at, hosts_at - back_at, alive_at - back_at,
                   lease_at - back_at,
                   '%.1fs' % (ping_at - back_at) if ping_at else 'none',
                   before_kill, first_active_s))
    figures.report(fig)
    assert not tally.bad, tally.bad
    assert tally.lost == 0
    assert len(final) == total and not not_active
    assert (missing, extra) == (0, 0)
    assert not dead
    assert ping_at, 'the guest could not ping the DHCP port %s:\n%s' % (dhcp_ip, cloud.logs())
