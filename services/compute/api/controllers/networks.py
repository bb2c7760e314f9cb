"""os-networks and os-tenant-networks: nova's read-only proxies of the
network service's networks (below 2.36).  nova-network's writes (create,
delete, associate) are not served."""

from services.compute.api import network_proxy
from services.compute.api import policies
from services.compute.api.controllers.security_groups import PROXY_MAX


def register(r):
    r.add('GET', '/os-networks', index, max_version=PROXY_MAX)
    r.add('GET', '/os-networks/{network_id}', show, max_version=PROXY_MAX)
    r.add('GET', '/os-tenant-networks', tenant_index, max_version=PROXY_MAX)
    r.add('GET', '/os-tenant-networks/{network_id}', tenant_show, max_version=PROXY_MAX)


def index(req):
    policies.authorize(req.context, 'os-networks:list')
    return {'networks': [network_proxy.network_view(req.context, n)
                         for n in network_proxy.list_networks(req.context)]}


def show(req, network_id):
    policies.authorize(req.context, 'os-networks:view')
    network = network_proxy.get_network(req.context, network_id)
    return {'network': network_proxy.network_view(req.context, network)}


def tenant_index(req):
    policies.authorize(req.context, 'os-tenant-networks:list')
    networks = network_proxy.list_networks(req.context)
    return {'networks': network_proxy.tenant_network_views(req.context, networks)}


def tenant_show(req, network_id):
    policies.authorize(req.context, 'os-tenant-networks:show')
    network = network_proxy.get_network(req.context, network_id)
    return {'network': network_proxy.tenant_network_views(req.context, [network])[0]}

