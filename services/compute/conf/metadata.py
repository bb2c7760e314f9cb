from oslo_config import cfg

group = cfg.OptGroup('metadata', title='Instance metadata options',
                     help='What guests read about themselves: the config drive and '
                          'the metadata service (alto-compute-metadata).')

default_opts = [
    cfg.BoolOpt('force_config_drive', default=False,
                help='Give every new server a config drive, whether or not it '
                     'asked for one.'),
    cfg.StrOpt('mkisofs_cmd', default='genisoimage',
               help='Program that builds the ISO 9660 config drive (genisoimage '
                    'or mkisofs; the other is tried when it is missing).'),
]

opts = [
    cfg.HostAddressOpt('bind_host', default='127.0.0.1',
                       help='Address the metadata service listens on.'),
    cfg.PortOpt('bind_port', default=8775,
                help='Port the metadata service listens on.'),
    cfg.StrOpt('metadata_proxy_shared_secret', default='', secret=True,
               help='Secret shared with the network\'s metadata proxy: every '
                    'request carries X-Instance-ID-Signature, the HMAC-SHA256 '
                    'of its X-Instance-ID with this key. Empty: every request '
                    'is refused.'),
    cfg.StrOpt('vendordata_jsonfile_path',
               help='A JSON file served as vendor_data.json (an empty object '
                    'when unset).'),
    cfg.StrOpt('dhcp_domain', default='',
               help='Domain appended to a server\'s hostname in its metadata '
                    '(meta_data.json and the EC2 hostnames, metadata service and '
                    'config drive), as nova\'s [api] dhcp_domain; deploy/stack.sh '
                    'sets nova\'s "novalocal". Empty: the hostname as set.'),
    cfg.IntOpt('cache_expiration', default=15, min=0,
               help='Seconds the metadata service keeps a server\'s metadata '
                    'before it asks the conductor again; 0 never keeps it.'),
]


def register_opts(conf):
    conf.register_opts(default_opts)
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return [('DEFAULT', default_opts), (group, opts)]
