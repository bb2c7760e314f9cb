from oslo_versionedobjects import fields

from services.compute.objects import base

# The binary names the services API shows and filters on: nova's, because
# clients, Tempest and Horizon look for them.
COMPUTE = 'nova-compute'
CONDUCTOR = 'nova-conductor'
SCHEDULER = 'nova-scheduler'


@base.register
class Service(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(),
        'binary': fields.StringField(),
        'topic': fields.StringField(nullable=True),
        'disabled': fields.BooleanField(default=False),
        'disabled_reason': fields.StringField(nullable=True),
        'forced_down': fields.BooleanField(default=False),
        'last_seen_at': fields.DateTimeField(nullable=True),
        'report_count': fields.IntegerField(default=0),
        'version': fields.StringField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @base.remotable_classmethod
    def report(cls, context, host, binary, topic, version):
        """Heartbeat: create or touch the service row."""
        return cls._from_db(context, base.db().service_report(host, binary, topic, version))

    @base.remotable_classmethod
    def get_by_id(cls, context, service_id):
        return cls._from_db(context, base.db().service_get(service_id))

    @base.remotable
    def save(self):
        updates = self.changes()
        if updates:
            self._from_db(self._context, base.db().service_update(self.id, updates), self)

    @base.remotable
    def destroy(self):
        base.db().service_delete(self.id)


@base.register
class ServiceList(base.ComputeObjectList, base.ComputeObject):
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('compute.Service')}

    @base.remotable_classmethod
    def get_all(cls, context, binary=None, host=None):
        return cls._from_rows(context, Service, base.db().service_get_all(binary, host))
