from oslo_versionedobjects import fields

from services.compute.objects import base


@base.register
class Aggregate(base.ComputeObject):
    """A host aggregate; its ``availability_zone`` metadata key makes an AZ."""
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'metadata': fields.DictOfStringsField(default={}),
        'hosts': fields.ListOfStringsField(default=[]),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @base.remotable
    def create(self):
        self._from_db(self._context, base.db().aggregate_create(self.changes()), self)

    @base.remotable_classmethod
    def get_by_id(cls, context, aggregate_id):
        return cls._from_db(context, base.db().aggregate_get(aggregate_id))

    @base.remotable
    def save(self):
        updates = self.changes()
        if updates:
            self._from_db(self._context, base.db().aggregate_update(self.id, updates), self)

    @base.remotable
    def destroy(self):
        base.db().aggregate_destroy(self.id)

    @property
    def availability_zone(self):
        return self.metadata.get('availability_zone')


@base.register
class AggregateList(base.ComputeObjectList, base.ComputeObject):
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('compute.Aggregate')}

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._from_rows(context, Aggregate, base.db().aggregate_get_all())

    def for_host(self, host):
        return [agg for agg in self.objects if host in agg.hosts]
