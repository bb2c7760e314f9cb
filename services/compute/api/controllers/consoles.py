"""Console URLs: ``POST /servers/{id}/remote-consoles`` (2.6+) and the
``os-getVNCConsole`` action. Only noVNC over VNC is served: the server's
compute host gives its display a token the conductor keeps
(``[consoleauth] token_ttl``), and the URL points at alto-compute-novncproxy
with that token."""

from services.compute import exception
from services.compute.api import compute_api
from services.compute.api import policies
from services.compute.api.controllers import common
from services.compute.api.controllers import servers
from services.compute.api.schemas import consoles as schemas
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import instance as inst_obj
from services.compute.objects import service as service_obj

RULE = 'os-remote-consoles'


def register(r):
    r.add('POST', '/servers/{server_id}/remote-consoles', create, min_version=(2, 6))


def vnc_url(req, instance, console_type):
    """``{'type', 'url'}`` from the server's compute host."""
    if console_type != 'novnc':
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    if not instance.host or instance.vm_state == inst_obj.BUILDING:
        raise exception.InstanceNotReady(instance_id=instance.uuid)
    services = {s.host: s for s in service_obj.ServiceList.get_all(
        req.context, binary=service_obj.COMPUTE, host=instance.host)}
    if not compute_api.host_is_up(services, instance.host):
        raise exception.ComputeHostDown()
    return compute_rpcapi.ComputeAPI().get_vnc_console(req.context, instance.host,
                                                       instance.uuid, console_type)


def create(req, server_id):
    body = common.validate(schemas.create, req.body)['remote_console']
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, RULE, servers.target(instance))
    if body['protocol'] != 'vnc':
        raise exception.ConsoleTypeUnavailable(console_type=body['type'])
    console = vnc_url(req, instance, body['type'])
    return {'remote_console': {'protocol': 'vnc', 'type': console['type'],
                               'url': console['url']}}


def get_vnc_console_action(req, instance, body):
    """The ``os-getVNCConsole`` server action."""
    body = common.validate(schemas.get_vnc_console, body)
    console = vnc_url(req, instance, body['type'])
    return {'console': {'type': console['type'], 'url': console['url']}}
