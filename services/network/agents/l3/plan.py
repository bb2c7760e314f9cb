"""What a router looks like on this host, computed from the conductor's
``sync_routers`` answer alone (pure functions; the agent applies them).

A router is a ``qrouter-<id>`` namespace with:

- one ``qr-`` device per interface port: an OVS internal port on the
  integration bridge carrying the port's id as ``iface-id`` (so the Open
  vSwitch agent gives it its network's local VLAN), its MAC and addresses;
- a ``qg-`` device for the gateway port on the external network, with the
  gateway addresses and every served floating IP as a /32;
- the default route via the external subnet's gateway and the router's
  extra routes;
- the ``nat`` table: the metadata redirect, per floating IP a DNAT and a
  SNAT, and (``enable_snat``) the SNAT of the internal subnets to the
  gateway address. Only IPv4 is routed.

A router that is administratively down keeps its namespace and its
devices, plugged into the integration bridge (so its ports are bound and
``ACTIVE``, as Neutron's OVN back end shows them) but down and without
addresses: no forwarding, no routes, no NAT, no floating IP served.
"""

import dataclasses
import ipaddress

NS_PREFIX = 'qrouter-'
INTERNAL_PREFIX = 'qr-'
GATEWAY_PREFIX = 'qg-'
METADATA_ADDRESS = '169.254.169.254/32'
IFNAMSIZ = 15


def namespace(router_id):
    return NS_PREFIX + router_id


def device_name(prefix, port_id):
    return (prefix + port_id)[:IFNAMSIZ - 1]


@dataclasses.dataclass
class Device:
    name: str
    port_id: str
    mac: str
    cidrs: list
    mtu: int = None


@dataclasses.dataclass
class FloatingIP:
    id: str
    floating: str
    fixed: str


@dataclasses.dataclass
class RouterPlan:
    router_id: str
    namespace: str
    internal: list
    gateway: Device = None
    routes: list = dataclasses.field(default_factory=list)  # [(destination, nexthop)]
    floating_ips: list = dataclasses.field(default_factory=list)
    #: fip id -> 'ACTIVE' / 'DOWN': what the router serves
    fip_statuses: dict = dataclasses.field(default_factory=dict)
    snat_sources: list = dataclasses.field(default_factory=list)
    snat_address: str = None
    #: ``admin_state_up``: False plugs the devices down and serves nothing
    enabled: bool = True

    @property
    def devices(self):
        return self.internal + ([self.gateway] if self.gateway else [])


def _v4(address):
    return ':' not in address


def _port_cidrs(port):
    """``ip/prefix`` of the port's IPv4 fixed addresses on its known subnets."""
    prefixes = {s['id']: s['cidr'].split('/')[1] for s in port.get('subnets') or []}
    return ['%s/%s' % (ip['ip_address'], prefixes[ip['subnet_id']])
            for ip in port.get('fixed_ips') or []
            if ip['subnet_id'] in prefixes and _v4(ip['ip_address'])]


def _network(cidr):
    return str(ipaddress.ip_network(cidr, strict=False))


def build(router):
    """The :class:`RouterPlan` of one router of ``sync_routers``."""
    if not router.get('admin_state_up', True):
        return _disabled(router)
    internal = []
    sources = []
    for port in sorted(router.get('_interfaces') or [], key=lambda p: p['id']):
        cidrs = _port_cidrs(port)
        internal.append(Device(device_name(INTERNAL_PREFIX, port['id']), port['id'],
                               port['mac_address'], cidrs, port.get('mtu')))
        sources += [_network(c) for c in cidrs]
    plan = RouterPlan(router['id'], namespace(router['id']), internal,
                      snat_sources=sorted(set(sources)))
    gw_port = router.get('gw_port')
    fips = sorted(router.get('_floatingips') or [], key=lambda f: f['id'])
    if gw_port:
        gw_cidrs = _port_cidrs(gw_port)
        for subnet in gw_port.get('subnets') or []:
            if subnet.get('gateway_ip') and _v4(subnet['gateway_ip']):
                plan.routes.append(('0.0.0.0/0', subnet['gateway_ip']))
                break
        if gw_cidrs:
            plan.snat_address = gw_cidrs[0].split('/')[0]
        for fip in fips:
            if fip.get('port_id') and fip.get('fixed_ip_address') and \
                    _v4(fip['floating_ip_address']):
                plan.floating_ips.append(FloatingIP(fip['id'], fip['floating_ip_address'],
                                                    fip['fixed_ip_address']))
        plan.gateway = Device(device_name(GATEWAY_PREFIX, gw_port['id']), gw_port['id'],
                              gw_port['mac_address'],
                              gw_cidrs + ['%s/32' % f.floating for f in plan.floating_ips
                                          if '%s/32' % f.floating not in gw_cidrs],
                              gw_port.get('mtu'))
        gateway_info = router.get('external_gateway_info') or {}
        if not gateway_info.get('enable_snat', True):
            plan.snat_sources = []
    else:
        plan.snat_sources = []
    for route in router.get('routes') or []:
        if _v4(route['nexthop']):
            plan.routes.append((_network(route['destination']), route['nexthop']))
    served = {f.id for f in plan.floating_ips}
    plan.fip_statuses = {f['id']: 'ACTIVE' if f['id'] in served else 'DOWN' for f in fips}
    return plan


def _disabled(router):
    """An administratively down router: its devices without addresses."""
    internal = [Device(device_name(INTERNAL_PREFIX, p['id']), p['id'], p['mac_address'], [],
                       p.get('mtu'))
                for p in sorted(router.get('_interfaces') or [], key=lambda p: p['id'])]
    plan = RouterPlan(router['id'], namespace(router['id']), internal, enabled=False)
    gw_port = router.get('gw_port')
    if gw_port:
        plan.gateway = Device(device_name(GATEWAY_PREFIX, gw_port['id']), gw_port['id'],
                              gw_port['mac_address'], [], gw_port.get('mtu'))
    plan.fip_statuses = {f['id']: 'DOWN' for f in router.get('_floatingips') or []}
    return plan


def nat_table(plan, metadata_port=None):
    """The router namespace's whole ``nat`` table, in ``iptables-restore`` form."""
    lines = ['*nat'] + [':%s ACCEPT [0:0]' % chain for chain in
                        ('PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING')]
    if metadata_port and plan.enabled:
        lines.append('-A PREROUTING -d %s -i %s+ -p tcp -m tcp --dport 80 '
                     '-j REDIRECT --to-ports %d' % (METADATA_ADDRESS, INTERNAL_PREFIX,
                                                    metadata_port))
    if plan.gateway is not None:
        out = plan.gateway.name
        for fip in plan.floating_ips:
            lines.append('-A PREROUTING -d %s/32 -j DNAT --to-destination %s'
                         % (fip.floating, fip.fixed))
            # The router itself (e.g. a ping from its namespace) reaches it too.
            lines.append('-A OUTPUT -d %s/32 -j DNAT --to-destination %s'
                         % (fip.floating, fip.fixed))
        for fip in plan.floating_ips:
            lines.append('-A POSTROUTING -s %s/32 -o %s -j SNAT --to-source %s'
                         % (fip.fixed, out, fip.floating))
        if plan.snat_address:
            for cidr in plan.snat_sources:
                lines.append('-A POSTROUTING -s %s -o %s -j SNAT --to-source %s'
                             % (cidr, out, plan.snat_address))
    lines.append('COMMIT')
    return ''.join(line + '\n' for line in lines)
