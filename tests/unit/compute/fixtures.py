"""Test harness for compute unit tests.

``ComputeEnv`` sets options on the global CONF, a SQLite file database, the
``fake://`` RPC transport and a *local conductor*: remotable object calls
go through JSON round trips into ``ObjectConductorEndpoint`` as over RPC.
The DB backend the objects see is guarded: it works only while the local
conductor is serving a call, so any API, scheduler or compute code that
reached for the database directly fails the test (the DB-poisoning base).
"""

import contextlib
import threading

import oslo_messaging as messaging
from oslo_config import cfg
from oslo_serialization import jsonutils
from oslo_versionedobjects import base as ovo_base

from common import config
from common import context as alto_context
from common import db as common_db
from common import objects as common_objects
from common import rpc
from services.compute import clients
from services.compute import conf as compute_conf
from services.compute import db as compute_db
from services.compute import objects
from services.compute.api import policies
from services.compute.clients import fake as fake_clients
from services.compute.db import api as db_api
from services.compute.objects import base as obj_base

CONF = cfg.CONF
IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
NETWORK_ID = '3cb9bc59-5699-4588-a4b1-b87f96708bc6'

_state = threading.local()


class DBPoisoned(AssertionError):
    pass


class GuardedDB:
    """The DB API, usable only inside a (local) conductor call."""

    def __getattr__(self, name):
        if not getattr(_state, 'in_conductor', 0):
            raise DBPoisoned('database used outside the conductor: %s' % name)
        return getattr(db_api, name)


@contextlib.contextmanager
def in_conductor():
    _state.in_conductor = getattr(_state, 'in_conductor', 0) + 1
    try:
        yield
    except messaging.ExpectedException as expected:
        # As the RPC server: the caller gets the exception the endpoint marked.
        raise expected.exc_info[1].with_traceback(expected.exc_info[2])
    finally:
        _state.in_conductor -= 1


class LocalConductor(ovo_base.VersionedObjectIndirectionAPI):
    def __init__(self):
        super().__init__()
        self.endpoint = common_objects.ObjectConductorEndpoint(obj_base.ComputeObject)
        self.serializer = obj_base.Serializer()

    def __bool__(self):
        # Inside a conductor call remotables run locally, as in the real
        # conductor, which has no indirection API.
        return not getattr(_state, 'in_conductor', 0)

    def _wire(self, context, value):
        primitive = self.serializer.serialize_entity(context, value)
        return self.serializer.deserialize_entity(context,
                                                  jsonutils.loads(jsonutils.dumps(primitive)))

    def _ctx(self, context):
        return alto_context.RequestContext.from_dict(context.to_dict())

    def object_class_action_versions(self, context, objname, objmethod, object_versions,
                                     args, kwargs):
        ctx = self._ctx(context)
        with in_conductor():
            result = self.endpoint.object_class_action_versions(
                ctx, objname, objmethod, object_versions, self._wire(ctx, args),
                self._wire(ctx, kwargs))
        return self._wire(context, result)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        ctx = self._ctx(context)
        remote = self._wire(ctx, objinst)
        remote._context = ctx
        with in_conductor():
            updates, result = self.endpoint.object_action(
                ctx, remote, objmethod, self._wire(ctx, args), self._wire(ctx, kwargs))
        return jsonutils.loads(jsonutils.dumps(updates)), self._wire(context, result)

    def object_backport_versions(self, context, objinst, object_versions):
        raise NotImplementedError


class ComputeEnv:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.servers = []

    def start(self):
        config.register_common_opts(CONF)
        compute_conf.register_opts(CONF)
        compute_db.register_opts(CONF)
        CONF([], project='altostratus', default_config_files=[])
        messaging.get_rpc_transport(CONF, url='fake:/').cleanup()  # registers its options
        connection = 'sqlite:///%s/compute.sqlite' % self.tmp_path
        CONF.set_override('connection', connection, group='database')
        CONF.set_override('transport_url', 'fake:/')
        CONF.set_override('auth_strategy', 'noauth', group='api')
        CONF.set_override('state_path', str(self.tmp_path))
        CONF.set_override('backend', 'fake', group='clients')
        CONF.set_override('fake_state_dir', str(self.tmp_path / 'fake'), group='clients')
        # In-process computes send no heartbeats: "down" is what a test forces, not
        # what a loaded machine's slowness, or the wall clock jumping when a
        # virtual machine resumes, makes of a long test (a host "seen" an hour
        # ago is down).
        CONF.set_override('service_down_time', 1800, group='service')
        for group, values in getattr(self, 'overrides', {}).items():
            for key, value in values.items():
                CONF.set_override(key, value, group=group)
        common_db.allow()
        common_db.reset('compute')
        common_db.sync('compute', connection)
        common_db.configure('compute', CONF)
        objects.register_all()
        obj_base.set_db_backend(GuardedDB())
        obj_base.ComputeObject.indirection_api = LocalConductor()
        rpc.cleanup()
        rpc.init(CONF, exmods=['services.compute.exception'])
        clients.reset()
        policies.reset()
        fake_clients.seed(str(self.tmp_path / 'fake'), images=[
            {'id': IMAGE_ID, 'name': 'cirros', 'visibility': 'public', 'status': 'active',
             'properties': {}}],
            networks=[{'id': NETWORK_ID, 'name': 'private', 'cidr': '192.0.2.0/24',
                       'shared': True}])
        return self

    def serve(self, topic, host, endpoint):
        target = messaging.Target(topic=topic, server=host)
        server = rpc.get_server(target, [endpoint], serializer=obj_base.Serializer())
        server.start()
        self.servers.append(server)
        return server

    def stop(self):
        # A server's wait() takes up to a second here; waiting for all of
        # them at once keeps those from adding up.
        for server in self.servers:
            server.stop()
        waiters = [threading.Thread(target=server.wait) for server in self.servers]
        for waiter in waiters:
            waiter.start()
        for waiter in waiters:
            waiter.join()
        rpc.cleanup()
        obj_base.ComputeObject.indirection_api = None
        obj_base.set_db_backend(None)
        common_db.reset('compute')
        clients.reset()
        policies.reset()
        CONF.reset()
        CONF.clear_override('connection', group='database')

    def admin_context(self):
        return alto_context.get_admin_context()
