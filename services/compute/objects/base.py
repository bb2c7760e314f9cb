"""Base class, registry and DB seam of the compute objects.

Objects never import the database layer.  The conductor hands it in with
:func:`set_db_backend`; every other daemon sets ``indirection_api`` so
``@remotable`` methods run in the conductor instead.  A remotable method
that runs where no backend was set raises ``DBAccessForbidden``.
"""

from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

from common import exception as common_exc
from common import objects as common_objects

remotable = common_objects.remotable
remotable_classmethod = common_objects.remotable_classmethod

_DB_BACKEND = None


def set_db_backend(backend):
    global _DB_BACKEND
    _DB_BACKEND = backend


def db():
    """The compute DB API, available in the conductor only."""
    if _DB_BACKEND is None:
        raise common_exc.DBAccessForbidden(detail='no compute DB backend in this process')
    return _DB_BACKEND


class ComputeObjectRegistry(ovo_base.VersionedObjectRegistry):
    pass


register = ComputeObjectRegistry.register


class ComputeObject(common_objects.AltoObject):
    OBJ_PROJECT_NAMESPACE = 'altostratus.compute'

    @classmethod
    def obj_name(cls):
        # Namespaced so another service's object of the same class name can
        # live in the same process (the unit-test run) without clashing.
        return 'compute.%s' % cls.__name__

    @classmethod
    def _from_db(cls, context, values, obj=None):
        obj = obj or cls(context)
        for name, field in cls.fields.items():
            if name in values:
                value = values[name]
                if value is None and not field.nullable and field.default != fields.UnspecifiedDefault:
                    value = field.default
                setattr(obj, name, value)
        obj._context = context
        obj.obj_reset_changes()
        return obj

    def obj_what_changed(self):
        # No compute object nests another, so the changed-field set is the
        # whole answer; ovo's default also walks every field looking for
        # nested objects, which dominated serialising server listings.
        return set(self._changed_fields)

    def changes(self):
        return {name: getattr(self, name) for name in self.obj_what_changed()}

    def to_dict(self):
        return {name: getattr(self, name) for name in self.fields
                if self.obj_attr_is_set(name)}


class ComputeObjectList(ovo_base.ObjectListBase):
    def obj_what_changed(self):
        return set(self._changed_fields)

    @classmethod
    def _from_rows(cls, context, item_cls, rows):
        objs = cls(context)
        objs.objects = [item_cls._from_db(context, row) for row in rows]
        objs._context = context
        objs.obj_reset_changes()
        return objs


Serializer = common_objects.make_serializer(ComputeObject)


class JSONType(fields.FieldType):
    """Any JSON-serialisable value (flavor snapshots, network info, rules)."""

    def coerce(self, obj, attr, value):
        return value

    def to_primitive(self, obj, attr, value):
        return value

    def from_primitive(self, obj, attr, value):
        return value


class JSONField(fields.AutoTypedField):
    AUTO_TYPE = JSONType()
