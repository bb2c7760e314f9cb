"""A service's own keystone session (its ``[service_user]`` credentials), for
the calls it makes to other services: loaded once per process."""

import threading

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

CONF = cfg.CONF
_LOCK = threading.Lock()
_SESSION = None


def session():
    global _SESSION
    with _LOCK:
        if _SESSION is None:
            auth = ks_loading.load_auth_from_conf_options(CONF, 'service_user')
            _SESSION = ks_loading.load_session_from_conf_options(CONF, 'service_user',
                                                                 auth=auth)
        return _SESSION


def endpoint_filter(group, service_type, prefix=''):
    """keystoneauth's endpoint filter for ``service_type`` from the options
    of ``[group]``: ``valid_interfaces``, ``region_name``,
    ``endpoint_override`` (each name after ``prefix``, whose interfaces
    option is ``<prefix>interfaces``)."""
    conf = getattr(CONF, group)
    interfaces = conf[prefix + 'interfaces' if prefix else 'valid_interfaces']
    values = {'service_type': service_type, 'interface': interfaces.split(',')}
    if conf[prefix + 'region_name']:
        values['region_name'] = conf[prefix + 'region_name']
    if conf[prefix + 'endpoint_override']:
        values['endpoint_override'] = conf[prefix + 'endpoint_override']
    return values
