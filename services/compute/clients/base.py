"""What compute needs from the image and network services."""

import abc
import threading

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

CONF = cfg.CONF
_SESSION_LOCK = threading.Lock()
_SESSION = None


def service_session():
    """A keystoneauth session authenticated as compute's service user."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            auth = ks_loading.load_auth_from_conf_options(CONF, 'service_user')
            _SESSION = ks_loading.load_session_from_conf_options(CONF, 'service_user',
                                                                 auth=auth)
        return _SESSION


def endpoint_filter(group, service_type):
    conf = getattr(CONF, group)
    values = {'service_type': service_type,
              'interface': conf.valid_interfaces.split(',')}
    if conf.region_name:
        values['region_name'] = conf.region_name
    if conf.endpoint_override:
        values['endpoint_override'] = conf.endpoint_override
    return values


def visible_to(context, owner, public):
    return public or context.is_admin or owner == context.project_id


class ImageClientBase(abc.ABC):
    @abc.abstractmethod
    def get(self, context, image_id):
        """Image dict (id, name, status, min_disk, min_ram, size, properties)
        visible to ``context``; ImageNotFound otherwise."""

    @abc.abstractmethod
    def download(self, context, image_id, path):
        """Write the image data to ``path``."""

    @abc.abstractmethod
    def create(self, context, name, properties):
        """Register a queued image owned by the caller's project."""

    @abc.abstractmethod
    def upload(self, context, image_id, path):
        """Upload ``path`` as the image's data."""

    @abc.abstractmethod
    def delete(self, context, image_id):
        pass


class NetworkClientBase(abc.ABC):
    @abc.abstractmethod
    def get_network(self, context, network_id):
        """Network dict visible to ``context``; NetworkNotFound otherwise."""

    @abc.abstractmethod
    def list_networks(self, context):
        """Networks ``context``'s project may attach to (own and shared)."""

    @abc.abstractmethod
    def get_port(self, context, port_id):
        """Port dict; PortNotFound otherwise."""

    @abc.abstractmethod
    def allocate_for_instance(self, context, instance, requested_networks, host):
        """Create or bind ports; returns the instance's network_info list."""

    @abc.abstractmethod
    def deallocate_for_instance(self, context, instance):
        """Delete ports compute created, unbind the ones the user passed."""


def network_info_entry(port, network_name):
    """One network_info item (what the ``addresses`` view is built from)."""
    return {'port_id': port['id'], 'network_id': port['network_id'],
            'network_name': network_name, 'mac_address': port.get('mac_address'),
            'fixed_ips': [{'ip_address': ip['ip_address'],
                           'version': 6 if ':' in ip['ip_address'] else 4}
                          for ip in port.get('fixed_ips', [])],
            'preserve_on_delete': port.get('preserve_on_delete', False)}
