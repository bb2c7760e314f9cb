"""OpenFlow flows through ``ovs-ofctl`` (the flows of the provider bridges).

One flow is named by its match, priority included (``priority=4,in_port=2,
dl_vlan=3``): adding it again replaces its actions, deleting it is a strict
delete of that match, so both are idempotent. Unit tests use
:class:`services.network.agents.ovs.fake.FakeOfctl`.
"""

from services.network.agents import linux


class Ofctl:
    def __init__(self, runner=linux.run):
        self.run = runner

    def add_flow(self, bridge, match, actions):
        self.run(['ovs-ofctl', 'add-flow', bridge, '%s,actions=%s' % (match, actions)])

    def del_flows(self, bridge, match):
        self.run(['ovs-ofctl', '--strict', 'del-flows', bridge, match], check=False)
