"""An in-memory stand-in for :class:`~.ovsdb.Ovsdb` (unit tests)."""

from services.network.agents.ovs import ovsdb


class FakeOvsdb:
    def __init__(self):
        self.bridges = {}  # name -> datapath_type
        self.ports = {}  # name -> {'bridge', 'tag', 'iface_id', 'mac', 'ofport', 'type'}
        self._next_ofport = 1

    def ensure_bridge(self, name, datapath_type):
        self.bridges.setdefault(name, datapath_type)

    def bridge_exists(self, name):
        return name in self.bridges

    def plug(self, bridge, name, iface_id, mac=None, kind='', tag=None):
        """What libvirt does for a guest NIC (tests only)."""
        self.ports[name] = {'bridge': bridge, 'tag': tag, 'iface_id': iface_id, 'mac': mac,
                            'ofport': self._next_ofport, 'type': kind}
        self._next_ofport += 1

    def iface_ports(self, bridge):
        return {p['iface_id']: {'name': name, 'tag': p['tag'], 'ofport': p['ofport'],
                                'mac': p['mac']}
                for name, p in self.ports.items() if p['bridge'] == bridge and p['iface_id']}

    def set_tag(self, port_name, tag):
        self.ports[port_name]['tag'] = tag

    def add_internal_port(self, bridge, name, iface_id, mac):
        if name not in self.ports:
            self.plug(bridge, name, iface_id, mac, kind='internal', tag=ovsdb.DEAD_VLAN)

    def del_port(self, name):
        self.ports.pop(name, None)

    def add_patch_port(self, bridge, name, peer):
        if name not in self.ports:
            self.plug(bridge, name, None, kind='patch')
        self.ports[name]['peer'] = peer

    def add_tunnel_port(self, bridge, name, tunnel_type, options):
        if name not in self.ports:
            self.plug(bridge, name, None, kind=tunnel_type)
        self.ports[name]['options'] = dict(options)

    def ofport(self, name):
        port = self.ports.get(name)
        return port['ofport'] if port else None


class FakeOfctl:
    """An in-memory stand-in for :class:`~.ofctl.Ofctl`: flows per bridge."""

    def __init__(self):
        self.flows = {}  # bridge -> {match: actions}

    def add_flow(self, bridge, match, actions):
        self.flows.setdefault(bridge, {})[match] = actions

    def del_flows(self, bridge, match):
        self.flows.get(bridge, {}).pop(match, None)
