"""Options of the Open vSwitch agent (alto-ovs-agent) and the OVS side of the DHCP agent."""

from oslo_config import cfg

ovs_group = cfg.OptGroup('ovs', title='Open vSwitch agent')

ovs_opts = [
    cfg.StrOpt('integration_bridge', default='br-int',
               help='Bridge every guest NIC and every network namespace port joins.'),
    cfg.StrOpt('datapath_type', default='netdev', choices=['netdev', 'system'],
               help='OVS datapath of the bridges the agent creates: netdev (the '
                    'userspace datapath; hosts without the openvswitch kernel '
                    'module) or system.'),
    cfg.StrOpt('ovsdb_connection', default='unix:/var/run/openvswitch/db.sock',
               help='OVSDB server of this host (ovsdbapp connection string).'),
    cfg.IntOpt('ovsdb_timeout', default=10, min=1,
               help='Seconds an OVSDB transaction may take.'),
    cfg.IntOpt('polling_interval', default=2, min=1,
               help='Seconds between two scans of the integration bridge for '
                    'ports that appeared or went away.'),
    cfg.ListOpt('bridge_mappings', default=[],
                help='Provider networks of this host, physnet:bridge per physical '
                     'network (e.g. public:br-ex). The agent creates each bridge '
                     '(same datapath type), patches it to the integration bridge and '
                     'translates the local VLAN of a flat or vlan network on that '
                     'physical network to its segment: untagged for flat, the '
                     'segmentation id for vlan.'),
    cfg.StrOpt('local_ip',
               help='This host\'s VXLAN tunnel endpoint (IPv4). Set: the agent builds '
                    'tunnel_bridge with a VXLAN port to every other host\'s '
                    'endpoint and carries VXLAN tenant networks over it. With the '
                    'netdev datapath the address must be on a bridge of this Open '
                    'vSwitch (e.g. br-phy with the uplink as its port). Unset: no '
                    'tunnels, VXLAN networks stay on this host.'),
    cfg.StrOpt('tunnel_bridge', default='br-tun',
               help='Bridge of the VXLAN tunnels (used with local_ip).'),
]


def register_opts(conf):
    conf.register_group(ovs_group)
    conf.register_opts(ovs_opts, group=ovs_group)


def list_opts():
    return [(ovs_group, ovs_opts)]
