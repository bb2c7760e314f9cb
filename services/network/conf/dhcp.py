"""Options of the DHCP agent (alto-dhcp-agent)."""

from oslo_config import cfg

dhcp_group = cfg.OptGroup('dhcp_agent', title='DHCP agent')

dhcp_opts = [
    cfg.StrOpt('dnsmasq_binary', default='dnsmasq',
               help='dnsmasq executable (found on PATH unless absolute).'),
    cfg.StrOpt('state_dir', default='$state_path/dhcp',
               help='Directory with one directory per network: hosts, options '
                    'and leases files, pid file and log of its dnsmasq. dnsmasq '
                    'rereads the files as nobody, so every directory above it '
                    'must be searchable by others (o+x).'),
    cfg.StrOpt('dhcp_domain', default='openstacklocal',
               help='Domain handed to guests with their host names.'),
    cfg.IntOpt('lease_seconds', default=86400, min=120,
               help='Lease time of the fixed addresses.'),
    cfg.IntOpt('resync_interval', default=10, min=1,
               help='Seconds between two checks that every network has its '
                    'namespace and a running dnsmasq (one that died is '
                    'restarted) and between full resyncs after a failed one.'),
    cfg.BoolOpt('enable_metadata_route', default=False,
                help='Serve metadata from the DHCP namespace: guests get a host '
                     'route to 169.254.169.254/32 through the DHCP port, which '
                     'holds that address, and a metadata proxy there forwards '
                     'their requests to alto-metadata-agent (for networks '
                     'without a router).'),
]


def register_opts(conf):
    conf.register_group(dhcp_group)
    conf.register_opts(dhcp_opts, group=dhcp_group)


def list_opts():
    return [(dhcp_group, dhcp_opts)]
