"""GET /servers/{id}/diagnostics (admin): the running guest's figures from
its compute host; 409 when the server does not run there."""

from services.compute import exception
from services.compute.api import policies
from services.compute.api.controllers import servers
from services.compute.api.views import diagnostics as views
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import instance as inst_obj


def register(r):
    r.add('GET', '/servers/{server_id}/diagnostics', show)


def show(req, server_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'os-server-diagnostics', servers.target(instance))
    if not instance.host or instance.vm_state in (inst_obj.BUILDING,
                                                  inst_obj.SHELVED_OFFLOADED):
        raise exception.InstanceInvalidState(action='get_diagnostics',
                                             instance_uuid=instance.uuid,
                                             attr='vm_state', state=instance.vm_state)
    figures = compute_rpcapi.ComputeAPI().get_diagnostics(req.context, instance.host,
                                                          instance.uuid)
    return views.standard(figures) if req.at_least(48) else views.legacy(figures)
