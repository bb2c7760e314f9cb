"""os-security-groups and os-security-group-rules (nova's proxies of the
network service's security groups, below 2.36), and the server's groups
(GET /servers/{id}/os-security-groups, every version)."""

from services.compute.api import network_proxy
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.controllers import servers
from services.compute.api.schemas import network_proxy as schemas

#: The last microversion that serves the proxies (nova removed them at 2.36).
PROXY_MAX = (2, 35)


def register(r):
    r.add('GET', '/os-security-groups', index, max_version=PROXY_MAX)
    r.add('POST', '/os-security-groups', create, max_version=PROXY_MAX)
    r.add('GET', '/os-security-groups/{group_id}', show, max_version=PROXY_MAX)
    r.add('PUT', '/os-security-groups/{group_id}', update, max_version=PROXY_MAX)
    r.add('DELETE', '/os-security-groups/{group_id}', delete, max_version=PROXY_MAX)
    r.add('POST', '/os-security-group-rules', create_rule, max_version=PROXY_MAX)
    r.add('DELETE', '/os-security-group-rules/{rule_id}', delete_rule,
          max_version=PROXY_MAX)
    r.add('GET', '/servers/{server_id}/os-security-groups', server_index)


def index(req):
    policies.authorize(req.context, 'os-security-groups:get')
    value = req.params.get('all_tenants')
    all_projects = value is not None and (value == '' or
                                          common.bool_param(value, 'all_tenants'))
    all_projects = all_projects and req.context.is_admin
    groups = network_proxy.list_groups(req.context, all_projects)
    offset = common.int_param(req, 'offset', default=0)
    limit = common.int_param(req, 'limit')
    groups = groups[offset:] if limit is None else groups[offset:offset + limit]
    return {'security_groups': groups}


def show(req, group_id):
    policies.authorize(req.context, 'os-security-groups:show')
    return {'security_group': network_proxy.get_group(req.context, group_id)}


def create(req):
    body = common.validate(schemas.security_group, req.body)['security_group']
    policies.authorize(req.context, 'os-security-groups:create')
    group = network_proxy.create_group(req.context, body.get('name'), body.get('description'))
    return {'security_group': group}


def update(req, group_id):
    body = common.validate(schemas.security_group, req.body)['security_group']
    policies.authorize(req.context, 'os-security-groups:update')
    group = network_proxy.update_group(req.context, group_id, body.get('name'),
                                       body.get('description'))
    return {'security_group': group}


def delete(req, group_id):
    policies.authorize(req.context, 'os-security-groups:delete')
    network_proxy.delete_group(req.context, group_id)
    return router.Response(None, 202)


def create_rule(req):
    body = common.validate(schemas.security_group_rule, req.body)['security_group_rule']
    policies.authorize(req.context, 'os-security-groups:rule:create')
    return {'security_group_rule': network_proxy.create_rule(req.context, body)}


def delete_rule(req, rule_id):
    policies.authorize(req.context, 'os-security-groups:rule:delete')
    network_proxy.delete_rule(req.context, rule_id)
    return router.Response(None, 202)


def server_index(req, server_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'os-security-groups:list', servers.target(instance))
    return {'security_groups': network_proxy.instance_groups(req.context, instance)}
