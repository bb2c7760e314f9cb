from oslo_versionedobjects import fields

from services.compute.objects import base


@base.register
class KeyPair(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'name': fields.StringField(),
        'user_id': fields.StringField(),
        'fingerprint': fields.StringField(nullable=True),
        'public_key': fields.StringField(),
        'type': fields.StringField(default='ssh'),
        'created_at': fields.DateTimeField(nullable=True),
    }

    @base.remotable
    def create(self):
        self._from_db(self._context, base.db().keypair_create(self.changes()), self)

    @base.remotable_classmethod
    def get_by_name(cls, context, user_id, name):
        return cls._from_db(context, base.db().keypair_get(user_id, name))

    @base.remotable_classmethod
    def get_count_by_user(cls, context, user_id):
        return base.db().keypair_count(user_id)

    @base.remotable_classmethod
    def destroy_by_name(cls, context, user_id, name):
        base.db().keypair_destroy(user_id, name)


@base.register
class KeyPairList(base.ComputeObjectList, base.ComputeObject):
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('compute.KeyPair')}

    @base.remotable_classmethod
    def get_by_user(cls, context, user_id, limit=None, marker=None):
        return cls._from_rows(context, KeyPair, base.db().keypair_get_all(
            user_id, limit, marker))
