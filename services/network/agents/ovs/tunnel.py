"""VXLAN tenant networks between hosts on the Open vSwitch agent: ``br-tun``.

With ``[ovs] local_ip`` set the agent makes a tunnel bridge (the integration
bridge's datapath type) joined to ``br-int`` by a patch pair (``patch-tun`` /
``patch-int``) and one VXLAN port per other host, ``vxlan-<hex of its
address>`` with ``remote_ip``, ``local_ip`` and ``key=flow``. The other
hosts' addresses are the ``tunneling_ip`` other Open vSwitch agents report
(``tunnel_sync`` after every heartbeat, ``tunnel_update`` /
``tunnel_delete`` fanouts as hosts come and go). Per VXLAN network with a
port on this host: frames leaving ``br-int`` with the network's local VLAN
lose the tag, get the VNI and go to every tunnel port; frames arriving with
that VNI get the local VLAN and go to ``br-int``. Anything else is dropped,
so networks stay apart and nothing but tenant VXLAN networks crosses.

On the userspace datapath (``netdev``) Open vSwitch routes the encapsulated
packets itself: ``local_ip`` must be an address on a bridge of the same
Open vSwitch (the operator's ``br-phy`` with the uplink as a port), where it
finds the route and the peers' ARP entries.

Flow priorities on br-tun: 2 the per-network translations, 0 drop.
"""

import time

from oslo_log import log as logging

from services.network.agents.ovs import provider

LOG = logging.getLogger(__name__)
INT_PATCH, TUN_PATCH = 'patch-tun', 'patch-int'


def port_name(remote_ip):
    """``vxlan-c0000202`` for 192.0.2.2 (fits IFNAMSIZ)."""
    return 'vxlan-%s' % ''.join('%02x' % int(part) for part in remote_ip.split('.'))


def translation_flows(vni, tag, patch_ofport, tunnel_ofports):
    """``(outbound, inbound)`` as ``(match, actions)`` for one network on br-tun."""
    out_actions = 'strip_vlan,set_tunnel:%d,%s' % (
        vni, ','.join('output:%d' % p for p in sorted(tunnel_ofports))) \
        if tunnel_ofports else 'drop'
    return (('priority=2,in_port=%d,dl_vlan=%d' % (patch_ofport, tag), out_actions),
            ('priority=2,tun_id=%d' % vni,
             'mod_vlan_vid:%d,output:%d' % (tag, patch_ofport)))


class TunnelBridge:
    def __init__(self, ovs, ofctl, local_ip, integration_bridge, bridge='br-tun',
                 datapath_type='netdev', clock=time.monotonic, sleep=time.sleep):
        self.ovs = ovs
        self.ofctl = ofctl
        self.local_ip = local_ip
        self.integration_bridge = integration_bridge
        self.bridge = bridge
        self.datapath_type = datapath_type
        self.clock = clock
        self.sleep = sleep
        self.patch_ofport = None
        #: remote ip -> ofport of its VXLAN port
        self.tunnels = {}
        #: network id -> (vni, tag) of the VXLAN networks with a port here
        self.networks = {}
        #: network id -> the outbound / inbound matches installed
        self._installed = {}

    def _ofport(self, name):
        return provider.wait_for_ofport(self.ovs, name, self.clock, self.sleep)

    def setup(self):
        """The bridge, its patch to br-int, the drop flow, and again the
        tunnels and networks known (Open vSwitch may have restarted)."""
        self.ovs.ensure_bridge(self.bridge, self.datapath_type)
        self.ovs.add_patch_port(self.integration_bridge, INT_PATCH, TUN_PATCH)
        self.ovs.add_patch_port(self.bridge, TUN_PATCH, INT_PATCH)
        self.patch_ofport = self._ofport(TUN_PATCH)
        self.ofctl.add_flow(self.bridge, 'priority=0', 'drop')
        remotes, self.tunnels = sorted(self.tunnels), {}
        for remote in remotes:
            self._add_tunnel(remote)
        self._installed = {}
        self._reflow(sorted(self.networks))

    # -- tunnels ------------------------------------------------------------------------
    def _add_tunnel(self, remote_ip):
        name = port_name(remote_ip)
        self.ovs.add_tunnel_port(self.bridge, name, 'vxlan', {
            'remote_ip': remote_ip, 'local_ip': self.local_ip, 'key': 'flow',
            'dst_port': '4789'})
        self.tunnels[remote_ip] = self._ofport(name)
        LOG.info('VXLAN tunnel %s to %s', name, remote_ip)

    def set_endpoints(self, remote_ips):
        """Tunnels to exactly ``remote_ips`` (other hosts' ``tunneling_ip``)."""
        wanted = {ip for ip in remote_ips if ip and ip != self.local_ip}
        changed = False
        for remote in sorted(set(self.tunnels) - wanted):
            self.remove_endpoint(remote, reflow=False)
            changed = True
        for remote in sorted(wanted - set(self.tunnels)):
            self._add_tunnel(remote)
            changed = True
        if changed:
            self._reflow(sorted(self.networks))

    def add_endpoint(self, remote_ip):
        if remote_ip and remote_ip != self.local_ip and remote_ip not in self.tunnels:
            self._add_tunnel(remote_ip)
            self._reflow(sorted(self.networks))

    def remove_endpoint(self, remote_ip, reflow=True):
        if self.tunnels.pop(remote_ip, None) is None:
            return
        self.ovs.del_port(port_name(remote_ip))
        LOG.info('VXLAN tunnel to %s removed', remote_ip)
        if reflow:
            self._reflow(sorted(self.networks))

    # -- networks (the agent's hooks) ----------------------------------------------------
    def network_wired(self, network_id, tag, details):
        if details.get('network_type') != 'vxlan' or not details.get('segmentation_id'):
            return
        wanted = (details['segmentation_id'], tag)
        if self.networks.get(network_id) == wanted:
            return
        self.network_released(network_id)
        self.networks[network_id] = wanted
        self._reflow([network_id])
        LOG.info('Network %s (VXLAN %d) is local VLAN %d on %s', network_id, wanted[0], tag,
                 self.integration_bridge)

    def network_released(self, network_id):
        self.networks.pop(network_id, None)
        for match in self._installed.pop(network_id, ()):
            self.ofctl.del_flows(self.bridge, match)

    def _reflow(self, network_ids):
        """(Re)install the translations of ``network_ids`` for the current tunnels."""
        if self.patch_ofport is None:
            return  # before setup: setup installs them
        for network_id in network_ids:
            vni, tag = self.networks[network_id]
            flows = translation_flows(vni, tag, self.patch_ofport, self.tunnels.values())
            for match, actions in flows:
                self.ofctl.add_flow(self.bridge, match, actions)
            self._installed[network_id] = [match for match, _ in flows]
