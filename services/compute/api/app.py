"""The Compute v2.1 WSGI application."""

import pecan

from common import faults
from common import wsgi
from services.compute.api import router as api_router
from services.compute.api.controllers import aggregates
from services.compute.api.controllers import assisted_volume_snapshots
from services.compute.api.controllers import consoles
from services.compute.api.controllers import extensions
from services.compute.api.controllers import flavors
from services.compute.api.controllers import floating_ips
from services.compute.api.controllers import hosts
from services.compute.api.controllers import images
from services.compute.api.controllers import interfaces
from services.compute.api.controllers import keypairs
from services.compute.api.controllers import limits
from services.compute.api.controllers import migrations
from services.compute.api.controllers import networks
from services.compute.api.controllers import os_hosts
from services.compute.api.controllers import security_groups
from services.compute.api.controllers import quota_classes
from services.compute.api.controllers import instance_usage_audit_log
from services.compute.api.controllers import server_actions
from services.compute.api.controllers import server_diagnostics
from services.compute.api.controllers import server_external_events
from services.compute.api.controllers import server_extras
from services.compute.api.controllers import server_groups
from services.compute.api.controllers import server_password
from services.compute.api.controllers import servers
from services.compute.api.controllers import usage
from services.compute.api.controllers import versions
from services.compute.api.controllers import volume_attachments
from services.compute.api.controllers import volumes

PREFIX = '/v2.1'
CONTROLLERS = (servers, server_actions, server_extras, flavors, keypairs, hosts, limits,
               server_groups, aggregates, interfaces, usage, images, server_external_events,
               volume_attachments, consoles, security_groups, floating_ips, networks,
               migrations, os_hosts, server_password, extensions, quota_classes,
               server_diagnostics, instance_usage_audit_log, assisted_volume_snapshots,
               volumes)


def build_router():
    router = api_router.Router()
    for module in CONTROLLERS:
        module.register(router)
    return router


class V21Controller:
    def __init__(self, router):
        self.router = router

    @pecan.expose()
    def _route(self, args, request=None):
        return self.handle, []

    @pecan.expose(content_type='application/json')
    def handle(self):
        return api_router.dispatch(self.router, PREFIX)


class RootController:
    def __init__(self, router):
        self.v21 = V21Controller(router)

    @pecan.expose()
    def _route(self, args, request=None):
        if args and args[0] == 'v2.1':
            if len(args) == 1 or args[1:] == ['']:
                return self.version, []
            return self.v21.handle, []
        if args[:1] == ['v2'] and (len(args) == 1 or args[1:] == ['']):
            return self.version_v20, []
        if not args or args == ['']:
            return self.index, []
        return self.not_found, []

    @pecan.expose(content_type='application/json')
    def index(self):
        api_router.read_only(pecan.request.method)
        return versions.render_versions()

    @pecan.expose(content_type='application/json')
    def version(self):
        api_router.read_only(pecan.request.method)
        return versions.render_version()

    @pecan.expose(content_type='application/json')
    def version_v20(self):
        api_router.read_only(pecan.request.method)
        return versions.render_version('v2.0')

    @pecan.expose()
    def not_found(self):
        pecan.abort(404)


def _public(method, path):
    return method in ('GET', 'HEAD') and path.rstrip('/') in ('', '/v2', '/v2.1')


def build(conf):
    objects_loaded()
    return wsgi.build_app(RootController(build_router()), conf, faults.compute_fault,
                          public_paths=_public, request_id_headers=['X-Compute-Request-ID'])


def objects_loaded():
    from services.compute import objects
    objects.register_all()
