"""The Block Storage v3 WSGI application."""

import pecan

from common import faults
from common import wsgi
from services.volume.api import router as api_router
from services.volume.api.controllers import attachments
from services.volume.api.controllers import backups
from services.volume.api.controllers import extensions
from services.volume.api.controllers import groups
from services.volume.api.controllers import messages
from services.volume.api.controllers import qos_specs
from services.volume.api.controllers import misc
from services.volume.api.controllers import snapshots
from services.volume.api.controllers import transfers
from services.volume.api.controllers import types
from services.volume.api.controllers import versions
from services.volume.api.controllers import volume_actions
from services.volume.api.controllers import volumes

PREFIX = '/v3'
CONTROLLERS = (volumes, volume_actions, snapshots, types, attachments, misc, extensions,
               qos_specs, transfers, messages, backups, groups)


def build_router():
    router = api_router.Router()
    for module in CONTROLLERS:
        module.register(router)
    return router


class RootController:
    def __init__(self, router):
        self.router = router

    @pecan.expose()
    def _route(self, args, request=None):
        if args and args[0] == 'v3':
            if len(args) == 1 or args[1:] == ['']:
                return self.version, []
            return self.handle, []
        if not args or args == ['']:
            return self.index, []
        return self.not_found, []

    @pecan.expose(content_type='application/json')
    def index(self):
        api_router.read_only(pecan.request.method)
        return versions.render(300)

    @pecan.expose(content_type='application/json')
    def version(self):
        api_router.read_only(pecan.request.method)
        return versions.render(200)

    @pecan.expose(content_type='application/json')
    def handle(self):
        return api_router.dispatch(self.router, PREFIX)

    @pecan.expose()
    def not_found(self):
        pecan.abort(404)


def _public(method, path):
    return method in ('GET', 'HEAD') and path.rstrip('/') in ('', '/v3')


def build(conf):
    return wsgi.build_app(RootController(build_router()), conf, faults.compute_fault,
                          public_paths=_public)
