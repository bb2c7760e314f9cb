"""How compute reaches the image and network services.

keystoneauth (and with it requests) is imported only when these options are
registered, so daemons that never call another service do not load it.
"""

from oslo_config import cfg

clients_group = cfg.OptGroup('clients', title='Other services compute talks to')
clients_opts = [
    cfg.StrOpt('backend', default='rest', choices=[
        ('rest', 'The real image, network and volume REST APIs'),
        ('fake', 'In-process fakes; for tests without those services')],
        help='Image and network client implementation.'),
    cfg.StrOpt('fake_state_dir',
               help='Directory the fake clients share between daemons '
                    '(images and ports as JSON files).'),
]

service_user_group = cfg.OptGroup(
    'service_user', title='Credentials compute uses for service tokens')

image_group = cfg.OptGroup('image', title='Image service client')
network_group = cfg.OptGroup('network', title='Network service client')
volume_group = cfg.OptGroup('volume', title='Volume service client')
volume_opts = [
    cfg.IntOpt('volume_create_timeout', default=300, min=1,
               help='Seconds a boot from a volume made of an image waits for that '
                    'volume to become available.'),
    cfg.FloatOpt('volume_poll_interval', default=1.0, min=0.01,
                 help='Seconds between looks at a volume that is being created.'),
]
endpoint_opts = [
    cfg.StrOpt('endpoint_override', help='URL used instead of the catalog entry.'),
    cfg.StrOpt('region_name', help='Catalog region to look the service up in.'),
    cfg.StrOpt('valid_interfaces', default='internal,public',
               help='Catalog interfaces to try, in order.'),
]


def register_opts(conf):
    conf.register_group(clients_group)
    conf.register_opts(clients_opts, group=clients_group)
    for group in (image_group, network_group, volume_group):
        conf.register_group(group)
        conf.register_opts(endpoint_opts, group=group)
    conf.register_opts(volume_opts, group=volume_group)
    from keystoneauth1 import loading as ks_loading
    conf.register_group(service_user_group)
    ks_loading.register_auth_conf_options(conf, service_user_group.name)
    ks_loading.register_session_conf_options(conf, service_user_group.name)


def list_opts():
    from keystoneauth1 import loading as ks_loading
    auth = ks_loading.get_auth_common_conf_options() + \
        ks_loading.get_auth_plugin_conf_options('password')
    return [(clients_group, clients_opts), (image_group, endpoint_opts),
            (network_group, endpoint_opts), (volume_group, endpoint_opts + volume_opts),
            (service_user_group, ks_loading.get_session_conf_options() + auth)]
