"""Security groups of the ports on the integration bridge, as OpenFlow
rules with conntrack (see :mod:`.firewall_flows` for the pipeline).

The OVS agent hands every scan's wired ports to :meth:`OVSFirewall.sync`
and forwards the conductor's fanouts (rule, membership and port changes),
after which the flows of the ports concerned are rebuilt at once, not at
the next scan. Each change is one ``ovs-ofctl`` bundle: a port's old flows
are deleted and its new ones added atomically. A full resync (agent start,
a failed bundle) replaces every firewall flow in one bundle too, and
conntrack is never flushed, so established connections the rules still
allow keep flowing through it.
"""

import threading
import time

from oslo_log import log as logging

from services.network.agents.ovs import firewall_flows as flows
from services.network.agents.ovs import ofctl

LOG = logging.getLogger(__name__)
#: Fields of a port that change its flows.
_PORT_FIELDS = ('mac_address', 'fixed_ips', 'allowed_address_pairs', 'port_security_enabled',
                'security_groups', 'device_owner')


def _fingerprint(port):
    ips = sorted(ip.get('ip_address', '') for ip in port.get('fixed_ips') or ())
    pairs = sorted((p.get('ip_address', ''), p.get('mac_address') or '')
                   for p in port.get('allowed_address_pairs') or ())
    return (port.get('mac_address'), tuple(ips), tuple(pairs),
            bool(port.get('port_security_enabled', True)),
            tuple(sorted(port.get('security_groups') or ())), port.get('device_owner'))


class OVSFirewall:
    def __init__(self, bridge, plugin, context):
        self.bridge = bridge  # ofctl.OfctlBridge or ofctl.RecordingBridge
        self.plugin = plugin
        self.context = context
        #: port id -> {'ofport', 'tag', 'details'} of the ports with flows
        self.ports = {}
        self.needs_full = True
        self._lock = threading.Lock()

    # -- from the agent's scan ---------------------------------------------------------------
    def sync(self, live, changed=(), full=False):
        """``live``: ``{port_id: {'ofport', 'tag'}}`` of the bridge's wired
        ports. Ports that left lose their flows; new, moved and ``changed``
        ones get theirs (all of them, in one bundle, when ``full``)."""
        with self._lock:
            start = time.monotonic()
            full = full or self.needs_full
            gone = set(self.ports) - set(live)
            todo = {pid for pid, where in live.items()
                    if full or pid in changed or self._moved(pid, where)}
            try:
                fetched = self._fetch(todo, live)
                if full:
                    self._apply_full(live, fetched, start)
                else:
                    self._apply(fetched, start, gone)
            except Exception:
                self.needs_full = True
                raise

    def _moved(self, port_id, where):
        known = self.ports.get(port_id)
        return known is None or (known['ofport'], known['tag']) != (where['ofport'],
                                                                    where['tag'])

    def _fetch(self, port_ids, live):
        """``{port_id: entry}`` with the conductor's details and rules; a port
        the conductor no longer knows gets no entry (its flows go)."""
        if not port_ids:
            return {}
        details = self.plugin.security_group_rules_for_devices(self.context,
                                                               sorted(port_ids))
        out = {}
        for port_id in port_ids:
            item = details.get(port_id)
            if item is None or not item.get('mac_address'):
                out[port_id] = None
                continue
            where = live[port_id]
            out[port_id] = {'ofport': where['ofport'], 'tag': where['tag'], 'details': item}
        return out

    @staticmethod
    def _flows(entry):
        port = dict(entry['details'], ofport=entry['ofport'], tag=entry['tag'],
                    zone=entry['ofport'] & 0xffff)
        return flows.port_flows(port)

    def _apply_full(self, live, fetched, start):
        ports = {pid: e for pid, e in fetched.items() if e is not None}
        lines = [ofctl.delete_cookie(flows.COOKIE_PREFIX, flows.COOKIE_MASK)]
        lines += ['add ' + f for f in flows.base_flows()]
        for port_id in sorted(ports):
            lines += ['add ' + f for f in self._flows(ports[port_id])]
        self.bridge.bundle(lines)
        self.ports = ports
        self.needs_full = False
        LOG.info('Firewall flows of %d ports rebuilt on %s (%d flows) in %.3f s', len(ports),
                 self.bridge.name, len(lines) - 1, time.monotonic() - start)

    def _apply(self, fetched, start, gone=()):
        lines = []
        for port_id in sorted(gone):
            lines.append(ofctl.delete_cookie(flows.port_cookie(self.ports[port_id]['ofport'])))
        for port_id, entry in sorted(fetched.items()):
            old = self.ports.get(port_id)
            if old is not None:
                lines.append(ofctl.delete_cookie(flows.port_cookie(old['ofport'])))
            if entry is not None:
                lines += ['add ' + f for f in self._flows(entry)]
        if lines:
            self.bridge.bundle(lines)
        for port_id in gone:
            self.ports.pop(port_id, None)
        for port_id, entry in fetched.items():
            if entry is None:
                self.ports.pop(port_id, None)
            else:
                self.ports[port_id] = entry
        if lines:
            LOG.info('Firewall flows: %d ports updated, %d removed on %s (%d lines) in %.3f s',
                     len(fetched), len(gone), self.bridge.name, len(lines),
                     time.monotonic() - start)

    # -- from the conductor's fanout --------------------------------------------------------
    def refresh(self, port_ids):
        """Rebuild the flows of these ports (those of this bridge) now."""
        with self._lock:
            start = time.monotonic()
            port_ids = {pid for pid in port_ids if pid in self.ports}
            if not port_ids or self.needs_full:
                return  # the next scan rebuilds everything anyway
            live = {pid: self.ports[pid] for pid in port_ids}
            try:
                self._apply(self._fetch(port_ids, live), start)
            except Exception:
                self.needs_full = True
                raise

    def _ports_where(self, test):
        return {pid for pid, e in list(self.ports.items()) if test(e['details'])}

    def security_groups_rule_updated(self, security_groups):
        groups = set(security_groups or ())
        self.refresh(self._ports_where(lambda d: groups & set(d.get('security_groups') or ())))

    def security_groups_member_updated(self, security_groups):
        groups = set(security_groups or ())
        self.refresh(self._ports_where(lambda d: any(
            r.get('remote_group_id') in groups for r in d.get('security_group_rules') or ())))

    def port_update(self, port):
        """A port of this bridge whose addresses or groups changed, and the
        ports whose remote groups listed its addresses (it may have left one)."""
        todo = set()
        mine = self.ports.get(port.get('id'))
        if mine is not None and _fingerprint(port) != _fingerprint(mine['details']):
            todo.add(port['id'])
        addresses = {ip.get('ip_address') for ip in port.get('fixed_ips') or ()}
        groups = set(port.get('security_groups') or ())
        todo |= self._ports_where(lambda d: any(
            r.get('remote_group_id') and (addresses & set(r.get('remote_ips') or ())
                                          or r['remote_group_id'] in groups)
            for r in d.get('security_group_rules') or ()))
        self.refresh(todo)

    def port_delete(self, port_id):
        """A port elsewhere went away: ports with remote-group rules may have
        listed its addresses. (A port of this bridge loses its flows at the
        next scan, which no longer finds it wired.)"""
        self.refresh(self._ports_where(lambda d: any(
            r.get('remote_group_id') for r in d.get('security_group_rules') or ())))
