"""The OpenFlow rules of the security-group firewall, computed from a port
and its rules (pure functions: no bridge, no RPC).

Pipeline on the integration bridge (every flow carries a cookie under
:data:`COOKIE_PREFIX`, so nothing else on the bridge is touched):

====== ===================================================================
table  what it does
====== ===================================================================
0      a wired port's packets: note the port (reg5), its conntrack zone
       (reg6) and its network's local VLAN (reg4); filtered ports go to 71,
       others straight to 81. Anything else keeps the bridge's NORMAL.
71     egress anti-spoofing: the port's MAC with its fixed IPs and allowed
       address pairs (IP, ARP, IPv6 neighbour advertisements), DHCP and
       DHCPv6 client traffic; DHCP server replies and router
       advertisements from a guest are dropped.
72     egress conntrack in the port's zone.
73     egress rules: established/related allowed, new connections and the
       next packets of established ones only by a rule of the port.
81     dispatch: a packet for the MAC of a filtered port on the same
       network goes to that port's ingress (reg7 = its ofport, reg6 = its
       zone); anything else to NORMAL.
82     ingress base: ARP, DHCP replies, ICMPv6 neighbour discovery pass;
       IP goes to conntrack in the port's zone.
83     ingress rules, as 73; accepted packets are output to the port.
====== ===================================================================

Rules are checked for every packet of a connection in its original
direction, not only for the first: when a rule goes away, the next
packet of a connection it allowed fails the check, the connection is
marked (``ct_mark=1``) and its replies are dropped too, so removing a
rule ends the traffic it allowed as soon as the flows change, without
flushing conntrack (which would also cut connections still allowed).
Each port has a conntrack zone of its own (its ofport) so two ports of
one host talking to each other are checked once by each.

A rule naming a remote group is a conjunction: its member addresses are
one set of flows per (direction, ethertype, group) shared by every port of
the host (cookie :data:`REMOTE_COOKIE`), and each port's rule is one flow
that names the same conjunction. A 200-port default group so costs 200
address flows plus a few per port, not 200 per port.
"""

import ipaddress

COOKIE_PREFIX = 0xa1f0 << 48
COOKIE_MASK = 0xffff << 48
BASE_COOKIE = COOKIE_PREFIX
REMOTE_COOKIE = COOKIE_PREFIX | (2 << 32)
RULE_PRIORITY, CONJ_PRIORITY = 50, 45
CLASSIFY, EGRESS_SPOOF, EGRESS_CT, EGRESS_RULES = 0, 71, 72, 73
DISPATCH, INGRESS_BASE, INGRESS_RULES = 81, 82, 83
ZONE = 'NXM_NX_REG6[0..15]'
TO_PORT = 'output:NXM_NX_REG7[0..15]'
#: What a port with security groups may never send, whatever its rules say.
GUEST_MUST_NOT_SEND = ('udp,tp_src=67,tp_dst=68',  # DHCP server replies
                       'udp6,tp_src=547,tp_dst=546',  # DHCPv6 server replies
                       'icmp6,icmp_type=134')  # router advertisements
#: What reaches a filtered port outside the rules (as neutron lets it).
INGRESS_ALWAYS = ('arp', 'udp,tp_src=67,tp_dst=68', 'udp6,tp_src=547,tp_dst=546') + tuple(
    'icmp6,icmp_type=%d' % t for t in (130, 131, 132, 134, 135, 136, 143))
PROTOCOL_NUMBERS = {'icmp': 1, 'igmp': 2, 'tcp': 6, 'egp': 8, 'udp': 17, 'dccp': 33,
                    'ipv6-encap': 41, 'ipv6-route': 43, 'ipv6-frag': 44, 'rsvp': 46,
                    'gre': 47, 'esp': 50, 'ah': 51, 'icmpv6': 58, 'ipv6-icmp': 58,
                    'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ospf': 89, 'ipip': 94, 'vrrp': 112,
                    'pgm': 113, 'l2tp': 115, 'sctp': 132, 'udplite': 136}
_KEYWORDS = {(4, 6): 'tcp', (4, 17): 'udp', (4, 1): 'icmp', (4, 132): 'sctp',
             (6, 6): 'tcp6', (6, 17): 'udp6', (6, 58): 'icmp6', (6, 132): 'sctp6'}
_PORTS_MATCHABLE = (6, 17, 132)


def port_cookie(ofport):
    return COOKIE_PREFIX | (1 << 32) | ofport


def is_filtered(details):
    """Neutron's choice: ports with port security are filtered, except the
    cloud's own (``network:*`` owners: DHCP, routers), which are trusted."""
    return bool(details.get('port_security_enabled', True)) and not (
        details.get('device_owner') or '').startswith('network:')


def link_local(mac):
    """The EUI-64 IPv6 link-local address a guest derives from ``mac``."""
    octets = [int(x, 16) for x in mac.split(':')]
    octets[0] ^= 0x02
    eui = octets[:3] + [0xff, 0xfe] + octets[3:]
    return str(ipaddress.IPv6Address(bytes([0xfe, 0x80] + [0] * 6 + eui)))


def port_range_masks(low, high):
    """``value/mask`` matches that cover ``low``..``high`` exactly."""
    out = []
    while low <= high:
        size = 1
        while low % (size * 2) == 0 and low + size * 2 - 1 <= high and size < 0x10000:
            size *= 2
        out.append('%#06x/%#06x' % (low, 0xffff & ~(size - 1)) if size > 1 else str(low))
        low += size
    return out


def protocol_number(protocol, version):
    if protocol in (None, '', 'any'):
        return None
    number = int(protocol) if str(protocol).isdigit() else PROTOCOL_NUMBERS[str(protocol)]
    return 58 if version == 6 and number == 1 else number


def _family(address):
    return ipaddress.ip_network(address, strict=False).version


def remote_key(rule):
    """What a remote-group rule's address set is shared by."""
    version = 6 if rule.get('ethertype') == 'IPv6' else 4
    return (rule.get('direction'), version, rule['remote_group_id'])


def rule_matches(rule, direction, any_remote_group=False):
    """OpenFlow matches (without the port) for one rule; [] when it cannot
    let anything through (an empty remote group, a prefix of the other family).
    ``any_remote_group``: leave the remote group's addresses out (they are
    the conjunction's other half)."""
    version = 6 if rule.get('ethertype') == 'IPv6' else 4
    try:
        proto = protocol_number(rule.get('protocol'), version)
    except (KeyError, ValueError):
        return []
    keyword = _KEYWORDS.get((version, proto)) or (
        ('ipv6' if version == 6 else 'ip') + (',nw_proto=%d' % proto if proto else ''))
    side = 'src' if direction == 'ingress' else 'dst'
    field = ('ipv6_' if version == 6 else 'nw_') + side
    if rule.get('remote_group_id') and any_remote_group:
        remotes = [None]
    elif rule.get('remote_group_id'):
        remotes = [ip for ip in rule.get('remote_ips') or () if _family(ip) == version]
    elif rule.get('remote_ip_prefix'):
        prefix = ipaddress.ip_network(rule['remote_ip_prefix'], strict=False)
        if prefix.version != version:
            return []
        remotes = [None] if prefix.prefixlen == 0 else [str(prefix)]
    else:
        remotes = [None]
    low, high = rule.get('port_range_min'), rule.get('port_range_max')
    if proto in _PORTS_MATCHABLE and (low or high):
        extras = ['tp_dst=%s' % m for m in port_range_masks(low or 1, high or low)]
    elif proto in (1, 58) and low is not None:
        extras = ['icmp_type=%d' % low + (',icmp_code=%d' % high if high is not None else '')]
    elif low or high:
        return []  # a port range OVS cannot match (dccp, udplite): allow nothing
    else:
        extras = ['']
    matches = []
    for remote in remotes:
        for extra in extras:
            parts = [keyword] + (['%s=%s' % (field, remote)] if remote else []) + (
                [extra] if extra else [])
            matches.append(','.join(parts))
    return matches


def _flow(table, priority, cookie, match, actions):
    return 'table=%d,priority=%d,cookie=%#x,%s%sactions=%s' % (
        table, priority, cookie, match, ',' if match else '', actions)


def _rules_table_flows(table, accept):
    """The connection-state flows of a rules table, shared by all ports."""
    flows = []
    for ip in ('ip', 'ipv6'):
        flows += [
            _flow(table, 100, BASE_COOKIE, 'ct_state=+inv+trk,' + ip, 'drop'),
            _flow(table, 90, BASE_COOKIE, 'ct_state=+est+rpl+trk,ct_mark=0x1,' + ip, 'drop'),
            _flow(table, 90, BASE_COOKIE, 'ct_state=+rel+trk,ct_mark=0x1,' + ip, 'drop'),
            _flow(table, 80, BASE_COOKIE, 'ct_state=+est+rpl+trk,ct_mark=0,' + ip, accept),
            _flow(table, 80, BASE_COOKIE, 'ct_state=+rel+trk,ct_mark=0,' + ip, accept),
            # An established connection no rule allows any more: mark it so its
            # replies stop too, and drop.
            _flow(table, 40, BASE_COOKIE, 'ct_state=+est-rpl+trk,' + ip,
                  'ct(commit,zone=%s,exec(load:0x1->NXM_NX_CT_MARK[]))' % ZONE),
        ]
    return flows + [_flow(table, 0, BASE_COOKIE, '', 'drop')]


def base_flows():
    """The flows every filtered port relies on (cookie :data:`BASE_COOKIE`)."""
    flows = [_flow(EGRESS_SPOOF, 95, BASE_COOKIE, m, 'drop') for m in GUEST_MUST_NOT_SEND]
    flows.append(_flow(EGRESS_SPOOF, 0, BASE_COOKIE, '', 'drop'))
    for ip in ('ip', 'ipv6'):
        flows.append(_flow(EGRESS_CT, 50, BASE_COOKIE, ip,
                           'ct(table=%d,zone=%s)' % (EGRESS_RULES, ZONE)))
        flows.append(_flow(INGRESS_BASE, 50, BASE_COOKIE, ip,
                           'ct(table=%d,zone=%s)' % (INGRESS_RULES, ZONE)))
    flows.append(_flow(EGRESS_CT, 0, BASE_COOKIE, '', 'drop'))
    flows += [_flow(INGRESS_BASE, 95, BASE_COOKIE, m, TO_PORT) for m in INGRESS_ALWAYS]
    flows.append(_flow(INGRESS_BASE, 0, BASE_COOKIE, '', 'drop'))
    flows += _rules_table_flows(EGRESS_RULES, 'resubmit(,%d)' % DISPATCH)
    flows += _rules_table_flows(INGRESS_RULES, TO_PORT)
    flows.append(_flow(DISPATCH, 0, BASE_COOKIE, '', 'NORMAL'))
    return flows


def _addresses(port):
    """``[(mac, ip or cidr)]`` a port may send from: fixed IPs, allowed
    address pairs and the IPv6 link-local address of each of its MACs."""
    mac = port['mac_address'].lower()
    pairs = [(mac, ip['ip_address']) for ip in port.get('fixed_ips') or ()]
    for pair in port.get('allowed_address_pairs') or ():
        pairs.append(((pair.get('mac_address') or mac).lower(), pair['ip_address']))
    for each in sorted({m for m, _ in pairs} | {mac}):
        pairs.append((each, link_local(each)))
    seen, out = set(), []
    for item in pairs:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _accept(direction):
    commit = 'ct(commit,zone=%s,exec(load:0->NXM_NX_CT_MARK[])),' % ZONE
    if direction == 'ingress':
        return INGRESS_RULES, commit + TO_PORT
    return EGRESS_RULES, commit + 'resubmit(,%d)' % DISPATCH


def remote_set_flows(sets, conj_ids):
    """The shared half of the remote-group conjunctions: ``sets`` maps
    :func:`remote_key` to the group's member addresses."""
    by_match, flows = {}, []
    for key in sorted(sets, key=lambda k: conj_ids[k]):
        direction, version, _ = key
        table, accept = _accept(direction)
        conj = conj_ids[key]
        side = 'src' if direction == 'ingress' else 'dst'
        field = ('ipv6_' if version == 6 else 'nw_') + side
        ip = 'ipv6' if version == 6 else 'ip'
        for address in sets[key]:
            if _family(address) == version:
                by_match.setdefault((table, 'ct_state=+trk,%s,%s=%s' % (ip, field, address)),
                                    []).append('conjunction(%d,1/2)' % conj)
        flows.append(_flow(table, CONJ_PRIORITY, REMOTE_COOKIE, 'conj_id=%d,%s' % (conj, ip),
                           accept))
    for (table, match), actions in by_match.items():
        flows.append(_flow(table, CONJ_PRIORITY, REMOTE_COOKIE, match, ','.join(actions)))
    return flows


def port_flows(port, conj_ids):
    """All the flows of one wired port (cookie :func:`port_cookie`).

    ``port``: the conductor's device details with the rules of
    ``security_group_rules_for_devices``, plus ``ofport``, ``tag`` (the
    network's local VLAN) and ``zone``. ``conj_ids`` maps the
    :func:`remote_key` of each remote-group rule to its conjunction id.
    """
    ofport, tag, zone = port['ofport'], port['tag'], port['zone']
    cookie = port_cookie(ofport)
    if not is_filtered(port):
        return [_flow(CLASSIFY, 100, cookie, 'in_port=%d' % ofport,
                      'load:%#x->NXM_NX_REG4[],resubmit(,%d)' % (tag, DISPATCH))]
    flows = [_flow(CLASSIFY, 100, cookie, 'in_port=%d' % ofport,
                   'load:%#x->NXM_NX_REG5[],load:%#x->NXM_NX_REG6[],load:%#x->NXM_NX_REG4[],'
                   'resubmit(,%d)' % (ofport, zone, tag, EGRESS_SPOOF))]
    me = 'reg5=%d,' % ofport
    to_dispatch = 'resubmit(,%d)' % DISPATCH
    to_ct = 'resubmit(,%d)' % EGRESS_CT
    addresses = _addresses(port)
    macs = sorted({m for m, _ in addresses})
    for mac in macs:
        flows += [
            _flow(EGRESS_SPOOF, 90, cookie, me + 'udp,dl_src=%s,tp_src=68,tp_dst=67' % mac,
                  to_dispatch),
            _flow(EGRESS_SPOOF, 90, cookie, me + 'udp6,dl_src=%s,tp_src=546,tp_dst=547' % mac,
                  to_dispatch)]
        for icmp_type in (131, 133, 135, 143):  # MLD reports, RS, NS (also from ::)
            flows.append(_flow(EGRESS_SPOOF, 90, cookie,
                               me + 'icmp6,dl_src=%s,icmp_type=%d' % (mac, icmp_type),
                               to_dispatch))
    for mac, address in addresses:
        if _family(address) == 4:
            flows += [
                _flow(EGRESS_SPOOF, 90, cookie,
                      me + 'arp,dl_src=%s,arp_sha=%s,arp_spa=%s' % (mac, mac, address),
                      to_dispatch),
                _flow(EGRESS_SPOOF, 65, cookie, me + 'ip,dl_src=%s,nw_src=%s' % (mac, address),
                      to_ct)]
        else:
            flows += [
                _flow(EGRESS_SPOOF, 90, cookie,
                      me + 'icmp6,dl_src=%s,icmp_type=136,icmp_code=0,nd_target=%s'
                      % (mac, address), to_dispatch),
                _flow(EGRESS_SPOOF, 65, cookie,
                      me + 'ipv6,dl_src=%s,ipv6_src=%s' % (mac, address), to_ct)]
    load_dst = 'load:%#x->NXM_NX_REG7[],load:%#x->NXM_NX_REG6[],resubmit(,%d)' % (
        ofport, zone, INGRESS_BASE)
    for mac in macs:
        flows += [
            _flow(DISPATCH, 100, cookie, 'reg4=%d,dl_dst=%s' % (tag, mac), load_dst),
            # Tagged traffic other flows hand over (provider bridges): same port.
            _flow(DISPATCH, 100, cookie, 'dl_vlan=%d,dl_dst=%s' % (tag, mac),
                  'strip_vlan,' + load_dst)]
    conjunctions = {}  # (table, match) -> conjunction actions of this port
    for rule in port.get('security_group_rules') or ():
        direction = rule.get('direction')
        if direction not in ('ingress', 'egress'):
            continue
        table, accept = _accept(direction)
        who = ('reg7=%d,' if direction == 'ingress' else 'reg5=%d,') % ofport
        if rule.get('remote_group_id'):
            conj = 'conjunction(%d,2/2)' % conj_ids[remote_key(rule)]
            for match in rule_matches(rule, direction, any_remote_group=True):
                wanted = conjunctions.setdefault((table, who + 'ct_state=+trk,' + match), [])
                if conj not in wanted:
                    wanted.append(conj)
            continue
        for match in rule_matches(rule, direction):
            flows.append(_flow(table, RULE_PRIORITY, cookie, who + 'ct_state=+trk,' + match,
                               accept))
    for (table, match), actions in conjunctions.items():
        flows.append(_flow(table, CONJ_PRIORITY, cookie, match, ','.join(actions)))
    # Several rules may give the same flow: keep one of each.
    return list(dict.fromkeys(flows))
