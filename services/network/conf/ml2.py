from oslo_config import cfg

ml2_group = cfg.OptGroup('ml2', title='Core plugin: type and mechanism drivers')

ml2_opts = [
    cfg.ListOpt('type_drivers', default=['flat', 'vlan', 'vxlan'],
                help='Network types that may be created.'),
    cfg.ListOpt('tenant_network_types', default=['vxlan'],
                help='Types tried in order for project networks without '
                     'provider attributes.'),
    cfg.ListOpt('mechanism_drivers', default=['openvswitch'],
                help='Mechanism drivers that bind ports.'),
    cfg.ListOpt('flat_networks', default=['*'],
                help="Physical networks usable by flat networks; '*' allows any."),
    cfg.ListOpt('network_vlan_ranges', default=['physnet1:1000:1999'],
                help='<physical_network>[:<vlan_min>:<vlan_max>] entries; the '
                     'ranges are used for project VLAN networks.'),
    cfg.ListOpt('vni_ranges', default=['1:65535'],
                help='<vni_min>:<vni_max> ranges for project VXLAN networks.'),
    cfg.IntOpt('path_mtu', default=1500, min=68,
               help='MTU of the underlying physical network.'),
    cfg.StrOpt('ovs_vif_type', default='ovs',
               help='vif_type the Open vSwitch mechanism reports on bound ports.'),
    cfg.BoolOpt('bind_without_agent', default=True,
                help='Bind ports to hosts that have no Open vSwitch agent '
                     'registered, with the default vif details.'),
    cfg.StrOpt('integration_bridge', default='br-int',
               help='Bridge named in vif_details when the agent does not say.'),
    cfg.StrOpt('datapath_type', default='netdev',
               help='OVS datapath named in vif_details when the agent does not say.'),
]


def register_opts(conf):
    conf.register_group(ml2_group)
    conf.register_opts(ml2_opts, group=ml2_group)


def list_opts():
    return [(ml2_group, ml2_opts)]
