"""oslo.versionedobjects base, serializer and the conductor indirection pair.

DB-free daemons set ``indirection_api`` on their service's object base to an
:class:`ObjectIndirectionAPI`; every ``@remotable`` method then runs in the
conductor, which serves :class:`ObjectConductorEndpoint`.  Lazy loading is
refused so no attribute access can hide an RPC round trip.
"""

import contextlib

import oslo_messaging as messaging
from oslo_versionedobjects import base as ovo_base

from common import db
from common import exception
from common import rpc

remotable = ovo_base.remotable
remotable_classmethod = ovo_base.remotable_classmethod


class AltoObject(ovo_base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = 'altostratus'

    def obj_load_attr(self, attrname):
        raise NotImplementedError(
            '%s.%s is not loaded and lazy loading is disabled'
            % (self.obj_name(), attrname))


def make_serializer(base_class):
    """A serializer class for one service's object base."""
    return type('%sSerializer' % base_class.__name__,
                (ovo_base.VersionedObjectSerializer,),
                {'OBJ_BASE_CLASS': base_class})


class ObjectIndirectionAPI(ovo_base.VersionedObjectIndirectionAPI):
    """Client that forwards remotable object calls to a conductor topic."""

    VERSION = '1.0'

    def __init__(self, topic, serializer, version_cap=None):
        super().__init__()
        target = messaging.Target(topic=topic, namespace='objects', version=self.VERSION)
        self._client = rpc.get_client(target, version_cap=version_cap, serializer=serializer)

    def object_class_action_versions(self, context, objname, objmethod, object_versions,
                                     args, kwargs):
        return self._client.prepare().call(
            context, 'object_class_action_versions', objname=objname,
            objmethod=objmethod, object_versions=object_versions, args=args, kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        return self._client.prepare().call(
            context, 'object_action', objinst=objinst, objmethod=objmethod,
            args=args, kwargs=kwargs)

    def object_backport_versions(self, context, objinst, object_versions):
        return self._client.prepare().call(
            context, 'object_backport_versions', objinst=objinst,
            object_versions=object_versions)


def database_away(exc):
    """True when ``exc`` says the database is away or deadlocked: oslo.db's
    error in the conductor itself, or the 503 a remote conductor made of it.
    Nothing is known about a write that failed so (its commit may have
    landed); the caller reads back before it writes again."""
    return db.unavailable(exc) is not None or isinstance(exc, exception.ServiceUnavailable)


@contextlib.contextmanager
def _answered_as_the_caller_expects():
    """The caller (an API, a compute host) gets a 503 it can retry, not a
    RemoteError (a 500), when the database is away or deadlocked.  An error
    it is meant to handle (a 4xx: not found, conflict, invalid) goes back
    without an ERROR traceback in this log (an API looking a flavor up by id,
    then by name, is no fault); anything else is a bug and is logged."""
    try:
        yield
    except Exception as exc:
        translated = db.unavailable(exc)
        if translated is not None:
            raise translated from exc
        if isinstance(exc, exception.AltoError) and exc.code < 500:
            raise messaging.ExpectedException()
        raise


class ObjectConductorEndpoint:
    """Server side of :class:`ObjectIndirectionAPI`, run by a conductor."""

    target = messaging.Target(namespace='objects', version='1.0')

    def __init__(self, base_class):
        self._base = base_class

    def object_class_action_versions(self, context, objname, objmethod, object_versions,
                                     args, kwargs):
        objclass = self._base.obj_class_from_name(objname, object_versions[objname])
        with _answered_as_the_caller_expects():
            return getattr(objclass, objmethod)(context, *args, **kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        oldobj = objinst.obj_clone()
        with _answered_as_the_caller_expects():
            result = getattr(objinst, objmethod)(*args, **kwargs)
        updates = {}
        for name in objinst.fields:
            if objinst.obj_attr_is_set(name) and (
                    not oldobj.obj_attr_is_set(name)
                    or getattr(oldobj, name) != getattr(objinst, name)):
                updates[name] = objinst.fields[name].to_primitive(
                    objinst, name, getattr(objinst, name))
        updates['obj_what_changed'] = list(objinst.obj_what_changed())
        return updates, result

    def object_backport_versions(self, context, objinst, object_versions):
        target = object_versions[objinst.obj_name()]
        return objinst.obj_to_primitive(target_version=target,
                                        version_manifest=object_versions)
