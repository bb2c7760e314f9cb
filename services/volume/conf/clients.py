"""How volume hosts reach the image service (create from image, reimage)
and the compute API (the ``volume-reimaged`` server event).

keystoneauth is imported only when these options are registered, so the
daemons that never call another service do not load it.
"""

from oslo_config import cfg

service_user_group = cfg.OptGroup(
    'service_user', title='Credentials the volume service uses for service tokens')
image_group = cfg.OptGroup('image', title='Image service client')
compute_group = cfg.OptGroup('nova', title='Compute API the volume-reimaged events go to')
image_opts = [
    cfg.StrOpt('endpoint_override', help='URL used instead of the catalog entry.'),
    cfg.StrOpt('region_name', help='Catalog region to look the service up in.'),
    cfg.StrOpt('valid_interfaces', default='internal,public',
               help='Catalog interfaces to try, in order.'),
]


def register_opts(conf):
    from keystoneauth1 import loading as ks_loading
    conf.register_group(image_group)
    conf.register_opts(image_opts, group=image_group)
    conf.register_group(compute_group)
    conf.register_opts(image_opts, group=compute_group)
    conf.register_group(service_user_group)
    ks_loading.register_auth_conf_options(conf, service_user_group.name)
    ks_loading.register_session_conf_options(conf, service_user_group.name)


def list_opts():
    from keystoneauth1 import loading as ks_loading
    auth = ks_loading.get_auth_common_conf_options() + \
        ks_loading.get_auth_plugin_conf_options('password')
    return [(image_group, image_opts), (compute_group, image_opts),
            (service_user_group, ks_loading.get_session_conf_options() + auth)]
