"""os-services, os-hypervisors and os-availability-zone."""

import json

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_utils import uuidutils

from common import servicegroup
from services.compute import exception
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import aggregate as agg_obj
from services.compute.objects import compute_node as node_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import service as service_obj

CONF = cfg.CONF

_service_update_schema = {
    'type': 'object',
    'properties': {'status': {'enum': ['enabled', 'disabled']},
                   'disabled_reason': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                   'forced_down': {'type': 'boolean'}},
    'additionalProperties': False,
}
_legacy_schema = {
    'type': 'object',
    'properties': {'host': {'type': 'string'}, 'binary': {'type': 'string'},
                   'disabled_reason': {'type': 'string', 'maxLength': 255},
                   'forced_down': {'type': 'boolean'}},
    'required': ['host', 'binary'],
}


def register(r):
    r.add('GET', '/os-services', list_services)
    r.add('PUT', '/os-services/{service_id}', update_service)
    r.add('DELETE', '/os-services/{service_id}', delete_service)
    r.add('GET', '/os-hypervisors', list_hypervisors)
    r.add('GET', '/os-hypervisors/detail', detail_hypervisors)
    r.add('GET', '/os-hypervisors/statistics', statistics, max_version=(2, 87))
    r.add('GET', '/os-hypervisors/{hypervisor_id}', show_hypervisor)
    r.add('GET', '/os-hypervisors/{pattern}/search', search_hypervisors)
    r.add('GET', '/os-hypervisors/{hypervisor_id}/servers', hypervisor_servers)
    r.add('GET', '/os-hypervisors/{hypervisor_id}/uptime', hypervisor_uptime,
          max_version=(2, 87))
    r.add('GET', '/os-availability-zone', list_zones)
    r.add('GET', '/os-availability-zone/detail', detail_zones)


def _up(service):
    return servicegroup.is_up(service.last_seen_at, CONF.service.service_down_time,
                              service.forced_down)


def host_zones(context):
    """host -> availability zone, from aggregate metadata."""
    zones = {}
    for agg in agg_obj.AggregateList.get_all(context):
        zone = agg.metadata.get('availability_zone')
        if zone:
            for host in agg.hosts:
                zones.setdefault(host, zone)
    return zones


def _zone(service, zones):
    if service.binary != service_obj.COMPUTE:
        return 'internal'
    return zones.get(service.host, CONF.compute.default_availability_zone)


# -- os-services ------------------------------------------------------------------

def _service_view(req, service, zones):
    body = {'id': service.uuid if req.at_least(53) else service.id,
            'binary': service.binary, 'host': service.host, 'zone': _zone(service, zones),
            'status': 'disabled' if service.disabled else 'enabled',
            'state': 'up' if _up(service) else 'down',
            'updated_at': common.isotime(service.updated_at).rstrip('Z').replace('T', 'T')
            if service.updated_at else None,
            'disabled_reason': service.disabled_reason}
    if req.at_least(11):
        body['forced_down'] = service.forced_down
    return body


def list_services(req):
    policies.authorize(req.context, 'os-services:list')
    services = service_obj.ServiceList.get_all(req.context, binary=req.params.get('binary'),
                                               host=req.params.get('host'))
    zones = host_zones(req.context)
    return {'services': [_service_view(req, s, zones) for s in services]}


def _find_legacy(req, body):
    body = common.validate(_legacy_schema, body)
    for service in service_obj.ServiceList.get_all(req.context, binary=body['binary'],
                                                   host=body['host']):
        return service, body
    raise exception.NotFound('Service %s on host %s not found.' % (body['binary'],
                                                                  body['host']))


def update_service(req, service_id):
    policies.authorize(req.context, 'os-services:update')
    body = req.body
    if not req.at_least(53):
        return _legacy_update(req, service_id, body)
    if not uuidutils.is_uuid_like(service_id):
        raise exception.Invalid(reason='Invalid uuid %s' % service_id)
    common.validate(_service_update_schema, body)
    if not body:
        raise exception.Invalid(reason='No updates were requested. Fields that can be '
                                       'updated are status, disabled_reason, forced_down')
    service = service_obj.Service.get_by_id(req.context, service_id)
    if 'disabled_reason' in body and body.get('status') != 'disabled':
        raise exception.Invalid(reason='Specifying a disabled_reason is only allowed when '
                                       'the status is disabled.')
    if 'status' in body:
        service.disabled = body['status'] == 'disabled'
        service.disabled_reason = body.get('disabled_reason') if service.disabled else None
    if 'forced_down' in body:
        service.forced_down = body['forced_down']
    service.save()
    return {'service': _service_view(req, service, host_zones(req.context))}


def _legacy_update(req, action, body):
    service, body = _find_legacy(req, body)
    result = {'host': service.host, 'binary': service.binary}
    if action == 'enable':
        service.disabled, service.disabled_reason = False, None
        result['status'] = 'enabled'
    elif action in ('disable', 'disable-log-reason'):
        service.disabled = True
        service.disabled_reason = body.get('disabled_reason')
        result['status'] = 'disabled'
        if action == 'disable-log-reason':
            result['disabled_reason'] = service.disabled_reason
    elif action == 'force-down' and req.at_least(11):
        if 'forced_down' not in body:
            raise exception.Invalid(reason='forced_down is required')
        service.forced_down = body['forced_down']
        result['forced_down'] = service.forced_down
    else:
        raise exception.NotFound('Unknown action')
    service.save()
    return {'service': result}


def delete_service(req, service_id):
    policies.authorize(req.context, 'os-services:delete')
    service = service_obj.Service.get_by_id(req.context, service_id)
    if service.binary == service_obj.COMPUTE:
        running = inst_obj.InstanceList.get_by_filters(req.context, {'host': service.host},
                                                       limit=1)
        if len(running):
            raise exception.Conflict(reason='Unable to delete compute service that is '
                                            'hosting instances.')
    service.destroy()
    return router.Response(None, 204)


# -- os-hypervisors ----------------------------------------------------------------

def _hypervisor_view(req, node, service, detailed, servers=None):
    state = 'up' if service is not None and _up(service) else 'down'
    body = {'id': node.uuid if req.at_least(53) else node.id,
            'hypervisor_hostname': node.hypervisor_hostname, 'state': state,
            'status': 'disabled' if service is None or service.disabled else 'enabled'}
    if detailed:
        body.update({
            'host_ip': node.host_ip, 'hypervisor_type': node.hypervisor_type,
            'hypervisor_version': node.hypervisor_version,
            'service': {'host': node.host,
                        'id': (service.uuid if req.at_least(53) else service.id)
                        if service else None,
                        'disabled_reason': service.disabled_reason if service else None},
            'vcpus': node.vcpus, 'vcpus_used': node.vcpus_used,
            'memory_mb': node.memory_mb, 'memory_mb_used': node.memory_mb_used,
            'free_ram_mb': node.memory_mb - node.memory_mb_used,
            'local_gb': node.local_gb, 'local_gb_used': node.local_gb_used,
            'free_disk_gb': node.local_gb - node.local_gb_used,
            'current_workload': 0, 'running_vms': node.running_vms,
            'disk_available_least': node.local_gb - node.local_gb_used,
            'cpu_info': node.cpu_info if req.at_least(28) else json.dumps(node.cpu_info),
        })
        if req.at_least(88):
            # 2.88: the resource figures are placement's to tell; the uptime
            # joins the detailed view instead.
            for key in _FIGURES:
                body.pop(key)
            body['uptime'] = _uptime(req, node, service)
    if servers is not None:
        body['servers'] = [{'name': s.display_name, 'uuid': s.uuid} for s in servers]
    return body


_FIGURES = ('vcpus', 'vcpus_used', 'memory_mb', 'memory_mb_used', 'free_ram_mb', 'local_gb',
            'local_gb_used', 'free_disk_gb', 'current_workload', 'running_vms',
            'disk_available_least', 'cpu_info')


def _uptime(req, node, service):
    """The host's uptime line, or None when its compute service is down or
    does not answer."""
    if service is None or not _up(service):
        return None
    try:
        return compute_rpcapi.ComputeAPI().get_host_uptime(req.context, node.host)
    except messaging.MessagingTimeout:
        return None


def _nodes(req, operation):
    policies.authorize(req.context, 'os-hypervisors:' + operation)
    services = {s.host: s for s in service_obj.ServiceList.get_all(
        req.context, binary=service_obj.COMPUTE)}
    return node_obj.ComputeNodeList.get_all(req.context), services


def _list(req, detailed):
    nodes, services = _nodes(req, 'list-detail' if detailed else 'list')
    pattern = req.params.get('hypervisor_hostname_pattern') if req.at_least(53) else None
    if pattern:
        nodes = [n for n in nodes if pattern in n.hypervisor_hostname]
        if not nodes:
            raise exception.HypervisorNotFound(hypervisor_id=pattern)
    with_servers = req.at_least(53) and common.bool_param(
        req.params.get('with_servers', 'false'), 'with_servers')
    items = []
    for node in nodes:
        servers = _servers_on(req, node.host) if with_servers else None
        items.append(_hypervisor_view(req, node, services.get(node.host), detailed, servers))
    return {'hypervisors': items}


def _servers_on(req, host):
    return inst_obj.InstanceList.get_by_filters(req.context, {'host': host})


def list_hypervisors(req):
    return _list(req, False)


def detail_hypervisors(req):
    return _list(req, True)


def show_hypervisor(req, hypervisor_id):
    _, services = _nodes(req, 'show')
    if req.at_least(53) and not uuidutils.is_uuid_like(hypervisor_id):
        raise exception.Invalid(reason='Invalid uuid %s' % hypervisor_id)
    node = node_obj.ComputeNode.get_by_id(req.context, hypervisor_id)
    with_servers = req.at_least(53) and common.bool_param(
        req.params.get('with_servers', 'false'), 'with_servers')
    servers = _servers_on(req, node.host) if with_servers else None
    return {'hypervisor': _hypervisor_view(req, node, services.get(node.host), True,
                                           servers)}


def hypervisor_uptime(req, hypervisor_id):
    """The host's ``uptime`` line, asked of its compute service (an RPC
    call), which must be up."""
    policies.authorize(req.context, 'os-hypervisors:uptime')
    if req.at_least(53) and not uuidutils.is_uuid_like(hypervisor_id):
        raise exception.Invalid(reason='Invalid uuid %s' % hypervisor_id)
    node = node_obj.ComputeNode.get_by_id(req.context, hypervisor_id)
    service = next(iter(service_obj.ServiceList.get_all(
        req.context, binary=service_obj.COMPUTE, host=node.host)), None)
    if service is None:
        raise exception.ComputeHostNotFound(host=node.host)
    if not _up(service):
        raise exception.ComputeServiceUnavailable(host=node.host)
    try:
        uptime = compute_rpcapi.ComputeAPI().get_host_uptime(req.context, node.host)
    except messaging.MessagingTimeout:
        raise exception.ComputeServiceUnavailable(host=node.host)
    body = _hypervisor_view(req, node, service, False)
    body['uptime'] = uptime
    return {'hypervisor': body}


def search_hypervisors(req, pattern):
    if req.at_least(53):
        raise exception.NotFound()
    nodes, services = _nodes(req, 'search')
    found = [n for n in nodes if pattern in n.hypervisor_hostname]
    if not found:
        raise exception.HypervisorNotFound(hypervisor_id=pattern)
    return {'hypervisors': [_hypervisor_view(req, n, services.get(n.host), False)
                            for n in found]}


def hypervisor_servers(req, hypervisor_id):
    if req.at_least(53):
        raise exception.NotFound()
    nodes, services = _nodes(req, 'servers')
    found = [n for n in nodes if hypervisor_id in n.hypervisor_hostname]
    if not found:
        raise exception.HypervisorNotFound(hypervisor_id=hypervisor_id)
    return {'hypervisors': [_hypervisor_view(req, n, services.get(n.host), False,
                                             _servers_on(req, n.host)) for n in found]}


def statistics(req):
    nodes, _ = _nodes(req, 'statistics')
    keys = ('vcpus', 'vcpus_used', 'memory_mb', 'memory_mb_used', 'local_gb',
            'local_gb_used', 'running_vms')
    stats = {k: sum(getattr(n, k) for n in nodes) for k in keys}
    stats.update(count=len(nodes), free_ram_mb=stats['memory_mb'] - stats['memory_mb_used'],
                 free_disk_gb=stats['local_gb'] - stats['local_gb_used'],
                 current_workload=0,
                 disk_available_least=stats['local_gb'] - stats['local_gb_used'])
    return {'hypervisor_statistics': stats}


# -- os-availability-zone ------------------------------------------------------------

def _zones(req):
    services = service_obj.ServiceList.get_all(req.context)
    zones = host_zones(req.context)
    result = {}
    for service in services:
        zone = _zone(service, zones)
        entry = result.setdefault(zone, {'available': False, 'hosts': {}})
        alive = _up(service) and not service.disabled
        entry['available'] = entry['available'] or alive
        entry['hosts'].setdefault(service.host, {})[service.binary] = {
            'available': _up(service), 'active': not service.disabled,
            'updated_at': common.isotime(service.updated_at)}
    return result


def list_zones(req):
    policies.authorize(req.context, 'os-availability-zone:list')
    zones = _zones(req)
    return {'availabilityZoneInfo': [
        {'zoneName': name, 'zoneState': {'available': info['available']}, 'hosts': None}
        for name, info in sorted(zones.items()) if name != 'internal']}


def detail_zones(req):
    policies.authorize(req.context, 'os-availability-zone:detail')
    zones = _zones(req)
    return {'availabilityZoneInfo': [
        {'zoneName': name, 'zoneState': {'available': info['available']},
         'hosts': info['hosts']} for name, info in sorted(zones.items())]}
