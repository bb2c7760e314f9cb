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
