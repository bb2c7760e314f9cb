from oslo_versionedobjects import fields

from services.compute.objects import base


@base.register
class ServerGroup(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'project_id': fields.StringField(),
        'user_id': fields.StringField(),
        'policy': fields.StringField(),
        'rules': base.JSONField(default={}),
        'members': fields.ListOfStringsField(default=[]),
        'created_at': fields.DateTimeField(nullable=True),
    }

    @base.remotable
    def create(self):
        values = self.changes()
        values.pop('members', None)
        self._from_db(self._context, base.db().server_group_create(values), self)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        return cls._from_db(context, base.db().server_group_get(uuid))

    @base.remotable_classmethod
    def count_by_project(cls, context, project_id):
        return base.db().server_group_count(project_id)

    @base.remotable
    def destroy(self):
        base.db().server_group_destroy(self.uuid)


@base.register
class ServerGroupList(base.ComputeObjectList, base.ComputeObject):
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('compute.ServerGroup')}

    @base.remotable_classmethod
    def get_all(cls, context, project_id=None, limit=None, offset=None):
        return cls._from_rows(context, ServerGroup, base.db().server_group_get_all(
            project_id, limit, offset))
