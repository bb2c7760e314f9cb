"""/servers/{id}/os-server-password: the encrypted admin password a guest
posted to the metadata service (empty when none); DELETE clears it."""

from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import servers
from services.compute.objects import instance as inst_obj

KEY = inst_obj.PASSWORD_KEY


def register(r):
    r.add('GET', '/servers/{server_id}/os-server-password', show)
    r.add('DELETE', '/servers/{server_id}/os-server-password', clear)


def show(req, server_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'os-server-password:show', servers.target(instance))
    return {'password': (instance.system_metadata or {}).get(KEY) or ''}


def clear(req, server_id):
    instance = servers.get_instance(req, server_id)
    policies.authorize(req.context, 'os-server-password:clear', servers.target(instance))
    metadata = dict(instance.system_metadata or {})
    if metadata.pop(KEY, None) is not None:
        instance.system_metadata = metadata
        instance.save()
    return router.Response(None, 204)
