from oslo_config import cfg

vnc_group = cfg.OptGroup('vnc', title='VNC consoles',
                         help='Graphical consoles of libvirt guests, reached through '
                              'alto-compute-novncproxy.')
consoleauth_group = cfg.OptGroup('consoleauth', title='Console authorization tokens')

vnc_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Give libvirt guests a VNC display and hand out console URLs.'),
    cfg.StrOpt('server_listen', default='127.0.0.1',
               help='Address the guests\' VNC servers listen on (keep it off '
                    'public networks: VNC has no authentication of its own here).'),
    cfg.StrOpt('server_proxyclient_address', default='127.0.0.1',
               help='Address of this compute host the console proxy connects to.'),
    cfg.StrOpt('novncproxy_base_url', default='http://127.0.0.1:6080/vnc_auto.html',
               help='Public URL of the noVNC page of alto-compute-novncproxy; the '
                    'console URLs are this plus the token.'),
    cfg.HostAddressOpt('novncproxy_host', default='127.0.0.1',
                       help='Address alto-compute-novncproxy listens on.'),
    cfg.PortOpt('novncproxy_port', default=6080,
                help='Port alto-compute-novncproxy listens on.'),
    cfg.StrOpt('novnc_web', default='/usr/share/novnc',
               help='Directory of the noVNC web client served by the proxy (the '
                    'Debian package novnc); when it does not exist the proxy '
                    'serves WebSocket connections only.'),
]

consoleauth_opts = [
    cfg.IntOpt('token_ttl', default=600, min=1,
               help='Seconds a console URL\'s token stays valid.'),
]


def register_opts(conf):
    conf.register_group(vnc_group)
    conf.register_opts(vnc_opts, group=vnc_group)
    conf.register_group(consoleauth_group)
    conf.register_opts(consoleauth_opts, group=consoleauth_group)


def list_opts():
    return [(vnc_group, vnc_opts), (consoleauth_group, consoleauth_opts)]
