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
        #: remote_key -> conjunction id, and -> the group's addresses last heard
        self.conj_ids = {}
        self.remote_ips = {}
        self._remote_flows = []
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
            if not (full or gone or todo):
                return
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

    def _flows(self, entry):
        port = dict(entry['details'], ofport=entry['ofport'], tag=entry['tag'],
                    zone=entry['ofport'] & 0xffff)
        for rule in port.get('security_group_rules') or ():
            if rule.get('remote_group_id'):
                key = flows.remote_key(rule)
                if key not in self.conj_ids:
                    self.conj_ids[key] = max(self.conj_ids.values(), default=0) + 1
                self.remote_ips[key] = list(rule.get('remote_ips') or ())
        return flows.port_flows(port, self.conj_ids)

    def _remote_lines(self, ports, force=False):
        """The shared remote-group address flows for ``ports`` (the ports
        with flows once the bundle is applied), when they changed."""
        used = {flows.remote_key(r) for e in ports.values()
                for r in e['details'].get('security_group_rules') or ()
                if r.get('remote_group_id')}
        for key in set(self.remote_ips) - used:
            del self.remote_ips[key]
            self.conj_ids.pop(key, None)
        wanted = flows.remote_set_flows(self.remote_ips, self.conj_ids)
        if wanted == self._remote_flows and not force:
            return [], wanted
        return ([ofctl.delete_cookie(flows.REMOTE_COOKIE)] + ['add ' + f for f in wanted],
                wanted)

    def _apply_full(self, live, fetched, start):
        ports = {pid: e for pid, e in fetched.items() if e is not None}
        lines = [ofctl.delete_cookie(flows.COOKIE_PREFIX, flows.COOKIE_MASK)]
        lines += ['add ' + f for f in flows.base_flows()]
        self.conj_ids, self.remote_ips = {}, {}
        for port_id in sorted(ports):
            lines += ['add ' + f for f in self._flows(ports[port_id])]
        remote, wanted = self._remote_lines(ports, force=True)
        lines += remote[1:]  # the delete above covers it
        self.bridge.bundle(lines)
        self.ports = ports
        self._remote_flows = wanted
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
        after = {pid: e for pid, e in self.ports.items() if pid not in gone}
        for port_id, entry in fetched.items():
            if entry is None:
                after.pop(port_id, None)
            else:
                after[port_id] = entry
        remote, wanted = self._remote_lines(after)
        lines += remote
        if lines:
            self.bridge.bundle(lines)
        self.ports = after
        self._remote_flows = wanted
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

    def refresh_remote_sets(self, groups=None):
        """Re-read the members of these remote groups (all when None),
        through one port of this bridge that uses each: only the shared
        address flows change, however many ports name the group."""
        with self._lock:
            if self.needs_full:
                return
            start = time.monotonic()
            holder = {}  # remote_key -> a port whose rules use it
            for port_id, entry in sorted(self.ports.items()):
                for rule in entry['details'].get('security_group_rules') or ():
                    if rule.get('remote_group_id') and (
                            groups is None or rule['remote_group_id'] in groups):
                        holder.setdefault(flows.remote_key(rule), port_id)
            if not holder:
                return
            try:
                details = self.plugin.security_group_rules_for_devices(
                    self.context, sorted(set(holder.values())))
                for item in details.values():
                    for rule in item.get('security_group_rules') or ():
                        if rule.get('remote_group_id') and flows.remote_key(rule) in holder:
                            self.remote_ips[flows.remote_key(rule)] = list(
                                rule.get('remote_ips') or ())
                lines, wanted = self._remote_lines(self.ports)
                if lines:
                    self.bridge.bundle(lines)
                self._remote_flows = wanted
            except Exception:
                self.needs_full = True
                raise
            if lines:
                LOG.info('Firewall remote group addresses updated on %s (%d lines) in %.3f s',
                         self.bridge.name, len(lines), time.monotonic() - start)

    def security_groups_member_updated(self, security_groups):
        self.refresh_remote_sets(set(security_groups or ()))

    def port_update(self, port):
        """A port of this bridge whose addresses or groups changed; and the
        remote groups that listed its addresses (it may have left one)."""
        mine = self.ports.get(port.get('id'))
        if mine is not None and _fingerprint(port) != _fingerprint(mine['details']):
            self.refresh({port['id']})
        # Still a member: the member fanout that comes with the update covers
        # address changes. Listed in a group it is no longer in: re-read that one.
        addresses = {ip.get('ip_address') for ip in port.get('fixed_ips') or ()}
        groups = set(port.get('security_groups') or ())
        stale = {key[2] for key, ips in list(self.remote_ips.items())
                 if key[2] not in groups and addresses & set(ips)}
        if stale:
            self.refresh_remote_sets(stale)

    def port_delete(self, port_id):
        """A port elsewhere went away: the remote groups may have listed its
        addresses. (A port of this bridge loses its flows at the next scan,
        which no longer finds it wired.)"""
        self.refresh_remote_sets()
