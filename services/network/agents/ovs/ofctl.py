"""OpenFlow through ``ovs-ofctl``, in the two forms the agent needs.

:class:`OfctlBridge` applies bundles: a bundle (OpenFlow 1.4+) is applied
atomically by ovs-vswitchd, so a packet sees either every flow before it or
every flow after it, and replacing the flows of one port (``delete
cookie=C/-1`` then the new ``add`` lines) never opens a gap (the security
group flows). :class:`RecordingBridge` is the same verb over an in-memory
table for unit tests.

:class:`Ofctl` adds and deletes single flows named by their match, priority
included (``priority=4,in_port=2,dl_vlan=3``): adding one again replaces
its actions, deleting it is a strict delete of that match, so both are
idempotent (the provider bridges' VLAN translation). Unit tests use
:class:`services.network.agents.ovs.fake.FakeOfctl`.
"""

import subprocess

from oslo_log import log as logging

from services.network.agents import linux

LOG = logging.getLogger(__name__)
OPENFLOW = 'OpenFlow15'


def delete_cookie(cookie, mask=0xffffffffffffffff):
    return 'delete cookie=%#x/%#x' % (cookie, mask)


class OfctlBridge:
    def __init__(self, bridge, timeout=60):
        self.name = bridge
        self.timeout = timeout

    def bundle(self, lines):
        """Apply ``lines`` (each ``add <flow>`` or ``delete <match>``) as one
        atomic bundle; raises RuntimeError when ovs-vswitchd refuses it."""
        if not lines:
            return
        proc = subprocess.run(['ovs-ofctl', '-O', OPENFLOW, '--bundle', 'add-flows',
                               self.name, '-'], input='\n'.join(lines) + '\n',
                              capture_output=True, text=True, timeout=self.timeout,
                              check=False)
        if proc.returncode:
            raise RuntimeError('ovs-ofctl bundle on %s failed: %s' % (self.name,
                                                                      proc.stderr.strip()))


def _cookie_of(flow):
    for field in flow.split(','):
        if field.startswith('cookie='):
            return int(field.split('=', 1)[1], 16)
    return 0


class RecordingBridge:
    """Keeps the flows a bundle leaves on the bridge; records every bundle."""

    def __init__(self, name='br-int'):
        self.name = name
        self.flows = []
        self.bundles = []
        self.fail = False

    def bundle(self, lines):
        if self.fail:
            raise RuntimeError('ovs-vswitchd away')
        self.bundles.append(list(lines))
        flows = list(self.flows)
        for line in lines:
            verb, _, rest = line.partition(' ')
            if verb == 'add':
                flows.append(rest)
            elif verb == 'delete':
                value, _, mask = rest.split('=', 1)[1].partition('/')
                value, mask = int(value, 16), int(mask or '-1', 16) & 0xffffffffffffffff
                flows = [f for f in flows if _cookie_of(f) & mask != value & mask]
            else:
                raise ValueError(line)
        self.flows = flows

    def with_cookie(self, cookie):
        return [f for f in self.flows if _cookie_of(f) == cookie]


class Ofctl:
    def __init__(self, runner=linux.run):
        self.run = runner

    def add_flow(self, bridge, match, actions):
        self.run(['ovs-ofctl', 'add-flow', bridge, '%s,actions=%s' % (match, actions)])

    def del_flows(self, bridge, match):
        self.run(['ovs-ofctl', '--strict', 'del-flows', bridge, match], check=False)
