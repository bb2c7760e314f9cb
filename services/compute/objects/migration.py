"""A server's move between hosts (nova's Migration): resize, cold migration,
evacuation.  The conductor records one when it places the move; the
computes move its status on as the move goes."""

from oslo_versionedobjects import fields

from services.compute.objects import base

RESIZE, MIGRATION, EVACUATION = 'resize', 'migration', 'evacuation'


@base.register
class Migration(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'instance_uuid': fields.UUIDField(),
        'migration_type': fields.StringField(),
        'status': fields.StringField(),
        'source_compute': fields.StringField(nullable=True),
        'source_node': fields.StringField(nullable=True),
        'dest_compute': fields.StringField(nullable=True),
        'dest_node': fields.StringField(nullable=True),
        'dest_host': fields.StringField(nullable=True),
        'old_instance_type_id': fields.IntegerField(nullable=True),
        'new_instance_type_id': fields.IntegerField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'hidden': fields.BooleanField(default=False),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @base.remotable_classmethod
    def record(cls, context, instance, migration_type, status, dest_compute=None,
               old_flavor_id=None, new_flavor_id=None):
        """A new migration of ``instance`` from its current host."""
        return cls._from_db(context, base.db().migration_create({
            'instance_uuid': instance.uuid, 'migration_type': migration_type,
            'status': status, 'source_compute': instance.host, 'source_node': instance.node,
            'dest_compute': dest_compute, 'dest_node': dest_compute,
            'old_instance_type_id': old_flavor_id, 'new_instance_type_id': new_flavor_id,
            'project_id': instance.project_id, 'user_id': instance.user_id}))

    @base.remotable_classmethod
    def advance(cls, context, instance_uuid, status, migration_types=None, **values):
        """Move the instance's open migration on to ``status`` (and set
        ``values``: ``dest_compute``, ...); nothing when it has none."""
        if 'dest_compute' in values:
            values['dest_node'] = values['dest_compute']
        base.db().migration_update_latest(instance_uuid, dict(values, status=status),
                                          migration_types)


@base.register
class MigrationList(base.ComputeObjectList, base.ComputeObject):
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('compute.Migration')}

    @base.remotable_classmethod
    def get_filtered(cls, context, filters):
        return cls._from_rows(context, Migration, base.db().migration_get_all(filters))
