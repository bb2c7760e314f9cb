from oslo_config import cfg

api_group = cfg.OptGroup('api', title='REST API options')

api_opts = [
    cfg.HostAddressOpt('bind_host', default='127.0.0.1',
                       help='Address the API listens on.'),
    cfg.PortOpt('bind_port', default=0,
                help="Port the API listens on; 0 means the service's "
                     'standard OpenStack port.'),
    cfg.IntOpt('workers', default=1, min=1,
               help='Number of API worker processes.'),
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=[('keystone', 'Validate tokens with keystonemiddleware'),
                        ('noauth', 'Trust X-User-Id / X-Project-Id / X-Roles '
                                   'headers; for tests only')],
               help='How API requests are authenticated.'),
    cfg.IntOpt('client_socket_timeout', default=60, min=0,
               help='Seconds a client connection may stay silent (idle between '
                    'requests, or stalled while sending one) before the API '
                    'closes it; 0 waits forever.'),
    cfg.StrOpt('public_endpoint',
               help='Base URL clients should use for links in responses. '
                    'Defaults to the URL of the request.'),
]


def register_opts(conf):
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    return [(api_group, api_opts)]
