"""Options of the metadata agent (alto-metadata-agent) and its namespace proxies.

The group is ``[metadata_agent]``, not compute's ``[metadata]``: unit tests
register both services' options on one ``CONF``, where an option of the same
name and group but other help text is an error.
"""

from oslo_config import cfg

metadata_group = cfg.OptGroup('metadata_agent', title='Metadata agent')

metadata_opts = [
    cfg.StrOpt('metadata_proxy_socket', default='$state_path/metadata_proxy',
               help='UNIX socket alto-metadata-agent listens on; the proxies in '
                    'the router (and DHCP) namespaces forward guests\' requests '
                    'to it.'),
    cfg.StrOpt('metadata_proxy_shared_secret', default='', secret=True,
               help='Secret shared with the compute metadata service '
                    '(alto-compute-metadata\'s option of the same name): every '
                    'request carries X-Instance-ID-Signature, the HMAC-SHA256 of '
                    'X-Instance-ID keyed with it. Empty: the service refuses '
                    'every request.'),
    cfg.HostAddressOpt('nova_metadata_host', default='127.0.0.1',
                       help='Address of the compute metadata service.'),
    cfg.PortOpt('nova_metadata_port', default=8775,
                help='Port of the compute metadata service.'),
    cfg.IntOpt('nova_metadata_timeout', default=30, min=1,
               help='Seconds a request to the compute metadata service may take.'),
    cfg.IntOpt('cache_expiration', default=5, min=0,
               help='Seconds the agent remembers which port an address belongs '
                    'to before it asks the conductor again; 0 never remembers.'),
]


def register_opts(conf):
    conf.register_group(metadata_group)
    conf.register_opts(metadata_opts, group=metadata_group)


def list_opts():
    return [(metadata_group, metadata_opts)]
