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
   call creating one more member to its address in the group's flows.

Everything stays on the benchmark's bridge; it and its ports are removed at
the end.

    sudo .venv/bin/python tools/bench/dataplane.py [--ports 200] [--rounds 20]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ports', type=int, default=200)
    parser.add_argument('--rounds', type=int, default=20)
    parser.add_argument('--keep', action='store_true', help='keep the logs (printed path)')
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit('run as root (Open vSwitch)')
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='alto-bench-dataplane-'))
    bridge = 'br-bench%s' % uuid.uuid4().hex[:5]
    bench = Bench(workdir, bridge)
    try:
        bench.start()
        net = rule_latency(bench, args.rounds)
        resync(bench, net, args.ports)
        print('load average: %.2f %.2f %.2f' % os.getloadavg())
    finally:
        bench.stop()
        subprocess.run(['ovs-vsctl', '--if-exists', 'del-br', bridge], capture_output=True)
        if args.keep:
            print('logs in %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
