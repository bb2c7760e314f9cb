"""RPC and object indirection over oslo.messaging's in-process fake driver."""

import uuid

import oslo_messaging as messaging
import pytest
from oslo_config import cfg
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

from common import context
from common import exception
from common import objects
from common import rpc


class GadgetMissing(exception.NotFound):
    msg_fmt = 'No gadget %(name)s.'


class SampleBase(objects.AltoObject):
    """A service's object base: its own namespace keeps registries apart."""
    OBJ_PROJECT_NAMESPACE = 'altostratus.test'


@ovo_base.VersionedObjectRegistry.register
class Gadget(SampleBase):
    VERSION = '1.0'
    fields = {'name': fields.StringField(), 'count': fields.IntegerField(default=0),
              'served_by': fields.StringField(nullable=True)}

    @objects.remotable_classmethod
    def get(cls, ctx, name):
        if name == 'none':
            raise GadgetMissing(name=name)
        if name == 'bug':
            raise KeyError(name)
        return cls(ctx, name=name, count=1, served_by='conductor:%s' % ctx.project_id)

    @objects.remotable
    def bump(self):
        self.count += 1
        self.served_by = 'conductor'


Serializer = objects.make_serializer(SampleBase)


class InProcessConductor(objects.ObjectConductorEndpoint):
    """The conductor endpoint; client and server share one process here, so
    the class's indirection API is lifted while the server runs a method."""

    def _local(self, method, *args, **kwargs):
        saved, Gadget.indirection_api = Gadget.indirection_api, None
        try:
            return method(*args, **kwargs)
        finally:
            Gadget.indirection_api = saved

    def object_class_action_versions(self, *args, **kwargs):
        return self._local(super().object_class_action_versions, *args, **kwargs)

    def object_action(self, *args, **kwargs):
        return self._local(super().object_action, *args, **kwargs)


class EchoManager:
    target = messaging.Target(version='1.1')

    def echo(self, ctx, value):
        return {'value': value, 'project': ctx.project_id}

    def fail(self, ctx):
        raise GadgetMissing(name='x')


@pytest.fixture
def transport():
    conf = cfg.CONF
    rpc.register_opts(conf)
    conf.set_override('transport_url', 'fake://')
    rpc.cleanup()
    rpc.init(conf, exmods=[__name__])
    yield
    rpc.cleanup()
    conf.clear_override('transport_url')


def serve(topic, endpoints, serializer=None):
    server = rpc.get_server(messaging.Target(topic=topic, server='h1'), endpoints,
                            serializer=serializer)
    server.start()
    return server


def stop(server):
    server.stop()
    server.wait()


def test_call_carries_context_and_reraises_project_exceptions(transport):
    topic = 'echo-%s' % uuid.uuid4().hex
    server = serve(topic, [EchoManager()])
    try:
        client = rpc.get_client(messaging.Target(topic=topic, version='1.0'), timeout=5)
        ctx = context.RequestContext(project_id='p1', user_id='u1')
        assert client.call(ctx, 'echo', value=3) == {'value': 3, 'project': 'p1'}
        with pytest.raises(GadgetMissing) as err:
            client.call(ctx, 'fail')
        assert err.value.code == 404
        capped = rpc.get_client(messaging.Target(topic=topic), version_cap='1.0')
        assert not capped.can_send_version('1.1')
    finally:
        stop(server)


def test_remotable_methods_run_in_the_conductor(transport, caplog):
    topic = 'cond-%s' % uuid.uuid4().hex
    server = serve(topic, [InProcessConductor(SampleBase)],
                   serializer=Serializer())
    Gadget.indirection_api = objects.ObjectIndirectionAPI(topic, Serializer())
    try:
        ctx = context.RequestContext(project_id='p9')
        gadget = Gadget.get(ctx, 'g')
        assert (gadget.name, gadget.count, gadget.served_by) == ('g', 1, 'conductor:p9')
        gadget.bump()
        assert gadget.count == 2 and gadget.served_by == 'conductor'
        caplog.clear()
        with pytest.raises(GadgetMissing):
            Gadget.get(ctx, 'none')
        # an answer the caller handles is no error of the conductor; a bug is
        assert not [r for r in caplog.records if r.levelname == 'ERROR']
        with pytest.raises(KeyError):
            Gadget.get(ctx, 'bug')
        assert [r for r in caplog.records if r.levelname == 'ERROR']
        with pytest.raises(NotImplementedError):
            Gadget(ctx).name  # noqa: B018 - lazy loading is refused
    finally:
        Gadget.indirection_api = None
        stop(server)


def test_send_retry_bounds_every_client_of_the_process():
    conf = cfg.CONF
    rpc.register_opts(conf)
    conf.set_override('transport_url', 'fake://')
    rpc.cleanup()
    try:
        rpc.init(conf, send_retry=2)
        bounded = rpc.get_client(messaging.Target(topic='t'))
        assert bounded.retry == 2
        rpc.cleanup()
        rpc.init(conf)
        assert rpc.get_client(messaging.Target(topic='t')).retry is None
    finally:
        rpc.cleanup()
        conf.clear_override('transport_url')
