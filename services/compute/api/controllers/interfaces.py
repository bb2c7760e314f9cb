"""/servers/{id}/os-interface: a server's port interfaces.

The list and show read the network service (the ports whose device is the
server); attach is an RPC call to the server's compute host, which creates
or takes the port, binds it and plugs it into the guest; detach is a cast.
"""

from common import rpc
from services.compute import clients
from services.compute import exception
from services.compute.api import compute_api
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.controllers import servers
from services.compute.api.schemas import interfaces as schemas
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj
from services.compute.objects import service as service_obj

#: vm_states that take and give up interfaces (nova's).
STATES = (inst_obj.ACTIVE, inst_obj.PAUSED, inst_obj.STOPPED)


def register(r):
    r.add('GET', '/servers/{server_id}/os-interface', index)
    r.add('POST', '/servers/{server_id}/os-interface', create)
    r.add('GET', '/servers/{server_id}/os-interface/{port_id}', show)
    r.add('DELETE', '/servers/{server_id}/os-interface/{port_id}', delete)


#: system_metadata key prefix of an interface's device tag (2.32 at boot,
#: 2.49 at attach).
TAG_PREFIX = inst_obj.VIF_TAG_PREFIX


def view(req, port, instance):
    """An interface attachment; its device ``tag`` from 2.70 (None when the
    attach named none)."""
    body = {'net_id': port['network_id'], 'port_id': port['id'],
            'mac_addr': port.get('mac_address'), 'port_state': port.get('status'),
            'fixed_ips': port.get('fixed_ips')}
    if req.at_least(70):
        body['tag'] = (instance.system_metadata or {}).get(TAG_PREFIX + port['id'])
    return body


def _keep_tag(instance, port_id, tag):
    meta = dict(instance.system_metadata or {})
    meta[TAG_PREFIX + port_id] = tag
    instance.system_metadata = meta
    instance.save()


def _instance(req, server_id, rule):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'os-attach-interfaces:' + rule, servers.target(instance))
    return instance


def _port(req, port_id):
    try:
        return clients.network_client().get_port(req.context, port_id)
    except exception.PortNotFound:
        raise exception.InterfacePortNotFound(port_id=port_id)


def check_state(req, instance, action_name, states=STATES):
    """409 unless the server is in one of ``states`` (ACTIVE, PAUSED or
    SHUTOFF) with no task, on a host that is up (attach and detach of
    interfaces and volumes)."""
    if instance.vm_state not in states or not instance.host:
        raise exception.InstanceInvalidState(action=action_name, instance_uuid=instance.uuid,
                                             attr='vm_state', state=instance.vm_state)
    if instance.task_state is not None:
        raise exception.InstanceInvalidState(action=action_name, instance_uuid=instance.uuid,
                                             attr='task_state', state=instance.task_state)
    # Up front, as nova: an attach to a dead host would wait out the RPC
    # timeout, a detach would be cast into a queue nobody reads.
    services = {s.host: s for s in service_obj.ServiceList.get_all(
        req.context, binary=service_obj.COMPUTE, host=instance.host)}
    if not compute_api.host_is_up(services, instance.host):
        raise exception.ComputeHostDown()


def index(req, server_id):
    instance = _instance(req, server_id, 'list')
    ports = clients.network_client().list_ports(req.context, instance.uuid)
    return {'interfaceAttachments': [view(req, p, instance) for p in ports]}


def show(req, server_id, port_id):
    instance = _instance(req, server_id, 'show')
    port = _port(req, port_id)
    if port.get('device_id') != instance.uuid:
        raise exception.InterfaceNotAttached(instance_uuid=instance.uuid, port_id=port_id)
    return {'interfaceAttachment': view(req, port, instance)}


def _network_for(req):
    """The one network a bare attach request may mean (nova's rule)."""
    networks = clients.network_client().list_networks(req.context)
    own = [n for n in networks if n.get('project_id') == req.context.project_id]
    pool = own or networks
    if not pool:
        raise exception.InterfaceAttachFailedNoNetwork(project_id=req.context.project_id)
    if len(pool) > 1:
        raise exception.NetworkAmbiguous()
    return pool[0]['id']


def create(req, server_id):
    body = common.validate(schemas.create, req.body).get('interfaceAttachment') or {}
    common.fields_for_version(req, body, {'tag': 49})
    instance = _instance(req, server_id, 'create')
    servers.check_not_locked(req, instance)
    check_state(req, instance, 'attach_interface')
    compute = compute_rpcapi.ComputeAPI()
    rpc.require_version(compute.client, '1.1', 'compute')
    network_id, port_id = body.get('net_id'), body.get('port_id')
    fixed_ips = body.get('fixed_ips') or []
    if network_id and port_id:
        raise exception.Invalid(reason='Must not input both network_id and port_id')
    if fixed_ips and not network_id:
        raise exception.Invalid(reason='Must input network_id when request IP address')
    net_client = clients.network_client()
    if port_id:
        if _port(req, port_id).get('device_id'):
            raise exception.PortInUse(port_id=port_id)
    elif network_id:
        try:
            net_client.get_network(req.context, network_id)
        except exception.NetworkNotFound:
            raise exception.InterfaceNetworkNotFound(network_id=network_id)
    else:
        network_id = _network_for(req)
    action_obj.InstanceAction.action_start(req.context, instance.uuid, 'attach_interface')
    try:
        vif = compute.attach_interface(
            req.context, instance.host, instance.uuid, network_id, port_id,
            fixed_ips[0]['ip_address'] if fixed_ips else None)
    except exception.PortNotFound:
        raise exception.InterfacePortNotFound(port_id=port_id)
    except exception.NetworkNotFound:
        raise exception.InterfaceNetworkNotFound(network_id=network_id)
    if body.get('tag'):
        _keep_tag(instance, vif['port_id'], body['tag'])
    return {'interfaceAttachment': view(req, _port(req, vif['port_id']), instance)}


def delete(req, server_id, port_id):
    instance = _instance(req, server_id, 'delete')
    servers.check_not_locked(req, instance)
    check_state(req, instance, 'detach_interface')
    if not any(vif['port_id'] == port_id for vif in instance.network_info or []):
        raise exception.InterfacePortNotFound(port_id=port_id)
    compute = compute_rpcapi.ComputeAPI()
    rpc.require_version(compute.client, '1.1', 'compute')
    action_obj.InstanceAction.action_start(req.context, instance.uuid, 'detach_interface')
    compute.detach_interface(req.context, instance.host, instance.uuid, port_id)
    return router.Response(None, 202)
