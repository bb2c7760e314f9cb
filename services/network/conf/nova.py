"""How the network conductor tells compute about ports (neutron's names):
``[DEFAULT] notify_nova_on_port_status_changes`` /
``notify_nova_on_port_data_changes`` / ``send_events_interval``
and ``[nova]``, the compute API's catalog entry and the network service
user's keystone credentials (keystoneauth's conf options).

keystoneauth is imported only when these options are registered (the
conductor and the sample generator), not by the agents or the API.
"""

from oslo_config import cfg

default_opts = [
    cfg.BoolOpt('notify_nova_on_port_status_changes', default=True,
                help='Send compute network-vif-plugged / network-vif-unplugged '
                     'when an agent reports a port of a server (device_owner '
                     'compute:*) up or down, and network-vif-deleted when such a '
                     'port is deleted (os-server-external-events). Nothing is sent '
                     'while [nova] has no auth_type.'),
    cfg.BoolOpt('notify_nova_on_port_data_changes', default=True,
                help='Send compute network-changed when a floating IP is associated '
                     'to or disassociated from a port of a server (also when it is '
                     'deleted), so the server\'s addresses show it '
                     '(os-server-external-events). Nothing is sent while [nova] has '
                     'no auth_type.'),
    cfg.IntOpt('send_events_interval', default=2, min=0,
               help='Seconds events are gathered into one request to compute.'),
]

nova_group = cfg.OptGroup('nova', title='Compute API the port events are sent to')
nova_opts = [
    cfg.StrOpt('region_name', help='Catalog region of the compute API.'),
    cfg.StrOpt('endpoint_type', default='public',
               choices=['public', 'admin', 'internal'],
               help='Catalog interface of the compute API.'),
]


def register_opts(conf):
    conf.register_opts(default_opts)
    conf.register_group(nova_group)
    conf.register_opts(nova_opts, group=nova_group)
    from keystoneauth1 import loading as ks_loading
    ks_loading.register_auth_conf_options(conf, nova_group.name)
    ks_loading.register_session_conf_options(conf, nova_group.name)


def list_opts():
    from keystoneauth1 import loading as ks_loading
    auth = ks_loading.get_auth_common_conf_options() + \
        ks_loading.get_auth_plugin_conf_options('password')
    return [('DEFAULT', default_opts),
            (nova_group, nova_opts + ks_loading.get_session_conf_options() + auth)]
