"""Provider (physical) networks on the Open vSwitch agent: ``[ovs] bridge_mappings``.

Each mapping ``physnet:br-ex`` gives a bridge of its own (created with the
integration bridge's datapath type) joined to the integration bridge by a
patch-port pair, ``int-br-ex`` on br-int and ``phy-br-ex`` on br-ex. Traffic
of a flat or VLAN network on that physical network leaves br-int tagged with
the network's local VLAN; on br-ex it becomes the segment's own encoding
(untagged for flat, the segmentation id for vlan), and the way back is
translated the other way. Frames of any other VLAN are dropped at both ends
of the patch, so tenant networks never reach the physical bridge.

Flow priorities: 4/3 the per-network translations, 2 the drop of whatever
else crosses the patch, 0 the bridges' NORMAL switching.
"""

import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)
IFNAMSIZ = 15
PATCH_WAIT = 10  # seconds Open vSwitch may take to number a new patch port


def parse_mappings(entries):
    """``['physnet:br-ex', ...]`` -> ``{'physnet': 'br-ex'}``; ValueError on a bad entry."""
    mappings = {}
    for entry in entries or []:
        physnet, sep, bridge = entry.strip().partition(':')
        physnet, bridge = physnet.strip(), bridge.strip()
        if not sep or not physnet or not bridge:
            raise ValueError('Bad bridge mapping %r: expected physnet:bridge' % entry)
        if physnet in mappings:
            raise ValueError('Physical network %s is mapped twice' % physnet)
        if bridge in mappings.values():
            raise ValueError('Bridge %s is mapped twice' % bridge)
        mappings[physnet] = bridge
    return mappings


def patch_names(bridge):
    """``(name on br-int, name on the physical bridge)``."""
    return ('int-' + bridge)[:IFNAMSIZ], ('phy-' + bridge)[:IFNAMSIZ]


def translation_flows(network_type, segmentation_id, tag, int_ofport, phy_ofport):
    """``{'int': (match, actions), 'phy': (match, actions)}`` for one network."""
    if network_type == 'flat':
        inbound = 'priority=3,in_port=%d,vlan_tci=0x0000/0x1fff' % int_ofport
        outbound_actions = 'strip_vlan,NORMAL'
    else:
        inbound = 'priority=3,in_port=%d,dl_vlan=%d' % (int_ofport, segmentation_id)
        outbound_actions = 'mod_vlan_vid:%d,NORMAL' % segmentation_id
    return {'int': (inbound, 'mod_vlan_vid:%d,NORMAL' % tag),
            'phy': ('priority=4,in_port=%d,dl_vlan=%d' % (phy_ofport, tag),
                    outbound_actions)}


def wait_for_ofport(ovs, name, clock=time.monotonic, sleep=time.sleep):
    """The OpenFlow number Open vSwitch gives a new port (it takes a moment)."""
    deadline = clock() + PATCH_WAIT
    while True:
        ofport = ovs.ofport(name)
        if ofport is not None:
            return ofport
        if clock() > deadline:
            raise RuntimeError('Open vSwitch gave port %s no OpenFlow number' % name)
        sleep(0.2)


class ProviderBridges:
    def __init__(self, ovs, ofctl, mappings, integration_bridge, datapath_type='netdev',
                 clock=time.monotonic, sleep=time.sleep):
        self.ovs = ovs
        self.ofctl = ofctl
        self.mappings = dict(mappings)
        self.integration_bridge = integration_bridge
        self.datapath_type = datapath_type
        self.clock = clock
        self.sleep = sleep
        #: physnet -> (int ofport, phy ofport)
        self.ofports = {}
        #: network id -> (physnet, flows) installed
        self.bound = {}

    def setup(self):
        """Bridges, patch ports and the base flows (again after a restart of
        Open vSwitch: the flows of bound networks are put back too)."""
        for physnet, bridge in sorted(self.mappings.items()):
            int_name, phy_name = patch_names(bridge)
            self.ovs.ensure_bridge(bridge, self.datapath_type)
            self.ovs.add_patch_port(self.integration_bridge, int_name, phy_name)
            self.ovs.add_patch_port(bridge, phy_name, int_name)
            int_ofport, phy_ofport = self._ofport(int_name), self._ofport(phy_name)
            self.ofports[physnet] = (int_ofport, phy_ofport)
            self.ofctl.add_flow(bridge, 'priority=0', 'NORMAL')
            self.ofctl.add_flow(bridge, 'priority=2,in_port=%d' % phy_ofport, 'drop')
            self.ofctl.add_flow(self.integration_bridge, 'priority=2,in_port=%d' % int_ofport,
                                'drop')
            LOG.info('Physical network %s on bridge %s (patch %s <-> %s)', physnet, bridge,
                     int_name, phy_name)
        bound, self.bound = self.bound, {}
        for network_id, (physnet, flows, key) in bound.items():
            self._install(network_id, physnet, *key)

    def _ofport(self, name):
        return wait_for_ofport(self.ovs, name, self.clock, self.sleep)

    def network_wired(self, network_id, tag, details):
        """A port of ``network_id`` got local VLAN ``tag``: translate it when
        the network is a flat or VLAN network on a mapped physical network."""
        physnet = details.get('physical_network')
        network_type = details.get('network_type')
        if network_type not in ('flat', 'vlan') or physnet not in self.ofports:
            return
        if network_type == 'vlan' and not details.get('segmentation_id'):
            return
        key = (network_type, details.get('segmentation_id'), tag)
        current = self.bound.get(network_id)
        if current is not None and current[0] == physnet and current[2] == key:
            return
        self.network_released(network_id)
        self._install(network_id, physnet, *key)

    def _install(self, network_id, physnet, network_type, segmentation_id, tag):
        int_ofport, phy_ofport = self.ofports[physnet]
        flows = translation_flows(network_type, segmentation_id, tag, int_ofport, phy_ofport)
        self.ofctl.add_flow(self.integration_bridge, *flows['int'])
        self.ofctl.add_flow(self.mappings[physnet], *flows['phy'])
        self.bound[network_id] = (physnet, flows, (network_type, segmentation_id, tag))
        LOG.info('Network %s (%s on %s) is local VLAN %d on %s', network_id, network_type,
                 physnet, tag, self.integration_bridge)

    def network_released(self, network_id):
        """No port of ``network_id`` is left on this host: its flows go."""
        entry = self.bound.pop(network_id, None)
        if entry is None:
            return
        physnet, flows, _ = entry
        self.ofctl.del_flows(self.integration_bridge, flows['int'][0])
        self.ofctl.del_flows(self.mappings[physnet], flows['phy'][0])
