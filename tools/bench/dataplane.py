"""Security-group data plane benchmark: rule change to enforcement, and a
full resync of many ports.

As root, with Open vSwitch running (SANDBOX.md). Starts alto-network-conductor
and alto-network-api (noauth, SQLite, the local RabbitMQ) and alto-ovs-agent
on a bridge of its own, then:

1. two ports in one group, plugged as OVS internal ports: the time from the
   API call that adds or deletes an ingress rule to the moment the flow is
   on (or gone from) the bridge, ``--rounds`` times each;
2. ``--ports`` more ports in the project's default group (whose ingress
   rule names the group itself, so every port's flows list every member),
   plugged likewise: the agent's full resync of all of them after a restart
   (as the agent logs it, conductor RPC included) and the time from the API
   call creating one more member to its address in the group's flows;
3. TCP throughput (``iperf3``, one stream, ``--seconds`` each) between two
   namespace "guests" in the same run, alternating ``--tp-rounds`` times
   between:

   * two ports of the API plugged as the agent plugs a guest's port (an OVS
     internal port on the agent's integration bridge, iface-id and MAC of
     the port) with their security group's per-port firewall active (the
     conntrack flows of the agent: a TCP rule for iperf3's port, egress open),
     each moved into its own namespace with the port's MAC and address;
   * the raw netdev bridge: a second ``datapath_type=netdev`` bridge with its
     default NORMAL flow only and two internal ports in two namespaces.

   Both bridges are OVS userspace (netdev) datapaths; no QEMU guest is in
   the path (a virtio guest on this CPU, without KVM, is bound by emulation).

Everything stays on the benchmark's bridges and namespaces; they are removed
at the end.  Needs ``iperf3`` (``apt-get install iperf3``) for phase 3.

    sudo .venv/bin/python tools/bench/dataplane.py [--ports 200] [--rounds 20]
        [--phases latency,resync,throughput] [--seconds 10] [--tp-rounds 3]
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, __file__.rsplit('/tools/', 1)[0])

from tests.functional import harness  # noqa: E402
from tests.functional.network.fixtures import NetworkServer  # noqa: E402

HEADERS = {'Content-Type': 'application/json', 'X-Project-Id': 'bench',
           'X-User-Id': 'bench', 'X-Roles': 'admin,member'}
COOKIE_PREFIX = 0xa1f0 << 48
REMOTE_COOKIE = COOKIE_PREFIX | (2 << 32)  # the remote groups' shared address flows


def call(url, method, path, body=None):
    req = urllib.request.Request(url + '/v2.0' + path, method=method, headers=HEADERS,
                                 data=json.dumps(body).encode() if body else None)
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read() or b'null')


def ofctl_dump(bridge, cookie=None):
    argv = ['ovs-ofctl', '-O', 'OpenFlow15', '--no-stats', 'dump-flows', bridge]
    if cookie is not None:
        argv.append('cookie=%#x/-1' % cookie)
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def ofport(dev):
    return int(subprocess.run(['ovs-vsctl', 'get', 'Interface', dev, 'ofport'],
                              capture_output=True, text=True, check=True).stdout)


def port_cookie(dev):
    return COOKIE_PREFIX | (1 << 32) | ofport(dev)


def wait(predicate, timeout, what, step=0.02):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit('timed out waiting for %s' % what)
        time.sleep(step)


def plug(bridge, ports):
    """One OVS transaction adding an internal port per API port."""
    argv = ['ovs-vsctl', '--timeout=120']
    names = []
    for port in ports:
        dev = ('bn' + port['id'])[:14]
        names.append(dev)
        argv += ['--', 'add-port', bridge, dev, '--', 'set', 'Interface', dev, 'type=internal',
                 'external_ids:iface-id=%s' % port['id'],
                 'external_ids:attached-mac=%s' % port['mac_address'],
                 'external_ids:iface-status=active']
    subprocess.run(argv, check=True, capture_output=True)
    return names


def summary(samples):
    ordered = sorted(samples)
    return 'p50 %.0f ms, p90 %.0f ms, max %.0f ms (n=%d)' % (
        statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.9) - 1] * 1000,
        ordered[-1] * 1000, len(ordered))


class Bench:
    def __init__(self, workdir, bridge):
        self.workdir = workdir
        self.bridge = bridge
        self.server = NetworkServer(workdir, 'sqlite:///%s/network.sqlite' % workdir)
        self.agent = None
        self.starts = 0

    def start(self):
        self.server.start()
        self.host = next(line.split('=', 1)[1].strip() for line in
                         self.server.config_file.read_text().splitlines()
                         if line.startswith('host ='))
        self.agent_conf = self.workdir / 'agent.conf'
        self.agent_conf.write_text('[agent]\nreport_interval = 10\n[ovs]\n'
                                   'integration_bridge = %s\npolling_interval = 1\n'
                                   % self.bridge)
        self.start_agent()

    def start_agent(self):
        self.starts += 1
        self.log = self.workdir / ('ovs_agent.%d.log' % self.starts)
        self.agent = harness.Daemon(
            'ovs_agent', [sys.executable, '-m', 'services.network.cmd.ovs_agent',
                          '--config-file', self.server.config_file,
                          '--config-file', self.agent_conf],
            output_file=self.log).start()

    def stop(self):
        if self.agent is not None:
            self.agent.stop()
        self.server.stop()

    def url(self):
        return self.server.url


def rule_latency(bench, rounds):
    url = bench.url()
    net = call(url, 'POST', '/networks', {'network': {'name': 'bench-sg'}})['network']
    call(url, 'POST', '/subnets', {'subnet': {'network_id': net['id'], 'ip_version': 4,
                                              'cidr': '10.129.0.0/16', 'enable_dhcp': False}})
    group = call(url, 'POST', '/security-groups',
                 {'security_group': {'name': 'bench'}})['security_group']
    ports = [call(url, 'POST', '/ports', {'port': {
        'network_id': net['id'], 'binding:host_id': bench.host, 'device_owner': 'compute:x',
        'security_groups': [group['id']]}})['port'] for _ in range(2)]
    wait(lambda: subprocess.run(['ovs-vsctl', 'br-exists', bench.bridge]).returncode == 0,
         60, 'the bridge')
    devs = plug(bench.bridge, ports)
    cookie = port_cookie(devs[1])
    wait(lambda: ofctl_dump(bench.bridge, cookie).count('cookie=') > 3, 60, 'the port flows',
         0.1)
    added, deleted = [], []
    for i in range(rounds):
        port_number = 20000 + i
        start = time.monotonic()
        rule = call(url, 'POST', '/security-group-rules', {'security_group_rule': {
            'security_group_id': group['id'], 'direction': 'ingress', 'ethertype': 'IPv4',
            'protocol': 'tcp', 'port_range_min': port_number,
            'port_range_max': port_number}})['security_group_rule']
        needle = 'tp_dst=%d ' % port_number
        wait(lambda: needle in ofctl_dump(bench.bridge, cookie), 10, 'the rule flow')
        added.append(time.monotonic() - start)
        start = time.monotonic()
        call(url, 'DELETE', '/security-group-rules/%s' % rule['id'])
        wait(lambda: needle not in ofctl_dump(bench.bridge, cookie), 10, 'the flow to go')
        deleted.append(time.monotonic() - start)
    print('rule add (API call) -> flow on the bridge:     %s' % summary(added))
    print('rule delete (API call) -> flow off the bridge: %s' % summary(deleted))
    return net


def resync(bench, net, count):
    url = bench.url()
    call(url, 'PUT', '/quotas/bench', {'quota': {'port': -1}})
    ports = [call(url, 'POST', '/ports', {'port': {
        'network_id': net['id'], 'binding:host_id': bench.host,
        'device_owner': 'compute:x'}})['port'] for _ in range(count)]
    devs = plug(bench.bridge, ports)
    last = port_cookie(devs[-1])
    wait(lambda: ofctl_dump(bench.bridge, last).count('cookie=') > 3, 300,
         'the flows of %d ports' % count, 0.2)
    flows = ofctl_dump(bench.bridge).count('cookie=0xa1f0')
    print('%d ports in the default group: %d firewall flows on the bridge' % (count, flows))

    bench.agent.stop()
    start = time.monotonic()
    bench.start_agent()
    pattern = re.compile(r'Firewall flows of (\d+) ports rebuilt on \S+ \((\d+) flows\) '
                         r'in ([\d.]+) s')
    wait(lambda: pattern.search(bench.log.read_text()), 600, 'the full resync', 0.2)
    restarted = time.monotonic() - start
    ports_done, flow_count, seconds = pattern.search(bench.log.read_text()).groups()
    print('full resync of %s ports (%s flows, conductor RPC + one bundle): %.2f s; '
          'agent start -> resync done: %.2f s' % (ports_done, flow_count, float(seconds),
                                                  restarted))

    # One more member: every port of the group learns its address.
    start = time.monotonic()
    newcomer = call(url, 'POST', '/ports', {'port': {
        'network_id': net['id'], 'binding:host_id': bench.host,
        'device_owner': 'compute:x'}})['port']
    address = re.compile(r'nw_src=%s[ ,]' % re.escape(newcomer['fixed_ips'][0]['ip_address']))
    wait(lambda: address.search(ofctl_dump(bench.bridge, REMOTE_COOKIE)), 60,
         'the member update')
    print('new member of a %d-port group -> in the flows of the others: %.2f s'
          % (count, time.monotonic() - start))


def netns(namespace, *argv, check=True):
    return subprocess.run(['ip', 'netns', 'exec', namespace] + [str(a) for a in argv],
                          capture_output=True, text=True, check=check)


def into_namespace(bridge, dev, namespace, address, mac=None, port=None):
    """An internal port of ``bridge`` (an API port's when ``port``) moved into
    ``namespace`` with ``address``."""
    subprocess.run(['ip', 'netns', 'add', namespace], check=True)
    argv = ['ovs-vsctl', '--timeout=60', '--', 'add-port', bridge, dev, '--', 'set',
            'Interface', dev, 'type=internal']
    if port:
        argv += ['external_ids:iface-id=%s' % port['id'],
                 'external_ids:attached-mac=%s' % port['mac_address'],
                 'external_ids:iface-status=active']
    subprocess.run(argv, check=True, capture_output=True)
    wait(lambda: subprocess.run(['ip', 'link', 'show', dev],
                                capture_output=True).returncode == 0, 10, 'device %s' % dev)
    subprocess.run(['ip', 'link', 'set', dev, 'netns', namespace], check=True)
    if mac:
        netns(namespace, 'ip', 'link', 'set', dev, 'address', mac)
    netns(namespace, 'ip', 'addr', 'add', address, 'dev', dev)
    netns(namespace, 'ip', 'link', 'set', dev, 'up')
    netns(namespace, 'ip', 'link', 'set', 'lo', 'up')


def iperf(server_ns, client_ns, address, seconds):
    """Gbit/s received over one TCP stream from ``client_ns`` to ``server_ns``."""
    server = subprocess.Popen(['ip', 'netns', 'exec', server_ns, 'iperf3', '-s', '-1',
                               '-B', address], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait(lambda: ':5201 ' in netns(server_ns, 'ss', '-Hltn').stdout, 10,
             'iperf3 to listen', 0.05)
        # the first tries may find an agent's port not yet wired
        for _ in range(30):
            out = netns(client_ns, 'iperf3', '-c', address, '-t', seconds, '-J',
                        '--connect-timeout', 1000, check=False)
            if out.returncode == 0:
                break
            time.sleep(0.5)
        else:
            raise SystemExit('iperf3 failed: %s' % (out.stdout[-500:] + out.stderr[-500:]))
        report = json.loads(out.stdout)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    return report['end']['sum_received']['bits_per_second'] / 1e9


def throughput(bench, seconds, rounds, namespaces, bridges):
    if not shutil.which('iperf3'):
        raise SystemExit('iperf3 is needed for the throughput phase (apt-get install iperf3)')
    url = bench.url()
    net = call(url, 'POST', '/networks', {'network': {'name': 'bench-tp'}})['network']
    call(url, 'POST', '/subnets', {'subnet': {'network_id': net['id'], 'ip_version': 4,
                                              'cidr': '10.130.0.0/24', 'enable_dhcp': False}})
    group = call(url, 'POST', '/security-groups',
                 {'security_group': {'name': 'bench-tp'}})['security_group']
    call(url, 'POST', '/security-group-rules', {'security_group_rule': {
        'security_group_id': group['id'], 'direction': 'ingress', 'ethertype': 'IPv4',
        'protocol': 'tcp', 'port_range_min': 5201, 'port_range_max': 5201}})
    ports = [call(url, 'POST', '/ports', {'port': {
        'network_id': net['id'], 'binding:host_id': bench.host, 'device_owner': 'compute:x',
        'security_groups': [group['id']]}})['port'] for _ in range(2)]
    wait(lambda: subprocess.run(['ovs-vsctl', 'br-exists', bench.bridge]).returncode == 0,
         60, 'the bridge')
    tag = uuid.uuid4().hex[:4]
    guests = []
    for i, port in enumerate(ports):
        ns, dev = 'bench-g%s-%d' % (tag, i), 'tg%s%d' % (tag, i)
        namespaces.append(ns)
        into_namespace(bench.bridge, dev, ns, port['fixed_ips'][0]['ip_address'] + '/24',
                       port['mac_address'], port)
        guests.append((ns, dev, port['fixed_ips'][0]['ip_address']))
    for ns, dev, _ in guests:
        wait(lambda: subprocess.run(['ovs-vsctl', 'get', 'Interface', dev, 'ofport'],
                                    capture_output=True).returncode == 0, 10, 'the ofport')
    cookies = [COOKIE_PREFIX | (1 << 32) | int(subprocess.run(
        ['ovs-vsctl', 'get', 'Interface', dev, 'ofport'], capture_output=True, text=True,
        check=True).stdout) for _, dev, _ in guests]
    for cookie in cookies:
        wait(lambda: 'tp_dst=5201' in ofctl_dump(bench.bridge, cookie), 60,
             'the firewall flows of the throughput ports', 0.1)
    raw = 'br-raw%s' % tag
    bridges.append(raw)
    subprocess.run(['ovs-vsctl', '--timeout=60', 'add-br', raw, '--', 'set', 'Bridge', raw,
                    'datapath_type=netdev'], check=True, capture_output=True)
    subprocess.run(['ip', 'link', 'set', raw, 'up'], check=False)
    plain = []
    for i in range(2):
        ns, dev, address = 'bench-r%s-%d' % (tag, i), 'tr%s%d' % (tag, i), '10.131.0.%d' % (i + 1)
        namespaces.append(ns)
        into_namespace(raw, dev, ns, address + '/24')
        plain.append((ns, dev, address))

    results = {'raw': [], 'agent': []}
    for _ in range(rounds):
        results['raw'].append(iperf(plain[1][0], plain[0][0], plain[1][2], seconds))
        results['agent'].append(iperf(guests[1][0], guests[0][0], guests[1][2], seconds))
    flows = ofctl_dump(bench.bridge).count('cookie=0xa1f0')
    for name, label in (('raw', 'raw netdev bridge, NORMAL only           '),
                        ('agent', 'agent-plugged ports, security groups on ')):
        print('TCP %s: %s Gbit/s (median %.2f; %d x %d s, one stream)'
              % (label, ' '.join('%.2f' % r for r in results[name]),
                 statistics.median(results[name]), rounds, seconds))
    print('agent/raw (medians): %.2f; firewall flows on the agent bridge: %d'
          % (statistics.median(results['agent']) / statistics.median(results['raw']), flows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ports', type=int, default=200)
    parser.add_argument('--rounds', type=int, default=20)
    parser.add_argument('--phases', default='latency,resync,throughput',
                        help='comma-separated: latency, resync, throughput')
    parser.add_argument('--seconds', type=int, default=10, help='length of one iperf3 run')
    parser.add_argument('--tp-rounds', type=int, default=3,
                        help='iperf3 runs per side, alternating')
    parser.add_argument('--keep', action='store_true', help='keep the logs (printed path)')
    args = parser.parse_args()
    phases = set(args.phases.split(','))
    if os.geteuid() != 0:
        raise SystemExit('run as root (Open vSwitch)')
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-bench-dataplane-'))
    bridge = 'br-bench%s' % uuid.uuid4().hex[:5]
    bench = Bench(workdir, bridge)
    namespaces, bridges = [], [bridge]
    try:
        bench.start()
        if 'latency' in phases or 'resync' in phases:
            net = rule_latency(bench, args.rounds)
            if 'resync' in phases:
                resync(bench, net, args.ports)
        if 'throughput' in phases:
            throughput(bench, args.seconds, args.tp_rounds, namespaces, bridges)
        print('load average: %.2f %.2f %.2f' % os.getloadavg())
    finally:
        bench.stop()
        for name in bridges:
            subprocess.run(['ovs-vsctl', '--if-exists', 'del-br', name], capture_output=True)
        for ns in namespaces:
            subprocess.run(['ip', 'netns', 'delete', ns], capture_output=True)
        if args.keep:
            print('logs in %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
