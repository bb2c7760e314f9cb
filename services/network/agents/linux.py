"""Network namespaces and links, through iproute2 (``ip``).

Every command goes through one runner, ``run(argv) -> (rc, stdout)``, so
agents' unit tests hand in a recorder instead of touching the host. The
agents run as root (they create namespaces and move links into them).
"""

import subprocess
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def run(argv, check=True, timeout=30, stdin=None):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          check=False, input=stdin)
    if check and proc.returncode:
        raise RuntimeError('%s failed (%d): %s' % (' '.join(argv), proc.returncode,
                                                   proc.stderr.strip()))
    return proc.returncode, proc.stdout


class IpLib:
    def __init__(self, runner=run):
        self.run = runner

    def namespaces(self):
        _, out = self.run(['ip', 'netns', 'list'], check=False)
        return {line.split()[0] for line in out.splitlines() if line.strip()}

    def ensure_namespace(self, name):
        if name not in self.namespaces():
            self.run(['ip', 'netns', 'add', name])
            self.run(['ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'])

    def delete_namespace(self, name):
        if name in self.namespaces():
            self.run(['ip', 'netns', 'delete', name], check=False)

    def link_in(self, device, namespace=None):
        argv = ['ip', 'link', 'show', 'dev', device]
        if namespace:
            argv = ['ip', 'netns', 'exec', namespace] + argv
        return self.run(argv, check=False)[0] == 0

    def move_to(self, device, namespace):
        self.run(['ip', 'link', 'set', 'dev', device, 'netns', namespace])

    def configure(self, namespace, device, mac, cidrs, mtu=None, up=True):
        """Give ``device`` (in ``namespace``) its MAC, exactly ``cidrs`` as
        addresses, the MTU, and bring it up (``up`` false: set it down)."""
        ns = ['ip', 'netns', 'exec', namespace]
        self.run(ns + ['ip', 'link', 'set', 'dev', device, 'address', mac])
        if mtu:
            self.run(ns + ['ip', 'link', 'set', 'dev', device, 'mtu', str(mtu)], check=False)
        _, out = self.run(ns + ['ip', '-o', '-4', 'addr', 'show', 'dev', device], check=False)
        have = {line.split()[3] for line in out.splitlines() if len(line.split()) > 3}
        for cidr in sorted(have - set(cidrs)):
            self.run(ns + ['ip', 'addr', 'del', cidr, 'dev', device], check=False)
        for cidr in sorted(set(cidrs) - have):
            self.run(ns + ['ip', 'addr', 'add', cidr, 'dev', device])
        self.run(ns + ['ip', 'link', 'set', 'dev', device, 'up' if up else 'down'])

    # -- routers (the L3 agent) -----------------------------------------------------------
    def in_namespace(self, namespace, argv, check=True, stdin=None):
        if stdin is None:
            return self.run(['ip', 'netns', 'exec', namespace] + list(argv), check=check)
        return self.run(['ip', 'netns', 'exec', namespace] + list(argv), check=check,
                        stdin=stdin)

    def devices(self, namespace):
        """Names of the links in ``namespace`` (``lo`` left out)."""
        _, out = self.in_namespace(namespace, ['ip', '-o', 'link', 'show'], check=False)
        names = set()
        for line in out.splitlines():
            parts = line.split(':')
            if len(parts) > 1:
                names.add(parts[1].strip().split('@')[0])
        names.discard('lo')
        return names

    def enable_forwarding(self, namespace, on=True):
        """IPv4 forwarding in ``namespace`` on (or off)."""
        self.in_namespace(namespace, ['sysctl', '-q', '-w',
                                      'net.ipv4.ip_forward=%d' % bool(on)])

    def gateway_routes(self, namespace):
        """``{(destination, nexthop)}`` of the routes through a next hop
        (``default`` is ``0.0.0.0/0``)."""
        _, out = self.in_namespace(namespace, ['ip', '-4', 'route', 'show'], check=False)
        routes = set()
        for line in out.splitlines():
            words = line.split()
            if 'via' in words and words:
                dst = '0.0.0.0/0' if words[0] == 'default' else words[0]
                if '/' not in dst:
                    dst += '/32'  # ip shows a host route without its length
                routes.add((dst, words[words.index('via') + 1]))
        return routes

    def replace_route(self, namespace, destination, nexthop):
        self.in_namespace(namespace, ['ip', 'route', 'replace', destination, 'via', nexthop])

    def delete_route(self, namespace, destination, nexthop):
        self.in_namespace(namespace, ['ip', 'route', 'del', destination, 'via', nexthop],
                          check=False)

    def spawn_in(self, namespace, argv):
        """Start ``argv`` in ``namespace`` without waiting (output dropped); the
        caller polls the returned process."""
        return subprocess.Popen(['ip', 'netns', 'exec', namespace] + list(argv),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def wait_link(self, device, timeout=5.0, interval=0.1):
        """Whether ``device`` shows up in the root namespace within ``timeout``
        (Open vSwitch creates an internal port's device after its commit)."""
        deadline = time.monotonic() + timeout
        while not self.link_in(device):
            if time.monotonic() > deadline:
                return False
            time.sleep(interval)
        return True
