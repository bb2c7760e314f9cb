"""The L3 agent's logic: one ``qrouter-<id>`` namespace per router.

Every router the conductor's ``sync_routers`` returns is served here: the
routers bound to this host's L3 agent (the conductor schedules each router
to one L3 agent; a router moved to another agent stops being returned and
is taken down here). A
router's :mod:`.plan` is applied idempotently: namespace, ``qr-``/``qg-``
OVS internal ports (the Open vSwitch agent tags them like any port), their
addresses, routes, the ``nat`` table with ``iptables-restore``, a
gratuitous ARP for a newly served floating IP, the namespace metadata
proxy. A router that is administratively down keeps its namespace with its
devices plugged but down, and serves nothing (:mod:`.plan`). Floating IP
statuses that changed are reported. ``routers_updated``
and ``router_deleted`` fanouts are applied as they arrive; a full resync
runs at start and every ``resync_interval`` (routers the conductor no
longer returns, and stale ``qrouter-`` namespaces, are removed).
"""

import os
import shutil
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from common import context as alto_context
from services.network.agents.l3 import plan as plan_mod
from services.network.agents.metadata import process as proxy_process

LOG = logging.getLogger(__name__)
AGENT_TYPE = 'L3 agent'
BINARY = 'neutron-l3-agent'


class L3Agent:
    target = messaging.Target(namespace='alto-l3-agent-local', version='1.0')

    def __init__(self, plugin, ovs, ip, host, state_dir, bridge='br-int',
                 metadata_socket=None, metadata_port=9697, resync_interval=30,
                 arping='arping', context=None, proxy_class=proxy_process.ProxyProcess):
        self.plugin = plugin
        self.ovs = ovs
        self.ip = ip
        self.host = host
        self.state_dir = state_dir
        self.bridge = bridge
        self.metadata_socket = metadata_socket
        self.metadata_port = metadata_port if metadata_socket else None
        self.arping = arping
        self.context = context or alto_context.get_admin_context()
        self.proxy_class = proxy_class
        #: router id -> {'plan', 'nat', 'proxy'}
        self.routers = {}
        self._resync = True
        self._start_flag = True
        self._arping_missing_logged = False
        self._garps = []  # running arping processes (each takes its second), reaped later
        self._lock = threading.Lock()
        self.periodic_tasks = [(self.periodic_sync, resync_interval)]

    # -- daemon hooks ---------------------------------------------------------------------
    def init_host(self):
        os.makedirs(self.state_dir, exist_ok=True)
        try:
            # Registered first: the conductor serves routers to known agents only.
            self.report_state()
        except Exception:
            LOG.exception('Reporting state failed; the heartbeat retries')
        with self._lock:
            self._sync_all()

    def report_state(self):
        # (a router being applied for the first time has no plan yet)
        plans = [e['plan'] for e in self.routers.values() if e['plan'] is not None]
        state = {
            'agent_type': AGENT_TYPE, 'binary': BINARY, 'host': self.host,
            'topic': 'l3_agent', 'start_flag': self._start_flag,
            'resources_synced': not self._resync,
            'configurations': {
                'agent_mode': 'legacy', 'routers': len(plans),
                'ex_gw_ports': sum(1 for p in plans if p.gateway),
                'interfaces': sum(len(p.internal) for p in plans),
                'floating_ips': sum(len(p.floating_ips) for p in plans),
                'handle_internal_only_routers': True, 'gateway_external_network_id': '',
                'external_network_bridge': '', 'log_agent_heartbeats': False}}
        self.plugin.report_state(self.context, state)
        self._start_flag = False

    # -- notifications (fanout from the conductor) -----------------------------------------
    def routers_updated(self, context, router_ids):
        with self._lock:
            self._sync(router_ids)

    def router_deleted(self, context, router_id):
        with self._lock:
            self._remove(router_id)

    # -- sync -------------------------------------------------------------------------------
    def periodic_sync(self):
        with self._lock:
            self._sync_all()

    def _sync_all(self):
        try:
            routers = self.plugin.sync_routers(self.context, self.host)
        except Exception:
            LOG.exception('Full router sync failed; retrying')
            self._resync = True
            return
        wanted = set()
        failed = False
        for router in routers:
            wanted.add(router['id'])
            failed |= not self._process(router)
        for router_id in sorted(set(self.routers) - wanted):
            self._remove(router_id)
        for name in sorted(self.ip.namespaces()):
            if name.startswith(plan_mod.NS_PREFIX) and \
                    name[len(plan_mod.NS_PREFIX):] not in wanted:
                self._remove(name[len(plan_mod.NS_PREFIX):])
        self._resync = failed

    def _sync(self, router_ids):
        try:
            routers = self.plugin.sync_routers(self.context, self.host, router_ids=router_ids)
        except Exception:
            LOG.exception('Reading routers %s failed; the next full sync retries',
                          router_ids)
            self._resync = True
            return
        found = {r['id'] for r in routers}
        for router in routers:
            if not self._process(router):
                self._resync = True
        # Deleted (or no longer this agent's): not served.
        for router_id in sorted(set(router_ids) - found):
            self._remove(router_id)

    # -- one router -------------------------------------------------------------------------
    def _process(self, router):
        """Apply one router; False when it failed (its floating IPs go ERROR)."""
        plan = plan_mod.build(router)
        try:
            self._apply(plan)
        except Exception:
            LOG.exception('Router %s failed; retrying at the next sync', plan.router_id)
            self._report_fips(router, {fid: 'ERROR' for fid, status in
                                       plan.fip_statuses.items() if status == 'ACTIVE'})
            return False
        self._report_fips(router, plan.fip_statuses)
        return True

    def _apply(self, plan):
        entry = self.routers.setdefault(plan.router_id, {'plan': None, 'nat': None,
                                                         'proxy': None})
        ns = plan.namespace
        fresh = ns not in self.ip.namespaces()
        self.ip.ensure_namespace(ns)
        self.ip.enable_forwarding(ns, plan.enabled)
        present = self.ip.devices(ns)
        wanted = {d.name for d in plan.devices}
        for name in sorted(present - wanted):
            if name.startswith((plan_mod.INTERNAL_PREFIX, plan_mod.GATEWAY_PREFIX)):
                self._unplug(ns, name)
        for device in plan.devices:
            self._plug(ns, device, present, plan.enabled)
        self._routes(plan)
        nat = plan_mod.nat_table(plan, self.metadata_port)
        if fresh or nat != entry['nat']:
            self.ip.in_namespace(ns, ['iptables-restore'], stdin=nat)
            entry['nat'] = nat
        self._announce(plan, entry['plan'], fresh)
        if self.metadata_port and plan.enabled:
            if entry['proxy'] is None:
                entry['proxy'] = self._proxy(plan.router_id)
            entry['proxy'].ensure()
        elif self.metadata_port and (entry['proxy'] is not None or entry['plan'] is None):
            # Went down, or found down at start (an earlier agent's proxy may run).
            (entry['proxy'] or self._proxy(plan.router_id)).stop()
            entry['proxy'] = None
        if plan != entry['plan']:
            LOG.info('Router %s%s: %d interfaces, gateway %s, %d floating IPs, SNAT %s',
                     plan.router_id, '' if plan.enabled else ' (administratively down)',
                     len(plan.internal), plan.gateway.name if plan.gateway else None,
                     len(plan.floating_ips), 'on' if plan.snat_sources else 'off')
        entry['plan'] = plan

    def _proxy(self, router_id):
        return self.proxy_class('router', router_id, plan_mod.namespace(router_id),
                                self._router_dir(router_id), self.metadata_socket,
                                self.metadata_port)

    def _plug(self, ns, device, present, up=True):
        if device.name not in present:
            # Left in the root namespace by an interrupted run: start over.
            self.ovs.del_port(device.name)
            self.ovs.add_internal_port(self.bridge, device.name, device.port_id, device.mac)
            if not self.ip.wait_link(device.name):
                raise RuntimeError('Open vSwitch made no device %s' % device.name)
            self.ip.move_to(device.name, ns)
        self.ip.configure(ns, device.name, device.mac, device.cidrs, device.mtu, up=up)

    def _unplug(self, ns, name):
        self.ovs.del_port(name)
        self.ip.in_namespace(ns, ['ip', 'link', 'del', name], check=False)

    def _routes(self, plan):
        ns = plan.namespace
        wanted = set(plan.routes)
        for destination, nexthop in sorted(self.ip.gateway_routes(ns) - wanted):
            self.ip.delete_route(ns, destination, nexthop)
        # The default route first: extra routes' next hops may be behind it.
        for destination, nexthop in plan.routes:
            try:
                self.ip.replace_route(ns, destination, nexthop)
            except RuntimeError:
                if destination == '0.0.0.0/0':
                    raise
                # An extra route whose next hop is on no interface (yet): skipped.
                LOG.warning('Router %s: route %s via %s not reachable', plan.router_id,
                            destination, nexthop)

    def _announce(self, plan, before, fresh):
        """Gratuitous ARP for the floating IPs this pass started serving."""
        if plan.gateway is None:
            return
        self._garps = [p for p in self._garps if p.poll() is None]
        old = set() if fresh or before is None else {f.floating for f in before.floating_ips}
        new = [f.floating for f in plan.floating_ips if f.floating not in old]
        if not new:
            return
        if shutil.which(self.arping) is None:
            if not self._arping_missing_logged:
                LOG.info('%s is not installed: no gratuitous ARP for floating IPs',
                         self.arping)
                self._arping_missing_logged = True
            return
        for address in new:
            self._garps.append(self.ip.spawn_in(
                plan.namespace, [self.arping, '-U', '-I', plan.gateway.name, '-c', '1',
                                 address]))

    def _report_fips(self, router, statuses):
        known = {f['id']: f.get('status') for f in router.get('_floatingips') or []}
        changed = {fid: status for fid, status in statuses.items()
                   if known.get(fid) != status}
        if not changed:
            return
        try:
            self.plugin.update_floatingip_statuses(self.context, router['id'], changed)
        except Exception:
            LOG.exception('Reporting floating IP statuses of router %s failed', router['id'])

    def _router_dir(self, router_id):
        return os.path.join(self.state_dir, router_id)

    def _remove(self, router_id):
        entry = self.routers.pop(router_id, None)
        if entry and entry['plan'] and entry['plan'].floating_ips:
            # Served here until now (the router went admin-down, say): no longer.
            try:
                self.plugin.update_floatingip_statuses(
                    self.context, router_id, {f.id: 'DOWN' for f in entry['plan'].floating_ips})
            except Exception:
                LOG.exception('Reporting floating IP statuses of router %s failed', router_id)
        ns = plan_mod.namespace(router_id)
        proxy = entry and entry['proxy']
        if proxy is None and self.metadata_port:
            proxy = self._proxy(router_id)
        if proxy is not None:
            proxy.stop()
        if ns in self.ip.namespaces():
            for name in sorted(self.ip.devices(ns)):
                if name.startswith((plan_mod.INTERNAL_PREFIX, plan_mod.GATEWAY_PREFIX)):
                    self._unplug(ns, name)
            self.ip.delete_namespace(ns)
            LOG.info('Router %s removed', router_id)
        shutil.rmtree(self._router_dir(router_id), ignore_errors=True)
