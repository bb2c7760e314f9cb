"""os-hosts (admin, up to 2.42; nova removed it at 2.43): the services'
hosts, a compute host's resources, enable/disable.  Host power actions and
maintenance mode are what nova's drivers answer: not implemented (501)."""

from oslo_config import cfg

from services.compute import exception
from services.compute.api import policies
from services.compute.api.controllers import common
from services.compute.api.controllers import hosts
from services.compute.objects import compute_node as node_obj
from services.compute.objects import instance as inst_obj
from services.compute.objects import service as service_obj

CONF = cfg.CONF
MAX = (2, 42)
#: nova's service names in os-hosts (the topic each binary listens on).
_SERVICE = {'nova-compute': 'compute', 'nova-conductor': 'conductor',
            'nova-scheduler': 'scheduler'}
_update_schema = {
    'type': 'object',
    'properties': {'status': {'enum': ['enable', 'disable', 'Enable', 'Disable', 'ENABLE',
                                       'DISABLE']},
                   'maintenance_mode': {'enum': ['enable', 'disable', 'Enable', 'Disable',
                                                 'ENABLE', 'DISABLE']}},
    'anyOf': [{'required': ['status']}, {'required': ['maintenance_mode']}],
    'additionalProperties': False,
}


def register(r):
    r.add('GET', '/os-hosts', index, max_version=MAX)
    r.add('GET', '/os-hosts/{host_name}', show, max_version=MAX)
    r.add('PUT', '/os-hosts/{host_name}', update, max_version=MAX)
    for action in ('startup', 'shutdown', 'reboot'):
        r.add('GET', '/os-hosts/{host_name}/%s' % action, _power(action), max_version=MAX)


def index(req):
    policies.authorize(req.context, 'os-hosts:list')
    zones = hosts.host_zones(req.context)
    listed = [{'host_name': s.host, 'service': _SERVICE.get(s.binary, s.topic or s.binary),
               'zone': zones.get(s.host, CONF.compute.default_availability_zone)
               if s.binary == service_obj.COMPUTE else 'internal'}
              for s in service_obj.ServiceList.get_all(req.context)]
    zone = req.params.get('zone')
    if zone:
        listed = [h for h in listed if h['zone'] == zone]
    return {'hosts': listed}


def _compute_service(req, host_name):
    found = service_obj.ServiceList.get_all(req.context, binary=service_obj.COMPUTE,
                                            host=host_name)
    if not found:
        raise exception.ComputeHostNotFound(host=host_name)
    return found[0]


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


def show(req, host_name):
    policies.authorize(req.context, 'os-hosts:show')
    _compute_service(req, host_name)
    nodes = [n for n in node_obj.ComputeNodeList.get_all(req.context) if n.host == host_name]
    if not nodes:
        raise exception.ComputeHostNotFound(host=host_name)
    node = nodes[0]
    servers = inst_obj.InstanceList.get_by_filters(req.context, {'host': host_name})
    per_project = {}
    for server in servers:
        usage = per_project.setdefault(server.project_id, [0, 0, 0])
        usage[0] += server.vcpus or 0
        usage[1] += server.memory_mb or 0
        usage[2] += (server.root_gb or 0) + (server.flavor or {}).get('ephemeral_gb', 0)
    used_max = [sum(u[i] for u in per_project.values()) for i in range(3)]
    return {'host': [
        _resource(host_name, '(total)', node.vcpus, node.memory_mb, node.local_gb),
        _resource(host_name, '(used_now)', node.vcpus_used, node.memory_mb_used,
                  node.local_gb_used),
        _resource(host_name, '(used_max)', *used_max)] + [
        _resource(host_name, project, *usage) for project, usage in sorted(
            per_project.items())]}


def update(req, host_name):
    body = common.validate(_update_schema, req.body)
    policies.authorize(req.context, 'os-hosts:update')
    service = _compute_service(req, host_name)
    if 'maintenance_mode' in body:
        raise exception.HostActionNotImplemented(what='Virt driver does not implement host maintenance '
                                          'mode.')
    enabled = body['status'].lower() == 'enable'
    service.disabled = not enabled
    service.disabled_reason = None
    service.save()
    return {'host': host_name, 'status': 'enabled' if enabled else 'disabled'}


def _power(action):
    def run(req, host_name):
        policies.authorize(req.context, 'os-hosts:' + ('start' if action == 'startup'
                                                       else action))
        _compute_service(req, host_name)
        raise exception.HostActionNotImplemented(what='Virt driver does not implement host power '
                                          'management.')
    return run
