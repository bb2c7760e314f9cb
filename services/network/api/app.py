"""The alto-network-api WSGI application (DB-free: all state via RPC)."""

from common import faults
from common import policy
from common import wsgi
from services.network.api import hooks
from services.network.api import policies
from services.network.api.controllers import root
from services.network.conductor import rpcapi


class StripJsonSuffix:
    """Neutron accepts ``/v2.0/networks.json``; clients such as the quota
    details call still use the suffix."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path.endswith('.json'):
            environ['PATH_INFO'] = path[:-len('.json')]
        return self.app(environ, start_response)


def _public(method, path):
    return method in ('GET', 'HEAD') and path.rstrip('/') == ''


def build(conf, conductor=None, enforcer=None):
    conductor = conductor or rpcapi.NetworkConductorAPI()
    enforcer = enforcer or policy.make_enforcer(conf, policies.list_rules())
    app = wsgi.build_app(root.RootController(), conf, faults.network_fault,
                         hooks=[hooks.ServicesHook(conf, conductor, enforcer),
                                hooks.ProjectScopeHook()],
                         public_paths=_public)
    return StripJsonSuffix(app)
