"""os-floating-ips and os-floating-ip-pools: nova's proxies of the network
service's floating IPs and external networks (below 2.36)."""

from services.compute.api import network_proxy
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.controllers.security_groups import PROXY_MAX
from services.compute.api.schemas import network_proxy as schemas


def register(r):
    r.add('GET', '/os-floating-ips', index, max_version=PROXY_MAX)
    r.add('POST', '/os-floating-ips', create, max_version=PROXY_MAX)
    r.add('GET', '/os-floating-ips/{fip_id}', show, max_version=PROXY_MAX)
    r.add('DELETE', '/os-floating-ips/{fip_id}', delete, max_version=PROXY_MAX)
    r.add('GET', '/os-floating-ip-pools', pools, max_version=PROXY_MAX)


def index(req):
    policies.authorize(req.context, 'os-floating-ips:list')
    return {'floating_ips': network_proxy.list_floating_ips(req.context)}


def show(req, fip_id):
    policies.authorize(req.context, 'os-floating-ips:show')
    return {'floating_ip': network_proxy.get_floating_ip(req.context, fip_id)}


def create(req):
    # The body is optional (no pool: the default one).
    body = common.validate(schemas.floating_ip, req.body) if req.raw.body else None
    body = body or {}
    policies.authorize(req.context, 'os-floating-ips:create')
    return {'floating_ip': network_proxy.allocate_floating_ip(req.context, body.get('pool'))}


def delete(req, fip_id):
    policies.authorize(req.context, 'os-floating-ips:delete')
    network_proxy.release_floating_ip(req.context, fip_id)
    return router.Response(None, 202)


def pools(req):
    policies.authorize(req.context, 'os-floating-ip-pools')
    return {'floating_ip_pools': network_proxy.pools(req.context)}
