"""The Open vSwitch agent's logic: wires the ports of ``br-int`` to their networks.

Every port on the integration bridge whose interface carries
``external_ids:iface-id`` (libvirt sets it from the domain's
``<virtualport><parameters interfaceid=...>``; the DHCP and L3 agents set it
on their internal ports) is a network port. The agent asks the conductor for
its details, gives it the local VLAN tag of its network (one tag per
network on this host, from 1 to 4094; ports not wired to a network sit in
VLAN 4095, which nothing else uses) and reports it up (the port's status
becomes ACTIVE) or down. The agent keeps its state in memory only: after a
restart the first scan is a full resync, which keeps the tags it finds when
they are consistent so the traffic of running guests does not flap.
"""

import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from common import context as alto_context
from services.network.agents.ovs import ovsdb

LOG = logging.getLogger(__name__)
AGENT_TYPE = 'Open vSwitch agent'
# The APIs show OpenStack's binary names (clients filter on them).
BINARY = 'neutron-openvswitch-agent'
MIN_VLAN, MAX_VLAN = 1, 4094


class LocalVlans:
    """network id <-> local VLAN tag on this host."""

    def __init__(self):
        self.by_network = {}

    def get(self, network_id, wanted=None):
        """The tag of ``network_id``, allocated on first use (``wanted``
        when it is free: a tag found on the bridge after a restart)."""
        tag = self.by_network.get(network_id)
        if tag is not None:
            return tag
        used = set(self.by_network.values())
        if wanted is not None and MIN_VLAN <= wanted <= MAX_VLAN and wanted not in used:
            tag = wanted
        else:
            tag = next((t for t in range(MIN_VLAN, MAX_VLAN + 1) if t not in used), None)
            if tag is None:
                raise RuntimeError('No local VLAN left on this host')
        self.by_network[network_id] = tag
        return tag

    def release(self, network_id):
        self.by_network.pop(network_id, None)


class OVSAgent:
    """Manager of alto-ovs-agent (see :class:`common.service.RPCService`).

    Notifications reach it through
    :class:`services.network.agents.rpc.notifications.AgentNotificationEndpoint`;
    its own target's namespace matches no message, so only that endpoint
    dispatches to it.
    """

    target = messaging.Target(namespace='alto-ovs-agent-local', version='1.0')

    def __init__(self, ovs, plugin, host, bridge='br-int', datapath_type='netdev',
                 polling_interval=2, context=None, firewall=None, provider=None,
                 tunnels=None):
        self.ovs = ovs
        #: :class:`~.provider.ProviderBridges` of ``[ovs] bridge_mappings`` (or None)
        self.provider = provider
        #: :class:`~.tunnel.TunnelBridge` of ``[ovs] local_ip`` (or None)
        self.tunnels = tunnels
        #: what turns a network's local VLAN into its segment: both hooks above
        self.segment_bridges = [b for b in (provider, tunnels) if b is not None]
        self.plugin = plugin
        self.host = host
        self.bridge = bridge
        self.datapath_type = datapath_type
        self.agent_id = 'ovs-agent-%s' % host
        self.context = context or alto_context.get_admin_context()
        self.vlans = LocalVlans()
        #: port id -> {'name', 'network_id', 'tag', 'up'} of the ports handled so far
        self.wired = {}
        self._updated = set()
        #: port ids to report up / down at the end of this pass (one call for all)
        self._report = {'up': [], 'down': []}
        #: ports gone from the bridge whose DOWN the conductor has not taken yet
        self._down_again = set()
        self._resync = True
        self._start_flag = True
        self._lock = threading.Lock()
        self.periodic_tasks = [(self.scan, polling_interval)]
        #: security groups in OpenFlow (agents/ovs/firewall.py); None: no filtering
        self.firewall = firewall

    # -- daemon hooks ---------------------------------------------------------------------
    def init_host(self):
        self.ovs.ensure_bridge(self.bridge, self.datapath_type)
        LOG.info('Integration bridge %s (%s datapath) ready', self.bridge, self.datapath_type)
        self._setup_segment_bridges()

    def report_state(self):
        state = {
            'agent_type': AGENT_TYPE, 'binary': BINARY, 'host': self.host, 'topic': 'N/A',
            'start_flag': self._start_flag, 'resources_synced': not self._resync,
            'configurations': {
                'integration_bridge': self.bridge, 'datapath_type': self.datapath_type,
                'devices': len(self.wired),
                'bridge_mappings': self.provider.mappings if self.provider else {},
                'tunnel_types': ['vxlan'] if self.tunnels else [],
                'tunneling_ip': self.tunnels.local_ip if self.tunnels else None,
                'l2_population': False, 'arp_responder_enabled': False,
                'enable_distributed_routing': False, 'log_agent_heartbeats': False,
                'ovs_hybrid_plug': False, 'in_distributed_mode': False}}
        self.plugin.report_state(self.context, state)
        self._start_flag = False
        if self.tunnels is not None:
            self._sync_tunnels()

    # -- notifications (fanout from the conductor) -----------------------------------------
    def port_update(self, context, port):
        """Rewire a port of this bridge whose network or admin state changed
        (its status, which this agent sets, is no news)."""
        self._to_firewall('port_update', port)
        with self._lock:
            entry = self.wired.get(port['id'])
            if entry is None:
                return  # not on this bridge (yet): the scan finds it
            wanted_up = bool(port.get('admin_state_up', True))
            if port.get('network_id') != entry['network_id'] or wanted_up != entry['up']:
                self._updated.add(port['id'])

    def port_delete(self, context, port_id, network_id):
        self._to_firewall('port_delete', port_id)
        with self._lock:
            entry = self.wired.get(port_id)
            if entry is not None and entry.get('network_id'):
                self.ovs.set_tag(entry['name'], ovsdb.DEAD_VLAN)
                entry.update(network_id=None, tag=ovsdb.DEAD_VLAN, up=False)

    def network_delete(self, context, network_id):
        with self._lock:
            if not any(e.get('network_id') == network_id for e in self.wired.values()):
                self.vlans.release(network_id)

    def _setup_segment_bridges(self):
        for segment_bridge in self.segment_bridges:
            segment_bridge.setup()

    def _sync_tunnels(self):
        """The other hosts' tunnel endpoints (ours made known to them), after
        every heartbeat: the conductor knows this host by then, and a fanout
        missed while an agent was starting is made up for."""
        endpoints = self.plugin.tunnel_sync(self.context, self.tunnels.local_ip, 'vxlan',
                                            self.host)
        with self._lock:
            self.tunnels.set_endpoints(endpoints)

    def tunnel_update(self, context, tunnel_ip, tunnel_type, host=None):
        """Fanout: an Open vSwitch agent reports a tunnel endpoint."""
        if self.tunnels is not None and tunnel_type == 'vxlan' and host != self.host:
            with self._lock:
                self.tunnels.add_endpoint(tunnel_ip)

    def tunnel_delete(self, context, tunnel_ip, tunnel_type):
        """Fanout: a host's agent was deleted; its tunnel goes."""
        if self.tunnels is not None and tunnel_type == 'vxlan':
            with self._lock:
                self.tunnels.remove_endpoint(tunnel_ip)

    # -- the scan ---------------------------------------------------------------------------
    def scan(self):
        """One pass over the bridge: wire new and updated ports, report the
        ones that went away; a failed pass makes the next one a full resync."""
        with self._lock:
            try:
                self._scan()
            except Exception:
                self._resync = True
                raise

    def _scan(self):
        if self._resync:
            # Open vSwitch may have been restarted with a fresh database.
            self.ovs.ensure_bridge(self.bridge, self.datapath_type)
            self._setup_segment_bridges()
        current = self.ovs.iface_ports(self.bridge)
        if self._resync:
            LOG.info('Full resync of %d ports on %s', len(current), self.bridge)
            self.wired = {}
            # A failed pass's ups are reported again by this one; its downs stay.
            self._report['up'] = []
        # An interface libvirt or QEMU has not finished (ofport -1) waits a pass.
        ready = {pid: p for pid, p in current.items() if p['ofport'] not in (None, -1)}
        # A guest restarted between two passes (a hard reboot) is a new OVS port with
        # the same port id and no tag: wired again as new, its network kept.
        for port_id in self._replugged(ready):
            LOG.info('Port %s came back as %s', port_id, ready[port_id]['name'])
            del self.wired[port_id]
        added = set(ready) - set(self.wired)
        removed = set(self.wired) - set(current)
        updated = (self._updated & set(ready)) - added
        self._updated -= updated | added
        for port_id in sorted(removed):
            self._unwire(port_id)
        todo = sorted(added | updated)
        if todo:
            details = self.plugin.get_devices_details_list(self.context, todo, self.agent_id,
                                                           self.host)
            for item in details:
                self._wire(item, ready[item['device']])
        self._report_devices()
        self._sync_firewall(ready, added | updated)
        self._resync = False

    def _replugged(self, ready):
        return sorted(pid for pid, port in ready.items()
                      if pid in self.wired and (port['name'], port['ofport']) !=
                      (self.wired[pid]['name'], self.wired[pid].get('ofport')))

    def _wire(self, details, port):
        port_id = details['device']
        network_id = details.get('network_id')
        entry = self.wired.setdefault(port_id, {'name': port['name'], 'network_id': None,
                                                'tag': port['tag'], 'up': False})
        entry['name'], entry['ofport'] = port['name'], port['ofport']
        if network_id is None:
            # Not a port of this cloud (or deleted): keep it away from every network.
            self._set_tag(entry, ovsdb.DEAD_VLAN)
            entry['network_id'] = None
            return
        if entry['network_id'] and entry['network_id'] != network_id:
            self._maybe_release(entry['network_id'], port_id)
        entry['network_id'] = network_id
        if not details.get('admin_state_up', True):
            self._set_tag(entry, ovsdb.DEAD_VLAN)
            if entry['up'] or self._resync:
                self._report['down'].append(port_id)
            entry['up'] = False
            return
        self._set_tag(entry, self.vlans.get(network_id, wanted=port['tag']))
        for segment_bridge in self.segment_bridges:
            segment_bridge.network_wired(network_id, entry['tag'], details)
        self._report['up'].append(port_id)
        entry['up'] = True
        LOG.info('Port %s (%s) wired to network %s, VLAN %s', port_id, port['name'],
                 network_id, entry['tag'])

    def _set_tag(self, entry, tag):
        if entry.get('tag') != tag:
            self.ovs.set_tag(entry['name'], tag)
            entry['tag'] = tag

    def _unwire(self, port_id):
        entry = self.wired.pop(port_id)
        if entry.get('network_id'):
            self._maybe_release(entry['network_id'], port_id)
            self._report['down'].append(port_id)
            LOG.info('Port %s left %s', port_id, self.bridge)

    def _report_devices(self):
        """Tell the conductor, in one call, which ports of this pass are up and
        which down (a resync after a restart reports every port: one call
        per port made it wait a round trip each).  The ones it could not
        take are reported again on the next pass."""
        up = self._report['up']
        down = sorted((set(self._report['down']) | self._down_again) - set(up))
        self._report = {'up': [], 'down': []}
        if not up and not down:
            return
        try:
            result = self.plugin.update_device_list(self.context, up, down, self.agent_id,
                                                    self.host)
        except Exception:
            # The failed pass makes the next one a full resync, which reports
            # every port on the bridge again; the ones gone are kept here.
            self._down_again = {d for d in down if d not in self.wired}
            raise
        self._down_again = set()
        for port_id in result.get('failed_devices_up', []):
            entry = self.wired.get(port_id)
            if entry is not None:
                entry['up'] = False
                self._updated.add(port_id)
        # Gone or set down by its admin, a port's DOWN goes with the next call.
        self._down_again = set(result.get('failed_devices_down', []))
        failed = result.get('failed_devices_up', []) + result.get('failed_devices_down', [])
        if failed:
            LOG.warning('The conductor could not take the status of ports %s; they are '
                        'reported again', ', '.join(failed))

    def _maybe_release(self, network_id, leaving):
        if not any(e.get('network_id') == network_id
                   for pid, e in self.wired.items() if pid != leaving):
            self.vlans.release(network_id)
            for segment_bridge in self.segment_bridges:
                segment_bridge.network_released(network_id)

    # -- security groups: the flows come from agents/ovs/firewall.py ------------------------
    def _sync_firewall(self, ready, changed):
        if self.firewall is None:
            return
        live = {pid: {'ofport': ready[pid]['ofport'], 'tag': e['tag']}
                for pid, e in self.wired.items()
                if pid in ready and e.get('network_id') and e['tag'] != ovsdb.DEAD_VLAN}
        try:
            self.firewall.sync(live, changed, full=self._resync)
        except Exception:  # the firewall retries in full at the next scan, the wiring stands
            LOG.exception('Firewall flows on %s failed', self.bridge)

    def _to_firewall(self, name, *args):
        if self.firewall is None:
            return
        try:
            getattr(self.firewall, name)(*args)
        except Exception:  # the firewall asked for a full resync at the next scan
            LOG.exception('Firewall update on %s failed', name)

    def security_groups_rule_updated(self, context, security_groups):
        self._to_firewall('security_groups_rule_updated', security_groups)

    def security_groups_member_updated(self, context, security_groups):
        self._to_firewall('security_groups_member_updated', security_groups)

    def local_vlan(self, network_id):
        """The tag of ``network_id`` on this host, or None (tests, DHCP)."""
        return self.vlans.by_network.get(network_id)
