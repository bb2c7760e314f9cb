from oslo_versionedobjects import fields

from services.compute.objects import base


@base.register
class InstanceAction(base.ComputeObject):
    """One user request against a server and the events it went through."""
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'action': fields.StringField(),
        'request_id': fields.StringField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'message': fields.StringField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'events': base.JSONField(default=[]),
    }

    @base.remotable_classmethod
    def action_start(cls, context, instance_uuid, action):
        return cls._from_db(context, base.db().action_start({
            'instance_uuid': instance_uuid, 'action': action,
            'request_id': context.request_id, 'project_id': context.project_id,
            'user_id': context.user_id}))

    @base.remotable_classmethod
    def get_by_request_id(cls, context, instance_uuid, request_id):
        values = base.db().action_get(instance_uuid, request_id)
        for event in values['events']:
            for key in ('start_time', 'finish_time'):
                if event.get(key) is not None:
                    event[key] = event[key].isoformat()
        return cls._from_db(context, values)

    @base.remotable_classmethod
    def event_start(cls, context, instance_uuid, event, host=None):
        base.db().action_event_start(instance_uuid, context.request_id, event, host)

    @base.remotable_classmethod
    def event_finish(cls, context, instance_uuid, event, result='Success', traceback=None):
        base.db().action_event_finish(instance_uuid, context.request_id, event, result,
                                      traceback)


@base.register
class InstanceActionList(base.ComputeObjectList, base.ComputeObject):
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('compute.InstanceAction')}

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        return cls._from_rows(context, InstanceAction,
                              base.db().action_get_all(instance_uuid))
